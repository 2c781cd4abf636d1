import { parseArgs } from 'node:util';
import { OptionsError } from '../errors.js';
import { serveAgent } from '../launch/agent.js';
import { rankIdentityOf, type RankIdentity } from '../launch/identity.js';
import { openWorld } from '../launch/world.js';
import { runSecretFromEnv, SECRET_ENV, SECRET_FILE_ENV } from '../transport/run-secret.js';
import { positiveNumber } from './args.js';
import { abortOnSignals } from './interrupt.js';
import { setLaunchedWorld } from './launched-world.js';

/** Help text of `stallbench rank`. */
export const RANK_HELP = `usage: stallbench rank [options] [-- COMMAND [its options]]

One process of a world a launcher started (mpirun, srun, torchrun, or one shell per host). Rank 0 is the scheduler:
it runs COMMAND (sweep, stall, ipc or run; default: sweep --transport tcp) exactly as it runs alone, its tcp and tcp-plain
sessions' ranks on the other processes' hosts (so COMMAND needs --transport tcp or tcp-plain, beside any other);
the first such session waits for the others to join. Every other rank serves rank 0 until it stops them, and
exits; if rank 0 is lost, so are they, and nothing they started is left behind.

The rank, the world size and rank 0's address come from the launcher's environment: torchrun (RANK, WORLD_SIZE,
LOCAL_RANK, MASTER_ADDR, MASTER_PORT), Open MPI (OMPI_COMM_WORLD_RANK, _SIZE, _LOCAL_RANK), MPICH/PMI (PMI_RANK,
PMI_SIZE), SLURM (SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID), LeaderWorkerSet (LWS_WORKER_INDEX, LWS_GROUP_SIZE,
LWS_LEADER_ADDRESS), or the flags. Every rank needs the run's secret, the same on every host, from
${SECRET_FILE_ENV} (a file) or ${SECRET_ENV} (hex), never the command line: rank 0's rendezvous is a
CurveZMQ server, its tcp and tcp-plain sessions check the secret at every handshake, and a peer without it is
refused and counted.

  --rank N            this process's rank (with --world-size; over the launcher's)
  --world-size N      processes in the world, rank 0 included
  --master HOST:PORT  where rank 0 listens for the others (default: MASTER_ADDR:MASTER_PORT, LWS_LEADER_ADDRESS or
                      STALLBENCH_MASTER, else 127.0.0.1:29517); an IP address binds that interface, a host name
                      every interface; rank 0's tcp sessions listen there too
  --join-timeout S    longest wait for the world to form, s (default: 60): a rank that cannot reach rank 0, or a
                      rank 0 left short of ranks, says so in one line and exits 2
  --peer-timeout S    a peer unheard this long is lost, s (default: 10; rank 0's holds for the world)
  --help              this text

While the world forms, a rank that disagrees on its size, or claims a rank another holds, is refused, and rank 0
and every rank that joined exit 2; one that comes after it formed is refused, and the run goes on.`;

/** What rank 0 runs when nothing follows `--`: the sweep, over the transport the world's ranks serve. */
const DEFAULT_COMMAND = ['sweep', '--transport', 'tcp'];

/** What rank 0 runs once the world has formed: the command line's own dispatch. */
export type RunCommand = (argv: string[]) => Promise<number>;

/** A timeout option in seconds, (0, 3600], as ms. */
function secondsOption(option: string, text: string): number {
  const seconds = positiveNumber(option, text);
  if (seconds > 3600) throw new OptionsError(option, `'${text}' is over an hour`);
  return Math.round(seconds * 1000);
}

/** Runs `stallbench rank`; returns the exit code. */
export async function rankCommand(args: string[], run: RunCommand): Promise<number> {
  const split = args.indexOf('--');
  const own = split === -1 ? args : args.slice(0, split);
  const command = split === -1 ? [] : args.slice(split + 1);
  const { values } = parseArgs({
    args: own,
    options: {
      rank: { type: 'string' },
      'world-size': { type: 'string' },
      master: { type: 'string' },
      'join-timeout': { type: 'string', default: '60' },
      'peer-timeout': { type: 'string', default: '10' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(RANK_HELP);
    return 0;
  }
  const identity: RankIdentity = rankIdentityOf({ rank: values.rank, worldSize: values['world-size'], master: values.master }, process.env);
  const joinTimeoutMs = secondsOption('join-timeout', values['join-timeout']);
  const peerTimeoutMs = secondsOption('peer-timeout', values['peer-timeout']);
  const secret = runSecretFromEnv();
  if (secret === null) throw new OptionsError('secret', `every rank needs the run's secret, the same on every host: ${SECRET_FILE_ENV}=FILE or ${SECRET_ENV}=HEX`);
  // Every rank checks what rank 0 will run, so a typo fails everywhere at once.
  const [first] = command;
  if (first !== undefined && !['sweep', 'stall', 'ipc', 'run'].includes(first) && !first.startsWith('-')) throw new OptionsError('rank', `rank 0 runs sweep, stall, ipc or run, not '${first}'`);
  if (identity.rank !== 0) {
    const local = new AbortController();
    abortOnSignals(local);
    return serveAgent({ identity, secret, joinTimeoutMs, peerTimeoutMs, signal: local.signal, say: (line) => console.error(`stallbench rank: ${line}`) });
  }
  // The world forms while the command parses its options, so a typo fails at once, not after the join timeout.
  const world = await openWorld({
    identity,
    secret,
    joinTimeoutMs,
    peerTimeoutMs,
    onFormed: (agents) => console.error(`stallbench rank: rank 0 of ${identity.worldSize} (${identity.launcher}); joined: ${agents.map((a) => `rank ${a.rank} on ${a.host}`).join(', ')}`),
  });
  setLaunchedWorld(world);
  let code = 1;
  try {
    code = await run(command.length === 0 ? DEFAULT_COMMAND : command);
    if (world.refusedPeers() > 0) console.error(`stallbench rank: ${world.refusedPeers()} handshake${world.refusedPeers() === 1 ? ' was' : 's were'} refused at the rendezvous for want of the run's secret`);
    return code;
  } finally {
    setLaunchedWorld(null);
    await world.close({ ok: code === 0, reason: `its command exited ${code}` });
  }
}
