import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRouter, type RouterEvents } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';
import { CircuitBreaker } from '../../src/resilience/breaker/breaker.js';

const messages = [{ role: 'user' as const, content: 'hi' }];

function setup(primaryReply: Parameters<typeof mockProvider>[0], breaker = {}) {
  const primary = mockProvider({ name: 'primary', ...primaryReply });
  const backup = mockProvider({ name: 'backup', reply: 'backup' });
  const router = createRouter({
    providers: { primary, backup },
    models: { a: { provider: 'primary', model: 'pa' }, b: { provider: 'backup', model: 'pb' } },
    retry: { retries: 0 },
    circuitBreaker: { failureThreshold: 5, cooldownMs: 30_000, ...breaker },
  });
  return { primary, backup, router };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('circuit breaker', () => {
  it('opens after 5 failures: the next 100 requests make 0 calls to that target', async () => {
    vi.useFakeTimers();
    const { primary, backup, router } = setup({ reply: { fail: 503 } });
    const transitions: Array<RouterEvents['breaker']> = [];
    router.on('breaker', (e) => transitions.push(e));
    for (let i = 0; i < 5; i++) await router.chat({ messages });
    expect(primary.calls).toHaveLength(5);
    expect(transitions).toMatchObject([{ model: 'a', from: 'closed', to: 'open', reason: '5 consecutive failures' }]);
    for (let i = 0; i < 100; i++) {
      const res = await router.chat({ messages });
      expect(res.route.skipped).toEqual([{ model: 'a', reason: 'circuit-open' }]);
      expect(res.route.model).toBe('b');
    }
    expect(primary.calls).toHaveLength(5);
    expect(backup.calls).toHaveLength(105);
    expect(router.health().models.a!.state).toBe('open');
    expect(router.health().providers.primary!.state).toBe('open');
  });

  it('after the cooldown exactly one probe goes out; its success closes the breaker', async () => {
    vi.useFakeTimers();
    let healthy = false;
    const { primary, router } = setup({ reply: () => (healthy ? 'recovered' : { fail: 503 }), latencyMs: 50 });
    for (let i = 0; i < 5; i++) {
      const p = router.chat({ messages });
      await vi.advanceTimersByTimeAsync(50);
      await p;
    }
    const opened = primary.calls.length;
    expect(router.health().models.a!.state).toBe('open');
    await vi.advanceTimersByTimeAsync(30_000);
    healthy = true;
    // Ten concurrent requests: one probe at the primary, nine go to the backup.
    const pending = Array.from({ length: 10 }, () => router.chat({ messages }));
    await vi.advanceTimersByTimeAsync(100);
    const results = await Promise.all(pending);
    expect(primary.calls.length - opened).toBe(1);
    expect(results.filter((r) => r.route.model === 'a')).toHaveLength(1);
    expect(router.health().models.a!.state).toBe('closed');
  });

  it('a failed probe opens it again for another cooldown', async () => {
    vi.useFakeTimers();
    const { primary, router } = setup({ reply: { fail: 503 } });
    for (let i = 0; i < 5; i++) await router.chat({ messages });
    await vi.advanceTimersByTimeAsync(30_000);
    await router.chat({ messages });
    expect(primary.calls).toHaveLength(6);
    expect(router.health().models.a!.state).toBe('open');
    await router.chat({ messages });
    expect(primary.calls).toHaveLength(6);
  });

  it('a 400 from our own bad request does not open it', async () => {
    const { primary, router } = setup({ reply: { fail: 400 } }, {});
    for (let i = 0; i < 20; i++) await router.chat({ messages }).catch(() => undefined);
    expect(primary.calls).toHaveLength(20);
    expect(router.health().models.a!.state).toBe('closed');
  });

  it('trips on a failure rate over a sliding window with a minimum request count', async () => {
    let n = 0;
    // Every other call fails: never 5 in a row, but a 50% failure rate.
    const { router } = setup(
      { reply: () => (n++ % 2 === 0 ? { fail: 503 } : 'ok') },
      { failureThreshold: 100, failureRate: { threshold: 0.5, windowMs: 60_000, minRequests: 10 } },
    );
    for (let i = 0; i < 9; i++) await router.chat({ messages });
    expect(router.health().models.a!.state).toBe('closed');
    for (let i = 0; i < 2; i++) await router.chat({ messages });
    expect(router.health().models.a!.state).toBe('open');
  });

  it('resets by hand, with a control event naming the actor', async () => {
    const { router } = setup({ reply: { fail: 503 } });
    const controls: Array<RouterEvents['control']> = [];
    router.on('control', (e) => controls.push(e));
    for (let i = 0; i < 5; i++) await router.chat({ messages });
    router.resetBreaker('a', { actor: 'oncall@acme' });
    expect(router.health().models.a!.state).toBe('closed');
    expect(controls).toMatchObject([{ action: 'reset-breaker', target: 'a', actor: 'oncall@acme' }]);
  });

  it('exposes its state as a serialisable discriminated union, and restores from it', () => {
    let now = 1_000;
    const b = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 100 }, undefined, () => now);
    b.record(b.tryAcquire()!, 'failure');
    b.record(b.tryAcquire()!, 'failure');
    expect(b.toJSON()).toEqual({ state: 'open', openedAt: 1_000, until: 1_100 });
    const restored = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 100 }, JSON.parse(JSON.stringify(b)), () => now);
    expect(restored.tryAcquire()).toBeUndefined();
    now = 1_100;
    expect(restored.toJSON()).toEqual({ state: 'half-open', inFlight: 0, successes: 0 });
  });

  it('property: an open breaker never lets a call through, whatever the sequence of outcomes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ outcome: fc.constantFrom('success', 'failure', 'neutral'), advance: fc.nat(50) }), { maxLength: 200 }),
        (steps) => {
          let now = 0;
          const b = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 40, halfOpenProbes: 2 }, undefined, () => now);
          const inFlight: Array<ReturnType<CircuitBreaker['tryAcquire']>> = [];
          for (const step of steps) {
            now += step.advance;
            const before = { ...b.state };
            const permit = b.tryAcquire();
            if (before.state === 'open') expect(permit).toBeUndefined();
            if (before.state === 'half-open' && before.inFlight >= 2) expect(permit).toBeUndefined();
            if (permit) inFlight.push(permit);
            if (inFlight.length > 0 && step.outcome !== 'neutral') b.record(inFlight.shift()!, step.outcome as 'success' | 'failure');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
