import { StallbenchError } from '../errors.js';
/** Thrown when a results file or README cannot be used: missing, truncated, another schema, absent markers. */
export class ReportError extends StallbenchError {
  readonly cliExitCode = 2;
  override readonly name = 'ReportError';
}

const start = (name: string): string => `<!-- stallbench:${name}:start -->`;
const end = (name: string): string => `<!-- stallbench:${name}:end -->`;

/** True when the document has both markers of a named section. */
export function hasSection(document: string, name: string): boolean {
  const from = document.indexOf(start(name));
  return from >= 0 && document.indexOf(end(name)) > from;
}

/** Replaces the text between a named section's markers, keeping the markers; throws ReportError when they are missing. */
export function replaceSection(document: string, name: string, content: string): string {
  const from = document.indexOf(start(name));
  const to = document.indexOf(end(name));
  if (from < 0 || to < from) throw new ReportError(`README has no ${start(name)} ... ${end(name)} markers`);
  return `${document.slice(0, from + start(name).length)}\n${content.trim()}\n${document.slice(to)}`;
}
