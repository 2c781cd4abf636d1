/**
 * Paths name places in a message, JSON-Pointer style (RFC 6901):
 * - the message itself is `''`; each record key adds `/` + the key; e.g. `/scheduled_cached_reqs/req_ids`;
 * - in a key, `~` is written `~0` and `/` is written `~1` (as in RFC 6901), and a key that is exactly `*` is written `~2`;
 * - a **generic** path (the keys of a DtypeMap) writes every list element as `*`:
 *   `/scheduled_new_reqs/*\/block_ids` is the block_ids of every new request in every step;
 * - a **concrete** path (in diffMessages' answers) writes list elements as their index, and an element of a
 *   numeric array as `[i]`: `/scheduled_new_reqs/2/block_ids[5]`.
 * A generic path is unambiguous: `*` is never a key (that one is `~2`), and a key never holds a bare `/`.
 */

/** The generic path segment that stands for any list element. */
export const LIST_ITEM = '*';

/** Escapes one record key into a path segment. */
export function escapeKey(key: string): string {
  if (key === LIST_ITEM) return '~2';
  return key.includes('~') || key.includes('/') ? key.replaceAll('~', '~0').replaceAll('/', '~1') : key;
}

/** Path of a record's field. */
export function keyPath(parent: string, key: string): string {
  return `${parent}/${escapeKey(key)}`;
}

/** Generic path of a list's elements. */
export function itemPath(parent: string): string {
  return `${parent}/${LIST_ITEM}`;
}

/** Splits a generic path into segments: a key (unescaped) or the list marker; returns null when the path is not well formed. */
export function parsePath(path: string): ({ key: string } | { item: true })[] | null {
  if (path === '') return [];
  if (!path.startsWith('/')) return null;
  const segments: ({ key: string } | { item: true })[] = [];
  for (const raw of path.slice(1).split('/')) {
    if (raw === LIST_ITEM) {
      segments.push({ item: true });
      continue;
    }
    if (/~(?![012])/.test(raw)) return null;
    if (raw === '~2') segments.push({ key: LIST_ITEM });
    else if (raw.includes('~2')) return null;
    else segments.push({ key: raw.replaceAll('~1', '/').replaceAll('~0', '~') });
  }
  return segments;
}
