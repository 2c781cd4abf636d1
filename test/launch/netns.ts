import { execFileSync } from 'node:child_process';
import { commandWorks } from '../commands.js';

/** Two network namespaces joined by a veth pair on a private /30, as two hosts on one wire. */
export interface NamespacePair {
  /** Namespace names: `a` holds rank 0, `b` the other ranks. */
  a: string;
  b: string;
  /** Their addresses on the pair. */
  addressA: string;
  addressB: string;
  /** Takes b's end of the wire down: the link fails with no FIN to either side. */
  cut(): void;
  /** Removes both namespaces and the pair. */
  remove(): void;
}

const ip = (...args: string[]): void => {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

/** Why namespace tests cannot run here (no root, no `ip`, no mpirun), or null when they can. */
export function namespacesUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not root: network namespaces need CAP_NET_ADMIN';
  if (!commandWorks('ip', ['-V'])) return 'no `ip` (Debian: iproute2)';
  if (!commandWorks('mpirun', ['--version'])) return 'no mpirun (Debian: openmpi-bin)';
  return null;
}

/** Makes a namespace pair named after this process, in a subnet of 10.213.0.0/16 that only these namespaces hold. */
export function makeNamespacePair(tag: string): NamespacePair {
  const id = `${process.pid % 100_000}${tag}`;
  const a = `sb${id}a`;
  const b = `sb${id}b`;
  // Interface names hold 15 characters at most.
  const vethA = `sv${id}a`.slice(0, 15);
  const vethB = `sv${id}b`.slice(0, 15);
  const subnet = `10.213.${process.pid % 250}.${(tag.charCodeAt(0) % 60) * 4}`;
  const base = subnet.split('.').map(Number);
  const addressA = `${base[0]}.${base[1]}.${base[2]}.${(base[3] as number) + 1}`;
  const addressB = `${base[0]}.${base[1]}.${base[2]}.${(base[3] as number) + 2}`;
  const remove = (): void => {
    for (const ns of [a, b]) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // Already gone.
      }
    }
  };
  remove();
  try {
    ip('netns', 'add', a);
    ip('netns', 'add', b);
    ip('link', 'add', vethA, 'type', 'veth', 'peer', 'name', vethB);
    ip('link', 'set', vethA, 'netns', a);
    ip('link', 'set', vethB, 'netns', b);
    ip('-n', a, 'addr', 'add', `${addressA}/30`, 'dev', vethA);
    ip('-n', b, 'addr', 'add', `${addressB}/30`, 'dev', vethB);
    for (const [ns, veth] of [[a, vethA], [b, vethB]] as const) {
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'link', 'set', veth, 'up');
    }
  } catch (error) {
    remove();
    throw error;
  }
  return { a, b, addressA, addressB, cut: () => ip('-n', b, 'link', 'set', vethB, 'down'), remove };
}
