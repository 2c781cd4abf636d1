import { randomBytes } from 'node:crypto';

/**
 * JSON as Python's json module reads and writes it: standard JSON plus the bare tokens NaN, Infinity and
 * -Infinity, and -0.0 for negative zero. JSON.parse does the work; the extensions take a slower path only
 * on text that holds them.
 */

const TWO_53 = 2n ** 53n;

type Visit = (start: number) => number;

/** Calls `visit` at each character outside string literals; visit returns where to continue. */
function scanOutsideStrings(text: string, visit: Visit): void {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < text.length && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 /* \ */ ? 2 : 1;
      i++;
    } else {
      i = visit(i);
    }
  }
}

const NUMBER_TOKEN = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;

/** The first number token outside strings that `matches` accepts (given the token and whether it has a fraction or exponent), or null. */
function findNumberToken(text: string, matches: (token: string, integer: boolean) => boolean): string | null {
  let found: string | null = null;
  scanOutsideStrings(text, (i) => {
    const c = text.charCodeAt(i);
    if (found !== null || !(c === 45 || (c >= 48 && c <= 57))) return i + 1;
    NUMBER_TOKEN.lastIndex = i;
    const match = NUMBER_TOKEN.exec(text);
    if (match === null) return i + 1;
    if (matches(match[0], match[1] === undefined && match[2] === undefined)) found = match[0];
    return i + match[0].length;
  });
  return found;
}

/** The first integer token (no fraction, no exponent) beyond ±2^53 in JSON text, which JSON.parse would round silently; null when there is none. */
export function findUnsafeInteger(text: string): string | null {
  return findNumberToken(text, (token, integer) => {
    if (!integer || token.replace('-', '').length < 16) return false;
    const value = BigInt(token);
    return value > TWO_53 || value < -TWO_53;
  });
}

/** The first number literal in JSON text (outside strings) that overflows float64 to ±Infinity, like 1e400; null if none. */
export function findOverflowingNumber(text: string): string | null {
  return findNumberToken(text, (token) => !Number.isFinite(Number(token)));
}

/** Parses JSON text, accepting Python's NaN, Infinity and -Infinity tokens; throws SyntaxError on anything else that is not JSON. */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!text.includes('NaN') && !text.includes('Infinity')) throw error;
  }
  // A per-call sentinel string stands in for NaN (JSON has no literal for it); ±Infinity become ±1e999, which JSON.parse reads as ±Infinity.
  const sentinel = `\u0000nan-${randomBytes(8).toString('hex')}`;
  const quoted = JSON.stringify(sentinel);
  let out = '';
  let last = 0;
  let replaced = 0;
  scanOutsideStrings(text, (i) => {
    for (const [token, replacement] of [['NaN', quoted], ['-Infinity', '-1e999'], ['Infinity', '1e999']] as const) {
      if (text.startsWith(token, i)) {
        out += text.slice(last, i) + replacement;
        last = i + token.length;
        replaced += token === 'NaN' ? 1 : 0;
        return last;
      }
    }
    return i + 1;
  });
  out += text.slice(last);
  let found = 0;
  const value: unknown = JSON.parse(out, (_key, v: unknown) => {
    if (v !== sentinel) return v;
    found++;
    return NaN;
  });
  if (found !== replaced) throw new SyntaxError('a string equals the NaN stand-in');
  return value;
}

function isSpecial(n: number): boolean {
  return !Number.isFinite(n) || Object.is(n, -0);
}

function hasSpecialNumbers(value: unknown): boolean {
  if (typeof value === 'number') return isSpecial(value);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasSpecialNumbers(item)) return true;
    return false;
  }
  for (const key in value) if (hasSpecialNumbers((value as Record<string, unknown>)[key])) return true;
  return false;
}

function writeNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return Object.is(n, -0) ? '-0.0' : String(n);
}

function writeValue(value: unknown): string {
  if (typeof value === 'number') return writeNumber(value);
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(writeValue).join(',')}]`;
  const fields = Object.keys(value).map((key) => `${JSON.stringify(key)}:${writeValue((value as Record<string, unknown>)[key])}`);
  return `{${fields.join(',')}}`;
}

/** JSON text of plain data as Python's json.dumps would read it back: NaN, Infinity, -Infinity and -0.0 kept; JSON.stringify where none occur. */
export function stringifyPythonJson(value: unknown): string {
  return hasSpecialNumbers(value) ? writeValue(value) : JSON.stringify(value);
}
