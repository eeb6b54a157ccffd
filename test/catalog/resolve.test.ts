import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { catalog, resolveModelInfo } from '../../src/catalog/index.js';

describe('resolveModelInfo', () => {
  it('takes a known model from the catalog', () => {
    const m = resolveModelInfo({ model: 'gpt-4o-mini-2024-07-18' }, 'openai');
    expect(m).toMatchObject({
      id: 'gpt-4o-mini-2024-07-18',
      priced: true,
      pricingSource: 'catalog',
      tier: 'economy',
      contextWindow: 128_000,
      maxOutputTokens: 16_384,
    });
    expect(m.pricing).toEqual({ input: 0.15, cachedInput: 0.075, output: 0.6 });
    expect(m.catalogUpdatedAt).toBe(catalog.updatedAt);
    expect(m.capabilities).toEqual({ tools: true, vision: true, json: true, reasoning: false, streaming: true });
  });

  it('lets every configured field win; pricing replaces the whole price list', () => {
    const m = resolveModelInfo(
      {
        model: 'claude-sonnet-4-5',
        pricing: { input: 2, output: 10 },
        capabilities: { vision: false },
        contextWindow: 100_000,
        maxOutputTokens: 4_000,
        tier: 'economy',
      },
      'anthropic',
    );
    expect(m.pricing).toEqual({ input: 2, output: 10 });
    expect(m.pricingSource).toBe('config');
    expect(m.capabilities.vision).toBe(false);
    expect(m.capabilities.reasoning).toBe(true);
    expect(m).toMatchObject({ contextWindow: 100_000, maxOutputTokens: 4_000, tier: 'economy' });
  });

  it('an unknown model without a price is flagged, not priced at zero', () => {
    const m = resolveModelInfo({ model: 'my-finetune' }, 'openai-compatible');
    expect(m.priced).toBe(false);
    expect(m.pricingSource).toBe('none');
    expect(m.pricing).toBeUndefined();
    expect(m.catalogEntry).toBeUndefined();
  });

  it('an explicit zero price is a price', () => {
    const m = resolveModelInfo({ model: 'my-local', pricing: { input: 0, output: 0 } }, 'openai-compatible');
    expect(m.priced).toBe(true);
    expect(resolveModelInfo({ model: 'llama3.1:8b' }, 'ollama')).toMatchObject({ priced: true, pricing: { input: 0, output: 0 } });
  });

  it('negative prices and bad sizes are ConfigErrors naming the field', () => {
    try {
      resolveModelInfo({ model: 'gpt-4o', pricing: { input: -1, output: 2, cachedInput: Number.NaN } }, 'openai', 'models.fast');
      expect.unreachable();
    } catch (e) {
      expect(ConfigError.isInstance(e)).toBe(true);
      expect((e as ConfigError).issues.map((i) => i.path)).toEqual(['models.fast.pricing.input', 'models.fast.pricing.cachedInput']);
    }
    expect(() => resolveModelInfo({ model: 'gpt-4o', contextWindow: -5 }, 'openai', 'models.x')).toThrow(/models\.x\.contextWindow/);
  });
});
