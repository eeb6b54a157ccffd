/**
 * Budgets on the router's store (docs/costs.md, docs/state.md): every request holds its worst-case
 * cost before the vendor call and settles the real cost after; `router.budgets.status()` shows spent,
 * held and remaining; a refusal says what it would have reserved and what is left; onboarding other
 * tenants (`tenants.set`) or a new router on the same store keeps the spend. Offline (mock provider).
 */
import { BudgetExceededError, createRouter, memoryStore, type RouterOptions } from '../src/index.js';
import { mockProvider } from '../src/testing.js';

const store = memoryStore(); // sqliteStore() or redisStore() share it across processes and restarts.
const options: RouterOptions = {
  providers: { mock: mockProvider({ reply: { text: 'ok', usage: { inputTokens: 1_000, outputTokens: 100 } } }) },
  models: { gpt: { provider: 'mock', model: 'gpt-4o-mini', pricing: { input: 1, output: 1 }, maxOutputTokens: 500 } },
  tenants: { acme: { budgets: [{ id: 'acme-day', period: 'day', limitUsd: 0.005, onExceed: 'block' }] } },
  store,
  // A hold of a process that died (kill -9) stops counting at most 30 s later; live requests keep theirs (renewed).
  budgetHoldLeaseMs: 30_000,
};
const router = createRouter(options);
// The store's health (a Redis store's outages; the memory store never emits): see docs/state.md.
router.on('store', (e) => console.log(`store ${e.store}: ${e.type}`));
const ask = (maxTokens: number) =>
  router.chat({ messages: [{ role: 'user', content: 'x'.repeat(4_000) }], tenant: 'acme', params: { maxTokens } });

for (let i = 0; i < 3; i++) await ask(100);
const [status] = await router.budgets.status({ tenant: 'acme' });
const { period, periodKey, spentMicros, heldMicros, remainingMicros, limitMicros } = status!;
console.log(`acme ${period} ${periodKey}: spent ${spentMicros} µ$, held ${heldMicros}, remaining ${remainingMicros} of ${limitMicros}`);

try {
  await ask(500);
} catch (error) {
  if (!BudgetExceededError.isInstance(error)) throw error;
  console.log(`refused: would reserve ${error.requestedMicros} µ$, ${error.remainingMicros} µ$ left`);
  console.log(error.message);
}

// Onboarding another tenant rebuilds the budgets: acme's spend stays.
router.tenants.set('initech', { budgets: [{ period: 'day', limitUsd: 1, onExceed: 'block' }] });
await router.close();
const again = createRouter(options); // a new router on the same store (a restart with sqlite/redis)
const [after] = await again.budgets.status({ tenant: 'acme' });
console.log(`after tenants.set and a new router: spent ${after!.spentMicros} µ$ (was ${status!.spentMicros}), held ${after!.heldMicros}`);
await again.close();
