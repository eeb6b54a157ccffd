import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortError, createRouter, RateLimitError } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';

const ask = (n: number) => ({ messages: [{ role: 'user' as const, content: `request ${n}` }] });
const asked = (m: ReturnType<typeof mockProvider>) => m.calls.map((c) => c.request.messages[0]!.content);

afterEach(() => {
  vi.useRealTimers();
});

describe('rate limits: requests that wait', () => {
  it('rpm in queue mode: the excess waits for the next minute, first in first out', async () => {
    vi.useFakeTimers();
    const m = mockProvider();
    const router = createRouter({
      providers: { m },
      models: { x: { provider: 'm', model: 'x' } },
      rateLimits: { m: { rpm: 2, overflow: 'queue' } },
    });
    const done: number[] = [];
    const all = Array.from({ length: 5 }, (_, i) => router.chat(ask(i)).then(() => done.push(i)));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(done).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(done).toEqual([0, 1, 2, 3]);
    await vi.advanceTimersByTimeAsync(60_000);
    await Promise.all(all);
    expect(done).toEqual([0, 1, 2, 3, 4]);
    expect(asked(m)).toEqual(['request 0', 'request 1', 'request 2', 'request 3', 'request 4']);
    const closing = router.close(); // its ledger flush waits a (fake) setImmediate
    await vi.advanceTimersByTimeAsync(1);
    await closing;
  });

  it('tpm in queue mode: a request waits until the minute refills the tokens it needs', async () => {
    vi.useFakeTimers();
    const m = mockProvider({ reply: { text: 'ok', usage: { inputTokens: 900, outputTokens: 100 } } });
    const router = createRouter({
      providers: { m },
      models: { x: { provider: 'm', model: 'x' } },
      rateLimits: { x: { tpm: 1_500, overflow: 'queue' } },
    });
    const big = { messages: [{ role: 'user' as const, content: 'x'.repeat(4_000) }] }; // ~1,000 estimated tokens
    await router.chat(big); // reserves ~1,000, settles at the 1,000 reported
    let second = false;
    const pending = router.chat(big).then(() => (second = true));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(second).toBe(false);
    await vi.advanceTimersByTimeAsync(30_000);
    await pending;
    expect(second).toBe(true);
    expect(m.calls).toHaveLength(2);
    const closing = router.close(); // its ledger flush waits a (fake) setImmediate
    await vi.advanceTimersByTimeAsync(1);
    await closing;
  });

  it('an aborted waiting request leaves the line with an AbortError and the next one is served', async () => {
    const m = mockProvider({ latencyMs: 30 });
    const router = createRouter({
      providers: { m },
      models: { x: { provider: 'm', model: 'x' } },
      retry: { retries: 0 },
      rateLimits: { m: { maxConcurrent: 1, overflow: 'queue' } },
    });
    const controller = new AbortController();
    const first = router.chat(ask(0));
    const aborted = router.chat({ ...ask(1), signal: controller.signal });
    const third = router.chat(ask(2));
    controller.abort();
    const outcome = await aborted.catch((e: unknown) => e);
    expect(AbortError.isInstance(outcome)).toBe(true);
    await Promise.all([first, third]);
    expect(asked(m)).toEqual(['request 0', 'request 2']);
    expect(m.maxInFlight).toBe(1);
    await router.close();
  });

  it('close() rejects the requests still waiting with a local RateLimitError; nothing is left hanging', async () => {
    const m = mockProvider({ latencyMs: 30 });
    const router = createRouter({
      providers: { m },
      models: { x: { provider: 'm', model: 'x' } },
      retry: { retries: 0 },
      rateLimits: { m: { maxConcurrent: 1, overflow: 'queue' } },
    });
    const running = router.chat(ask(0));
    const waiting = router.chat(ask(1)).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 5));
    await router.close();
    const error = (await waiting) as { attempts: Array<{ error: unknown }> };
    const cause = error.attempts[0]!.error;
    expect(RateLimitError.isInstance(cause)).toBe(true);
    expect((cause as RateLimitError).local).toBe(true);
    await running;
    expect(m.calls).toHaveLength(1);
  });

  it('property: in queue mode every request is served exactly once, in order, never above maxConcurrent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 24 }), async (maxConcurrent, n) => {
        const m = mockProvider({ latencyMs: { min: 0, max: 4 } });
        const router = createRouter({
          providers: { m },
          models: { x: { provider: 'm', model: 'x' } },
          rateLimits: { x: { maxConcurrent, overflow: 'queue' } },
        });
        const results = await Promise.all(Array.from({ length: n }, (_, k) => router.chat(ask(k))));
        expect(results).toHaveLength(n);
        expect(m.maxInFlight).toBeLessThanOrEqual(maxConcurrent);
        expect(asked(m)).toEqual(Array.from({ length: n }, (_, k) => `request ${k}`));
        await router.close();
      }),
      { numRuns: 40 },
    );
  });

  it("property: with overflow 'next' the saturated target's excess goes to the other candidate, none is lost", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 20 }), async (maxConcurrent, n) => {
        const a = mockProvider({ name: 'a', latencyMs: 3 });
        const b = mockProvider({ name: 'b', latencyMs: 3 });
        const router = createRouter({
          providers: { a, b },
          models: { first: { provider: 'a', model: 'a' }, second: { provider: 'b', model: 'b' } },
          rateLimits: { a: { maxConcurrent } },
        });
        const results = await Promise.all(Array.from({ length: n }, (_, k) => router.chat(ask(k))));
        expect(a.maxInFlight).toBeLessThanOrEqual(maxConcurrent);
        expect(a.calls.length + b.calls.length).toBe(n);
        expect(results.filter((r) => r.route.model === 'first')).toHaveLength(Math.min(n, maxConcurrent));
        await router.close();
      }),
      { numRuns: 30 },
    );
  });
});
