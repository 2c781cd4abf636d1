import { readFileSync } from 'node:fs';
import os from 'node:os';

/** What the machine was doing and how it was set when a run started, in the spirit of `pyperf system show`. */
export interface SystemCheck {
  cores: number;
  loadAverage: [number, number, number];
  /** cpufreq's scaling governor of cpu0 ('performance', 'powersave', …), or null where the VM does not expose one. */
  governor: string | null;
  /** Whether turbo/boost is on, from intel_pstate's no_turbo or cpufreq's boost; null where neither is readable. */
  turbo: boolean | null;
  /** The kernel's clocksource ('tsc', 'kvm-clock', 'hpet', …); null off Linux. */
  clocksource: string | null;
  /** What one monotonic clock read costs here, ns (median of batches): every stamp a step takes pays it. */
  clockReadNs: number;
  /** Cores busy with other processes while this one idled over `sampledMs` (from /proc/stat); null off Linux. */
  othersBusyCores: number | null;
  sampledMs: number;
  /** Each thing that will make figures worse or less comparable, one short sentence each. */
  warnings: string[];
}

/** How long the check watches the CPU for other processes' work. */
export const SAMPLE_MS = 250;

/** Busy cores from other processes above which a run is warned about. */
export const BUSY_WARN_CORES = 0.25;

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Total and idle jiffies of all CPUs, from the first line of /proc/stat. */
function cpuJiffies(): { total: number; idle: number } | null {
  const line = readText('/proc/stat')?.split('\n')[0];
  if (line === undefined || !line.startsWith('cpu ')) return null;
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  // idle + iowait count as not busy.
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { total: fields.reduce((a, b) => a + b, 0), idle };
}

/** Median cost of one process.hrtime.bigint() read, from batches of reads. */
export function clockReadCost(batches = 21, reads = 20_000): number {
  const costs: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < reads; i++) process.hrtime.bigint();
    costs.push(Number(process.hrtime.bigint() - start) / reads);
  }
  costs.sort((x, y) => x - y);
  return costs[Math.floor(costs.length / 2)] ?? 0;
}

function turboState(): boolean | null {
  const noTurbo = readText('/sys/devices/system/cpu/intel_pstate/no_turbo');
  if (noTurbo !== null) return noTurbo === '0';
  const boost = readText('/sys/devices/system/cpu/cpufreq/boost');
  return boost === null ? null : boost === '1';
}

/**
 * Looks at the machine before a run: cores against the processes a row runs, load, frequency governor and turbo, the
 * clocksource and what a clock read costs, and how busy other processes keep the CPU while this process sleeps.
 */
export async function checkSystem(options: { processes?: number; sampleMs?: number } = {}): Promise<SystemCheck> {
  const sampledMs = options.sampleMs ?? SAMPLE_MS;
  const cores = os.availableParallelism();
  const before = cpuJiffies();
  const ownBefore = process.cpuUsage();
  const startedMs = performance.now();
  await new Promise((resolve) => setTimeout(resolve, sampledMs));
  const after = cpuJiffies();
  const wallMs = performance.now() - startedMs;
  const ownMs = (() => {
    const own = process.cpuUsage(ownBefore);
    return (own.user + own.system) / 1000;
  })();
  let othersBusyCores: number | null = null;
  if (before !== null && after !== null && after.total > before.total) {
    const busyShare = 1 - (after.idle - before.idle) / (after.total - before.total);
    // What this process used while it waited is not someone else's.
    othersBusyCores = Math.max(0, busyShare * cores - ownMs / wallMs);
  }
  const clockReadNs = clockReadCost();
  const check: SystemCheck = {
    cores,
    loadAverage: os.loadavg() as [number, number, number],
    governor: readText('/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor'),
    turbo: turboState(),
    clocksource: readText('/sys/devices/system/clocksource/clocksource0/current_clocksource'),
    clockReadNs,
    othersBusyCores,
    sampledMs,
    warnings: [],
  };
  check.warnings = warningsOf(check, options.processes ?? 0);
  return check;
}

/** The warnings a check gives, for a run whose rows each use `processes` processes. */
export function warningsOf(c: Omit<SystemCheck, 'warnings'>, processes: number): string[] {
  const out: string[] = [];
  if (processes > c.cores) out.push(`${processes} processes a row on ${c.cores} cores: ranks wait for a core, and tails show it (rows are marked *)`);
  if (c.loadAverage[0] > c.cores / 2) out.push(`load average ${c.loadAverage[0].toFixed(2)} on ${c.cores} cores over the last minute: the machine has been busy`);
  if (c.othersBusyCores !== null && c.othersBusyCores > BUSY_WARN_CORES) out.push(`other processes kept ${c.othersBusyCores.toFixed(2)} cores busy over ${c.sampledMs} ms`);
  if (c.governor !== null && c.governor !== 'performance') out.push(`CPU governor '${c.governor}': the clock speed moves under the run ('performance' holds it)`);
  if (c.turbo === true) out.push('turbo is on: the clock speed depends on temperature and on how many cores are busy');
  if (c.clocksource !== null && c.clocksource !== 'tsc') out.push(`clocksource ${c.clocksource}: each clock read costs ${c.clockReadNs.toFixed(0)} ns, where tsc costs tens`);
  return out;
}

/** The check as a short block: one line of facts, then one line per warning. */
export function formatSystemCheck(c: SystemCheck): string {
  const facts = [
    `${c.cores} cores`,
    `load ${c.loadAverage.map((n) => n.toFixed(2)).join(' ')}`,
    c.othersBusyCores === null ? null : `others busy ${c.othersBusyCores.toFixed(2)} cores`,
    `governor ${c.governor ?? 'n/a'}`,
    `turbo ${c.turbo === null ? 'n/a' : c.turbo ? 'on' : 'off'}`,
    `clocksource ${c.clocksource ?? 'n/a'} (${c.clockReadNs.toFixed(0)} ns a read)`,
  ].filter((f): f is string => f !== null);
  return [`system: ${facts.join(', ')}`, ...c.warnings.map((w) => `  warning: ${w}`)].join('\n');
}
