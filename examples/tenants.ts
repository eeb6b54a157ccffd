/**
 * Two tenants on one router: each with its own provider instance (its own key), routes, budget and
 * allow list; summaries, session pins and audit chains stay per tenant; a tenant added at runtime.
 * Mock providers record which instance served each call. `npx tsx examples/tenants.ts`
 */
import assert from 'node:assert/strict';
import { createRouter, memorySink, verifyAuditLog, type AuditEntry } from '../src/index.js';
import { mockProvider } from '../src/testing.js';

const platform = mockProvider({ name: 'platform-key', reply: 'answered with the platform key' });
const acmeOwn = mockProvider({ name: 'acme-key', reply: "answered with acme's own key" });
const globexOwn = mockProvider({ name: 'globex-key', reply: "answered with globex's own key" });
const audit = memorySink();

const router = createRouter({
  providers: { gpt: platform },
  models: {
    mini: { provider: 'gpt', model: 'gpt-4o-mini' },
    big: { provider: 'gpt', model: 'gpt-4o' },
  },
  tenants: {
    acme: {
      providers: { gpt: acmeOwn },
      routes: [{ when: { agent: 'compliance' }, use: ['big'] }],
      budgets: [{ period: 'day', limitUsd: 5, onExceed: 'block' }],
    },
    globex: { providers: { gpt: globexOwn }, denyModels: ['big'], strategy: 'cost' },
  },
  audit: { sink: audit },
});

const ask = (tenant: string | undefined, agent?: string) =>
  router.chat({
    messages: [{ role: 'user', content: 'Is my order insured?' }],
    ...(tenant && { tenant }),
    ...(agent && { agent }),
    session: 'conv-1',
  });

// All four share the session id `conv-1`: pins are per tenant, so acme's support request stays on the
// model that served acme's session first.
for (const [tenant, agent] of [
  ['acme', 'compliance'],
  ['globex', 'compliance'],
  ['acme', 'support'],
  [undefined, 'support'],
] as const) {
  const res = await ask(tenant, agent);
  const skipped = res.route.skipped.length ? `  [skipped ${res.route.skipped.map((s) => `${s.model}: ${s.detail}`).join('; ')}]` : '';
  console.log(`${(tenant ?? '(default)').padEnd(9)} ${agent.padEnd(10)} -> ${res.route.model.padEnd(4)} ${res.text}${skipped}`);
}
assert.equal(acmeOwn.calls.length, 2);
assert.equal(globexOwn.calls.length, 1);
assert.equal(platform.calls.length, 1);

for (const tenant of ['acme', 'globex']) {
  const s = await router.costs.summary({ tenant, by: ['tenant', 'model'] });
  console.log(`summary ${tenant}:`, s.rows.map((r) => `${r.group.tenant}/${r.group.model} x${r.requests}`).join(', '));
  const chain = (audit.entries as AuditEntry[]).filter((e) => e.tenant === tenant);
  console.log(`audit chain ${tenant}: ${chain.length} entries, verify ${JSON.stringify(verifyAuditLog(chain))}`);
}
console.log(
  'pins: acme',
  router.explain({ messages: [{ role: 'user', content: 'x' }], tenant: 'acme', session: 'conv-1' }).pinned,
  '| globex',
  router.explain({ messages: [{ role: 'user', content: 'x' }], tenant: 'globex', session: 'conv-1' }).pinned,
);

router.tenants.set('initech', { allowModels: ['mini'] }, { actor: 'admin@ops' });
console.log('initech:', (await ask('initech', 'compliance')).route.model, '| tenants:', router.tenants.list().join(', '));
console.log('connections:', JSON.stringify(await router.testConnections({ tenant: 'acme' })));
await router.close();
