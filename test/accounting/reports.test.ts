import { describe, expect, it } from 'vitest';
import { computeCost } from '../../src/accounting/cost.js';
import { recordOfBilledAttempt, recordOfFailure, recordOfResponse } from '../../src/accounting/ledger/from-router.js';
import { createLedger } from '../../src/accounting/ledger/ledger.js';
import { createCostsApi } from '../../src/accounting/reports/costs-api.js';
import { memoryStore } from '../../src/state/index.js';
import { InvalidRequestError, ProviderUnavailableError, RateLimitError, AllAttemptsFailedError } from '../../src/core/errors.js';
import type { ChatResponse, RouteInfo } from '../../src/core/response.js';

const T0 = Date.UTC(2025, 9, 10, 12, 0);
const usage = (input: number, output: number) => ({ inputTokens: input, outputTokens: output, totalTokens: input + output });
const MINI = { input: 0.15, cachedInput: 0.075, output: 0.6 };

async function seeded() {
  let now = T0;
  const ledger = createLedger({ now: () => now });
  const costs = createCostsApi(ledger);
  const rec = (tenant: string, model: string, input: number, output: number, at: number) =>
    ledger.record({
      requestId: `${tenant}-${at}`,
      timestamp: at,
      context: { tenant, user: 'u', agent: 'bot' },
      model,
      provider: 'gpt',
      providerModel: 'gpt-4o-mini',
      usage: usage(input, output),
      cost: computeCost(usage(input, output), MINI),
      latencyMs: 10,
      outcome: 'ok',
    });
  await rec('A', 'mini', 1_000_000, 100_000, T0 - 3_600_000); // 150,000 + 60,000 = 210,000
  await rec('B', 'mini', 2_000_000, 0, T0 - 1_800_000); // 300,000
  await rec('A', 'mini', 10, 10, T0 - 60_000); // 1.5 -> 2, 6 -> 6 = 8
  return { ledger, costs, setNow: (t: number) => (now = t) };
}

describe('costs API', () => {
  it('tenant isolation: a summary for A never includes B', async () => {
    const { costs } = await seeded();
    const a = await costs.summary({ tenant: 'A' });
    expect(a.total).toMatchObject({ requests: 2, costMicros: 210_008 });
    expect((await costs.summary({ tenant: 'B' })).total).toMatchObject({ requests: 1, costMicros: 300_000 });
    const byTenant = await costs.summary({ by: ['tenant'] });
    expect(byTenant.rows.map((r) => [r.group.tenant, r.costMicros])).toEqual([
      ['A', 210_008],
      ['B', 300_000],
    ]);
    expect((await costs.records({ tenant: 'A' })).every((r) => r.tenant === 'A')).toBe(true);
    expect(await costs.export({ format: 'csv', tenant: 'A' })).not.toContain(',B,');
  });

  it('every ledger on a shared store sees every bucket, whichever ledger wrote it first', async () => {
    const store = memoryStore();
    const a = createLedger({ store });
    const b = createLedger({ store });
    const rec = (ledger: typeof a, tenant: string, at: number) =>
      ledger.record({
        requestId: `${tenant}-${at}`,
        timestamp: at,
        context: { tenant },
        model: 'mini',
        provider: 'gpt',
        providerModel: 'gpt-4o-mini',
        usage: usage(10, 10),
        cost: computeCost(usage(10, 10), MINI),
        latencyMs: 1,
        outcome: 'ok',
      });
    // Same bucket twice from each ledger, across an hour boundary and back.
    for (const at of [T0, T0 + 1, T0 + 3_600_000, T0 + 2]) {
      await rec(a, 'A', at);
      await rec(b, 'A', at);
    }
    await rec(b, '租户', T0);
    const byTenant = await createCostsApi(a).summary({ by: ['tenant', 'hour'] });
    expect(byTenant.rows.map((r) => [r.group.tenant, r.group.hour, r.requests])).toEqual([
      ['A', '2025-10-10T12:00Z', 6],
      ['A', '2025-10-10T13:00Z', 2],
      ['租户', '2025-10-10T12:00Z', 1],
    ]);
    expect((await b.buckets()).length).toBe(3);
  });

  it('summary rows carry tokens by kind, cost in micros and USD; ranges cut hours exactly from records', async () => {
    const { costs } = await seeded();
    const s = await costs.summary({ by: ['day', 'model'], since: T0 - 2_000_000 });
    expect(s.exact).toBe(true);
    expect(s.rows).toEqual([
      expect.objectContaining({
        group: { day: '2025-10-10', model: 'mini' },
        requests: 2,
        costMicros: 300_008,
        costUsd: 0.300008,
        tokens: expect.objectContaining({ input: 2_000_010, output: 10 }),
      }),
    ]);
  });

  it('bad input is an InvalidRequestError naming the field', async () => {
    const { costs } = await seeded();
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => costs.summary({ since: T0, until: T0 - 1 }), 'since'],
      [() => costs.summary({ by: ['tenant', 'colour' as 'tenant'] }), 'by[1]'],
      [() => costs.summary({ since: 'yesterday-ish' }), 'since'],
      [() => costs.export({ format: 'xlsx' as 'csv' }), 'format'],
      [() => costs.records({ outcome: 'meh' as 'ok' }), 'outcome'],
      [() => costs.forecast({ period: 'week' as 'day' }), 'period'],
      [() => costs.compare({ models: ['gpt-9-ultra'] }), 'models[0]'],
      [() => costs.compare({ models: [] }), 'models'],
    ];
    for (const [run, path] of cases) {
      const error = await run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(InvalidRequestError.isInstance(error), path).toBe(true);
      expect((error as InvalidRequestError).path).toBe(path);
      expect((error as InvalidRequestError).message).toContain(path);
    }
  });

  it('input of the wrong shape is an InvalidRequestError with its path, never a TypeError or RangeError', async () => {
    const { costs } = await seeded();
    let nested: unknown = 'tenant';
    for (let i = 0; i < 20_000; i++) nested = [nested];
    const asAny = costs as unknown as Record<keyof typeof costs, (q: unknown) => Promise<unknown>>;
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => asAny.summary(null), ''],
      [() => asAny.records(null), ''],
      [() => asAny.export(7), ''],
      [() => asAny.compare(undefined), ''],
      [() => asAny.forecast('day'), ''],
      [() => asAny.compare({ models: [1] }), 'models[0]'],
      [() => asAny.compare({ models: [{ name: 'x', pricing: { input: -1, output: 0 } }] }), 'models[0].pricing.input'],
      [() => asAny.summary({ since: Object.create(null) }), 'since'],
      [() => asAny.summary({ until: 10n }), 'until'],
      [() => asAny.summary({ by: nested }), 'by[0]'],
      [() => asAny.summary({ tenant: nested }), 'tenant'],
      [() => asAny.summary({ by: 'tenant' }), 'by'],
      [() => asAny.records({ limit: 1.5 }), 'limit'],
      [() => asAny.records({ tennant: 'A' }), 'tennant'],
      [() => asAny.export({ format: Object.create(null) }), 'format'],
      [() => asAny.forecast({ period: 'day', since: T0 }), 'since'],
      [() => asAny.forecast({ period: 'day', provider: Symbol('p') }), 'provider'],
    ];
    for (const [run, path] of cases) {
      const error = await run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(InvalidRequestError.isInstance(error), `${path}: ${String(error)}`).toBe(true);
      expect((error as InvalidRequestError).path).toBe(path);
    }
  });

  it('CSV: header, RFC 4180 quoting of commas, quotes and newlines, Chinese text intact', async () => {
    const ledger = createLedger({ now: () => T0 });
    await ledger.record({
      requestId: 'r1',
      context: { tenant: '北京公司, "总部"', user: 'line1\nline2', tags: ['a', 'b'] },
      model: 'ds',
      provider: 'deepseek',
      providerModel: 'deepseek-chat',
      usage: usage(13, 300),
      cost: computeCost(usage(13, 300), { input: 0.28, output: 0.42 }),
      outcome: 'ok',
    });
    const csv = await createCostsApi(ledger).export({ format: 'csv' });
    const [header, ...rest] = parseCsv(csv);
    expect(header).toContain('costUsd');
    const row = Object.fromEntries(header!.map((h, i) => [h, rest[0]![i]]));
    expect(row).toMatchObject({
      tenant: '北京公司, "总部"',
      user: 'line1\nline2',
      tags: 'a;b',
      costMicros: '130',
      costUsd: '0.000130',
      outcome: 'ok',
    });
    expect(csv).toContain('"北京公司, ""总部"""');
    expect(csv.endsWith('\r\n')).toBe(true);
    expect((await createCostsApi(ledger).export({ format: 'csv', bom: true })).startsWith('\uFEFF')).toBe(true);
    const json = JSON.parse(await createCostsApi(ledger).export({ format: 'json' })) as Array<{ tenant: string }>;
    expect(json[0]!.tenant).toBe('北京公司, "总部"');
  });

  it('compare: the same traffic priced on other catalog models', async () => {
    const { costs } = await seeded();
    const c = await costs.compare({
      models: ['gpt-4o', { provider: 'deepseek', model: 'deepseek-chat' }, { name: 'free', pricing: { input: 0, output: 0 } }],
    });
    expect(c.actual).toMatchObject({ requests: 3, costMicros: 510_008 });
    expect(c.tokens).toMatchObject({ input: 3_000_010, output: 100_010 });
    // gpt-4o: 3,000,010 x 2.5 = 7,500,025; 100,010 x 10 = 1,000,100 -> 8,500,125.
    expect(c.alternatives[0]).toMatchObject({ name: 'gpt-4o', costMicros: 8_500_125, deltaMicros: 8_500_125 - 510_008 });
    // deepseek-chat: 3,000,010 x 0.28 = 840,002.8; 100,010 x 0.42 = 42,004.2 -> 882,007.
    expect(c.alternatives[1]).toMatchObject({ name: 'deepseek-chat', costMicros: 882_007 });
    expect(c.alternatives[2]).toMatchObject({ name: 'free', costMicros: 0, ratio: 0 });
  });

  it('forecast: run rate over the current UTC day and month', async () => {
    const { costs, setNow } = await seeded();
    setNow(Date.UTC(2025, 9, 10, 12, 0)); // half the day gone; today's spend: 510,008
    const day = await costs.forecast({ period: 'day' });
    expect(day).toMatchObject({
      start: '2025-10-10T00:00:00.000Z',
      end: '2025-10-11T00:00:00.000Z',
      elapsed: 0.5,
      spentMicros: 510_008,
      projectedMicros: 1_020_016,
      requests: 3,
      projectedRequests: 6,
    });
    const month = await costs.forecast({ period: 'month', tenant: 'B' });
    expect(month.spentMicros).toBe(300_000);
    // 9.5 of 31 days elapsed.
    expect(month.projectedMicros).toBe(Math.round((300_000 * 31) / 9.5));
  });
});

describe('records from the router flow', () => {
  const route = (over: Partial<RouteInfo> = {}): RouteInfo => ({
    model: 'backup',
    provider: 'claude',
    providerModel: 'claude-haiku-4-5',
    strategy: 'fallback',
    candidates: ['main', 'backup'],
    fallbackUsed: true,
    attempts: [
      { model: 'main', provider: 'gpt', try: 1, ok: false, latencyMs: 5, errorClass: 'RateLimitError' },
      { model: 'backup', provider: 'claude', try: 1, ok: true, latencyMs: 9 },
    ],
    skipped: [],
    context: { tenant: 'acme', session: 's1' },
    ...over,
  });

  it('after a fallback the cost goes to the model that served; a billed failed attempt to its own model', async () => {
    const ledger = createLedger();
    const costs = createCostsApi(ledger);
    const cost = computeCost(usage(100, 50), { input: 1, output: 5 });
    const response = { id: 'req-1', usage: usage(100, 50), cost, route: route(), latencyMs: 20 } as ChatResponse;
    await ledger.record(recordOfResponse(response));
    await ledger.record(
      recordOfBilledAttempt({
        requestId: 'req-1',
        context: { tenant: 'acme' },
        model: 'main',
        provider: 'gpt',
        providerModel: 'gpt-4o',
        usage: usage(100, 7),
        cost: computeCost(usage(100, 7), { input: 2.5, output: 10 }),
        error: new ProviderUnavailableError(),
      }),
    );
    const rows = (await costs.summary({ by: ['model'] })).rows;
    expect(rows.map((r) => [r.group.model, r.requests, r.billedAttempts, r.costMicros])).toEqual([
      ['backup', 1, 0, 350],
      ['main', 0, 1, 320],
    ]);
    const [rec] = await costs.records({ kind: 'request' });
    expect(rec).toMatchObject({
      requestId: 'req-1',
      outcome: 'ok',
      fallbackUsed: true,
      attempts: 2,
      tenant: 'acme',
      session: 's1',
      providerModel: 'claude-haiku-4-5',
    });
  });

  it('a failed request is one error record with no cost; a request that called nothing is (none)', async () => {
    const ledger = createLedger();
    const error = new AllAttemptsFailedError([
      { model: 'main', provider: 'gpt', try: 1, ok: false, latencyMs: 1, error: new RateLimitError() },
    ]);
    await ledger.record(
      recordOfFailure({
        requestId: 'r2',
        error,
        context: { tenant: 'acme' },
        route: route({ model: 'main', provider: 'gpt', providerModel: 'gpt-4o', fallbackUsed: false, attempts: [...error.attempts] }),
      }),
    );
    await ledger.record(recordOfFailure({ requestId: 'r3', error: new RateLimitError({ local: true }), context: { tenant: 'acme' } }));
    const recs = await createCostsApi(ledger).records({ outcome: 'error' });
    expect(recs.map((r) => [r.model, r.outcome === 'error' && r.errorCode, r.costMicros, r.attempts])).toEqual([
      ['main', 'all-attempts-failed', 0, 1],
      ['(none)', 'rate-limit', 0, 0],
    ]);
    expect((await createCostsApi(ledger).summary()).total).toMatchObject({ requests: 2, errors: 2, ok: 0, costMicros: 0 });
  });
});

/** A small RFC 4180 reader for the test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\r' && src[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else field += ch;
  }
  return rows;
}
