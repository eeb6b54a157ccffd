import { entryHash } from './canonical.js';
import type { AuditHeads } from './types.js';

export type AuditBreakReason =
  /** Not an object with the chain fields of format v1. */
  | 'malformed'
  /** The stored hash does not match the entry's content: a field (or the hash) was changed. */
  | 'hash-mismatch'
  /** `logSeq` does not increase: entries were reordered, or one was inserted or duplicated. */
  | 'out-of-order'
  /** `seq` / `prevHash` do not continue the tenant's chain: an entry was removed, inserted or moved. */
  | 'chain-broken'
  /** The chains do not end where `heads` says: entries are missing at the end (or were added). */
  | 'heads-mismatch';

export type AuditVerification =
  | { ok: true }
  | {
      ok: false;
      /** Index of the first entry that breaks the chain; `entries.length` when the log ends early (`heads-mismatch`). */
      brokenAt: number;
      reason: AuditBreakReason;
      /** A human-readable explanation (never entry content). */
      detail: string;
      /** The chain (tenant) concerned, when known. */
      tenant?: string | null;
    };

export interface VerifyAuditOptions {
  /** The HMAC key the log was written with (`createAuditLog({ hmacKey })`). */
  hmacKey?: Uint8Array | string;
  /** Where the chains start when `entries` is not the beginning of the log (e.g. a rotated file). */
  after?: AuditHeads;
  /** Where the chains must end (from `auditLog.heads()`): detects entries removed at the end. */
  heads?: AuditHeads;
}

type Head = { seq: number; hash: string };

function isChainEntry(e: unknown): e is { tenant: string | null; seq: number; prevHash: string | null; hash: string; logSeq: number } {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return false;
  const r = e as Record<string, unknown>;
  return (
    r.v === 1 &&
    (r.type === 'request' || r.type === 'control') &&
    (r.tenant === null || typeof r.tenant === 'string') &&
    Number.isSafeInteger(r.seq) &&
    (r.seq as number) >= 0 &&
    Number.isSafeInteger(r.logSeq) &&
    (r.prevHash === null || typeof r.prevHash === 'string') &&
    typeof r.hash === 'string' &&
    typeof r.time === 'string'
  );
}

function chainsOf(heads: AuditHeads | undefined): Map<string | null, Head> {
  return new Map((heads?.chains ?? []).map((c) => [c.tenant, { seq: c.seq, hash: c.hash }]));
}

const label = (tenant: string | null): string => (tenant === null ? 'the no-tenant chain' : `tenant ${JSON.stringify(tenant)}`);

/**
 * Checks the hash chains of an audit log: each entry's hash, the order of `logSeq`, and per tenant
 * the `seq` / `prevHash` links. Entries of several tenants may be interleaved, and a per-tenant
 * export verifies on its own. Returns the first broken link.
 */
export function verifyAuditLog(entries: ReadonlyArray<unknown>, options: VerifyAuditOptions = {}): AuditVerification {
  const chains = chainsOf(options.after);
  let lastLogSeq = options.after?.logSeq ?? -1;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (!isChainEntry(e)) return { ok: false, brokenAt: i, reason: 'malformed', detail: 'not an audit entry of format v1' };
    const tenant = e.tenant;
    if (entryHash(e, options.hmacKey) !== e.hash) {
      return {
        ok: false,
        brokenAt: i,
        reason: 'hash-mismatch',
        detail: 'the content does not match its hash (a field was changed, or the wrong hmacKey)',
        tenant,
      };
    }
    if (e.logSeq <= lastLogSeq) {
      return { ok: false, brokenAt: i, reason: 'out-of-order', detail: `logSeq ${e.logSeq} after ${lastLogSeq}`, tenant };
    }
    const head = chains.get(tenant);
    const seq = head ? head.seq + 1 : 0;
    const prev = head ? head.hash : null;
    if (e.seq !== seq || e.prevHash !== prev) {
      return { ok: false, brokenAt: i, reason: 'chain-broken', detail: `${label(tenant)} expects seq ${seq}, found ${e.seq}`, tenant };
    }
    chains.set(tenant, { seq: e.seq, hash: e.hash });
    lastLogSeq = e.logSeq;
  }
  if (options.heads) {
    const expected = chainsOf(options.heads);
    for (const tenant of new Set([...expected.keys(), ...chains.keys()])) {
      const want = expected.get(tenant);
      const got = chains.get(tenant);
      if (want?.seq !== got?.seq || want?.hash !== got?.hash) {
        const detail = `${label(tenant)} ends at seq ${got?.seq ?? 'none'}, expected ${want?.seq ?? 'none'}`;
        return { ok: false, brokenAt: entries.length, reason: 'heads-mismatch', detail, tenant };
      }
    }
  }
  return { ok: true };
}
