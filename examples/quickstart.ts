/**
 * Quick start: two mock providers, a fallback chain and the route that served each request.
 * No API keys, no network: `npm run demo`.
 */
import { createRouter } from '../src/index.js';
import { mockProvider } from '../src/testing.js';

const router = createRouter({
  providers: {
    // The primary is down: every call fails with HTTP 503, as a real outage would.
    primary: mockProvider({ name: 'primary', reply: { fail: 503 } }),
    backup: mockProvider({ name: 'backup', reply: 'Your order #1234 ships tomorrow.' }),
  },
  models: {
    'fast-model': { provider: 'primary', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 } },
    'backup-model': { provider: 'backup', model: 'claude-haiku-4-5', pricing: { input: 1, output: 5 } },
  },
  strategy: 'fallback',
  retry: { retries: 1, minDelayMs: 10 },
});

router.on('fallback', (e) => console.log(`fallback: ${e.from} -> ${e.to} after ${e.error.name} (${e.error.message})`));

const res = await router.chat({
  messages: [{ role: 'user', content: 'Where is my order?' }],
  tenant: 'acme',
  agent: 'order-status',
});

console.log('text:    ', res.text);
console.log('served by', res.route.model, 'via', res.route.provider, `(fallbackUsed: ${res.route.fallbackUsed})`);
console.log('attempts:', res.route.attempts.map((a) => `${a.model}#${a.try} ${a.ok ? 'ok' : a.errorClass}`).join(', '));
console.log('usage:   ', res.usage.inputTokens, 'in /', res.usage.outputTokens, 'out; cost $' + res.cost.totalUsd.toFixed(6));

// Streaming: the same route, event by event.
let streamed = '';
for await (const ev of router.stream({ messages: [{ role: 'user', content: 'Stream it' }], tenant: 'acme' })) {
  if (ev.type === 'start') console.log('stream start:', ev.model);
  if (ev.type === 'text-delta') streamed += ev.delta;
  if (ev.type === 'finish')
    console.log('stream finish:', ev.finishReason, JSON.stringify(streamed), 'fallbackUsed:', ev.route.fallbackUsed);
}

await router.close();
