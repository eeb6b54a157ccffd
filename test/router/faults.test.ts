/**
 * Faults at the request path's edges, through the public API: a caller's own short deadline, a
 * started stream under `retry.attemptTimeoutMs`, malformed provider output, a dropped stream
 * iterator, and names that only exist on Object.prototype.
 */
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  AllAttemptsFailedError,
  createRouter,
  InvalidRequestError,
  InvalidResponseError,
  TimeoutError,
  type LLMProvider,
  type StreamEvent,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';
import { type ProviderCallOptions, type ProviderStreamPart } from '../../src/provider.js';

const messages = [{ role: 'user' as const, content: 'hi' }];
const usage = { inputTokens: 3, outputTokens: 2, totalTokens: 5 };

/** Waits `ms`, or rejects as an SDK does when the call's signal aborts. */
function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(new Error('aborted'))), { once: true });
  });
}

/** A provider whose stream sends one delta, then (unless aborted) waits `pauseMs` and finishes. */
function slowStream(pauseMs: number): LLMProvider {
  return {
    ...mockProvider(),
    async *stream(_request, options: ProviderCallOptions): AsyncGenerator<ProviderStreamPart> {
      yield { type: 'text-delta', delta: 'Hel' };
      await wait(pauseMs, options.signal);
      yield { type: 'text-delta', delta: 'lo' };
      yield { type: 'finish', finishReason: 'stop', usage };
    },
  };
}

async function drain(stream: AsyncIterable<StreamEvent>, onDelta?: (delta: string) => void): Promise<unknown> {
  try {
    for await (const ev of stream) if (ev.type === 'text-delta') onDelta?.(ev.delta);
    return 'completed';
  } catch (error) {
    return error;
  }
}

describe('the caller’s own deadline', () => {
  it('does not count as a model failure: a healthy model’s breaker stays closed', async () => {
    const router = createRouter({
      providers: { p: mockProvider({ reply: 'ok', latencyMs: 200 }) },
      models: { m: { provider: 'p', model: 'x' } },
      circuitBreaker: { failureThreshold: 1 },
      retry: { retries: 0 },
    });
    for (let i = 0; i < 3; i++) {
      const error = await router.chat({ messages, timeoutMs: 5 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
    }
    expect(router.health().models.m!.state).toBe('closed');
    expect(router.health().models.m!.errorRate).toBe(0);
    expect((await router.chat({ messages, timeoutMs: 10_000 })).text).toBe('ok');
  });
});

describe('a started stream with retry.attemptTimeoutMs', () => {
  const options = (pauseMs: number) => ({
    providers: { p: slowStream(pauseMs) },
    models: { m: { provider: 'p', model: 'x' } },
    retry: { retries: 0, attemptTimeoutMs: 10_000 },
  });

  it('still obeys the request’s timeoutMs', async () => {
    const router = createRouter(options(3_000));
    const deltas: string[] = [];
    const outcome = await drain(router.stream({ messages, timeoutMs: 150 }), (d) => deltas.push(d));
    // Ended by the deadline: the text after the provider's 3 s pause never came (no wall-clock bound asserted).
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect(deltas).toEqual(['Hel']);
  });

  it('still obeys the caller’s AbortSignal', async () => {
    const router = createRouter(options(3_000));
    const controller = new AbortController();
    const events: string[] = [];
    const outcome = await (async () => {
      try {
        for await (const ev of router.stream({ messages, signal: controller.signal })) {
          events.push(ev.type);
          if (ev.type === 'text-delta') controller.abort();
        }
        return 'completed';
      } catch (error) {
        return error;
      }
    })();
    expect(outcome).toBeInstanceOf(AbortError);
    expect(events).toContain('text-delta');
    expect(events).not.toContain('finish');
  });
});

describe('malformed provider output', () => {
  for (const [label, value] of [
    ['null', null],
    ['{}', {}],
  ] as const) {
    it(`chat() resolving ${label} is an InvalidResponseError, and the concurrency slot is released`, async () => {
      let calls = 0;
      const provider: LLMProvider = {
        ...mockProvider(),
        chat: async () =>
          ++calls === 1 ? (value as never) : { content: [{ type: 'text', text: 'ok' }], finishReason: 'stop', usage, warnings: [] },
      };
      const router = createRouter({
        providers: { p: provider },
        models: { m: { provider: 'p', model: 'x' } },
        rateLimits: { p: { maxConcurrent: 1 } },
        retry: { retries: 0 },
      });
      const error = await router.chat({ messages }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AllAttemptsFailedError);
      expect((error as AllAttemptsFailedError).lastError).toBeInstanceOf(InvalidResponseError);
      // With the slot leaked, this request would wait for it until its deadline.
      expect((await router.chat({ messages, timeoutMs: 5_000 })).text).toBe('ok');
    });
  }

  it('a stream part without `delta` is an InvalidResponseError, and the slot is released', async () => {
    let calls = 0;
    const provider: LLMProvider = {
      ...mockProvider(),
      async *stream(): AsyncGenerator<ProviderStreamPart> {
        if (++calls === 1) yield { type: 'text-delta' } as unknown as ProviderStreamPart;
        yield { type: 'text-delta', delta: 'ok' };
        yield { type: 'finish', finishReason: 'stop', usage };
      },
    };
    const router = createRouter({
      providers: { p: provider },
      models: { m: { provider: 'p', model: 'x' } },
      rateLimits: { p: { maxConcurrent: 1 } },
      retry: { retries: 0 },
    });
    const outcome = await drain(router.stream({ messages }));
    expect(outcome).toBeInstanceOf(AllAttemptsFailedError);
    expect((outcome as AllAttemptsFailedError).lastError).toBeInstanceOf(InvalidResponseError);
    expect((await router.stream({ messages, timeoutMs: 5_000 }).collect()).text).toBe('ok');
  });

  it('a stream iterator dropped after next() without return() releases its slot, settles its budget hold and writes its record at the deadline', async () => {
    const router = createRouter({
      providers: { p: slowStream(60_000) },
      models: { m: { provider: 'p', model: 'x', pricing: { input: 1, output: 1 } } },
      rateLimits: { p: { maxConcurrent: 1 } },
      retry: { retries: 0 },
      budgets: [{ id: 'day', period: 'day', limitUsd: 100, onExceed: 'block' }],
    });
    const held = async () => (await router.budgets.status({})).find((b) => b.budgetId === 'day')!.heldMicros;
    const dropped = router.stream({ messages, timeoutMs: 200 })[Symbol.asyncIterator]();
    expect((await dropped.next()).value).toMatchObject({ type: 'start' });
    expect((await dropped.next()).value).toMatchObject({ type: 'text-delta', delta: 'Hel' });
    expect(await held()).toBeGreaterThan(0);
    // Never resumed, never returned. Once its deadline has passed, the slot is free again:
    await new Promise((resolve) => setTimeout(resolve, 400));
    const next = router.stream({ messages, timeoutMs: 1_000 })[Symbol.asyncIterator]();
    expect((await next.next()).value).toMatchObject({ type: 'start' });
    await next.return?.();
    const records = await router.costs.records({});
    expect(records.some((r) => r.outcome === 'error' && r.errorCode === 'timeout')).toBe(true);
    // Both holds are settled: the dropped stream's at its deadline, the second one's by return().
    expect(await held()).toBe(0);
  });
});

describe('names that only exist on Object.prototype', () => {
  it('disable(), enable() and force() reject them with InvalidRequestError', () => {
    const router = createRouter({ providers: { p: mockProvider() }, models: { m: { provider: 'p', model: 'x' } } });
    for (const name of ['toString', 'constructor', 'hasOwnProperty', '__proto__']) {
      expect(() => router.disable(String(name))).toThrow(InvalidRequestError);
      expect(() => router.enable(String(name))).toThrow(InvalidRequestError);
      expect(() => router.force(String(name))).toThrow(InvalidRequestError);
    }
  });
});

describe('delays of 2^31 ms or more (#19 item 12, the class): never a 1 ms timer', () => {
  it('a retry backoff of 2^31 ms waits (until the request deadline), it does not retry after 1 ms', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const provider = mockProvider({ reply: 'ok', failFirst: { times: 1, with: 503 } });
      const router = createRouter({
        providers: { p: provider },
        models: { m: { provider: 'p', model: 'x' } },
        retry: { retries: 1, minDelayMs: 2 ** 31, maxDelayMs: 2 ** 32, jitter: false, maxRetryAfterMs: 2 ** 40 },
      });
      const error = await router.chat({ messages, timeoutMs: 300 }).catch((e: unknown) => e);
      // Had the 2^31 ms backoff become a 1 ms timer, the retry would have been served ('ok').
      expect(TimeoutError.isInstance(error) || TimeoutError.isInstance((error as AllAttemptsFailedError).lastError), String(error)).toBe(
        true,
      );
      expect(provider.calls).toHaveLength(1);
      await router.close();
    } finally {
      await new Promise((resolve) => setTimeout(resolve, 10));
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });
});
