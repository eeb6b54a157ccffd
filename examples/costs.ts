/**
 * Costs, the usage ledger and budgets through the router: catalog prices, per-tenant summaries,
 * a CSV export, "if you had used..." comparisons, a forecast, and a tenant budget that downgrades
 * to a cheaper model and alerts. Mock providers priced like the vendor models they stand for.
 * `npx tsx examples/costs.ts`
 */
import assert from 'node:assert/strict';
import { BudgetExceededError, catalog, createRouter, InvalidResponseError } from '../src/index.js';
import { mockProvider } from '../src/testing.js';

console.log(`model catalog of ${catalog.updatedAt}: ${catalog.entries.length} models`);

const long = 'Please summarise the attached policy for a customer. '.repeat(40);
const router = createRouter({
  providers: {
    claude: mockProvider({ name: 'claude', reply: long }),
    gpt: mockProvider({ name: 'gpt', reply: 'Sure: your refund is on its way.' }),
    deepseek: mockProvider({ name: 'deepseek', reply: '好的，您的退款正在处理中。' }),
  },
  // No `pricing`: the catalog supplies list prices for these vendor model ids.
  models: {
    sonnet: { provider: 'claude', model: 'claude-sonnet-4-5' },
    mini: { provider: 'gpt', model: 'gpt-4o-mini' },
    ds: { provider: 'deepseek', model: 'deepseek-chat' },
  },
  routes: [
    { when: { language: 'zh' }, use: ['ds'] },
    { when: { agent: 'writer' }, use: ['sonnet'] },
  ],
  strategy: 'cost',
  budgets: [
    { scope: { tenant: 'acme' }, period: 'day', limitUsd: 0.05, onExceed: 'downgrade', degradeTo: 'ds' },
    { scope: { tenant: 'globex' }, period: 'month', limitUsd: 0.0003, onExceed: 'block' },
  ],
  ledger: { maxRecords: 1_000 },
});
router.on('budget-alert', (a) =>
  console.log(
    `budget alert: ${a.budgetId} at ${a.threshold * 100}% (${a.reason}), spent $${a.spentMicros / 1e6} of $${a.limitMicros / 1e6}`,
  ),
);

for (let i = 0; i < 6; i++) {
  const res = await router.chat({
    messages: [{ role: 'user', content: 'Write the summary for the customer letter.' }],
    tenant: 'acme',
    agent: 'writer',
    params: { maxTokens: 800 },
  });
  const skipped = res.route.skipped.length ? ` (skipped: ${res.route.skipped.map((s) => s.reason).join(', ')})` : '';
  console.log(`acme writer #${i + 1}: ${res.route.model}${skipped} $${res.cost.totalUsd.toFixed(6)}`);
}
await router.chat({ messages: [{ role: 'user', content: '我的退款什么时候到账？' }], tenant: 'acme' });
await router.chat({ messages: [{ role: 'user', content: 'Where is my refund?' }], tenant: 'globex', params: { maxTokens: 100 } });
const blocked = await router
  .chat({ messages: [{ role: 'user', content: 'And another question.' }], tenant: 'globex', agent: 'writer' })
  .catch((e: unknown) => e);
assert.ok(BudgetExceededError.isInstance(blocked));
console.log('globex blocked:', blocked.message);

const summary = await router.costs.summary({ by: ['tenant', 'model'] });
console.log('\nper tenant and model:');
for (const row of summary.rows)
  console.log(
    `  ${String(row.group.tenant).padEnd(7)} ${String(row.group.model).padEnd(7)} ${row.requests} req  ${row.tokens.total} tokens  $${row.costUsd.toFixed(6)}`,
  );
console.log(`  total: $${summary.total.costUsd.toFixed(6)} (exact: ${summary.exact})`);

const acmeOnly = await router.costs.summary({ tenant: 'acme' });
assert.ok(acmeOnly.rows.every((r) => r.group.tenant === undefined || r.group.tenant === 'acme'));

const csv = await router.costs.export({ format: 'csv' });
console.log('\nCSV export, first lines:\n' + csv.split('\r\n').slice(0, 3).join('\n'));

const comparison = await router.costs.compare({ models: ['gpt-4o-mini', 'claude-haiku-4-5', 'deepseek-chat'] });
console.log(`\nactual: $${comparison.actual.costUsd.toFixed(6)} for ${comparison.actual.requests} requests; if you had used...`);
for (const row of comparison.alternatives)
  console.log(
    `  ${row.name.padEnd(18)} $${row.costUsd.toFixed(6)} (${row.deltaMicros >= 0 ? '+' : ''}${(row.deltaMicros / 1e6).toFixed(6)})`,
  );

const forecast = await router.costs.forecast({ period: 'month' });
console.log(`\nmonth so far $${forecast.spentUsd.toFixed(6)}, projected $${forecast.projectedUsd.toFixed(4)}`);
await router.close();

// A call the vendor billed but that failed anyway (a stream reset after its usage chunk, a 200 whose
// body is unreadable): the adapter puts the vendor's usage on the error (`reportedUsage`), and the
// router records it as a `billed-attempt` next to the fallback's record; budgets count both.
const cut = new InvalidResponseError({ provider: 'gpt', model: 'gpt-4o-mini', message: 'The stream was reset after its usage chunk' });
cut.reportedUsage = { inputTokens: 1_200, outputTokens: 300, totalTokens: 1_500 };
const billedRouter = createRouter({
  providers: {
    gpt: mockProvider({ name: 'gpt', reply: [{ fail: cut }] }),
    deepseek: mockProvider({ name: 'deepseek', reply: 'Your refund is on its way.' }),
  },
  models: { mini: { provider: 'gpt', model: 'gpt-4o-mini' }, ds: { provider: 'deepseek', model: 'deepseek-chat' } },
  routes: [{ when: () => true, use: ['mini', 'ds'] }],
  retry: { retries: 0 },
});
const served = await billedRouter.chat({ messages: [{ role: 'user', content: 'Where is my refund?' }] });
console.log(`\nserved by ${served.route.model} after a billed failure; ledger:`);
for (const r of await billedRouter.costs.records({}))
  console.log(
    `  ${r.kind.padEnd(14)} ${r.model.padEnd(5)} ${r.tokens.input} in ${r.tokens.output} out $${(r.costMicros / 1e6).toFixed(6)}`,
  );
await billedRouter.close();
