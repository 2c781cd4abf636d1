/** A GPU decode step time to project the stall onto, with where the figure comes from. */
export interface StepPreset {
  /** TP size the figure was measured at. */
  tp: number;
  stepMs: number;
  /** Batch the figure was measured at. */
  batch: number;
  /** One line for tables and chart legends. */
  label: string;
  source: string;
}

/** Named GPU step times, each from a published table; a projection to a TP uses the preset of that TP. */
export const STEP_PRESETS = {
  'llama-70b-tp2-h100': {
    tp: 2,
    stepMs: 31.7,
    batch: 64,
    label: 'LLaMA 70B, TP 2, H100 FP8, batch 64',
    source:
      'TensorRT-LLM docs/source/performance.md (data from v0.9.0): LLaMA 70B, H100 FP8, batch 64, TP 2, 2048 in / 2048 out, 1,011 output tok/s per GPU; 64 / (1,011 × 2) s = 31.7 ms per step (static batch, prefill included: an upper bound on the decode step)',
  },
  'llama-70b-tp4-h100': {
    tp: 4,
    stepMs: 24.5,
    batch: 64,
    label: 'LLaMA 70B, TP 4, H100 FP8, batch 64',
    source:
      'TensorRT-LLM 0.5.0 performance table (docs/source/performance.md): LLaMA 70B, H100 FP8, TP 4, batch 64, 128 in / 2048 out, 2,616 output tok/s; 64 / 2,616 s = 24.5 ms per decode step',
  },
  'falcon-180b-tp8-h100': {
    tp: 8,
    stepMs: 46.3,
    batch: 96,
    label: 'Falcon 180B (no LLaMA 70B TP 8 figure with a batch is published), TP 8, H100 FP8, batch 96',
    source:
      'TensorRT-LLM 0.5.0 performance table (docs/source/performance.md): Falcon 180B, H100 FP8, TP 8, batch 96, 128 in / 2048 out, 2,073 output tok/s; 96 / 2,073 s = 46.3 ms per decode step. A different model from the TP 4 preset: the same table gives no LLaMA 70B TP 8 throughput',
  },
} as const satisfies Record<string, StepPreset>;

/** Name of a step-time preset. */
export type StepPresetName = keyof typeof STEP_PRESETS;

/** The preset measureStall uses for tp=4 and when no preset matches the TP asked for. */
export const DEFAULT_STEP_PRESET: StepPresetName = 'llama-70b-tp4-h100';

/** The preset measured at `tp`, or null when no published figure exists for that TP. */
export function presetForTp(tp: number): { name: StepPresetName; preset: StepPreset } | null {
  for (const [name, preset] of Object.entries(STEP_PRESETS) as [StepPresetName, StepPreset][]) if (preset.tp === tp) return { name, preset };
  return null;
}

/** A GPU step time and where it comes from, for one TP size. */
export interface StepTime {
  stepMs: number;
  source: string;
  label: string;
}

/** The step time for `tp`: the user's figure when given, else the preset of that TP, else null (stall only, no idle share). */
export function stepTimeFor(tp: number, given: number | undefined, presetName?: StepPresetName): StepTime | null {
  if (given !== undefined) return { stepMs: given, source: 'given by the user', label: `${given} ms (given)` };
  const picked = presetName !== undefined ? { preset: STEP_PRESETS[presetName] as StepPreset } : presetForTp(tp);
  if (picked === null) return null;
  return { stepMs: picked.preset.stepMs, source: picked.preset.source, label: `${picked.preset.stepMs} ms (${picked.preset.label})` };
}
