import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortError, createRouter, RateLimitError, TimeoutError } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';

const messages = [{ role: 'user' as const, content: 'hi' }];

afterEach(() => {
  vi.useRealTimers();
});

describe('rate limits', () => {
  it('explain() shows a saturated local limit (overflow: next) and a vendor 429 cooldown as skips, while another candidate is left', async () => {
    const busy = mockProvider({ reply: { hang: true } });
    const router = createRouter({
      providers: { busy, limited: mockProvider({ reply: { fail: 429 } }), free: mockProvider({ reply: 'ok' }) },
      models: { a: { provider: 'busy', model: 'a' }, b: { provider: 'limited', model: 'b' }, c: { provider: 'free', model: 'c' } },
      rateLimits: { busy: { maxConcurrent: 1 } },
      retry: { retries: 0 },
    });
    const controller = new AbortController();
    const hanging = router.chat({ messages, model: 'a', signal: controller.signal }).catch((e: unknown) => e);
    await router.chat({ messages, model: 'b' }).catch(() => undefined);
    const decision = router.explain({ messages });
    expect(decision.candidates).toEqual(['c']);
    expect(decision.skipped).toEqual([
      { model: 'a', reason: 'rate-limited', detail: 'local limit saturated (overflow: next)' },
      { model: 'b', reason: 'rate-limited', detail: 'cooling down after a vendor 429' },
    ]);
    controller.abort();
    expect(await hanging).toBeInstanceOf(AbortError);
    expect(router.explain({ messages }).candidates).toEqual(['a', 'c']);
  });

  it('maxConcurrent: 4 never lets a fifth call start (queue mode), counted at the mock', async () => {
    const m = mockProvider({ latencyMs: 20 });
    const router = createRouter({
      providers: { m },
      models: { x: { provider: 'm', model: 'x' } },
      rateLimits: { m: { maxConcurrent: 4, overflow: 'queue' } },
    });
    const results = await Promise.all(Array.from({ length: 20 }, () => router.chat({ messages })));
    expect(results).toHaveLength(20);
    expect(m.calls).toHaveLength(20);
    expect(m.maxInFlight).toBe(4);
    await router.close();
  });

  it('a stream holds its slot until it ends', async () => {
    const m = mockProvider({ chunkDelayMs: 2, reply: 'a b c d e f' });
    const router = createRouter({
      providers: { m },
      models: { x: { provider: 'm', model: 'x' } },
      rateLimits: { x: { maxConcurrent: 2, overflow: 'queue' } },
    });
    await Promise.all(Array.from({ length: 6 }, () => router.stream({ messages }).collect()));
    expect(m.maxInFlight).toBe(2);
    await router.close();
  });

  it("overflow 'next' (default) moves a saturated target's excess to the next candidate at once", async () => {
    const a = mockProvider({ name: 'a', latencyMs: 20 });
    const b = mockProvider({ name: 'b', latencyMs: 20 });
    const router = createRouter({
      providers: { a, b },
      models: { first: { provider: 'a', model: 'a' }, second: { provider: 'b', model: 'b' } },
      rateLimits: { first: { maxConcurrent: 2 } },
    });
    const results = await Promise.all(Array.from({ length: 6 }, () => router.chat({ messages })));
    expect(a.maxInFlight).toBe(2);
    expect(results.filter((r) => r.route.model === 'first').length).toBe(2);
    const overflowed = results.filter((r) => r.route.model === 'second');
    expect(overflowed).toHaveLength(4);
    expect(overflowed[0]!.route.skipped).toEqual([
      { model: 'first', reason: 'rate-limited', detail: 'local limit saturated (overflow: next)' },
    ]);
    // Overflow is not a failure: no failed attempt was recorded.
    expect(overflowed[0]!.route.attempts.every((x) => x.ok)).toBe(true);
    await router.close();
  });

  it('a full queue is a local RateLimitError from us, not the vendor', async () => {
    const m = mockProvider({ latencyMs: 50 });
    const router = createRouter({
      providers: { m },
      models: { x: { provider: 'm', model: 'x' } },
      retry: { retries: 0 },
      rateLimits: { m: { maxConcurrent: 1, maxQueue: 2, overflow: 'queue' } },
    });
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => router.chat({ messages })));
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBe(3);
    expect(rejected.length).toBe(3);
    const local = rejected.map((r) => (r.reason as { attempts: Array<{ error: unknown }> }).attempts[0]!.error);
    for (const e of local) {
      expect(RateLimitError.isInstance(e)).toBe(true);
      expect((e as RateLimitError).local).toBe(true);
    }
    expect(m.calls).toHaveLength(3);
    await router.close();
  });

  it('rpm: the reservoir empties, the next request goes to the other candidate', async () => {
    const a = mockProvider({ name: 'a' });
    const b = mockProvider({ name: 'b' });
    const router = createRouter({
      providers: { a, b },
      models: { first: { provider: 'a', model: 'a' }, second: { provider: 'b', model: 'b' } },
      rateLimits: { a: { rpm: 3 } },
    });
    const served: string[] = [];
    for (let i = 0; i < 5; i++) served.push((await router.chat({ messages })).route.model);
    expect(served).toEqual(['first', 'first', 'first', 'second', 'second']);
    await router.close();
  });

  it('tpm: requests reserve their estimated tokens; the reservoir corrects to the vendor usage', async () => {
    const a = mockProvider({ name: 'a', latencyMs: 10, reply: { text: 'ok', usage: { inputTokens: 10, outputTokens: 10 } } });
    const b = mockProvider({ name: 'b' });
    const router = createRouter({
      providers: { a, b },
      models: { first: { provider: 'a', model: 'a' }, second: { provider: 'b', model: 'b' } },
      rateLimits: { first: { tpm: 3_000 } },
    });
    // Each request reserves ~1,000 estimated tokens (prompt) and then gives back all but the 20 used.
    const big = { messages: [{ role: 'user' as const, content: 'x'.repeat(4_000) }] };
    const served: string[] = [];
    for (let i = 0; i < 6; i++) served.push((await router.chat(big)).route.model);
    expect(served).toEqual(['first', 'first', 'first', 'first', 'first', 'first']);
    // Without the correction the fourth request would have overflowed; a request bigger than what is left does.
    const huge = { messages: [{ role: 'user' as const, content: 'x'.repeat(8_000) }] }; // ~2,000 tokens: one fits what is left, two do not
    const results = await Promise.all([router.chat(huge), router.chat(huge)]);
    expect(results.map((r) => r.route.model)).toEqual(['first', 'second']);
    await router.close();
  });

  it('a vendor 429 cools that target: the next request skips it while another candidate is available', async () => {
    vi.useFakeTimers();
    const a = mockProvider({ name: 'a', failFirst: { times: 1, with: { error: 'rate-limit', retryAfterMs: 5_000 } } });
    const b = mockProvider({ name: 'b' });
    const router = createRouter({
      providers: { a, b },
      models: { first: { provider: 'a', model: 'a' }, second: { provider: 'b', model: 'b' } },
      retry: { retries: 0 },
    });
    expect((await router.chat({ messages })).route.model).toBe('second');
    const cooled = await router.chat({ messages });
    expect(cooled.route.model).toBe('second');
    expect(cooled.route.skipped).toEqual([{ model: 'first', reason: 'rate-limited', detail: 'cooling down after a vendor 429' }]);
    expect(a.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect((await router.chat({ messages })).route.model).toBe('first');
  });
});

describe('retries per error class and deadlines', () => {
  it('retries rate limits 3 times but a server error only once', async () => {
    const limited = mockProvider({ reply: { fail: 'rate-limit' } });
    const broken = mockProvider({ reply: { fail: 500 } });
    const opts = { retry: { retries: 0, perError: { 'rate-limit': 3, 'provider-unavailable': 1 }, minDelayMs: 0, jitter: false } } as const;
    await createRouter({ providers: { m: limited }, models: { x: { provider: 'm', model: 'x' } }, ...opts })
      .chat({ messages })
      .catch(() => undefined);
    await createRouter({ providers: { m: broken }, models: { x: { provider: 'm', model: 'x' } }, ...opts })
      .chat({ messages })
      .catch(() => undefined);
    expect(limited.calls).toHaveLength(4);
    expect(broken.calls).toHaveLength(2);
  });

  it('never retries a non-retryable error', async () => {
    const m = mockProvider({ reply: { fail: 401 } });
    await createRouter({ providers: { m }, models: { x: { provider: 'm', model: 'x' } }, retry: { retries: 5, minDelayMs: 0 } })
      .chat({ messages })
      .catch(() => undefined);
    expect(m.calls).toHaveLength(1);
  });

  it('a per-attempt deadline turns a hung try into a retryable TimeoutError, within the request deadline', async () => {
    vi.useFakeTimers();
    const m = mockProvider({ reply: [{ hang: true }, 'second try'] });
    const router = createRouter({
      providers: { m },
      models: { x: { provider: 'm', model: 'x' } },
      retry: { retries: 1, attemptTimeoutMs: 1_000, minDelayMs: 0, jitter: false },
    });
    const pending = router.chat({ messages, timeoutMs: 10_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    const res = await pending;
    expect(res.text).toBe('second try');
    expect(res.route.attempts[0]!.error).toBeInstanceOf(TimeoutError);
    expect(res.route.attempts[0]!.error!.message).toContain('timed out after 1000 ms');
  });

  it("the jitter draws from the router's `random` option (exponential waits, reproducible)", async () => {
    vi.useFakeTimers();
    const m = mockProvider({ reply: [{ fail: 503 }, { fail: 503 }, 'third try'] });
    // random() = 0.5: the jitter factor is 1.5, so the waits are 1,500 then 3,000 ms.
    const router = createRouter({
      providers: { m },
      models: { x: { provider: 'm', model: 'x' } },
      retry: { retries: 2, minDelayMs: 1_000, factor: 2 },
      random: () => 0.5,
    });
    const pending = router.chat({ messages });
    await vi.advanceTimersByTimeAsync(1_499);
    expect(m.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(m.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2_999);
    expect(m.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).text).toBe('third try');
  });

  it('jittered exponential backoff waits between tries (fake timers), and abort ends the wait at once', async () => {
    vi.useFakeTimers();
    const m = mockProvider({ reply: { fail: 503 } });
    const router = createRouter({
      providers: { m },
      models: { x: { provider: 'm', model: 'x' } },
      retry: { retries: 3, minDelayMs: 1_000, factor: 2, jitter: false },
    });
    const controller = new AbortController();
    const pending = router.chat({ messages, signal: controller.signal }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(999);
    expect(m.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(m.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(m.calls).toHaveLength(2);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(await pending).toBeInstanceOf(AbortError);
    expect(m.calls).toHaveLength(2);
  });
});
