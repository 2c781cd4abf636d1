// Entry point of ranks 1..tp-1: take a configuration, then receive each step, decode, convert, derive, check, answer.
import { openCodec } from '../codecs/module.js';
import type { Codec } from '../codecs/types.js';
import { toColumnar } from '../kinds/form.js';
import { messageFingerprint } from '../message/fingerprint.js';
import { kindOf } from '../kinds/from-spec.js';
import type { MessageKind } from '../kinds/types.js';
import { connectRankTransport } from '../transport/open.js';
import { runSecretFromEnv } from '../transport/run-secret.js';
import { gcWindow } from '../harness/gc-time.js';
import { readCounters as counters } from '../harness/run-queue.js';
import { turn } from '../transport/shm-ring-wait.js';
import { isTcp, type TransportAddress } from '../transport/types.js';
import { INJECTED_CRASH_EXIT_CODE } from './faults.js';
import { nowNs as hostNs, packControl, unpackControl, type Ack, type RankConfiguration } from './protocol.js';

/** A test's shift of this rank's clock, ns (STALLBENCH_TEST_CLOCK_SHIFT_NS): the offset estimate must recover it. */
const CLOCK_SHIFT_NS = Number(process.env.STALLBENCH_TEST_CLOCK_SHIFT_NS ?? 0) || 0;
/** This rank's clock: the host's CLOCK_MONOTONIC, shifted only under that test hook. */
const nowNs = (): number => hostNs() + CLOCK_SHIFT_NS;

/** User + system CPU time this process has used, µs. */
function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}
import { readStepHeader, stepCheckOf, tokenBytesOf } from './step-header.js';

/** What the scheduler hands a rank on its command line. */
export interface RankStart {
  rank: number;
  token: string;
  address: TransportAddress;
  idleTimeoutMs: number;
}

interface Configured {
  config: RankConfiguration;
  kind: MessageKind;
  codec: Codec;
  side: ReturnType<MessageKind['rankSide']>;
}

async function configure(rank: number, config: RankConfiguration): Promise<Configured> {
  const kind = kindOf(config.kind);
  const codec = await openCodec(config.codec, { ...(kind.schemaCodecs === undefined ? {} : { schemaCodecs: kind.schemaCodecs }), shmRing: { readerIndex: rank - 1 } });
  return { config, kind, codec, side: kind.rankSide(config.strategy) };
}


// msgpack has no NaN-free way to say unknown: a field left out is.
const runQueueOf = (us: number): { runQueueUs?: number } => (Number.isFinite(us) ? { runQueueUs: us } : {});

async function main(start: RankStart): Promise<void> {
  // A tcp rank's keys come from the run's secret, which its environment carries and no command line does.
  const transport = connectRankTransport(start.address, start.idleTimeoutMs, start.rank, isTcp(start.address.transport) ? runSecretFromEnv() : null);
  const tokenBytes = tokenBytesOf(start.token);
  const yieldEveryMs = start.address.transport === 'shm-ring' ? start.address.wait.yieldEveryMs : Number.POSITIVE_INFINITY;
  let lastTurn = performance.now();
  const ack = (fields: Omit<Ack, 'token' | 'rank'>): Promise<void> => transport.send(packControl({ token: start.token, rank: start.rank, ...fields }));
  const quiet = { config: 0, decodedNs: 0, convertedNs: 0, readyNs: 0, pageFaults: 0, verified: null, error: null };
  await ack({ ...quiet, kind: 'hello', step: -1, receivedNs: nowNs() });
  let current: Configured | null = null;
  let last = counters();
  const gc = gcWindow();
  try {
    for (;;) {
      // While the transport spins, a message is taken the moment it comes, with no microtask hop before the stamp,
      // whether it comes in the first stretch of spinning or a later one (the event loop gets a turn between them,
      // and before a stretch once yieldEveryMs has passed without one, so a steady run of steps cannot starve it).
      if (performance.now() - lastTurn >= yieldEveryMs) {
        await turn();
        lastTurn = performance.now();
      }
      let frames = transport.receiveNow?.() ?? null;
      while (frames === null && transport.receiveNow !== undefined && transport.spinning?.() === true) {
        await turn();
        lastTurn = performance.now();
        frames = transport.receiveNow();
      }
      const waited = frames === null;
      frames ??= await transport.receive();
      const receivedNs = nowNs();
      // A wait in receive() gave the event loop its turns.
      if (waited) lastTurn = performance.now();
      // A scheduler silent for the idle timeout has gone without a word: the rank exits rather than wait forever.
      if (frames === null) throw new Error(`no message from the scheduler for ${start.idleTimeoutMs} ms`);
      const header = readStepHeader(frames[0], tokenBytes);
      if (header === null) {
        const command = unpackControl(frames[0]);
        // Frames without this run's token come from someone else and are dropped.
        if (command === null || command.token !== start.token) continue;
        if (command.kind === 'stop') break;
        if (command.kind === 'ping') {
          // The process's CPU time so far rides on every ping: sampled between blocks, it costs no step anything.
          await ack({ ...quiet, kind: 'ping', step: Number(command.step), receivedNs, cpuUs: cpuMicros() });
          continue;
        }
        if (command.kind === 'configure') {
          const config = command.config as RankConfiguration;
          current?.codec.dispose?.();
          current = null;
          let error: string | null = null;
          try {
            current = await configure(start.rank, config);
          } catch (e) {
            error = e instanceof Error ? e.message : String(e);
          }
          await ack({ ...quiet, kind: 'configured', config: config.id, step: -1, receivedNs, error });
        }
        continue;
      }
      if (current === null || header.config !== current.config.id) continue;
      const step = header.step;
      const fault = current.config.fault;
      if (fault !== null && fault.rank === start.rank && fault.step === step) {
        if (fault.kind === 'crash') process.exit(INJECTED_CRASH_EXIT_CODE);
        if (fault.kind === 'kill') process.kill(process.pid, 'SIGKILL');
        if (fault.kind === 'hang') await new Promise(() => setInterval(() => undefined, 1000));
      }
      const { kind, codec, side } = current;
      let decodedNs = receivedNs;
      let convertedNs = receivedNs;
      let readyNs = receivedNs;
      let verified: boolean | null = null;
      let error: string | null = null;
      try {
        if (header.restart) side.reset();
        const decoded = codec.decode(frames.slice(1));
        decodedNs = nowNs();
        // Boxed codecs hand back lists; the rank needs arrays before it can launch, so the conversion is timed.
        const wire = toColumnar(kind, codec, decoded);
        convertedNs = nowNs();
        const view = side.apply(wire);
        readyNs = nowNs();
        // Checked after the clock stops: verification is the test's cost, not the engine's.
        if (header.checkLength > 0) verified = messageFingerprint(side.payloadOf(view)) === stepCheckOf(frames[0] as Uint8Array, header);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      codec.release?.();
      // Taken after the clock stopped: this step's cycle, answer to answer, for the tail's attribution.
      const now = counters();
      const gcMs = gc.take();
      await ack({ kind: 'step', config: current.config.id, step, receivedNs, decodedNs, convertedNs, readyNs, pageFaults: now.faults - last.faults, involuntary: now.involuntary - last.involuntary, gcMs, ...runQueueOf(now.runQueueUs - last.runQueueUs), verified, error });
      last = now;
    }
  } finally {
    current?.codec.dispose?.();
    transport.close();
  }
}

// The parent going away closes the IPC channel; a rank never outlives its scheduler.
process.on('disconnect', () => process.exit(0));
main(JSON.parse(process.argv[2] ?? '{}') as RankStart).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`rank failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(3);
  },
);
