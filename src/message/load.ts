import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { isDtype, DTYPES } from './dtypes.js';
import { MessageFileError } from './errors.js';
import { parsePythonJson } from './json-text.js';
import { parseMessages, resolveLimits, type MessageFileFormat, type ParseLimits } from './parse.js';
import { parsePath } from './paths.js';
import { isRecord } from './record.js';
import type { DtypeMap, MessageSequence } from './types.js';
import { requireInt } from '../options.js';

/** Options of loadMessages. */
export interface LoadMessagesOptions extends ParseLimits {
  /** Container format; by extension (.jsonl .ndjson .json → jsonl; .msgpack .mpk .msgpack-stream → msgpack), else by the first byte. */
  format?: MessageFileFormat;
  /** Largest file (and sidecar) read, checked before reading. @default 1 GiB */
  maxBytes?: number;
}

/** Default of LoadMessagesOptions.maxBytes: 1 GiB. */
export const DEFAULT_MAX_BYTES = 2 ** 30;

const EXTENSIONS: Readonly<Record<string, MessageFileFormat>> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'jsonl',
  '.msgpack': 'msgpack',
  '.mpk': 'msgpack',
  '.msgpack-stream': 'msgpack',
};

/** Path of the dtype sidecar that goes with a message file. */
export function sidecarPath(path: string): string {
  return `${path}.dtypes.json`;
}

function sniff(path: string, bytes: Uint8Array): MessageFileFormat {
  const byExtension = EXTENSIONS[extname(path).toLowerCase()];
  if (byExtension !== undefined) return byExtension;
  const first = bytes.find((b) => b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0xef && b !== 0xbb && b !== 0xbf);
  if (first === 0x7b /* { */) return 'jsonl';
  if (first !== undefined && ((first >= 0x80 && first <= 0x8f) || first === 0xde || first === 0xdf)) return 'msgpack';
  throw new MessageFileError(path, 'neither JSON Lines (a record per line) nor a MessagePack stream of maps');
}

async function readBounded(path: string, maxBytes: number): Promise<Uint8Array> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw new MessageFileError(path, `cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new MessageFileError(path, 'is not a regular file');
    const { size } = info;
    if (size > maxBytes) throw new MessageFileError(path, `file of ${size} bytes exceeds maxBytes ${maxBytes}`);
    // Reads at most maxBytes + 1, so a file that grew since stat is caught without reading all of it.
    const buffer = Buffer.allocUnsafe(Math.min(size + 1, maxBytes + 1));
    let length = 0;
    while (length < buffer.byteLength) {
      const { bytesRead } = await handle.read(buffer, length, buffer.byteLength - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw new MessageFileError(path, `file grew beyond maxBytes ${maxBytes} while being read`);
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** Parses a dtype sidecar (`{ "/path": "int32", ... }`); throws MessageFileError on anything else. */
export function parseDtypeSidecar(text: string, file: string): DtypeMap {
  let value: unknown;
  try {
    value = parsePythonJson(text);
  } catch (error) {
    throw new MessageFileError(file, `malformed JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isRecord(value)) throw new MessageFileError(file, 'is not a JSON object of path → dtype');
  const dtypes: DtypeMap = {};
  for (const [path, dtype] of Object.entries(value)) {
    if (path === '' || parsePath(path) === null) throw new MessageFileError(file, `${JSON.stringify(path)} is not a path like /a/*/b`);
    if (!isDtype(dtype)) throw new MessageFileError(file, `unknown dtype ${JSON.stringify(dtype)} for ${path}; known: ${DTYPES.join(', ')}`);
    dtypes[path] = dtype;
  }
  return dtypes;
}

async function readSidecar(path: string, maxBytes: number): Promise<DtypeMap> {
  const file = sidecarPath(path);
  const exists = await stat(file).then(
    () => true,
    () => false,
  );
  if (!exists) return {};
  const bytes = await readBounded(file, maxBytes);
  return parseDtypeSidecar(new TextDecoder().decode(bytes), file);
}

/** Loads a captured message sequence from JSON Lines or a MessagePack stream, with dtypes from `<file>.dtypes.json` when present, else inferred across the whole sequence. */
export async function loadMessages(path: string, options: LoadMessagesOptions = {}): Promise<MessageSequence> {
  const maxBytes = requireInt('maxBytes', options.maxBytes ?? DEFAULT_MAX_BYTES, 1, Number.MAX_SAFE_INTEGER);
  const limits = resolveLimits(options);
  const bytes = await readBounded(path, maxBytes);
  if (bytes.byteLength === 0) throw new MessageFileError(path, 'holds no messages');
  const format = options.format ?? sniff(path, bytes);
  const declared = await readSidecar(path, maxBytes);
  const { messages, dtypes } = parseMessages(bytes, { ...limits, format, source: path, dtypes: declared });
  return { messages, dtypes, source: path };
}
