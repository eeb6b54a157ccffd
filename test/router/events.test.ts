import { describe, expect, it } from 'vitest';
import { createRouter, type RouterEvents } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';

const messages = [{ role: 'user' as const, content: 'hello' }];

function setup() {
  return createRouter({
    providers: { bad: mockProvider({ reply: { fail: 503 } }), good: mockProvider({ reply: 'ok' }) },
    models: { first: { provider: 'bad', model: 'b' }, second: { provider: 'good', model: 'g' } },
    retry: { retries: 0 },
  });
}

describe('router events', () => {
  it('emits request, attempt, fallback and response in order, with the routing context', async () => {
    const router = setup();
    const log: string[] = [];
    const ids = new Set<string>();
    router.on('request', (e) => {
      log.push(`request ${e.candidates.join(',')}`);
      ids.add(e.requestId);
      expect(e.context).toEqual({ tenant: 'acme', agent: 'a1' });
    });
    router.on('attempt', (e) => {
      log.push(`attempt ${e.model} ${e.ok}`);
      ids.add(e.requestId);
    });
    router.on('fallback', (e) => {
      log.push(`fallback ${e.from}->${e.to}`);
      ids.add(e.requestId);
    });
    router.on('response', (e) => {
      log.push(`response ${e.route.model}`);
      ids.add(e.requestId);
    });
    const res = await router.chat({ messages, tenant: 'acme', agent: 'a1' });
    expect(log).toEqual([
      'request first,second',
      'attempt first false',
      'fallback first->second',
      'attempt second true',
      'response second',
    ]);
    expect([...ids]).toEqual([res.id]);
  });

  it('emits error with the route when the request fails for good', async () => {
    const router = createRouter({
      providers: { bad: mockProvider({ reply: { fail: 401 } }) },
      models: { x: { provider: 'bad', model: 'b' } },
      retry: { retries: 0 },
    });
    const seen: Array<RouterEvents['error']> = [];
    router.on('error', (e) => seen.push(e));
    await expect(router.chat({ messages, user: 'u1' })).rejects.toThrow();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.error.name).toBe('AllAttemptsFailedError');
    expect(seen[0]!.route?.attempts[0]?.errorClass).toBe('AuthenticationError');
    expect(seen[0]!.context).toEqual({ user: 'u1' });
  });

  it('a throwing listener never breaks a request, and is reported as listener-error', async () => {
    const router = setup();
    const reported: string[] = [];
    router.on('listener-error', (e) => reported.push(`${e.event}: ${(e.error as Error).message}`));
    router.on('fallback', () => {
      throw new Error('listener bug');
    });
    router.on('response', async () => {
      throw new Error('async listener bug');
    });
    const res = await router.chat({ messages });
    expect(res.text).toBe('ok');
    await new Promise((r) => setImmediate(r));
    expect(reported).toEqual(['fallback: listener bug', 'response: async listener bug']);
  });

  it('on() returns an unsubscribe function', async () => {
    const router = setup();
    let count = 0;
    const off = router.on('response', () => count++);
    await router.chat({ messages });
    off();
    await router.chat({ messages });
    expect(count).toBe(1);
  });

  it('close() removes every listener', async () => {
    const router = setup();
    let count = 0;
    router.on('response', () => count++);
    await router.close();
    await router.chat({ messages });
    expect(count).toBe(0);
  });
});
