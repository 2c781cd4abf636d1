// Entry point of ranks 1..tp-1: receive each step, decode, check, acknowledge. Started by runBroadcast.
import { Push, Subscriber } from 'zeromq';
import { asColumnar } from '../codecs/form.js';
import { createCodec, type CodecName } from '../codecs/registry.js';
import { createShmCodec } from '../codecs/shm.js';
import type { Codec } from '../codecs/types.js';
import { fingerprint } from '../payload/fingerprint.js';
import { createRankSide } from '../strategies/strategies.js';
import type { StrategyName } from '../strategies/types.js';
import { INJECTED_CRASH_EXIT_CODE, type FaultInjection } from './faults.js';
import { nowNs, packControl, unpackControl, type Ack } from './protocol.js';

/** What runBroadcast hands a rank on its command line. */
export interface RankConfig {
  rank: number;
  token: string;
  codec: CodecName;
  stepsEndpoint: string;
  acksEndpoint: string;
  idleTimeoutMs: number;
  strategy: StrategyName;
  fault: FaultInjection | null;
}

function codecFor(config: RankConfig): Codec {
  return config.codec === 'shm' ? createShmCodec({ readerIndex: config.rank - 1 }) : createCodec(config.codec);
}

async function main(config: RankConfig): Promise<void> {
  const codec = codecFor(config);
  const side = createRankSide(config.strategy);
  // Idle timeout: a rank whose scheduler vanished without a word exits instead of waiting forever.
  const steps = new Subscriber({ linger: 0, receiveTimeout: config.idleTimeoutMs });
  const acks = new Push({ linger: 0, sendTimeout: config.idleTimeoutMs });
  steps.connect(config.stepsEndpoint);
  steps.subscribe();
  acks.connect(config.acksEndpoint);
  const ack = (fields: Omit<Ack, 'token' | 'rank'>): Promise<void> =>
    acks.send(packControl({ token: config.token, rank: config.rank, ...fields }));
  const start = nowNs();
  await ack({ kind: 'hello', step: -1, receivedNs: start, decodedNs: start, readyNs: start, verified: null, error: null });

  for (;;) {
    const frames = await steps.receive();
    const receivedNs = nowNs();
    const header = unpackControl(frames[0]);
    // Frames without this run's token are dropped: they come from someone else.
    if (header === null || header.token !== config.token || typeof header.step !== 'number') continue;
    const step = header.step;
    if (header.kind === 'stop') break;
    if (header.kind === 'ping') {
      await ack({ kind: 'ping', step, receivedNs, decodedNs: receivedNs, readyNs: receivedNs, verified: null, error: null });
      continue;
    }
    const fault = config.fault;
    if (fault !== null && fault.rank === config.rank && fault.step === step) {
      if (fault.kind === 'crash') process.exit(INJECTED_CRASH_EXIT_CODE);
      if (fault.kind === 'kill') process.kill(process.pid, 'SIGKILL');
      if (fault.kind === 'hang') await new Promise(() => setInterval(() => undefined, 1000));
    }
    let decodedNs: number;
    let readyNs: number;
    let verified: boolean | null = null;
    let error: string | null = null;
    try {
      const decoded = codec.decode(frames.slice(1));
      decodedNs = nowNs();
      // Boxed results become arrays for the strategy's step untimed: the boxed form is already the engine's own.
      const wire = asColumnar(codec, decoded);
      const applyStart = nowNs();
      const view = side.apply(wire);
      readyNs = decodedNs + (nowNs() - applyStart);
      // Checked after the clock stops: verification is the test's cost, not the engine's.
      if (typeof header.check === 'string' && header.check !== '') verified = fingerprint(view) === header.check;
    } catch (e) {
      readyNs = decodedNs = nowNs();
      error = e instanceof Error ? e.message : String(e);
    }
    if ('release' in codec && typeof codec.release === 'function') codec.release();
    await ack({ kind: 'step', step, receivedNs, decodedNs, readyNs, verified, error });
  }
  steps.close();
  acks.close();
  codec.dispose?.();
}

// The parent going away closes the IPC channel; a rank never outlives its scheduler.
process.on('disconnect', () => process.exit(0));
main(JSON.parse(process.argv[2] ?? '{}') as RankConfig).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`rank failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(3);
  },
);
