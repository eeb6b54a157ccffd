import { describe, expect, it } from 'vitest';
import { AllAttemptsFailedError, AbortError, ProviderUnavailableError, RateLimitError } from '../../src/core/errors.js';
import { registerSecret } from '../../src/core/redact.js';
import {
  auditFromControl,
  auditFromError,
  auditFromResponse,
  createAuditLog,
  memorySink,
  verifyAuditLog,
} from '../../src/observability/audit/index.js';
import type { AuditControlEntry, AuditEntry, AuditLogError, AuditRequestEntry } from '../../src/observability/audit/index.js';
import { route } from './helpers.js';

const now = () => new Date('2025-03-01T12:00:00.000Z');
const usage = { inputTokens: 120, outputTokens: 30, totalTokens: 150, cachedInputTokens: 100 };
const cost = {
  inputMicros: 1800,
  outputMicros: 1200,
  totalMicros: 3000,
  inputUsd: 0.0018,
  outputUsd: 0.0012,
  totalUsd: 0.003,
  priced: true,
  estimated: false,
};

describe('createAuditLog: request entries', () => {
  it('records who, what, tokens, cost micros, attempts and fallback from a response event', () => {
    const sink = memorySink();
    const log = createAuditLog({ sink, now });
    const entry = log.record(
      auditFromResponse({
        requestId: 'req-1',
        kind: 'chat',
        route: route('smart', 'acme', true),
        usage,
        cost,
        finishReason: 'stop',
        latencyMs: 48,
      }),
    );
    expect(entry).toEqual({
      v: 1,
      type: 'request',
      tenant: 'acme',
      seq: 0,
      logSeq: 0,
      prevHash: null,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      time: '2025-03-01T12:00:00.000Z',
      who: { tenant: 'acme', user: 'u-1', agent: 'support', session: 's-9' },
      requestId: 'req-1',
      kind: 'chat',
      model: 'smart',
      provider: 'p2',
      providerModel: 'smart-2025',
      strategy: 'fallback',
      outcome: 'success',
      finishReason: 'stop',
      tokens: { input: 120, output: 30, total: 150, cachedInput: 100 },
      costMicros: { input: 1800, output: 1200, total: 3000, priced: true },
      attempts: [
        { model: 'primary', provider: 'p1', try: 1, ok: false, latencyMs: 12, errorClass: 'RateLimitError', errorCode: 'rate-limit' },
        { model: 'smart', provider: 'p2', try: 1, ok: true, latencyMs: 30 },
      ],
      fallbackUsed: true,
      latencyMs: 48,
    });
    expect(Object.isFrozen(entry)).toBe(true);
    expect(sink.entries).toEqual([entry]);
  });

  it('records failures with the error class and code, attempts taken from the error, aborts as aborted', () => {
    const sink = memorySink();
    const log = createAuditLog({ sink, now });
    const attempts = [
      {
        model: 'fast',
        provider: 'p1',
        try: 1,
        ok: false,
        latencyMs: 5,
        error: new ProviderUnavailableError(),
        errorClass: 'ProviderUnavailableError',
      },
      { model: 'smart', provider: 'p2', try: 1, ok: false, latencyMs: 9, error: new RateLimitError(), errorClass: 'RateLimitError' },
    ];
    const failed = log.record(
      auditFromError({
        requestId: 'req-2',
        kind: 'stream',
        error: new AllAttemptsFailedError(attempts),
        context: { tenant: 'globex', user: 'u-2' },
      }),
    );
    expect(failed).toMatchObject({
      outcome: 'error',
      errorClass: 'AllAttemptsFailedError',
      errorCode: 'all-attempts-failed',
      model: 'smart',
      fallbackUsed: true,
      who: { tenant: 'globex', user: 'u-2' },
      attempts: [{ errorCode: 'provider-unavailable' }, { errorCode: 'rate-limit' }],
    });
    const aborted = log.record(auditFromError({ requestId: 'req-3', kind: 'chat', error: new AbortError(), context: {} }));
    expect(aborted).toMatchObject({ outcome: 'aborted', errorCode: 'abort', tenant: null, attempts: [], fallbackUsed: false });
    expect(verifyAuditLog(sink.entries)).toEqual({ ok: true });
  });

  it('chains per tenant: seq and prevHash follow the same tenant only', () => {
    const sink = memorySink();
    const log = createAuditLog({ sink });
    const a0 = log.record({ requestId: '1', context: { tenant: 'a' } });
    const b0 = log.record({ requestId: '2', context: { tenant: 'b' } });
    const a1 = log.record({ requestId: '3', context: { tenant: 'a' } });
    const n0 = log.record({ requestId: '4' });
    expect([a0?.seq, b0?.seq, a1?.seq, n0?.seq]).toEqual([0, 0, 1, 0]);
    expect(a1?.prevHash).toBe(a0?.hash);
    expect(b0?.prevHash).toBeNull();
    expect(sink.entries.map((e) => e.logSeq)).toEqual([0, 1, 2, 3]);
    expect(log.heads()).toEqual({
      logSeq: 3,
      chains: [
        { tenant: 'a', seq: 1, hash: a1?.hash },
        { tenant: 'b', seq: 0, hash: b0?.hash },
        { tenant: null, seq: 0, hash: n0?.hash },
      ],
    });
  });

  it('never stores a key: registered secrets, vendor key formats and credential-named details', () => {
    registerSecret('tenant-own-key-5f4e3d2c1b0a');
    const sink = memorySink();
    const log = createAuditLog({ sink, content: 'include' });
    log.record({
      requestId: 'r',
      context: { tenant: 'acme', tags: ['tenant-own-key-5f4e3d2c1b0a'] },
      messages: [{ role: 'user', content: 'my key is sk-proj-abcdefghijklmnop1234' }],
    });
    log.control({
      action: 'tenant-set',
      actor: 'ops',
      target: 'acme',
      details: { apiKey: 'brand-new-unregistered-key-xyz', headers: { 'x-api-key': 'another-unregistered-key' }, budgetUsd: 5 },
    });
    const text = JSON.stringify(sink.entries);
    for (const secret of [
      'tenant-own-key-5f4e3d2c1b0a',
      'sk-proj-abcdefghijklmnop1234',
      'brand-new-unregistered-key-xyz',
      'another-unregistered-key',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect((sink.entries[1] as AuditControlEntry).details).toEqual({
      apiKey: '[REDACTED]',
      headers: { 'x-api-key': '[REDACTED]' },
      budgetUsd: 5,
    });
    expect(verifyAuditLog(sink.entries)).toEqual({ ok: true });
  });
});

describe('createAuditLog: control entries', () => {
  it('records every action with actor and target; tenant actions go to that tenant chain', () => {
    const sink = memorySink();
    const log = createAuditLog({ sink, now });
    const actions = ['disable', 'enable', 'force', 'unforce', 'tenant-set', 'tenant-remove', 'budget-change'] as const;
    for (const action of actions)
      log.control({ action, actor: 'alice@ops', target: action.startsWith('tenant') ? 'acme' : 'gpt', reason: 'incident 42' });
    log.control({ action: 'budget-change', target: 'tenant:acme/day', tenant: 'acme', details: { from: 10, to: 20 } });
    log.control({ action: 'disable', target: 'claude' });
    const entries = sink.entries as AuditControlEntry[];
    expect(entries.map((e) => [e.action, e.tenant])).toEqual([
      ['disable', null],
      ['enable', null],
      ['force', null],
      ['unforce', null],
      ['tenant-set', 'acme'],
      ['tenant-remove', 'acme'],
      ['budget-change', null],
      ['budget-change', 'acme'],
      ['disable', null],
    ]);
    expect(entries[0]).toMatchObject({
      type: 'control',
      actor: 'alice@ops',
      target: 'gpt',
      reason: 'incident 42',
      time: '2025-03-01T12:00:00.000Z',
    });
    expect(entries[8]?.actor).toBe('unknown');
    expect(verifyAuditLog(entries)).toEqual({ ok: true });
  });
});

describe('sink failures never reach the caller', () => {
  it('a throwing function sink and a rejecting async sink report through onError', async () => {
    const errors: Array<[AuditLogError, AuditEntry | undefined]> = [];
    const good = memorySink();
    const log = createAuditLog({
      sink: [
        () => {
          throw new Error('disk full');
        },
        async () => Promise.reject(new Error('network down')),
        good,
      ],
      onError: (error, entry) => errors.push([error, entry]),
    });
    const entry = log.record({ requestId: 'r' });
    expect(entry).toBeDefined();
    await log.flush();
    expect(errors.map(([e, en]) => [e.kind, e.message, en === entry])).toEqual([
      ['sink', 'audit sink failed: Error: disk full', true],
      ['sink', 'audit sink failed: Error: network down', true],
    ]);
    expect(good.entries).toEqual([entry]);
    expect(log.stats()).toEqual({ recorded: 1, written: 0, failed: 2 });
  });

  it('a throwing onError is swallowed too; records after close are refused through onError', async () => {
    const log = createAuditLog({
      sink: () => {
        throw new Error('x');
      },
      onError: () => {
        throw new Error('handler bug');
      },
    });
    expect(() => log.record({ requestId: 'r' })).not.toThrow();
    await log.close();
    const kinds: string[] = [];
    const closed = createAuditLog({ sink: memorySink(), onError: (e) => kinds.push(e.kind) });
    await closed.close();
    expect(closed.record({ requestId: 'late' })).toBeUndefined();
    expect(kinds).toEqual(['closed']);
  });

  it('an async function sink receives entries in order, and flush waits for all of them', async () => {
    const seen: number[] = [];
    const log = createAuditLog({
      sink: async (entry) => {
        await new Promise((r) => setTimeout(r, entry.logSeq % 3));
        seen.push(entry.logSeq);
      },
    });
    for (let i = 0; i < 50; i++) log.record({ requestId: String(i), context: { tenant: i % 2 ? 'a' : 'b' } });
    await log.flush();
    expect(seen).toEqual([...Array(50).keys()]);
    expect(log.stats()).toMatchObject({ recorded: 50, written: 50, failed: 0 });
    const request = log.record({ requestId: 'x' }) as AuditRequestEntry;
    expect(request.logSeq).toBe(50);
  });
});

describe('auditFromControl', () => {
  it('maps a router control event (actor, tenant, time) to a control entry', () => {
    const sink = memorySink();
    const log = createAuditLog({ sink });
    log.control(
      auditFromControl(
        { action: 'force', target: 'smart', tenant: 'acme', actor: 'bob', at: Date.UTC(2025, 0, 2) },
        { reason: 'vendor incident' },
      ),
    );
    log.control(auditFromControl({ action: 'reset-breaker', target: 'fast' }));
    expect(sink.entries).toMatchObject([
      {
        type: 'control',
        action: 'force',
        target: 'smart',
        tenant: 'acme',
        actor: 'bob',
        reason: 'vendor incident',
        time: '2025-01-02T00:00:00.000Z',
      },
      { type: 'control', action: 'reset-breaker', target: 'fast', tenant: null, actor: 'unknown' },
    ]);
  });
});
