/** A GPU step time to project the stall onto, with where the figure comes from. */
export interface StepPreset {
  stepMs: number;
  batch: number;
  source: string;
}

/** Named GPU step times. */
export const STEP_PRESETS = {
  'llama-70b-tp4-h100': {
    stepMs: 24.5,
    batch: 64,
    source:
      'TensorRT-LLM 0.5.0 performance table (docs/source/performance.md): LLaMA 70B, H100 FP8, TP 4, batch 64, 128 in / 2048 out, 2,616 output tok/s; 64 / 2,616 s = 24.5 ms per decode step',
  },
} as const satisfies Record<string, StepPreset>;

/** Name of a step-time preset. */
export type StepPresetName = keyof typeof STEP_PRESETS;

/** The preset measureStall uses unless told otherwise. */
export const DEFAULT_STEP_PRESET: StepPresetName = 'llama-70b-tp4-h100';
