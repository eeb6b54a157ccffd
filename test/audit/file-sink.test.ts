import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditHeads, createAuditLog, jsonlFileSink, readAuditFile, verifyAuditLog } from '../../src/observability/audit/index.js';
import type { AuditEntry } from '../../src/observability/audit/index.js';
import { route, TENANTS } from './helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-audit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('jsonlFileSink', () => {
  it('keeps all 5,000 concurrently issued entries, one valid JSON line each, and the chain verifies from the file', async () => {
    const path = join(dir, 'audit.jsonl');
    const errors: unknown[] = [];
    const log = createAuditLog({ sink: jsonlFileSink(path), onError: (e) => errors.push(e) });
    // Records issued from 5,000 concurrent tasks, interleaved across tenants and control actions.
    await Promise.all(
      Array.from({ length: 5000 }, async (_, i) => {
        await new Promise((r) => setImmediate(r));
        const tenant = i % 4 === 3 ? undefined : TENANTS[i % 3];
        if (i % 10 === 0) log.control({ action: 'disable', actor: 'ops', target: `p${i}`, ...(tenant ? { tenant } : {}) });
        else log.record({ requestId: `req-${i}`, route: route('smart', tenant, i % 7 === 0), latencyMs: i });
      }),
    );
    const heads = log.heads();
    await log.close();
    expect(errors).toEqual([]);
    const text = await readFile(path, 'utf8');
    const lines = text.split('\n');
    expect(lines.pop()).toBe(''); // ends with a newline
    expect(lines).toHaveLength(5000);
    const parsed = lines.map((l) => JSON.parse(l) as AuditEntry);
    expect(parsed.map((e) => e.logSeq)).toEqual([...Array(5000).keys()]);
    expect(verifyAuditLog(parsed, { heads })).toEqual({ ok: true });
    expect(verifyAuditLog(await readAuditFile(path), { heads })).toEqual({ ok: true });
    expect(log.stats()).toEqual({ recorded: 5000, written: 5000, failed: 0 });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('appends to an existing file, and a resumed log continues its chains', async () => {
    const path = join(dir, 'audit.jsonl');
    const first = createAuditLog({ sink: jsonlFileSink(path) });
    for (let i = 0; i < 10; i++) first.record({ requestId: `a${i}`, context: { tenant: TENANTS[i % 3] } });
    await first.close();
    const resume = auditHeads((await readAuditFile(path)) as AuditEntry[]);
    const second = createAuditLog({ sink: jsonlFileSink(path), resume });
    for (let i = 0; i < 10; i++) second.record({ requestId: `b${i}`, context: { tenant: TENANTS[i % 2] } });
    await second.close();
    const all = await readAuditFile(path);
    expect(all).toHaveLength(20);
    expect(verifyAuditLog(all, { heads: second.heads() })).toEqual({ ok: true });
  });

  it('flush() resolves after everything queued is written', async () => {
    const path = join(dir, 'audit.jsonl');
    const log = createAuditLog({ sink: jsonlFileSink(path, { fsync: 'batch', maxBatch: 7 }) });
    for (let i = 0; i < 100; i++) log.record({ requestId: String(i) });
    await log.flush();
    expect((await readAuditFile(path)).length).toBe(100);
    log.record({ requestId: 'after-flush' });
    await log.close();
    expect((await readAuditFile(path)).length).toBe(101);
  });

  it('an unwritable path is reported through onError for each entry and never thrown', async () => {
    const errors: Array<{ kind: string; requestId: string | undefined }> = [];
    const log = createAuditLog({
      sink: jsonlFileSink(join(dir, 'missing-dir', 'audit.jsonl')),
      onError: (e, entry) => errors.push({ kind: e.kind, requestId: entry?.type === 'request' ? entry.requestId : undefined }),
    });
    expect(() => {
      for (let i = 0; i < 3; i++) log.record({ requestId: String(i) });
    }).not.toThrow();
    await expect(log.close()).resolves.toBeUndefined();
    expect(errors).toEqual([
      { kind: 'sink', requestId: '0' },
      { kind: 'sink', requestId: '1' },
      { kind: 'sink', requestId: '2' },
    ]);
    expect(log.stats()).toMatchObject({ recorded: 3, failed: 3 });
  });

  it('readAuditFile names a line that is not JSON, and returns [] for a missing file', async () => {
    const path = join(dir, 'bad.jsonl');
    await writeFile(path, '{"v":1}\n{"torn":');
    await expect(readAuditFile(path)).rejects.toThrow(/bad\.jsonl:2/);
    await expect(readAuditFile(join(dir, 'none.jsonl'))).resolves.toEqual([]);
  });
});
