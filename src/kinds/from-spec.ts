import { messageKind } from './captured.js';
import { CTX_META_KIND } from './ctx-meta/kind.js';
import { EMPTY_KIND } from './empty.js';
import type { KindSpec, MessageKind } from './types.js';

/** The kind a rank builds from the spec its configuration carries. */
export function kindOf(spec: KindSpec): MessageKind {
  switch (spec.kind) {
    case 'ctx-meta':
      return CTX_META_KIND as unknown as MessageKind;
    case 'message':
      return messageKind(spec.dtypes);
    case 'empty':
      return EMPTY_KIND;
  }
}
