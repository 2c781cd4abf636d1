import { OptionsError } from '../errors.js';
import { LIMITS } from '../options.js';

/** A batch x seqLen pair. */
export interface PayloadSize {
  batch: number;
  seqLen: number;
}

/** Parses "64x512,64x32768" into sizes; throws OptionsError on anything else. */
export function parseSizes(text: string): PayloadSize[] {
  return text.split(',').map((part) => {
    const match = /^\s*(\d+)\s*x\s*(\d+)\s*$/.exec(part);
    if (match === null) throw new OptionsError('sizes', `'${part}' is not BATCHxSEQLEN, e.g. 64x4096`);
    const size = { batch: Number(match[1]), seqLen: Number(match[2]) };
    if (size.batch < 1 || size.batch > LIMITS.batch || size.seqLen < 1 || size.seqLen > LIMITS.seqLen) {
      throw new OptionsError('sizes', `'${part}' is outside 1..${LIMITS.batch} x 1..${LIMITS.seqLen}`);
    }
    return size;
  });
}
