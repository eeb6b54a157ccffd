/**
 * A customer-service system with many agent types, routed by rules, language and cost:
 * compliance review to Claude, sentiment to Gemini, the product expert and Chinese queries to
 * DeepSeek, simple questions to the cheapest capable model, and load balancing across two
 * fallback chains for the general chat agent. Mock providers stand in for the vendors.
 */
import assert from 'node:assert/strict';
import { createRouter, type RouterOptions } from '../src/index.js';
import { mockProvider } from '../src/testing.js';
import { seededRandom } from '../src/providers/mock/random.js';

const vendor = (name: string) =>
  mockProvider({ name, reply: (req) => `[${name}] ${JSON.stringify(req.messages.at(-1)?.content).slice(0, 40)}` });

const options: RouterOptions = {
  providers: {
    claude: vendor('claude'),
    gemini: vendor('gemini'),
    deepseek: vendor('deepseek'),
    gpt: vendor('gpt'),
    local: vendor('ollama'),
  },
  models: {
    'claude-sonnet': {
      provider: 'claude',
      model: 'claude-sonnet-4-5',
      pricing: { input: 3, output: 15 },
      tier: 'premium',
      strengths: ['reasoning', 'compliance'],
      capabilities: { vision: true },
    },
    'gemini-flash': {
      provider: 'gemini',
      model: 'gemini-2.5-flash',
      pricing: { input: 0.3, output: 2.5 },
      tier: 'economy',
      strengths: ['fast', 'sentiment'],
      capabilities: { vision: true },
    },
    'ds-chat': {
      provider: 'deepseek',
      model: 'deepseek-chat',
      pricing: { input: 0.28, output: 0.42, cachedInput: 0.028 },
      tier: 'economy',
      strengths: ['chinese'],
      capabilities: { vision: false },
    },
    'gpt-mini': {
      provider: 'gpt',
      model: 'gpt-4o-mini',
      pricing: { input: 0.15, output: 0.6 },
      tier: 'economy',
      capabilities: { vision: true },
    },
    llama: {
      provider: 'local',
      model: 'llama3.1:8b',
      pricing: { input: 0, output: 0 },
      tier: 'economy',
      contextWindow: 8_192,
      capabilities: { tools: false },
    },
  },
  groups: {
    'chain-openai': { use: ['gpt-mini', 'claude-sonnet'], weight: 3 },
    'chain-google': { use: ['gemini-flash', 'claude-sonnet'], weight: 1 },
  },
  routes: [
    { name: 'compliance review', when: { agent: 'compliance' }, use: ['claude-sonnet', 'gpt-mini'] },
    { name: 'sentiment', when: { agent: 'sentiment' }, use: ['gemini-flash', 'gpt-mini'] },
    { name: 'product expert', when: { agent: 'product-expert' }, use: ['ds-chat', 'claude-sonnet'] },
    { name: 'chinese', when: { language: 'zh' }, use: ['ds-chat', 'claude-sonnet'] },
    { name: 'general chat', when: { agent: 'chat' }, use: ['chain-openai', 'chain-google'], strategy: 'load-balance' },
    { name: 'simple questions', when: { complexity: 'simple' }, use: ['llama', 'gpt-mini', 'gemini-flash', 'ds-chat'], strategy: 'cost' },
  ],
  strategy: 'capability',
  circuitBreaker: { failureThreshold: 5, cooldownMs: 30_000 },
  rateLimits: { gpt: { rpm: 500, maxConcurrent: 32 } },
  retry: { retries: 1, perError: { 'rate-limit': 3 } },
  sessions: { ttlMs: 30 * 60_000 },
  degradeTo: 'gpt-mini',
  random: seededRandom(42),
};

const router = createRouter(options);
const ask = async (agent: string, content: string) => {
  const res = await router.chat({ messages: [{ role: 'user', content }], agent, tenant: 'acme' });
  const routeName = router.explain({ messages: [{ role: 'user', content }], agent }).routeName ?? 'default';
  console.log(`${agent.padEnd(15)} ${res.route.model.padEnd(14)} via ${routeName.padEnd(17)} ${content.slice(0, 30)}`);
  return res;
};

assert.equal(
  (await ask('compliance', 'Review this refund script for regulatory issues, compare it with the policy and list the risks.')).route.model,
  'claude-sonnet',
);
assert.equal((await ask('sentiment', 'The delivery was late again and nobody called me.')).route.model, 'gemini-flash');
assert.equal((await ask('product-expert', 'Does the X200 support wireless charging?')).route.model, 'ds-chat');
assert.equal((await ask('order-status', '我的订单什么时候到？')).route.model, 'ds-chat');
assert.equal((await ask('order-status', '我的訂單什麼時候到？')).route.model, 'ds-chat');
assert.equal((await ask('faq', 'What are your opening hours?')).route.model, 'llama');
const chat = await ask('chat', 'Tell me about your loyalty program and how points expire, and whether I can transfer them?');
assert.ok(['gpt-mini', 'gemini-flash'].includes(chat.route.model));

const decision = router.explain({
  messages: [{ role: 'user', content: 'hi' }],
  agent: 'faq',
  tools: [{ name: 'lookup', parameters: { type: 'object' } }],
});
console.log(
  '\nexplain (simple question with tools):',
  decision.candidates.join(' > '),
  '| skipped:',
  decision.skipped.map((s) => `${s.model} (${s.reason}: ${s.detail})`).join(', '),
);
console.log(
  'classify:',
  JSON.stringify(router.classify({ messages: [{ role: 'user', content: '請比較兩種方案的成本，並評估風險。' }] }).language),
);
await router.close();
