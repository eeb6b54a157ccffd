import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeCost } from '../../src/accounting/cost.js';
import { createLedger } from '../../src/accounting/ledger/ledger.js';
import { decodeRecord, encodeRecord } from '../../src/accounting/ledger/record-codec.js';
import { toRecord, type RecordInput } from '../../src/accounting/ledger/record.js';
import { MemoryStore } from '../../src/state/memory-store.js';

const text = fc.oneof(fc.string(), fc.constantFrom('初创公司', '北京公司, "总部"', 'line1\nline2', '\u2028', ''));
const count = fc.oneof(fc.nat(), fc.constant(undefined), fc.double({ noNaN: false }));
const inputArb = fc.record(
  {
    kind: fc.constantFrom('request' as const, 'billed-attempt' as const),
    requestId: text,
    context: fc.record(
      { tenant: text, user: text, agent: text, session: text, tags: fc.array(text, { maxLength: 3 }) },
      { requiredKeys: [] },
    ),
    model: text,
    provider: text,
    providerModel: text,
    usage: fc.record(
      {
        inputTokens: fc.nat(),
        outputTokens: fc.nat(),
        totalTokens: fc.nat(),
        cachedInputTokens: count,
        cacheWriteTokens: count,
        reasoningTokens: count,
        estimated: fc.boolean(),
      },
      { requiredKeys: ['inputTokens', 'outputTokens', 'totalTokens'] },
    ),
    cost: fc.record({
      inputMicros: fc.nat(),
      outputMicros: fc.nat(),
      totalMicros: fc.nat(),
      inputUsd: fc.double(),
      outputUsd: fc.double(),
      totalUsd: fc.double(),
      priced: fc.boolean(),
      estimated: fc.boolean(),
    }),
    latencyMs: count,
    outcome: fc.constantFrom('ok' as const, 'error' as const),
    errorCode: text,
    fallbackUsed: fc.boolean(),
    attempts: fc.integer({ min: 1, max: 9 }),
  },
  { requiredKeys: ['requestId', 'model', 'provider', 'providerModel', 'outcome'] },
) as fc.Arbitrary<RecordInput>;

describe('ledger record codec (how records sit in the store log)', () => {
  it('reads back every record exactly as built: same fields, same order, same JSON', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 0, max: 4_102_444_800_000 }), (input, at) => {
        const record = toRecord(input, 'id-1', at);
        const back = decodeRecord(encodeRecord(record));
        expect(back).toEqual(record);
        expect(JSON.stringify(back)).toBe(JSON.stringify(record));
      }),
      { numRuns: 500 },
    );
  });

  it('still reads a log written as JSON objects (before the compact format)', async () => {
    const store = new MemoryStore();
    const ledger = createLedger({ store, now: () => 3_000 });
    const old = toRecord(
      {
        requestId: 'old',
        context: { tenant: '初创公司' },
        model: 'm',
        provider: 'p',
        providerModel: 'v',
        outcome: 'error',
        errorCode: 'timeout',
      },
      'id-old',
      1_000,
    );
    await store.append('switchyard:ledger:records', old.timestamp, JSON.stringify(old));
    const now = await ledger.record({
      requestId: 'new',
      timestamp: 2_000,
      context: { tenant: 'acme', tags: ['vip'] },
      model: 'm',
      provider: 'p',
      providerModel: 'v',
      outcome: 'ok',
    });
    expect(await ledger.records()).toEqual([old, now]);
  });

  it('keeps a typical request in about 220 bytes (the object form took ~500)', async () => {
    const store = new MemoryStore();
    const ledger = createLedger({ store });
    const usage = { inputTokens: 1_200, outputTokens: 300, totalTokens: 1_500 };
    await ledger.record({
      requestId: '0b5e3c1e-8d4f-4a51-9a6e-2f1f6c1b7d3a',
      context: { tenant: 'acme', user: 'u-7', agent: 'product-expert', session: 'conv-42' },
      model: 'mini',
      provider: 'gpt',
      providerModel: 'gpt-4o-mini',
      usage,
      cost: computeCost(usage, { input: 0.15, output: 0.6 }),
      latencyMs: 912,
      outcome: 'ok',
    });
    const [entry] = await store.range('switchyard:ledger:records', -Infinity, Infinity);
    expect(entry!.value.length).toBeLessThan(260);
    expect(JSON.stringify((await ledger.records())[0]).length).toBeGreaterThan(450);
  });
});
