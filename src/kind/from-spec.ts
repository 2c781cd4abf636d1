import { CTX_META_KIND } from './ctx-meta.js';
import { messageKind } from './message.js';
import type { KindSpec, PayloadKind } from './types.js';

/** The kind a rank builds from the spec its configuration carries. */
export function kindOf(spec: KindSpec): PayloadKind<unknown> {
  return (spec.kind === 'ctx-meta' ? CTX_META_KIND : messageKind(spec.dtypes)) as PayloadKind<unknown>;
}
