import { redact, REDACTED } from '../../core/redact.js';
import type { JSONValue } from '../../core/tools.js';
import { CREDENTIAL_FIELDS, CREDENTIAL_HEADERS } from '../../security/paths.js';

const HIDDEN = new Set([...CREDENTIAL_FIELDS, ...CREDENTIAL_HEADERS]);

/**
 * Makes a value safe to store in an audit entry: plain JSON only, every string through `redact`,
 * and the value of any credential-named property (apiKey, token, authorization, ...) replaced.
 */
export function sanitize(value: unknown, depth = 0): JSONValue | undefined {
  if (value === null) return null;
  if (typeof value === 'string') return redact(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'object' || depth > 32) return undefined;
  if (Array.isArray(value)) return value.map((v) => sanitize(v, depth + 1) ?? null);
  const out: { [key: string]: JSONValue } = {};
  for (const [k, v] of Object.entries(value)) {
    if (HIDDEN.has(k.toLowerCase())) {
      if (v !== undefined && v !== null) out[k] = REDACTED;
      continue;
    }
    const clean = sanitize(v, depth + 1);
    if (clean !== undefined) out[redact(k)] = clean;
  }
  return out;
}
