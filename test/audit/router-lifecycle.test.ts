import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  auditHeads,
  createRouter,
  jsonlFileSink,
  memorySink,
  readAuditFile,
  verifyAuditLog,
  type AuditEntry,
  type RouterEvents,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';

const options = {
  providers: { p: mockProvider({ reply: 'ok' }) },
  models: { m: { provider: 'p', model: 'm', pricing: { input: 1, output: 1 } } },
};
const ask = { messages: [{ role: 'user' as const, content: 'hi' }], tenant: 'acme' };

describe('router audit option: shutdown and restart', () => {
  it('close() is bounded when a sink never settles, and says so in an audit-error event', async () => {
    const never = () => new Promise<void>(() => undefined);
    const router = createRouter({ ...options, audit: { sink: never, closeTimeoutMs: 50 } });
    const errors: RouterEvents['audit-error'][] = [];
    router.on('audit-error', (e) => errors.push(e));
    await router.chat(ask);
    await router.close();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error).toMatchObject({ name: 'AuditLogError', kind: 'close-timeout' });
    expect(errors[0]!.error.message).toContain('did not finish within 50 ms');
  });

  it('a restarted router continues the chains of the existing log with audit.resume', async () => {
    const sink = memorySink();
    const first = createRouter({ ...options, audit: { sink } });
    await first.chat(ask);
    await first.chat({ ...ask, tenant: 'globex' });
    await first.close();
    const before: AuditEntry[] = [...sink.entries];

    const second = createRouter({ ...options, audit: { sink, resume: auditHeads(before) } });
    await second.chat(ask);
    await second.close();
    expect(sink.entries.length).toBe(before.length + 1);
    expect(verifyAuditLog(sink.entries)).toEqual({ ok: true });
    const last = sink.entries.at(-1)!;
    expect(last.seq).toBe(1);
    expect(last.logSeq).toBe(before.length);
  });

  it('a restarted router continues the chains of an existing audit file (jsonlFileSink) with audit.resume', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-audit-'));
    try {
      const path = join(dir, 'audit.jsonl');
      const first = createRouter({ ...options, audit: { sink: jsonlFileSink(path) } });
      await first.chat(ask);
      await first.chat({ ...ask, tenant: 'globex' });
      await first.close();
      const before = (await readAuditFile(path)) as AuditEntry[];
      expect(before).toHaveLength(2);

      // A new process: the router is built from the file alone.
      const second = createRouter({ ...options, audit: { sink: jsonlFileSink(path), resume: auditHeads(before) } });
      await second.chat(ask);
      await second.chat({ ...ask, tenant: 'globex' });
      await second.close();
      const all = (await readAuditFile(path)) as AuditEntry[];
      expect(all).toHaveLength(4);
      expect(verifyAuditLog(all)).toEqual({ ok: true });
      expect(all.slice(2).map((e) => [e.seq, e.logSeq])).toEqual([
        [1, 2],
        [1, 3],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a restarted router without resume starts new chains, which verification reports', async () => {
    const sink = memorySink();
    const first = createRouter({ ...options, audit: { sink } });
    await first.chat(ask);
    await first.close();
    const second = createRouter({ ...options, audit: { sink } });
    await second.chat(ask);
    await second.close();
    expect(verifyAuditLog(sink.entries).ok).toBe(false);
  });

  it('a malformed resume is a ConfigError naming the path', () => {
    expect(() => createRouter({ ...options, audit: { sink: memorySink(), resume: { logSeq: -1, chains: [] } } })).toThrow(
      /audit\.resume\.logSeq/,
    );
  });
});
