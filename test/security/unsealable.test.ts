import { describe, expect, it } from 'vitest';
import { mockProvider } from '../../src/providers/mock/index.js';
import { generateSealKey, openSecrets, sealSecrets, SealedConfigError } from '../../src/security/index.js';

const key = generateSealKey();

function sealError(config: unknown): SealedConfigError {
  try {
    sealSecrets(config, key);
  } catch (error) {
    expect(SealedConfigError.isInstance(error)).toBe(true);
    return error as SealedConfigError;
  }
  throw new Error('expected sealSecrets to throw');
}

describe('what cannot be sealed is refused with its path', () => {
  it('an apiKey resolver function', () => {
    const error = sealError({ providers: { gpt: { apiKey: () => 'sk-from-vault-0123456789' } } });
    expect(error.sealIssues.map((i) => [i.path, i.reason])).toEqual([['providers.gpt.apiKey', 'unsealable']]);
    expect(error.message).toMatch(/function/);
  });

  it('a provider instance, any function, class instances and cycles; every problem is listed', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const error = sealError({
      providers: { mock: mockProvider({ reply: 'hi' }) },
      hooks: { onFallback: () => undefined },
      when: new Date(0),
      tenants: { acme: { token: new Map([['a', 'b']]) } },
      big: 1n,
      cyclic,
    });
    expect(error.sealIssues.map((i) => i.path)).toEqual([
      'providers.mock',
      'hooks.onFallback',
      'when',
      'tenants.acme.token',
      'big',
      'cyclic.self',
    ]);
    expect(error.sealIssues[0]?.message).toMatch(/provider instance/);
  });

  it('a credential field holding plain text when opening: refused unless allowPlaintext', () => {
    const sealed = { ...sealSecrets({ a: { apiKey: 'sealed-key-0123456789' } }, key), b: { apiKey: 'plain-key-0123456789' } };
    expect(() => openSecrets(sealed, key)).toThrow(/b\.apiKey.*plain value/);
    expect(openSecrets(sealed, key, { allowPlaintext: true })).toEqual({
      a: { apiKey: 'sealed-key-0123456789' },
      b: { apiKey: 'plain-key-0123456789' },
    });
  });

  it('null and undefined credentials stay as they are', () => {
    const sealed = sealSecrets({ a: { apiKey: null, token: undefined } }, key);
    expect(sealed).toEqual({ a: { apiKey: null, token: undefined } });
    expect(openSecrets(sealed, key)).toEqual({ a: { apiKey: null, token: undefined } });
  });
});
