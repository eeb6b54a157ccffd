import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BucketKeys } from '../../src/accounting/ledger/bucket-keys.js';
import { bucketOf, encodeBucket } from '../../src/accounting/ledger/buckets.js';
import { toRecord } from '../../src/accounting/ledger/record.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 23, 23, 30);
const value = (values: string[]) => fc.option(fc.constantFrom(...values), { nil: undefined });

describe('ledger bucket keys', () => {
  it('are the encoding of the bucket of each record, whatever order records and hours come in', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            offset: fc.integer({ min: -2 * H, max: 2 * H }),
            tenant: value(['acme', '初创公司']),
            user: value(['u1', 'u2']),
            agent: value(['support', 'sales']),
            model: fc.constantFrom('fast', 'smart'),
            provider: fc.constantFrom('openai', 'claude'),
            providerModel: fc.constantFrom('gpt-4o-mini', 'claude-haiku'),
          }),
          { minLength: 1, maxLength: 80 },
        ),
        (steps) => {
          const keys = new BucketKeys('agg:');
          for (const s of steps) {
            const context = { ...(s.tenant && { tenant: s.tenant }), ...(s.user && { user: s.user }), ...(s.agent && { agent: s.agent }) };
            const record = toRecord({ requestId: 'r', context, model: s.model, provider: s.provider, providerModel: s.providerModel, outcome: 'ok' }, 'id', T0 + s.offset);
            const key = keys.of(record);
            const encoded = encodeBucket(bucketOf(record));
            expect(key.encoded).toBe(encoded);
            expect(key.agg).toBe(`agg:${encoded}`);
            // Built once per bucket: the same record again gets the same key object.
            expect(keys.of(record)).toBe(key);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
