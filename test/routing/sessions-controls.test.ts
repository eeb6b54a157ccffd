import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AllAttemptsFailedError,
  createRouter,
  InvalidRequestError,
  NoRouteError,
  type RouterEvents,
  type StreamEvent,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';

const messages = [{ role: 'user' as const, content: 'hi' }];

afterEach(() => {
  vi.useRealTimers();
});

function three(opts: { aFails?: boolean } = {}) {
  const a = mockProvider({ name: 'a', reply: opts.aFails ? { fail: 503 } : 'from a' });
  const b = mockProvider({ name: 'b', reply: 'from b' });
  const cheap = mockProvider({ name: 'cheap', reply: 'from cheap' });
  return { a, b, cheap };
}

describe('sessions', () => {
  it('pins the first successful model; a failure re-pins to the model that served the fallback', async () => {
    let aDown = false;
    const a = mockProvider({ name: 'a', reply: () => (aDown ? { fail: 503 } : 'from a') });
    const b = mockProvider({ name: 'b', reply: 'from b' });
    const router = createRouter({
      providers: { a, b },
      models: { ma: { provider: 'a', model: 'a' }, mb: { provider: 'b', model: 'b' } },
      strategy: { type: 'load-balance', mode: 'round-robin' },
      retry: { retries: 0 },
      circuitBreaker: false,
    });
    const first = await router.chat({ messages, session: 's1' });
    const pinned = first.route.model;
    for (let i = 0; i < 5; i++) {
      const res = await router.chat({ messages, session: 's1' });
      expect(res.route.model).toBe(pinned);
      expect(res.route.pinned).toBe(true);
    }
    expect(pinned).toBe('ma');
    aDown = true;
    const moved = await router.chat({ messages, session: 's1' });
    expect(moved.route.model).toBe('mb');
    aDown = false;
    // The pin moved with the fallback: the session stays on mb even though ma is back.
    expect((await router.chat({ messages, session: 's1' })).route.model).toBe('mb');
    // Another tenant's session with the same id is a different session.
    expect(router.explain({ messages, session: 's1', tenant: 'other' }).pinned).toBeUndefined();
  });

  it('expires pins after the TTL and bounds memory', async () => {
    vi.useFakeTimers();
    const { a, b } = three();
    const router = createRouter({
      providers: { a, b },
      models: { ma: { provider: 'a', model: 'a' }, mb: { provider: 'b', model: 'b' } },
      strategy: { type: 'load-balance', mode: 'round-robin' },
      sessions: { ttlMs: 1_000, maxSessions: 2 },
    });
    await router.chat({ messages, session: 's1' });
    expect(router.explain({ messages, session: 's1' }).pinned).toBeDefined();
    await vi.advanceTimersByTimeAsync(1_001);
    expect(router.explain({ messages, session: 's1' }).pinned).toBeUndefined();
    for (const s of ['x', 'y', 'z']) await router.chat({ messages, session: s });
    expect(router.explain({ messages, session: 'x' }).pinned).toBeUndefined();
    expect(router.explain({ messages, session: 'z' }).pinned).toBeDefined();
  });
});

describe('degradation and emergency controls', () => {
  it('degradeTo serves when the whole chain fails, and the route says so', async () => {
    const { a, b, cheap } = three({ aFails: true });
    const router = createRouter({
      providers: { a, b: mockProvider({ reply: { fail: 500 } }), cheap },
      models: { ma: { provider: 'a', model: 'a' }, mb: { provider: 'b', model: 'b' }, economy: { provider: 'cheap', model: 'c' } },
      routes: [{ when: {}, use: ['ma', 'mb'] }],
      degradeTo: 'economy',
      retry: { retries: 0 },
    });
    const res = await router.chat({ messages });
    expect(res.text).toBe('from cheap');
    expect(res.route).toMatchObject({ model: 'economy', degraded: true, fallbackUsed: true, candidates: ['ma', 'mb', 'economy'] });
    void b;
  });

  it('disable / enable a model or a provider at once, with control events and an actor', async () => {
    const { a, b } = three();
    const router = createRouter({ providers: { a, b }, models: { ma: { provider: 'a', model: 'a' }, mb: { provider: 'b', model: 'b' } } });
    const controls: Array<RouterEvents['control']> = [];
    router.on('control', (e) => controls.push(e));
    router.disable('a', { actor: 'ops' });
    const res = await router.chat({ messages });
    expect(res.route.model).toBe('mb');
    expect(res.route.skipped).toEqual([{ model: 'ma', reason: 'disabled', detail: 'provider "a" disabled' }]);
    expect(router.health().providers.a!.disabled).toBe(true);
    router.disable('mb');
    await expect(router.chat({ messages })).rejects.toBeInstanceOf(NoRouteError);
    router.enable('a');
    router.enable('mb');
    expect((await router.chat({ messages })).route.model).toBe('ma');
    expect(controls.map((c) => `${c.action}:${c.target}:${c.actor ?? '-'}`)).toEqual([
      'disable:a:ops',
      'disable:mb:-',
      'enable:a:-',
      'enable:mb:-',
    ]);
    expect(a.calls).toHaveLength(1);
    // @ts-expect-error -- an unknown name is a compile error too; at runtime it throws.
    expect(() => router.disable('nope')).toThrow(InvalidRequestError);
  });

  it('force(model, { tenant }) sends that tenant (or everyone) to one model until unforce', async () => {
    const { a, b } = three();
    const router = createRouter({ providers: { a, b }, models: { ma: { provider: 'a', model: 'a' }, mb: { provider: 'b', model: 'b' } } });
    router.force('mb', { tenant: 'acme', actor: 'ops' });
    expect((await router.chat({ messages, tenant: 'acme' })).route).toMatchObject({ model: 'mb', strategy: 'forced' });
    expect((await router.chat({ messages, tenant: 'globex' })).route.model).toBe('ma');
    router.force('mb');
    expect((await router.chat({ messages, tenant: 'globex' })).route.model).toBe('mb');
    router.unforce();
    router.unforce({ tenant: 'acme' });
    expect((await router.chat({ messages, tenant: 'acme' })).route.model).toBe('ma');
  });
});

describe('stream recovery', () => {
  it("'buffer' holds the first output so a failure inside the window falls back invisibly", async () => {
    const flaky = mockProvider({ name: 'flaky', reply: { text: 'one two three four five six', cutAfterChunks: 2 } });
    const solid = mockProvider({ name: 'solid', reply: 'steady answer here' });
    const router = createRouter({
      providers: { flaky, solid },
      models: { f: { provider: 'flaky', model: 'f' }, s: { provider: 'solid', model: 's' } },
      retry: { retries: 0 },
      streamRecovery: { mode: 'buffer', chars: 20 },
    });
    const events: StreamEvent[] = [];
    for await (const ev of router.stream({ messages })) events.push(ev);
    expect(events[0]).toMatchObject({ type: 'start', model: 's' });
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    const finish = events.at(-1) as Extract<StreamEvent, { type: 'finish' }>;
    expect(finish.response.text).toBe('steady answer here');
    expect(finish.route.attempts.map((x) => `${x.model}:${x.errorClass ?? 'ok'}`)).toEqual(['f:ProviderUnavailableError', 's:ok']);
  });

  it("without a buffer ('error', the default) the same failure is visible: error event, then a typed throw", async () => {
    const flaky = mockProvider({ reply: { text: 'one two three four five six', cutAfterChunks: 2 } });
    const router = createRouter({
      providers: { flaky, solid: mockProvider() },
      models: { f: { provider: 'flaky', model: 'f' }, s: { provider: 'solid', model: 's' } },
      retry: { retries: 0 },
    });
    const types: string[] = [];
    await expect(
      (async () => {
        for await (const ev of router.stream({ messages })) types.push(ev.type);
      })(),
    ).rejects.toThrow(/connection reset/);
    expect(types).toEqual(['start', 'text-delta', 'text-delta', 'error']);
  });
});

describe('route trace', () => {
  it('property: the attempt list always explains the outcome', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<'ok' | 503 | 429 | 400 | 401>('ok', 503, 429, 400, 401), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 2 }),
        async (script, retries) => {
          const providers = Object.fromEntries(script.map((s, i) => [`p${i}`, mockProvider({ reply: s === 'ok' ? 'ok' : { fail: s } })]));
          const models = Object.fromEntries(script.map((_s, i) => [`m${i}`, { provider: `p${i}`, model: `m${i}` }]));
          const router = createRouter({ providers, models, retry: { retries, minDelayMs: 0, jitter: false }, circuitBreaker: false });
          const outcome = await router.chat({ messages }).then(
            (res) => ({ ok: true as const, res }),
            (error: unknown) => ({ ok: false as const, error }),
          );
          if (outcome.ok) {
            const { attempts } = outcome.res.route;
            expect(attempts.at(-1)).toMatchObject({ ok: true, model: outcome.res.route.model });
            expect(attempts.slice(0, -1).every((a) => !a.ok && a.error !== undefined)).toBe(true);
          } else {
            const route = (outcome.error as { route: { attempts: Array<{ ok: boolean; error?: unknown }> } }).route;
            expect(route.attempts.length).toBeGreaterThan(0);
            expect(route.attempts.every((a) => !a.ok && a.error !== undefined)).toBe(true);
            if (AllAttemptsFailedError.isInstance(outcome.error)) expect(outcome.error.attempts).toEqual(route.attempts);
            else expect(route.attempts.at(-1)!.error).toBe(outcome.error);
          }
          // Every model tried appears in order of the candidates.
          const tried = [
            ...new Set(
              (outcome.ok ? outcome.res.route : (outcome.error as { route: { attempts: Array<{ model: string }> } }).route).attempts.map(
                (a) => a.model,
              ),
            ),
          ];
          expect(tried).toEqual(Object.keys(models).slice(0, tried.length));
        },
      ),
      { numRuns: 150 },
    );
  });
});
