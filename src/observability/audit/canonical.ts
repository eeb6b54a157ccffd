import { createHash, createHmac } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` properties left out
 * (as JSON.stringify does). Two equal values always serialise to the same string.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Hash of an entry: every field except `hash`, in canonical JSON; HMAC-SHA-256 when a key is given. */
export function entryHash(entry: object, key?: Uint8Array | string): string {
  const { hash: _hash, ...rest } = entry as Record<string, unknown>;
  const text = canonicalJson(rest);
  return key === undefined ? sha256Hex(text) : createHmac('sha256', key).update(text, 'utf8').digest('hex');
}
