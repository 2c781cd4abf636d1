import type { SamplingPlan } from '../broadcast/sampling.js';
import { openRankSession, type AllocationRegime, type TcpRunOptions } from '../broadcast/session.js';
import type { PayloadSize } from '../bench/sizes.js';
import { CTX_META_KIND } from '../kinds/ctx-meta/kind.js';
import { generatedSource } from '../kinds/ctx-meta/source.js';
import type { MessageKind, StepSource } from '../kinds/types.js';
import { checkShmRingOptionsUse, type ShmRingOptions } from '../transport/shm-ring.js';
import type { TransportName } from '../transport/types.js';
import { checkWaitOptions } from '../transport/wait-choice.js';
import { measureBaseline } from './baseline.js';
import { gateCodec } from './gate.js';
import { measuredReport } from './report.js';
import { overBlocks, type StallRow } from './row.js';
import { stepsNeeded } from '../broadcast/sampling.js';

/** Options of benchIpc. */
export interface IpcBenchOptions {
  codecs: readonly string[];
  sizes: readonly PayloadSize[];
  tp: number;
  plan: SamplingPlan;
  /** @default 'ipc' */
  transport?: TransportName;
  /** Geometry and wait policy of the shm-ring transport; each row records the policy that ran. */
  shmRing?: ShmRingOptions;
  regime?: AllocationRegime;
  /** Where the tcp transport listens (loopback unless asked). */
  tcp?: TcpRunOptions;
  /** Wait policies to measure under, each on ranks of its own (waitChoiceOf); rows record theirs. @default the transport's own */
  wait?: readonly string[];
  /** Rank 0's sleep before each step, ms (the GPU's step stood in for). @default 0 */
  idleMs?: number;
  onProgress?: (text: string) => void;
  signal?: AbortSignal;
}

/** Broadcasts every codec's full payloads at every size on one set of live ranks, with the floors measured beside them. */
export async function benchIpc(options: IpcBenchOptions): Promise<StallRow[]> {
  const transport = options.transport ?? 'ipc';
  checkShmRingOptionsUse(options.shmRing, [transport]);
  checkWaitOptions(options);
  const rows: StallRow[] = [];
  for (const wait of options.wait ?? [null]) rows.push(...(await benchOnePolicy(options, transport, wait)));
  return rows;
}

/** benchIpc's rows on one set of ranks, waiting as `wait` says (null: the transport's own way). */
async function benchOnePolicy(options: IpcBenchOptions, transport: TransportName, wait: string | null): Promise<StallRow[]> {
  const kind = CTX_META_KIND as unknown as MessageKind;
  const session = await openRankSession({ tp: options.tp, transport, shmRing: options.shmRing, tcp: options.tcp, ...(wait === null ? {} : { wait }), idleMs: options.idleMs ?? 0, signal: options.signal });
  const rows: StallRow[] = [];
  try {
    const baseline = await measureBaseline(session, options.plan);
    for (const size of options.sizes) {
      // Consecutive decode steps, long enough that no measured step wraps around: no rank sees the same bytes twice.
      const source = generatedSource({ ...size, steps: stepsNeeded(options.plan), seed: 1, finishRate: 0 }) as unknown as StepSource;
      for (const codec of options.codecs) {
        options.onProgress?.(`${codec} at ${size.batch} x ${size.seqLen}, tp=${options.tp}${wait === null ? '' : `, wait ${wait}`}`);
        // Nothing is timed for a codec that loses data: the steps must come back bit for bit first, as in the sweep.
        const gated = await gateCodec(codec, kind, source, 'full');
        const m = await session.measure({ codec, kind, strategy: 'full', source, plan: options.plan, regime: options.regime ?? 'reused', verifyEvery: 10 });
        const report = await measuredReport(m, { form: gated.form, transport, kind, source, baseline, tp: session.tp });
        rows.push({
          runtime: 'node',
          codec: gated.name,
          codecModule: gated.module,
          sequence: 'generated',
          strategy: 'full',
          transport,
          ...(wait === null ? {} : { wait }),
          ...size,
          report,
          projections: [],
          blocks: [report.stall.p50],
          stallOverBlocks: overBlocks(report.stall, []),
          blockSpread: 0,
          launches: [{ p50: report.stall.p50, ci95: report.stall.ci95, n: report.stall.n }],
          launchSpread: 0,
        });
      }
    }
  } finally {
    await session.close();
  }
  return rows;
}
