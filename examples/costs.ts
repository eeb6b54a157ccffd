/**
 * Costs, ledger and budgets: what `router.costs` and `budgets` do, driven by hand around a router of
 * mock providers until the router wires them in (admit -> chat -> record + settle). No network.
 * `npx tsx examples/costs.ts`
 */
import { createRouter, mockProvider, BudgetExceededError, SwitchyardError, estimateRequestTokens } from '../src/index.js';
import type { ChatRequest, ModelPricing } from '../src/index.js';
import { catalog, resolveModelInfo } from '../src/catalog/index.js';
import { createBudgetEngine, createCostsApi, createLedger, recordOfFailure, recordOfResponse, type BudgetCandidate } from '../src/accounting/index.js';

console.log(`model catalog of ${catalog.updatedAt}: ${catalog.entries.length} models`);

// Aliases -> vendor models; prices come from the catalog (an explicit `pricing` would win).
const MODELS = {
  sonnet: { provider: 'claude', kind: 'anthropic', model: 'claude-sonnet-4-5' },
  mini: { provider: 'gpt', kind: 'openai', model: 'gpt-4o-mini' },
  ds: { provider: 'deepseek', kind: 'deepseek', model: 'deepseek-chat' },
} as const;
type Alias = keyof typeof MODELS;
const resolved = Object.fromEntries(Object.entries(MODELS).map(([alias, m]) => [alias, resolveModelInfo({ model: m.model }, m.kind, `models.${alias}`)]));
const basePricing = (alias: Alias): ModelPricing => {
  const { input, output, cachedInput, cacheWrite } = resolved[alias]!.pricing!;
  return { input, output, ...(cachedInput !== undefined && { cachedInput }), ...(cacheWrite !== undefined && { cacheWrite }) };
};

const long = 'Please summarise the attached policy for a customer. '.repeat(40);
const router = createRouter({
  providers: {
    claude: mockProvider({ name: 'claude', reply: long }),
    gpt: mockProvider({ name: 'gpt', reply: 'Sure: your refund is on its way.' }),
    deepseek: mockProvider({ name: 'deepseek', reply: '好的，您的退款正在处理中。' }),
  },
  models: Object.fromEntries((Object.keys(MODELS) as Alias[]).map((a) => [a, { provider: MODELS[a].provider, model: MODELS[a].model, pricing: basePricing(a) }])),
});

const ledger = createLedger({ maxRecords: 1_000 });
const costs = createCostsApi(ledger); // what the router will expose as router.costs
const budgets = createBudgetEngine({
  budgets: [{ scope: { tenant: 'acme' }, period: 'day', limitUsd: 0.05, onExceed: 'downgrade', degradeTo: 'ds' }],
  onAlert: (a) => console.log(`budget alert: ${a.budgetId} at ${a.threshold * 100}% (${a.reason}), spent $${a.spentMicros / 1e6} of $${a.limitMicros / 1e6}`),
});

const candidate = (alias: string): BudgetCandidate | undefined => {
  const m = MODELS[alias as Alias];
  if (!m) return undefined;
  const info = resolved[alias]!;
  return { model: alias, provider: m.provider, providerModel: m.model, ...(info.pricing && { pricing: info.pricing }), ...(info.maxOutputTokens && { maxOutputTokens: info.maxOutputTokens }) };
};

/** The flow the router will run: admit (reserve the worst case), dispatch, record, settle. */
async function chat(request: ChatRequest & { model: Alias }) {
  const context = { ...(request.tenant && { tenant: request.tenant }), ...(request.user && { user: request.user }) };
  const admission = await budgets.admit({
    context,
    candidates: [candidate(request.model)!],
    estimate: { inputTokens: estimateRequestTokens({ messages: request.messages }), maxTokens: request.params?.maxTokens ?? 2_000 },
    resolveCandidate: candidate,
  });
  const model = admission.allowed[0];
  if (model === undefined) {
    await budgets.settle(admission.reservation, 0);
    throw new BudgetExceededError({ message: `Budget ${admission.blockedBy?.budgetId} exceeded`, ...(admission.blockedBy && { scope: { budget: admission.blockedBy.budgetId } }) });
  }
  try {
    const res = await router.chat({ ...request, model });
    await ledger.record(recordOfResponse(res));
    await budgets.settle(admission.reservation, [{ model: res.route.model, provider: res.route.provider, costMicros: res.cost.totalMicros }]);
    return res;
  } catch (error) {
    if (SwitchyardError.isInstance(error)) await ledger.record(recordOfFailure({ requestId: 'n/a', error, context, ...(error.route && { route: error.route }) }));
    await budgets.settle(admission.reservation, 0);
    throw error;
  }
}

const ask = (content: string) => [{ role: 'user' as const, content }];
for (let i = 0; i < 6; i++) {
  const res = await chat({ model: 'sonnet', tenant: 'acme', user: `u${i % 2}`, messages: ask('Summarise our refund policy.'), params: { maxTokens: 2_000 } });
  console.log(`acme request ${i + 1}: served by ${res.route.model}, cost $${res.cost.totalUsd} (${res.cost.totalMicros} micros)`);
}
await chat({ model: 'mini', tenant: 'globex', messages: ask('Where is my order?') });
await chat({ model: 'ds', tenant: 'globex', messages: ask('退款多久到账？') });

const summary = await costs.summary({ by: ['tenant', 'model'] });
console.log('\nsummary by tenant and model:');
for (const r of summary.rows) console.log(`  ${r.group.tenant} / ${r.group.model}: ${r.requests} requests, ${r.tokens.input} in / ${r.tokens.output} out tokens, $${r.costUsd}`);
console.log(`  total: ${summary.total.requests} requests, $${summary.total.costUsd} (${summary.total.costMicros} micros)`);

const acmeOnly = await costs.summary({ tenant: 'acme' });
console.log(`acme only: ${acmeOnly.total.requests} requests, $${acmeOnly.total.costUsd}`);

const csv = await costs.export({ format: 'csv', tenant: 'globex' });
console.log(`\nCSV export (globex), ${csv.trim().split('\r\n').length - 1} rows; header: ${csv.slice(0, csv.indexOf(',requestId'))}...`);

const cmp = await costs.compare({ models: ['gpt-4o-mini', 'gemini-2.5-flash', 'claude-opus-4-1'] });
console.log(`\nif you had used... (actual $${cmp.actual.costUsd})`);
for (const a of cmp.alternatives) console.log(`  ${a.name}: $${a.costUsd}`);

const fc = await costs.forecast({ period: 'month' });
console.log(`\nmonth forecast: spent $${fc.spentUsd} so far, run rate projects $${fc.projectedUsd}`);

try {
  await costs.summary({ by: ['colour' as 'tenant'] });
} catch (e) {
  if (SwitchyardError.isInstance(e)) console.log(`bad input -> ${e.name} (${e.message})`);
}
