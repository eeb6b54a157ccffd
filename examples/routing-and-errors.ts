/**
 * Routes, strategies, events and errors: every router option, event and error class of the
 * foundation in one runnable tour (mock providers, no keys).
 */
import assert from 'node:assert/strict';
import {
  AbortError,
  AllAttemptsFailedError,
  ConfigError,
  createRouter,
  InvalidRequestError,
  NoRouteError,
  validateConfig,
  type Candidate,
  type RouterOptions,
} from '../src/index.js';
import { mockProvider } from '../src/testing.js';

const claude = mockProvider({ name: 'claude', reply: 'Compliance review: approved.' });
const deepseek = mockProvider({ name: 'deepseek', reply: '您好！这款产品支持七天无理由退货。' });
const gpt = mockProvider({ name: 'gpt', failFirst: { times: 1, with: 503 }, reply: 'General answer.' });

const options: RouterOptions = {
  providers: { claude, deepseek, gpt },
  models: {
    'claude-sonnet': { provider: 'claude', model: 'claude-sonnet-4-5', pricing: { input: 3, output: 15 }, tier: 'premium' },
    'ds-chat': { provider: 'deepseek', model: 'deepseek-chat', pricing: { input: 0.27, output: 1.1, cachedInput: 0.07 }, tier: 'economy' },
    'gpt-mini': { provider: 'gpt', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 }, params: { temperature: 0.2 } },
  },
  strategy: 'fallback',
  routes: [
    { name: 'compliance', when: { agent: 'compliance' }, use: ['claude-sonnet', 'gpt-mini'] },
    { name: 'product-expert', when: { agent: ['product-expert', 'sales'], tags: ['zh'] }, use: ['ds-chat', 'claude-sonnet'] },
    {
      name: 'cheapest-first',
      when: (req) => req.tenant === 'budget-co',
      use: ['gpt-mini', 'ds-chat', 'claude-sonnet'],
      strategy: function cheapestFirst(cands: ReadonlyArray<Candidate>) {
        return [...cands].sort((a, b) => (a.config.pricing?.input ?? 0) - (b.config.pricing?.input ?? 0));
      },
    },
  ],
  retry: { retries: 1, minDelayMs: 5, maxDelayMs: 50, factor: 2, jitter: true, maxRetryAfterMs: 2_000 },
  fallback: { on: ['content-filter'] },
  timeoutMs: 30_000,
};

assert.deepEqual(validateConfig(options), { ok: true });
const router = createRouter(options);

const log: string[] = [];
router.on('request', (e) => log.push(`request ${e.kind} -> [${e.candidates.join(', ')}] by ${e.strategy}`));
router.on('attempt', (e) => log.push(`attempt ${e.model}#${e.try} ${e.ok ? 'ok' : e.error?.name} ${e.latencyMs.toFixed(1)}ms`));
router.on('fallback', (e) => log.push(`fallback ${e.from} -> ${e.to} (${e.error.code})`));
router.on('response', (e) => log.push(`response ${e.route.model} $${e.cost.totalUsd.toFixed(6)}`));
router.on('error', (e) => log.push(`error ${e.error.name}`));
router.on('listener-error', (e) => log.push(`listener-error in ${e.event}`));

// Routes by agent, tags and predicate; the decision is visible without a call.
console.log('explain compliance:', router.explain({ messages: [{ role: 'user', content: 'x' }], agent: 'compliance' }));
const zh = await router.chat({
  messages: [{ role: 'user', content: '退货政策是什么？' }],
  agent: 'product-expert',
  tags: ['zh'],
  tenant: 'acme',
});
console.log('product expert (zh):', zh.text, '| via', zh.route.model);
const cheap = await router.chat({ messages: [{ role: 'user', content: 'hi' }], tenant: 'budget-co' });
console.log(
  'budget tenant:',
  cheap.route.strategy,
  cheap.route.candidates.join(' > '),
  '| served by',
  cheap.route.model,
  '| attempts',
  cheap.route.attempts.length,
);
const forced = await router.chat({ messages: [{ role: 'user', content: 'hi' }], model: 'claude-sonnet', agent: 'sales' });
console.log('forced:', forced.route.model, forced.route.strategy);

// A throwing listener is reported, never breaks the request.
const off = router.on('response', () => {
  throw new Error('a bug in my metrics code');
});
await router.chat({ messages: [{ role: 'user', content: 'hi' }], agent: 'compliance' });
off();

// Errors: every one typed, named and carrying the route.
const bad = await router.chat({ messages: [], agent: 'compliance' }).catch((e: unknown) => e);
assert.ok(InvalidRequestError.isInstance(bad));
console.log('invalid request:', bad.path, '-', bad.message);

const controller = new AbortController();
controller.abort();
const aborted = await router.chat({ messages: [{ role: 'user', content: 'hi' }], signal: controller.signal }).catch((e: unknown) => e);
assert.ok(AbortError.isInstance(aborted));
console.log('aborted:', aborted.message);

const down = createRouter({
  providers: { a: mockProvider({ reply: { fail: 500 } }), b: mockProvider({ reply: { fail: 'rate-limit' } }) },
  models: { one: { provider: 'a', model: 'x' }, two: { provider: 'b', model: 'y' } },
  retry: { retries: 0 },
});
const all = await down.chat({ messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
assert.ok(AllAttemptsFailedError.isInstance(all));
console.log('all failed:', all.attempts.map((a) => `${a.model}:${a.errorClass}`).join(', '));

const none = createRouter({ providers: { a: mockProvider() }, models: { one: { provider: 'a', model: 'x' } }, strategy: () => [] });
const noRoute = await none.chat({ messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
assert.ok(NoRouteError.isInstance(noRoute));
console.log('no route:', noRoute.skipped.map((s) => `${s.model} (${s.reason})`).join(', '));

try {
  createRouter({ ...options, models: { ...options.models, broken: { provider: 'nobody', model: 'x' } }, retry: { retries: -1 } });
} catch (error) {
  assert.ok(ConfigError.isInstance(error));
  console.log(error.message);
}

console.log('\nevent log:\n  ' + log.join('\n  '));
await router.close();
