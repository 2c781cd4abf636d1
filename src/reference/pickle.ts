import { StallbenchError } from '../errors.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { summarizeSamples, type SampleSummary } from '../stats/summary.js';
import { messageFingerprint } from '../message/fingerprint.js';
import { ARRAY_FIELDS, type CtxMeta } from '../kinds/ctx-meta/types.js';

/** The Python reference could not run: no interpreter, one too old, a crash or a timeout. */
export class PythonReferenceError extends StallbenchError {
  readonly cliExitCode = 1;
  override readonly name = 'PythonReferenceError';
  constructor(
    readonly python: string,
    readonly reason: string,
  ) {
    super(`${python}: ${reason}`);
  }
}

/** pickle.dumps / pickle.loads timings of one form, measured inside Python. */
export interface PickleFormResult {
  dumps: SampleSummary;
  loads: SampleSummary;
  bytes: number;
}

/** What the helper prints for one form: raw samples in ms. */
interface RawFormResult {
  dumps: number[];
  loads: number[];
  bytes: number;
}

/** What the helper reports: the interpreter, both forms' timings, and whether the decoded data equals the payload. */
export interface PickleReferenceResult {
  python: string;
  executable: string;
  forms: { boxed: PickleFormResult; array: PickleFormResult };
  verified: { boxed: boolean; array: boolean };
}

/** Options of runPickleReference. */
export interface PickleReferenceOptions {
  /** Interpreter to run. @default 'python3' */
  python?: string;
  /** Sampling time per form inside Python, ms. @default 300 */
  timeMs?: number;
  minSamples?: number;
  maxSamples?: number;
  /** Kill the helper after this long. @default 120000 */
  timeoutMs?: number;
}

const HELPER = fileURLToPath(new URL('../../python/pickle_reference.py', import.meta.url));

/** Hands the payload to the stdlib-only Python helper and returns its pickle timings; the handoff is not timed. */
export function runPickleReference(payload: CtxMeta, options: PickleReferenceOptions = {}): Promise<PickleReferenceResult> {
  const python = options.python ?? 'python3';
  const header = {
    fingerprint: messageFingerprint(payload),
    stepId: payload.stepId,
    blockSize: payload.blockSize,
    reqIds: payload.reqIds,
    lengths: Object.fromEntries(ARRAY_FIELDS.map((f) => [f, payload[f].length])),
    timeMs: options.timeMs ?? 300,
    minSamples: options.minSamples ?? 5,
    maxSamples: options.maxSamples ?? 200,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(python, [HELPER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (error: PythonReferenceError | null, result?: PickleReferenceResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error !== null) reject(error);
      else if (result !== undefined) resolve(result);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new PythonReferenceError(python, `no answer within ${options.timeoutMs ?? 120_000} ms`));
    }, options.timeoutMs ?? 120_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    child.on('error', (error: NodeJS.ErrnoException) =>
      finish(new PythonReferenceError(python, error.code === 'ENOENT' ? 'not found' : error.message)),
    );
    // A helper that exits early closes its stdin; the exit code says why, so a broken pipe here is not the story.
    child.stdin.on('error', () => undefined);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        const why = stderr.trim().split('\n').pop() ?? '';
        finish(new PythonReferenceError(python, `exited with ${code ?? signal}${why ? `: ${why}` : ''}`));
        return;
      }
      try {
        const raw = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Omit<PickleReferenceResult, 'forms'> & { forms: Record<'boxed' | 'array', RawFormResult> };
        if (!raw.verified.boxed || !raw.verified.array) {
          finish(new PythonReferenceError(python, 'data decoded in Python differs from the payload'));
          return;
        }
        const form = (f: RawFormResult): PickleFormResult => ({ dumps: summarizeSamples(f.dumps), loads: summarizeSamples(f.loads), bytes: f.bytes });
        finish(null, { ...raw, forms: { boxed: form(raw.forms.boxed), array: form(raw.forms.array) } });
      } catch {
        finish(new PythonReferenceError(python, 'answered with something that is not its JSON result'));
      }
    });
    child.stdin.write(`${JSON.stringify(header)}\n`);
    for (const field of ARRAY_FIELDS) {
      const a = payload[field];
      child.stdin.write(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    }
    child.stdin.end();
  });
}
