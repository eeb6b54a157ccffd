import { describe, expect, it } from 'vitest';
import { BudgetExceededError, ConfigError, createRouter, memoryStore, type RouterOptions, type SharedStore } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';

// 1,000 prompt tokens and 100 output tokens at $1/$1 per M: $0.0011 a request; the block budget of $0.005 admits 4.
const ask = (tenant: string) => ({ messages: [{ role: 'user' as const, content: 'x'.repeat(4_000) }], tenant, params: { maxTokens: 100 } });

function options(store?: SharedStore): RouterOptions {
  return {
    providers: { m: mockProvider({ reply: { text: 'ok', usage: { outputTokens: 100 } } }) },
    models: { gpt: { provider: 'm', model: 'x', pricing: { input: 1, output: 1 }, maxOutputTokens: 100 } },
    tenants: { acme: { budgets: [{ period: 'day', limitUsd: 0.005, onExceed: 'block' }] } },
    ...(store && { store }),
  };
}

/** Serves acme until its budget refuses; resolves with how many were served. */
async function spendAll(router: ReturnType<typeof createRouter>): Promise<number> {
  let served = 0;
  for (let i = 0; i < 50; i++) {
    try {
      await router.chat(ask('acme'));
      served++;
    } catch (error) {
      expect(BudgetExceededError.isInstance(error)).toBe(true);
      return served;
    }
  }
  return served;
}

async function refused(router: ReturnType<typeof createRouter>): Promise<boolean> {
  return router.chat(ask('acme')).then(
    () => false,
    (error: unknown) => BudgetExceededError.isInstance(error),
  );
}

describe('nothing is reset by reconfiguration', () => {
  it('onboarding other tenants, replacing or removing and re-adding acme keeps its spent budget closed (default memory store)', async () => {
    const router = createRouter(options());
    const served = await spendAll(router);
    expect(served).toBeGreaterThan(0);
    expect(served).toBeLessThan(50);
    for (const id of ['initech', 'umbrella', 'hooli']) {
      router.tenants.set(id, { budgets: [{ period: 'day', limitUsd: 1, onExceed: 'block' }] });
      expect(await refused(router)).toBe(true);
    }
    router.tenants.set('acme', { budgets: [{ period: 'day', limitUsd: 0.005, onExceed: 'block' }] });
    expect(await refused(router)).toBe(true);
    router.tenants.remove('acme');
    router.tenants.set('acme', { budgets: [{ period: 'day', limitUsd: 0.005, onExceed: 'block' }] });
    expect(await refused(router)).toBe(true);
    const summary = await router.costs.summary({ tenant: 'acme', by: ['tenant'] });
    expect(summary.rows[0]?.costMicros ?? 0).toBeLessThanOrEqual(5_000);
    await router.close();
  });

  it('a router re-created on the same store keeps the spend and the ledger', async () => {
    const store = memoryStore();
    const first = createRouter(options(store));
    const served = await spendAll(first);
    await first.close();
    const second = createRouter(options(store));
    expect(await refused(second)).toBe(true);
    const summary = await second.costs.summary({ tenant: 'acme', by: ['tenant'] });
    expect(summary.rows[0]?.requests).toBeGreaterThanOrEqual(served);
    await second.close();
  });

  it('the store option must be a SharedStore', () => {
    const bad = [{}, { increment: () => 0 }, 'redis://x'];
    for (const store of bad) {
      let error: unknown;
      try {
        createRouter({ ...options(), store: store as unknown as SharedStore });
      } catch (e) {
        error = e;
      }
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).issues.map((i) => i.path)).toContain('store');
    }
  });
});
