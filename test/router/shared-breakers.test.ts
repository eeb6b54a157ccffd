import { describe, expect, it } from 'vitest';
import { createRouter, type RouterEvents, type TenantConfig } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';

const ask = (tenant: string) => ({ messages: [{ role: 'user' as const, content: 'hi' }], tenant });

describe('breakers per model target, shared across tenants', () => {
  it('50 tenants and one dead shared provider: the breaker opens once, the dead provider sees only the threshold, default health shows it open', async () => {
    const dead = mockProvider({ name: 'dead', reply: { fail: 503 } });
    const good = mockProvider({ name: 'good' });
    const tenants: Record<string, TenantConfig> = {};
    for (let i = 0; i < 50; i++) tenants[`t${i}`] = { denyModels: [] };
    const router = createRouter({
      providers: { dead, good },
      models: { primary: { provider: 'dead', model: 'x' }, backup: { provider: 'good', model: 'y' } },
      retry: { retries: 0 },
      circuitBreaker: { failureThreshold: 3, cooldownMs: 60_000 },
      tenants,
    });
    const opened: Array<RouterEvents['breaker']> = [];
    router.on('breaker', (e) => {
      if (e.to === 'open') opened.push(e);
    });
    for (let i = 0; i < 150; i++) {
      const response = await router.chat(ask(`t${i % 50}`));
      expect(response.route.model).toBe('backup');
    }
    expect(dead.calls).toHaveLength(3);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ model: 'primary', provider: 'dead' });
    expect(router.health().models.primary?.state).toBe('open');
    expect(router.health().providers.dead?.state).toBe('open');
    expect(router.health({ tenant: 't7' }).models.primary?.state).toBe('open');
    // Rebuilding a tenant does not close it.
    router.tenants.set('t7', { allowModels: ['primary', 'backup'] });
    await router.chat(ask('t7'));
    expect(dead.calls).toHaveLength(3);
    expect(router.health({ tenant: 't7' }).models.primary?.state).toBe('open');
    // resetBreaker closes the one shared breaker.
    router.resetBreaker('primary');
    expect(router.health({ tenant: 't3' }).models.primary?.state).toBe('closed');
    await router.close();
  });

  it('a tenant with its own key has its own breaker: the shared one opening does not stop it, and its own opening does not stop others', async () => {
    const shared = mockProvider({ name: 'shared', reply: { fail: 503 } });
    const own = mockProvider({ name: 'own' });
    const good = mockProvider({ name: 'good' });
    const router = createRouter({
      providers: { p: shared, good },
      models: { primary: { provider: 'p', model: 'x' }, backup: { provider: 'good', model: 'y' } },
      retry: { retries: 0 },
      circuitBreaker: { failureThreshold: 2, cooldownMs: 60_000 },
      tenants: { acme: { providers: { p: own } }, globex: {} },
    });
    for (let i = 0; i < 4; i++) expect((await router.chat(ask('globex'))).route.model).toBe('backup');
    expect(shared.calls).toHaveLength(2);
    expect(router.health().models.primary?.state).toBe('open');
    // acme's own key: its target is another one, closed, and serves.
    expect(router.health({ tenant: 'acme' }).models.primary?.state).toBe('closed');
    expect((await router.chat(ask('acme'))).route.model).toBe('primary');
    expect(own.calls).toHaveLength(1);
    await router.close();
  });
});
