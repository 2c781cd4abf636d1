import { CTX_META_KIND } from './ctx-meta/kind.js';
import { EMPTY_KIND } from './empty.js';
import { messageKind } from './captured.js';
import type { KindSpec, PayloadKind } from './types.js';

/** The kind a rank builds from the spec its configuration carries. */
export function kindOf(spec: KindSpec): PayloadKind<unknown> {
  switch (spec.kind) {
    case 'ctx-meta':
      return CTX_META_KIND as PayloadKind<unknown>;
    case 'message':
      return messageKind(spec.dtypes) as PayloadKind<unknown>;
    case 'empty':
      return EMPTY_KIND as PayloadKind<unknown>;
  }
}
