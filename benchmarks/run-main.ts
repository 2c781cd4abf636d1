import { OptionsError } from '../src/errors.js';

/** Runs a benchmark script's main: usage errors print one line and exit 2, other failures exit 1. */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const isUsage = error instanceof OptionsError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
    console.error(`stallbench ${name}: ${(error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ')}`);
    process.exit(isUsage ? 2 : 1);
  });
}
