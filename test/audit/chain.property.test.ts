import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditHeads, verifyAuditLog } from '../../src/observability/audit/index.js';
import type { AuditEntry } from '../../src/observability/audit/index.js';
import { entriesOf, mutateAt, opsArb, pathsOf } from './helpers.js';

type Json = Parameters<typeof pathsOf>[0];
const tenantsBetween = (entries: AuditEntry[], from: number, to: number, tenant: string | null): boolean =>
  entries.slice(from, to).some((e) => e.tenant === tenant);

describe('verifyAuditLog (property)', () => {
  it('accepts every log written by createAuditLog, whole or exported per tenant', () => {
    fc.assert(
      fc.property(opsArb, (ops) => {
        const { entries, log } = entriesOf(ops);
        expect(verifyAuditLog(entries)).toEqual({ ok: true });
        expect(verifyAuditLog(entries, { heads: log.heads() })).toEqual({ ok: true });
        for (const tenant of new Set(entries.map((e) => e.tenant))) {
          expect(verifyAuditLog(entries.filter((e) => e.tenant === tenant))).toEqual({ ok: true });
        }
      }),
    );
  });

  it('detects a change to any field of any entry, nested ones and the hash fields included, at that entry', () => {
    fc.assert(
      fc.property(opsArb, fc.nat(), fc.nat(), fc.nat(), (ops, pickEntry, pickPath, variant) => {
        const { entries } = entriesOf(ops);
        const i = pickEntry % entries.length;
        const paths = pathsOf(entries[i] as unknown as Json).filter((p) => p.length > 0);
        const path = paths[pickPath % paths.length] as Array<string | number>;
        const tampered = structuredClone(entries);
        mutateAt(tampered[i] as unknown as Json, path, variant);
        const result = verifyAuditLog(tampered);
        expect(result.ok, `path ${path.join('.')}`).toBe(false);
        if (!result.ok) {
          expect(result.brokenAt).toBe(i);
          expect(['hash-mismatch', 'malformed']).toContain(result.reason);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('detects a removed entry at the next entry of its tenant, or with heads when it was the last', () => {
    fc.assert(
      fc.property(opsArb, fc.nat(), (ops, pick) => {
        const { entries, log } = entriesOf(ops);
        const d = pick % entries.length;
        const tenant = (entries[d] as AuditEntry).tenant;
        const tampered = entries.filter((_, k) => k !== d);
        const next = entries.findIndex((e, k) => k > d && e.tenant === tenant);
        const result = verifyAuditLog(tampered, { heads: log.heads() });
        expect(result.ok).toBe(false);
        if (result.ok) return;
        if (next >= 0) {
          expect(result).toMatchObject({ brokenAt: next - 1, reason: 'chain-broken', tenant });
          expect(verifyAuditLog(tampered)).toMatchObject({ ok: false, brokenAt: next - 1 });
        } else {
          expect(result).toMatchObject({ brokenAt: tampered.length, reason: 'heads-mismatch', tenant });
          expect(verifyAuditLog(tampered)).toEqual({ ok: true }); // a cut tail needs heads to be seen
        }
      }),
    );
  });

  it('detects two swapped entries, of one tenant or of two', () => {
    fc.assert(
      fc.property(
        opsArb.filter((o) => o.length >= 2),
        fc.nat(),
        fc.nat(),
        (ops, a, b) => {
          const { entries } = entriesOf(ops);
          const i = a % entries.length;
          let j = b % entries.length;
          if (j === i) j = (i + 1) % entries.length;
          const [lo, hi] = i < j ? [i, j] : [j, i];
          const tampered = [...entries];
          [tampered[lo], tampered[hi]] = [entries[hi] as AuditEntry, entries[lo] as AuditEntry];
          const moved = entries[hi] as AuditEntry;
          const expected = tenantsBetween(entries, lo, hi, moved.tenant) ? lo : lo + 1;
          expect(verifyAuditLog(tampered)).toMatchObject({ ok: false, brokenAt: expected });
        },
      ),
    );
  });

  it('detects an inserted entry: a duplicate of any entry, or a forged one, at any position', () => {
    fc.assert(
      fc.property(opsArb, fc.nat(), fc.nat(), fc.boolean(), (ops, at, pick, forge) => {
        const { entries } = entriesOf(ops);
        const k = at % (entries.length + 1);
        const m = pick % entries.length;
        const copy = structuredClone(entries[m]) as AuditEntry;
        if (forge) (copy as { time: string }).time = '2001-01-01T00:00:00.000Z';
        const tampered = [...entries.slice(0, k), copy, ...entries.slice(k)];
        let expected: number;
        if (forge) expected = k;
        else if (k > 0 && m < k) expected = k;
        else if (tenantsBetween(entries, k, m, copy.tenant)) expected = k;
        else expected = k + 1;
        expect(verifyAuditLog(tampered)).toMatchObject({ ok: false, brokenAt: expected });
      }),
    );
  });

  it('an HMAC-chained log verifies only with its key', () => {
    fc.assert(
      fc.property(opsArb, (ops) => {
        const { entries } = entriesOf(ops, { hmacKey: 'audit-hmac-key' });
        expect(verifyAuditLog(entries, { hmacKey: 'audit-hmac-key' })).toEqual({ ok: true });
        expect(verifyAuditLog(entries)).toMatchObject({ ok: false, brokenAt: 0, reason: 'hash-mismatch' });
      }),
      { numRuns: 30 },
    );
  });

  it('resumes chains across a restart and verifies the parts with after/heads', () => {
    fc.assert(
      fc.property(opsArb, opsArb, (first, second) => {
        const a = entriesOf(first);
        const b = entriesOf(second, { resume: auditHeads(a.entries) });
        expect(verifyAuditLog([...a.entries, ...b.entries])).toEqual({ ok: true });
        expect(verifyAuditLog(b.entries, { after: a.log.heads(), heads: b.log.heads() })).toEqual({ ok: true });
      }),
      { numRuns: 30 },
    );
  });

  it('reports non-entries as malformed', () => {
    expect(verifyAuditLog([null])).toMatchObject({ ok: false, brokenAt: 0, reason: 'malformed' });
    expect(verifyAuditLog([])).toEqual({ ok: true });
  });
});
