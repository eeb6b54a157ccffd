import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  AllAttemptsFailedError,
  createRouter,
  InvalidRequestError,
  NoRouteError,
  ProviderUnavailableError,
  RateLimitError,
  TimeoutError,
  type RouterOptions,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';

const messages = [{ role: 'user' as const, content: 'hello' }];

function twoModels(primary: ReturnType<typeof mockProvider>, backup: ReturnType<typeof mockProvider>, extra: Partial<RouterOptions> = {}) {
  return createRouter({
    providers: { primary, backup },
    models: { first: { provider: 'primary', model: 'p-1' }, second: { provider: 'backup', model: 'b-1' } },
    retry: { retries: 0 },
    ...extra,
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('fallback', () => {
  it('moves to the next candidate after a retryable failure and records every attempt', async () => {
    const primary = mockProvider({ reply: { fail: 503 } });
    const backup = mockProvider({ reply: 'from backup' });
    const router = twoModels(primary, backup);
    const fallbacks: string[] = [];
    router.on('fallback', (e) => fallbacks.push(`${e.from}->${e.to}:${e.error.name}`));
    const res = await router.chat({ messages });
    expect(res.text).toBe('from backup');
    expect(res.route.fallbackUsed).toBe(true);
    expect(res.route.attempts.map((a) => [a.model, a.ok, a.errorClass])).toEqual([
      ['first', false, 'ProviderUnavailableError'],
      ['second', true, undefined],
    ]);
    expect(res.route.attempts[0]!.error).toBeInstanceOf(ProviderUnavailableError);
    expect(fallbacks).toEqual(['first->second:ProviderUnavailableError']);
  });

  it('does not fall back after a non-retryable invalid request, unless configured to', async () => {
    const primary = mockProvider({ reply: { fail: 400 } });
    const backup = mockProvider({ reply: 'from backup' });
    const error = await twoModels(primary, backup)
      .chat({ messages })
      .catch((e: unknown) => e);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(backup.calls).toHaveLength(0);
    // The failed request keeps its attempts.
    expect((error as InvalidRequestError).route?.attempts.map((a) => a.errorClass)).toEqual(['InvalidRequestError']);

    primary.reset();
    const configured = twoModels(primary, backup, { fallback: { on: ['invalid-request'] } });
    expect((await configured.chat({ messages })).text).toBe('from backup');
  });

  it('retries a retryable failure on the same model before falling back', async () => {
    const primary = mockProvider({ failFirst: { times: 1, with: 'rate-limit' }, reply: 'second try' });
    const backup = mockProvider();
    const router = twoModels(primary, backup, { retry: { retries: 2, minDelayMs: 0, jitter: false } });
    const res = await router.chat({ messages });
    expect(res.text).toBe('second try');
    expect(res.route.attempts.map((a) => `${a.model}#${a.try}:${a.ok}`)).toEqual(['first#1:false', 'first#2:true']);
    expect(res.route.fallbackUsed).toBe(false);
    expect(backup.calls).toHaveLength(0);
  });

  it('waits a vendor retry-after before retrying, and skips the retry when it is too long', async () => {
    vi.useFakeTimers();
    const primary = mockProvider({ failFirst: { times: 1, with: { error: 'rate-limit', retryAfterMs: 3_000 } }, reply: 'after wait' });
    const router = twoModels(primary, mockProvider({ reply: 'backup' }), { retry: { retries: 1, minDelayMs: 100, jitter: false } });
    const pending = router.chat({ messages });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(primary.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_200);
    expect((await pending).text).toBe('after wait');
    expect(primary.calls).toHaveLength(2);

    const slow = mockProvider({ failFirst: { times: 1, with: { error: 'rate-limit', retryAfterMs: 60_000 } } });
    const res = await twoModels(slow, mockProvider({ reply: 'backup' }), { retry: { retries: 3, maxRetryAfterMs: 10_000 } }).chat({
      messages,
    });
    expect(res.text).toBe('backup');
    expect(slow.calls).toHaveLength(1);
  });

  it('throws AllAttemptsFailedError carrying every attempt when all candidates fail', async () => {
    const primary = mockProvider({ reply: { fail: 'rate-limit' } });
    const backup = mockProvider({ reply: { fail: 500 } });
    const router = twoModels(primary, backup);
    const errors: string[] = [];
    router.on('error', (e) => errors.push(e.error.name));
    const error = await router.chat({ messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AllAttemptsFailedError);
    const all = error as AllAttemptsFailedError;
    expect(all.attempts.map((a) => [a.model, a.errorClass])).toEqual([
      ['first', 'RateLimitError'],
      ['second', 'ProviderUnavailableError'],
    ]);
    expect(all.errors[0]).toBeInstanceOf(RateLimitError);
    expect(all.lastError).toBeInstanceOf(ProviderUnavailableError);
    expect(all.message).toContain('first#1: RateLimitError');
    expect(errors).toEqual(['AllAttemptsFailedError']);
  });

  it('throws NoRouteError when the strategy leaves nothing eligible, without calling anything', async () => {
    const primary = mockProvider();
    const router = createRouter({ providers: { primary }, models: { first: { provider: 'primary', model: 'p' } }, strategy: () => [] });
    await expect(router.chat({ messages })).rejects.toBeInstanceOf(NoRouteError);
    expect(primary.calls).toHaveLength(0);
  });

  it('an abort stops at once with AbortError: no retry, no fallback', async () => {
    const primary = mockProvider({ reply: { hang: true } });
    const backup = mockProvider();
    const router = twoModels(primary, backup, { retry: { retries: 3 } });
    const controller = new AbortController();
    const pending = router.chat({ messages, signal: controller.signal });
    await new Promise((r) => setImmediate(r));
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(primary.calls).toHaveLength(1);
    expect(primary.calls[0]!.outcome).toBe('aborted');
    expect(backup.calls).toHaveLength(0);
  });

  it('an abort during the backoff sleep ends the request within one timer tick', async () => {
    vi.useFakeTimers();
    const primary = mockProvider({ reply: { fail: 503 } });
    const router = twoModels(primary, mockProvider(), { retry: { retries: 3, minDelayMs: 60_000, jitter: false } });
    const controller = new AbortController();
    const pending = router.chat({ messages, signal: controller.signal }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    expect(primary.calls).toHaveLength(1);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(await pending).toBeInstanceOf(AbortError);
    expect(primary.calls).toHaveLength(1);
  });

  it('an already aborted signal makes no call at all', async () => {
    const primary = mockProvider();
    const controller = new AbortController();
    controller.abort();
    await expect(twoModels(primary, mockProvider()).chat({ messages, signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
    expect(primary.calls.every((c) => c.outcome === 'aborted')).toBe(true);
  });

  it('a request deadline ends a hanging call with TimeoutError and does not fall back past it', async () => {
    vi.useFakeTimers();
    const primary = mockProvider({ reply: { hang: true } });
    const backup = mockProvider();
    const pending = twoModels(primary, backup)
      .chat({ messages, timeoutMs: 5_000 })
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5_000);
    const error = await pending;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(5_000);
    expect(backup.calls).toHaveLength(0);
  });
});
