/**
 * Resilience in one run: per-class retries, a per-attempt deadline, a circuit breaker that opens
 * and recovers through one probe, rate limits that overflow to the next model, a stream buffer
 * that hides a mid-stream failure, and the emergency controls. Mock providers, real timers
 * (short ones).
 */
import assert from 'node:assert/strict';
import { createRouter, TimeoutError } from '../src/index.js';
import { mockProvider } from '../src/testing.js';

const ask = { messages: [{ role: 'user' as const, content: 'Where is my parcel?' }] };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Retries per error class, and a deadline per attempt.
{
  const flaky = mockProvider({ reply: [{ fail: 'rate-limit' }, { fail: 'rate-limit' }, { hang: true }, 'third time lucky'] });
  const router = createRouter({
    providers: { flaky },
    models: { m: { provider: 'flaky', model: 'x' } },
    retry: { retries: 0, perError: { 'rate-limit': 3, timeout: 1 }, attemptTimeoutMs: 50, minDelayMs: 5, jitter: false },
  });
  const res = await router.chat(ask);
  assert.ok(TimeoutError.isInstance(res.route.attempts[2]!.error));
  console.log('retries:', res.route.attempts.map((a) => a.errorClass ?? 'ok').join(' -> '));
}

// A circuit breaker opens after 3 failures, skips the target, then lets one probe through.
{
  let down = true;
  const primary = mockProvider({ name: 'primary', reply: () => (down ? { fail: 503 } : 'primary is back') });
  const backup = mockProvider({ name: 'backup', reply: 'backup answer' });
  const router = createRouter({
    providers: { primary, backup },
    models: { main: { provider: 'primary', model: 'p' }, spare: { provider: 'backup', model: 'b' } },
    retry: { retries: 0 },
    circuitBreaker: { failureThreshold: 3, cooldownMs: 100, halfOpenProbes: 1, countOn: ['provider-unavailable', 'timeout'] },
  });
  router.on('breaker', (e) => console.log(`breaker ${e.model}: ${e.from} -> ${e.to} (${e.reason})`));
  for (let i = 0; i < 6; i++) await router.chat(ask);
  assert.equal(primary.calls.length, 3);
  console.log(
    'health while open:',
    router.health().models.main!.state,
    '| skipped:',
    JSON.stringify((await router.chat(ask)).route.skipped),
  );
  await sleep(120);
  down = false;
  const probe = await router.chat(ask);
  assert.equal(probe.route.model, 'main');
  console.log('after cooldown:', probe.text, '| state', router.health().models.main!.state);
}

// Rate limits: two in flight at the primary, the rest overflow to the next model at once.
{
  const a = mockProvider({ name: 'a', latencyMs: 20 });
  const b = mockProvider({ name: 'b', latencyMs: 20 });
  const router = createRouter({
    providers: { a, b },
    models: { first: { provider: 'a', model: 'a' }, second: { provider: 'b', model: 'b' } },
    rateLimits: { a: { maxConcurrent: 2, rpm: 600, overflow: 'next' }, b: { maxConcurrent: 8, maxQueue: 100, overflow: 'queue' } },
  });
  const served = await Promise.all(Array.from({ length: 8 }, () => router.chat(ask).then((r) => r.route.model)));
  assert.equal(a.maxInFlight, 2);
  console.log('rate limits:', served.join(','));
  // Through one slot of a third router, three requests at once: two of them wait their turn in the line.
  const queued = createRouter({
    providers: { b },
    models: { second: { provider: 'b', model: 'b' } },
    rateLimits: { b: { maxConcurrent: 1, overflow: 'queue' } },
  });
  const waits: string[] = [];
  queued.on('rate-limit-wait', (e) =>
    waits.push(`${e.model} ${e.admitted ? 'admitted' : 'gave up'} after ${Math.round(e.waitedMs / 10) * 10} ms`),
  );
  await Promise.all([1, 2, 3].map(() => queued.chat(ask)));
  assert.equal(waits.length, 2);
  console.log('rate-limit waits:', waits.length, 'requests waited for the slot');
  await Promise.all([router.close(), queued.close()]);
}

// A stream buffer: the first model dies after two chunks, inside the window, so the caller never sees it.
{
  const dying = mockProvider({ name: 'dying', reply: { text: 'this answer will not finish', cutAfterChunks: 2 } });
  const steady = mockProvider({ name: 'steady', reply: 'Your parcel arrives on Tuesday.' });
  const router = createRouter({
    providers: { dying, steady },
    models: { d: { provider: 'dying', model: 'd' }, s: { provider: 'steady', model: 's' } },
    retry: { retries: 0 },
    streamRecovery: { mode: 'buffer', chars: 40, ms: 500 },
  });
  let text = '';
  for await (const ev of router.stream(ask)) if (ev.type === 'text-delta') text += ev.delta;
  assert.equal(text, 'Your parcel arrives on Tuesday.');
  console.log('buffered stream:', text);
}

// Emergency controls, each with an actor.
{
  const router = createRouter({
    providers: { a: mockProvider({ name: 'a' }), b: mockProvider({ name: 'b' }) },
    models: { ma: { provider: 'a', model: 'a' }, mb: { provider: 'b', model: 'b' } },
  });
  router.on('control', (e) =>
    console.log(`control: ${e.action} ${e.target}${e.tenant ? ` for ${e.tenant}` : ''} by ${e.actor ?? 'unknown'}`),
  );
  router.disable('a', { actor: 'oncall' });
  assert.equal((await router.chat(ask)).route.model, 'mb');
  router.enable('a', { actor: 'oncall' });
  router.force('mb', { tenant: 'acme', actor: 'oncall' });
  assert.equal((await router.chat({ ...ask, tenant: 'acme' })).route.model, 'mb');
  router.unforce({ tenant: 'acme', actor: 'oncall' });
  router.resetBreaker('ma', { actor: 'oncall' });
  console.log('health:', JSON.stringify(router.health().providers));
}
