import { OptionsError } from './errors.js';

/** Returns `value` when it is an integer in [min, max]; throws OptionsError naming the option otherwise. */
export function requireInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new OptionsError(name, `must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/** Returns `value` when it is a finite number in [min, max]; throws OptionsError naming the option otherwise. */
export function requireNumber(name: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) throw new OptionsError(name, `must be a number in [${min}, ${max}], got ${String(value)}`);
  return value;
}

/** The bounds of each size option, the same in every subcommand and definition file. */
export const LIMITS = {
  batch: 4096,
  seqLen: 1 << 20,
  /** TP sizes projected onto: a broadcast needs a peer, so 2 at least. */
  tp: 1024,
  /** Real rank processes started at once (`stallbench ipc --tp`). */
  ranks: 64,
} as const;
