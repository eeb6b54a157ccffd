/**
 * Secret redaction. Every configured credential is registered here (by the adapter factories),
 * and every message we build from vendor text passes through `redact()` before it is stored
 * in an error or an event. Vendor key formats are also masked by pattern, for keys we never saw.
 */

const registered = new Set<string>();
let pattern: RegExp | undefined;

// sk-..., sk-ant-..., sk-proj-..., Google AIza..., Bearer tokens.
const KEY_PATTERNS = /\b(?:sk-[A-Za-z0-9_-]{8,}|AIza[0-9A-Za-z_-]{20,}|gsk_[A-Za-z0-9]{16,})|(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g;

/** Registers a secret so that it is never printed. Short strings (< 8 chars) are ignored. */
export function registerSecret(secret: string | undefined): void {
  if (!secret || secret.length < 8 || registered.has(secret)) return;
  registered.add(secret);
  pattern = undefined;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function knownPattern(): RegExp | undefined {
  if (registered.size === 0) return undefined;
  if (!pattern) {
    // Longest first so that a key containing another is masked whole; also mask any 8+ char prefix.
    const keys = [...registered].sort((a, b) => b.length - a.length);
    pattern = new RegExp(keys.map((k) => `${escape(k.slice(0, 8))}[^\\s"'\`]*`).join('|'), 'g');
  }
  return pattern;
}

export const REDACTED = '[REDACTED]';

/** Masks registered secrets (and any 8+ char prefix of one) and well-known key formats. */
export function redact(text: string): string {
  const known = knownPattern();
  let out = known ? text.replace(known, REDACTED) : text;
  out = out.replace(KEY_PATTERNS, (_m, bearer: string | undefined) => (bearer ? `${bearer}${REDACTED}` : REDACTED));
  return out;
}

/** The shortest tail of a key that is masked (vendors echo keys as `sk-...****cdef`). */
const MIN_TAIL = 4;

/**
 * `redact()`, and besides every one of `secrets` (an adapter's configured keys) masked whole, by
 * any 8+ character prefix and by any tail of 4+ characters. Tails are masked only here, in text
 * an adapter builds from what a vendor sent (error messages and bodies), never in user content:
 * a 4-character sequence is too common to mask everywhere.
 */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  const out = redact(text);
  const alternatives: string[] = [];
  for (const secret of secrets) {
    if (secret.length < MIN_TAIL) continue;
    alternatives.push(escape(secret));
    if (secret.length >= 8) alternatives.push(`${escape(secret.slice(0, 8))}[^\\s"'\`]*`);
    // Longest tail first, so that the longest echoed tail is masked whole.
    for (let n = secret.length - 1; n >= MIN_TAIL; n--) alternatives.push(escape(secret.slice(-n)));
  }
  return alternatives.length === 0 ? out : out.replace(new RegExp(alternatives.join('|'), 'g'), REDACTED);
}
