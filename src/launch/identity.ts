import { OptionsError } from '../errors.js';

/** The launchers whose environment a rank reads its place in the world from, in the order they are tried. */
export type Launcher = 'flags' | 'torchrun' | 'openmpi' | 'pmi' | 'slurm' | 'lws';

/** Where rank 0 listens for the others to join when nothing names it: loopback, as every listening end defaults. */
export const DEFAULT_MASTER = { host: '127.0.0.1', port: 29517 };

/** One process's place in a launched world, and where its rank 0 is. */
export interface RankIdentity {
  rank: number;
  worldSize: number;
  /** Its index among the processes on its own host, where the launcher says (else null). */
  localRank: number | null;
  launcher: Launcher;
  /** Where rank 0 listens for the others to join. */
  master: { host: string; port: number };
}

/** What the command line may give in place of (or over) the launcher's environment. */
export interface IdentityFlags {
  rank?: string;
  worldSize?: string;
  master?: string;
}

// Each launcher's names for rank, world size and local rank: the first whose rank and size are both set is the one.
const CONVENTIONS: readonly { launcher: Launcher; rank: string; size: string; local: string | null }[] = [
  { launcher: 'torchrun', rank: 'RANK', size: 'WORLD_SIZE', local: 'LOCAL_RANK' },
  { launcher: 'openmpi', rank: 'OMPI_COMM_WORLD_RANK', size: 'OMPI_COMM_WORLD_SIZE', local: 'OMPI_COMM_WORLD_LOCAL_RANK' },
  { launcher: 'pmi', rank: 'PMI_RANK', size: 'PMI_SIZE', local: 'MPI_LOCALRANKID' },
  { launcher: 'slurm', rank: 'SLURM_PROCID', size: 'SLURM_NTASKS', local: 'SLURM_LOCALID' },
  { launcher: 'lws', rank: 'LWS_WORKER_INDEX', size: 'LWS_GROUP_SIZE', local: null },
];

const set = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

function integer(option: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new OptionsError(option, `'${text}' is not an integer in [${min}, ${max}]`);
  return n;
}

/** HOST:PORT (or [v6]:PORT, or HOST alone for the default port) as the master address. */
export function parseMaster(option: string, text: string, defaultPort = DEFAULT_MASTER.port): { host: string; port: number } {
  const trimmed = text.trim().replace(/^tcp:\/\//, '');
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed) ?? /^([^:]+)(?::(\d+))?$/.exec(trimmed);
  if (match === null || match[1] === undefined) throw new OptionsError(option, `'${text}' is not HOST:PORT`);
  return { host: match[1], port: match[2] === undefined ? defaultPort : integer(option, match[2], 1, 65535) };
}

/**
 * This process's rank, world size and rank 0's address: flags first, then the first launcher convention whose rank
 * and size are both in `env` (torchrun, Open MPI, MPICH/PMI, SLURM, LeaderWorkerSet). Rank 0's address: --master,
 * else MASTER_ADDR:MASTER_PORT (torchrun), else LWS_LEADER_ADDRESS, else STALLBENCH_MASTER, else loopback.
 */
export function rankIdentityOf(flags: IdentityFlags, env: NodeJS.ProcessEnv): RankIdentity {
  const convention = CONVENTIONS.find((c) => set(env[c.rank]) && set(env[c.size]));
  const fromFlags = set(flags.rank) || set(flags.worldSize);
  if (fromFlags && !(set(flags.rank) && set(flags.worldSize))) throw new OptionsError(set(flags.rank) ? 'world-size' : 'rank', 'give --rank and --world-size together');
  if (!fromFlags && convention === undefined) {
    throw new OptionsError('rank', 'no rank in the environment (RANK/WORLD_SIZE, OMPI_COMM_WORLD_RANK/SIZE, PMI_RANK/SIZE, SLURM_PROCID/NTASKS, LWS_WORKER_INDEX/GROUP_SIZE): start it under a launcher or give --rank and --world-size');
  }
  // Flags read as a convention of their own, so both paths check alike and name what they read.
  const source = fromFlags ? { launcher: 'flags' as const, rank: 'rank', size: 'world-size', local: null } : (convention as (typeof CONVENTIONS)[number]);
  const read = fromFlags ? { [source.rank]: flags.rank, [source.size]: flags.worldSize } : env;
  const worldSize = integer(source.size, read[source.size] as string, 2, 64);
  const rank = integer(source.rank, read[source.rank] as string, 0, worldSize - 1);
  const localRank = source.local !== null && set(env[source.local]) ? integer(source.local, env[source.local] as string, 0, 1023) : null;
  const port = set(env.MASTER_PORT) ? integer('MASTER_PORT', env.MASTER_PORT, 1, 65535) : DEFAULT_MASTER.port;
  const master = set(flags.master)
    ? parseMaster('master', flags.master)
    : set(env.MASTER_ADDR)
      ? { host: env.MASTER_ADDR.trim(), port }
      : set(env.LWS_LEADER_ADDRESS)
        ? parseMaster('LWS_LEADER_ADDRESS', env.LWS_LEADER_ADDRESS, port)
        : set(env.STALLBENCH_MASTER)
          ? parseMaster('STALLBENCH_MASTER', env.STALLBENCH_MASTER)
          : { ...DEFAULT_MASTER };
  return { rank, worldSize, localRank, launcher: source.launcher, master };
}
