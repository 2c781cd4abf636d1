// The package's public surface: what a user calls. Everything else stays importable inside the package, not from here.

// Messages: the model, CtxMeta and captured sequences, their kinds.
export type { Dtype, DtypeMap, MessageRecord, MessageValue, BoxedMessageRecord, MessageSequence, NumericArray } from './message/types.js';
export type { CtxMeta, BoxedCtxMeta, BoxedRequest } from './kinds/ctx-meta/types.js';
export type { MessageKind, KindSpec, StepSource, SchedulerSide, RankSide } from './kinds/types.js';
export type { StrategyName } from './kinds/strategy.js';
export type { GenerateOptions, Phase, SeqLenDistribution } from './kinds/ctx-meta/generate.js';
export type { StepSequenceOptions } from './kinds/ctx-meta/sequence.js';
export type { VllmStyleOptions } from './kinds/vllm-style.js';
export type { LoadMessagesOptions } from './message/load.js';
export type { ParseLimits, MessageFileFormat } from './message/parse.js';
export { generateCtxMeta } from './kinds/ctx-meta/generate.js';
export { generateStepSequence } from './kinds/ctx-meta/sequence.js';
export { validateCtxMeta } from './kinds/ctx-meta/validate.js';
export { CTX_META_KIND } from './kinds/ctx-meta/kind.js';
export { messageKind, capturedInput } from './kinds/captured.js';
export { generateVllmStyleMessages } from './kinds/vllm-style.js';
export { loadMessages } from './message/load.js';
export { messageFingerprint } from './message/fingerprint.js';
export { diffMessages } from './message/equal.js';
export { STRATEGY_NAMES } from './kinds/strategy.js';

// Codecs: one per library, each carrying every kind of message.
export type { Codec, ColumnarCodec, BoxedCodec, CodecForm, Frames, FrameAllocator } from './codecs/types.js';
export type { CodecName, CodecOptions } from './codecs/registry.js';
export type { ShmCodec } from './codecs/shm.js';
export type { FramePool, FrameLease } from './codecs/frame-pool.js';
export { createCodec, listCodecs } from './codecs/registry.js';
export { openCodec } from './codecs/module.js';
export { createJsonCodec } from './codecs/json.js';
export { createMsgpackCodec, createMsgpackBoxedCodec } from './codecs/msgpack.js';
export { createCborCodec, createCborBoxedCodec } from './codecs/cbor.js';
export { createFlatbuffersCodec } from './codecs/flatbuffers.js';
export { createProtobufCodec } from './codecs/protobuf.js';
export { createV8Codec, createV8BoxedCodec } from './codecs/v8.js';
export { createShmCodec } from './codecs/shm.js';
export { createFramePool } from './codecs/frame-pool.js';
export { unlinkAllShmRegions } from './shm/region.js';

// Measuring: the gate, measureStall, sessions, broadcasts, the sweep.
export type { MeasureInput } from './run/input.js';
export type { MeasureStallOptions } from './run/measure-stall.js';
export type { StallRow, Projection, LaunchSummary, ProcessCpu } from './run/row.js';
export type { MeasuredReport, MeasuredTransport, Floors, StallSamples } from './run/report.js';
export type { TailAttribution } from './run/tails.js';
export type { BroadcastOptions, BroadcastResult } from './run/broadcast.js';
export type { RankSession, SessionOptions, MeasureRun, Measurement, AllocationRegime, ActiveRun, Runtime } from './broadcast/session.js';
export type { StepRecord, RankTimes } from './broadcast/records.js';
export type { SamplingPlan, WarmupPlan, SamplingPresetName } from './broadcast/sampling.js';
export type { FaultInjection } from './broadcast/faults.js';
export type { TransportName } from './transport/types.js';
export type { ShmRingOptions } from './transport/shm-ring.js';
export type { AdaptiveGrace, WaitPolicy } from './transport/shm-ring-wait.js';
export { projectedIdleCores, waitChoiceOf, waitLabelOf, WAIT_CHOICES } from './transport/wait-choice.js';
export type { PythonSession, PythonSessionOptions } from './python/session.js';
export type { SweepOptions, SweepOutcome, Timeline } from './sweep/types.js';
export type { BenchmarkDefinition, Suite } from './cli/definition.js';
export type { SampleSummary } from './stats/summary.js';
export type { StallBand, GpuProjection } from './model/projection.js';
export type { StepPresetName, StepTime } from './model/presets.js';
export type { ChromeTrace, TraceEvent } from './broadcast/trace.js';
export type { RunContext } from './harness/context.js';
export { checkRoundTrip } from './run/gate.js';
export { measureStall } from './run/measure-stall.js';
export { runBroadcast } from './run/broadcast.js';
export { openRankSession } from './broadcast/session.js';
export { openPythonSession } from './python/session.js';
export { runSweep } from './sweep/sweep.js';
export { SAMPLING_PRESETS } from './broadcast/sampling.js';
export { STEP_PRESETS } from './model/presets.js';
export { projectBand, projectOntoGpu } from './model/projection.js';
export { broadcastTrace } from './broadcast/trace.js';

// Reading results: comparison and formatting.
export type { Comparison, ComparisonRow } from './report/compare.js';
export type { SweepResultsFile } from './report/sweep-results.js';
export { compareResults, formatComparison } from './report/compare.js';
export { formatStallReport } from './report/stall-report.js';
export { readSweep } from './report/sweep-results.js';
export { summarizeSamples } from './stats/summary.js';

// Errors: every one extends StallbenchError, whose cliExitCode says whether the input was wrong (2) or a run failed (1).
export { StallbenchError, CodecCallError, DecodeError, OptionsError, PayloadError, ShmBusyError } from './errors.js';
export { MessageFileError, MessageError, MessageDeltaError } from './message/errors.js';
export { CodecModuleError } from './codecs/module.js';
export { CodecMismatchError } from './run/gate.js';
export { RankFailedError, BroadcastAbortedError } from './broadcast/errors.js';
export { PythonUnavailableError } from './python/errors.js';
export { PythonReferenceError } from './reference/pickle.js';
export { ShmRingError, TransportClosedError, TransportTimeoutError } from './transport/errors.js';
export { ReportError } from './report/readme-sections.js';
