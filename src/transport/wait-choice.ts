import { OptionsError } from '../errors.js';
import { requireNumber } from '../options.js';
import type { WaitPolicy } from './shm-ring-wait.js';

/** Longest idle step, ms: far inside the ranks' idle timeout (60 s), which a silent scheduler must not reach. */
export const MAX_IDLE_MS = 10_000;

/** A spin this long never ends within a run: the `spin` policy. */
export const SPIN_ALWAYS_US = 60_000_000;

/** The adaptive policy's grace bounds: it spins 1 ms when steps come 1 ms apart, 20 ms at most, 50 µs at least. */
export const ADAPTIVE_GRACE = { pivotUs: 1000, minUs: 50, maxUs: 20_000 } as const;

/** The wait policies as a user names them, in the order reports list them. */
export const WAIT_CHOICES = ['sleep', 'spin:N', 'spin', 'adaptive', 'adaptive:PIVOT'] as const;

/**
 * The policy a name stands for: `sleep` blocks at once, `spin:N` spins N µs then blocks, `spin` never stops spinning,
 * `adaptive[:PIVOT]` spins a grace that follows the gap between steps (clamp(PIVOT² / gap, 50 µs, 20 ms), PIVOT
 * 1000 µs by default). Throws OptionsError naming the choices.
 */
export function waitChoiceOf(text: string): Partial<WaitPolicy> {
  const name = text.trim();
  const micros = (digits: string): number => {
    const us = Number(digits);
    if (!/^\d+$/.test(digits) || us > SPIN_ALWAYS_US) throw new OptionsError('wait', `'${name}': ${digits} is not an integer number of µs in [0, ${SPIN_ALWAYS_US}]`);
    return us;
  };
  if (name === 'sleep') return { spinUs: 0 };
  if (name === 'spin') return { spinUs: SPIN_ALWAYS_US };
  if (name.startsWith('spin:')) return { spinUs: micros(name.slice(5)) };
  if (name === 'adaptive' || name.startsWith('adaptive:')) {
    const pivotUs = name === 'adaptive' ? ADAPTIVE_GRACE.pivotUs : micros(name.slice(9));
    if (pivotUs < 1) throw new OptionsError('wait', `'${name}': the pivot must be at least 1 µs`);
    return { spinUs: pivotUs, adaptive: { ...ADAPTIVE_GRACE, pivotUs } };
  }
  throw new OptionsError('wait', `unknown wait policy '${name}'; known: ${WAIT_CHOICES.join(', ')}`);
}

/** The choices of a comma-separated list, each checked, none twice. */
export function waitChoicesOf(text: string): string[] {
  const names = text.split(',').map((n) => n.trim());
  for (const name of names) waitChoiceOf(name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new OptionsError('wait', `'${twice}' is listed twice`);
  return names;
}

/** The short name of a resolved policy; null (an end that blocks in the kernel, as ZeroMQ's does by default) is `sleep`. */
export function waitLabelOf(policy: WaitPolicy | null): string {
  if (policy === null || (policy.spinUs === 0 && policy.adaptive === undefined)) return 'sleep';
  if (policy.adaptive !== undefined) return policy.adaptive.pivotUs === ADAPTIVE_GRACE.pivotUs ? 'adaptive' : `adaptive:${policy.adaptive.pivotUs}`;
  return policy.spinUs >= SPIN_ALWAYS_US ? 'spin' : `spin:${policy.spinUs}`;
}

/** Checks a run's wait policies and idle step: each policy known and listed once, the idle step in [0, MAX_IDLE_MS] ms. */
export function checkWaitOptions(options: { wait?: readonly string[]; idleMs?: number }): void {
  if (options.wait !== undefined) {
    if (options.wait.length === 0) throw new OptionsError('wait', 'names no policy; leave it out for the transport\'s own');
    waitChoicesOf(options.wait.join(','));
  }
  requireNumber('idleMs', options.idleMs ?? 0, 0, MAX_IDLE_MS);
}

/** The cores a rank's wait keeps busy through an idle gap of `gapMs`, projected from its policy, with the basis. */
export function projectedIdleCores(policy: WaitPolicy | null, gapMs: number): { cores: number; basis: string } {
  const gapUs = gapMs * 1000;
  if (policy === null || (policy.spinUs === 0 && policy.adaptive === undefined)) return { cores: 0, basis: 'blocks at once' };
  if (policy.adaptive !== undefined) {
    const { pivotUs, minUs, maxUs } = policy.adaptive;
    const grace = Math.min(maxUs, Math.max(minUs, pivotUs ** 2 / Math.max(1, gapUs)));
    return { cores: Math.min(1, grace / gapUs), basis: `grace ${Math.round(grace)} µs at a ${gapMs} ms gap` };
  }
  return { cores: Math.min(1, policy.spinUs / gapUs), basis: policy.spinUs >= gapUs ? 'spins through the gap' : `spins ${policy.spinUs} µs of ${gapMs} ms` };
}
