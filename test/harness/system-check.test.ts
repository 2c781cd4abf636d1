import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSystem, formatSystemCheck, warningsOf, type SystemCheck } from '../../src/harness/system-check.js';

const quiet: Omit<SystemCheck, 'warnings'> = { cores: 16, loadAverage: [0.1, 0.1, 0.1], governor: 'performance', turbo: false, clocksource: 'tsc', clockReadNs: 20, othersBusyCores: 0, sampledMs: 250 };

describe('the system check', () => {
  it('warns about each thing that makes figures worse, and about nothing on a quiet, pinned machine', () => {
    expect(warningsOf(quiet, 3)).toEqual([]);
    expect(warningsOf({ ...quiet, cores: 2 }, 3)).toEqual(['3 processes a row on 2 cores: ranks wait for a core, and tails show it (rows are marked *)']);
    expect(warningsOf({ ...quiet, loadAverage: [9, 1, 1] }, 3)[0]).toMatch(/^load average 9\.00 on 16 cores/);
    expect(warningsOf({ ...quiet, othersBusyCores: 1.5 }, 3)[0]).toMatch(/^other processes kept 1\.50 cores busy over 250 ms/);
    expect(warningsOf({ ...quiet, governor: 'powersave' }, 3)[0]).toMatch(/^CPU governor 'powersave'/);
    expect(warningsOf({ ...quiet, turbo: true }, 3)[0]).toMatch(/^turbo is on/);
    expect(warningsOf({ ...quiet, clocksource: 'kvm-clock', clockReadNs: 310 }, 3)[0]).toBe('clocksource kvm-clock: each clock read costs 310 ns, where tsc costs tens');
    // Unreadable settings are not warned about: a VM without cpufreq is not a misconfigured one.
    expect(warningsOf({ ...quiet, governor: null, turbo: null, clocksource: null, othersBusyCores: null }, 3)).toEqual([]);
  });

  it('reads this machine: its cores, its clocksource and what a clock read costs', async () => {
    const check = await checkSystem({ processes: 1 });
    expect(check.cores).toBe(os.availableParallelism());
    expect(check.clockReadNs).toBeGreaterThan(0);
    expect(check.clockReadNs).toBeLessThan(100_000);
    if (process.platform === 'linux') {
      expect(check.clocksource).toMatch(/^[\w-]+$/);
      expect(check.othersBusyCores).not.toBeNull();
    }
    const text = formatSystemCheck(check);
    expect(text.split('\n')[0]).toMatch(/^system: \d+ cores, load [\d.]+ [\d.]+ [\d.]+, /);
    expect(text.split('\n')).toHaveLength(1 + check.warnings.length);
  });

  it.skipIf(process.platform !== 'linux')('sees another process keeping a core busy', async () => {
    // A child that spins for at most 20 s; the check is repeated until it sees the core taken (bounded).
    const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 20000; while (Date.now() < end);'], { stdio: 'ignore' });
    try {
      let seen = 0;
      for (let attempt = 0; attempt < 40 && seen < 0.5; attempt++) seen = (await checkSystem({ sampleMs: 200 })).othersBusyCores ?? 0;
      expect(seen).toBeGreaterThanOrEqual(0.5);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('stallbench check prints the block, or JSON, and refuses a bad flag in one line', () => {
    const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
    const text = spawnSync(process.execPath, [cli, 'check', '--processes', '2'], { encoding: 'utf8' });
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^system: /);
    const json = spawnSync(process.execPath, [cli, 'check', '--json'], { encoding: 'utf8' });
    expect((JSON.parse(json.stdout) as SystemCheck).cores).toBe(os.availableParallelism());
    const bad = spawnSync(process.execPath, [cli, 'check', '--processes', '0'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
