import { OptionsError } from './errors.js';

/** Returns `value` when it is an integer in [min, max]; throws OptionsError naming the option otherwise. */
export function requireInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new OptionsError(name, `must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}
