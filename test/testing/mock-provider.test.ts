import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRouter, RateLimitError } from '../../src/index.js';
import { mockProvider, type MockProvider } from '../../src/testing.js';

const messages = [{ role: 'user' as const, content: 'ping' }];
const routerFor = (m: MockProvider) =>
  createRouter({ providers: { m }, models: { x: { provider: 'm', model: 'mx' } }, retry: { retries: 0 } });

afterEach(() => {
  vi.useRealTimers();
});

describe('mockProvider (switchyard/testing)', () => {
  it('echoes the last user message by default and records the call', async () => {
    const m = mockProvider();
    const res = await routerFor(m).chat({ messages, agent: 'a' });
    expect(res.text).toBe('echo: ping');
    expect(m.calls).toHaveLength(1);
    expect(m.calls[0]).toMatchObject({ index: 0, method: 'chat', model: 'mx', outcome: 'ok' });
    expect(m.calls[0]!.request.messages).toEqual(messages);
  });

  it('plays a list of replies in order, repeating the last (or cycling)', async () => {
    const m = mockProvider({ reply: ['one', 'two'] });
    const r = routerFor(m);
    const texts = [];
    for (let i = 0; i < 3; i++) texts.push((await r.chat({ messages })).text);
    expect(texts).toEqual(['one', 'two', 'two']);
    const c = mockProvider({ reply: ['one', 'two'], cycle: true });
    const rc = routerFor(c);
    const cycled = [];
    for (let i = 0; i < 3; i++) cycled.push((await rc.chat({ messages })).text);
    expect(cycled).toEqual(['one', 'two', 'one']);
  });

  it('answers with a function of the request', async () => {
    const m = mockProvider({ reply: (req) => `got ${req.messages.length} message(s), temp ${req.params.temperature}` });
    expect((await routerFor(m).chat({ messages, params: { temperature: 0.5 } })).text).toBe('got 1 message(s), temp 0.5');
  });

  it('fails the first N calls, then succeeds', async () => {
    const m = mockProvider({ failFirst: { times: 2, with: 429 }, reply: 'finally' });
    const r = routerFor(m);
    await expect(r.chat({ messages })).rejects.toThrow();
    await expect(r.chat({ messages })).rejects.toThrow();
    expect((await r.chat({ messages })).text).toBe('finally');
    expect(m.calls.map((c) => c.outcome)).toEqual(['error', 'error', 'ok']);
    expect(m.calls[0]!.error).toBeInstanceOf(RateLimitError);
  });

  it('fails with a seeded probability, reproducibly', async () => {
    const run = async () => {
      const m = mockProvider({ failRate: { probability: 0.3, with: 'provider-unavailable', seed: 42 } });
      const r = routerFor(m);
      const outcomes: boolean[] = [];
      for (let i = 0; i < 200; i++)
        outcomes.push(
          await r.chat({ messages }).then(
            () => true,
            () => false,
          ),
        );
      return outcomes;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    const failures = a.filter((ok) => !ok).length;
    expect(failures).toBeGreaterThan(40);
    expect(failures).toBeLessThan(80);
  });

  it('simulates latency (fake timers) and hangs until aborted', async () => {
    vi.useFakeTimers();
    const m = mockProvider({ latencyMs: 1_000, reply: 'slow' });
    let done = false;
    const pending = routerFor(m)
      .chat({ messages })
      .then((r) => ((done = true), r));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).text).toBe('slow');

    const hang = mockProvider({ reply: { hang: true } });
    const controller = new AbortController();
    const hung = routerFor(hang)
      .chat({ messages, signal: controller.signal })
      .catch((e: Error) => e.name);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(hang.calls[0]!.outcome).toBe('pending');
    controller.abort();
    expect(await hung).toBe('AbortError');
  });

  it('tracks concurrency', async () => {
    const m = mockProvider({ latencyMs: 5 });
    const r = routerFor(m);
    await Promise.all(Array.from({ length: 7 }, () => r.chat({ messages })));
    expect(m.maxInFlight).toBe(7);
    expect(m.inFlight).toBe(0);
  });

  it('counts tokens from the text (CJK about one a character), or takes given usage', async () => {
    const english = await routerFor(mockProvider({ reply: 'abcd'.repeat(10) })).chat({ messages });
    expect(english.usage.outputTokens).toBe(10);
    const chinese = await routerFor(mockProvider({ reply: '你好世界你好世界你好' })).chat({ messages });
    expect(chinese.usage.outputTokens).toBe(10);
    const given = await routerFor(
      mockProvider({ reply: { text: 'x', usage: { inputTokens: 7, outputTokens: 3, cachedInputTokens: 2 } } }),
    ).chat({ messages });
    expect(given.usage).toMatchObject({ inputTokens: 7, outputTokens: 3, totalTokens: 10, cachedInputTokens: 2 });
  });

  it('lists models, validates credentials, and resets', async () => {
    const m = mockProvider({ models: ['a', { id: 'b', contextWindow: 8_000 }], credentialsValid: false });
    expect(await m.listModels()).toEqual([
      { id: 'a', provider: 'mock' },
      { id: 'b', contextWindow: 8_000 },
    ]);
    const check = await m.validateCredentials();
    expect(check.ok).toBe(false);
    expect(check.error?.name).toBe('AuthenticationError');
    await routerFor(m).chat({ messages });
    m.reset();
    expect(m.calls).toHaveLength(0);
  });
});
