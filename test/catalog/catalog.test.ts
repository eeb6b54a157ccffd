import { describe, expect, it } from 'vitest';
import { catalog, findCatalogModels, idVariants, listCatalogModels, lookupModel } from '../../src/catalog/index.js';
import { pricingIssues } from '../../src/accounting/pricing.js';

describe('catalog', () => {
  it('is dated and every entry is well formed', () => {
    expect(catalog.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const seen = new Set<string>();
    for (const e of catalog.entries) {
      const key = `${e.vendor}/${e.id}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
      expect(pricingIssues(e.pricing, key)).toEqual([]);
      expect(e.contextWindow).toBeGreaterThan(0);
      if (e.maxOutputTokens !== undefined) expect(e.maxOutputTokens).toBeLessThanOrEqual(e.contextWindow);
      expect(['economy', 'standard', 'premium']).toContain(e.tier);
      expect(e.reasoningBilledAs).toBe('output');
      // A cache read is never dearer than a plain input token.
      if (e.pricing.cachedInput !== undefined) expect(e.pricing.cachedInput).toBeLessThanOrEqual(e.pricing.input);
    }
  });

  it('covers the models the issue lists', () => {
    const want: Array<[string, string]> = [
      ['openai', 'gpt-4o'],
      ['openai', 'gpt-4o-mini'],
      ['openai', 'gpt-4.1'],
      ['openai', 'gpt-4.1-mini'],
      ['openai', 'gpt-4.1-nano'],
      ['openai', 'o3'],
      ['openai', 'o4-mini'],
      ['openai', 'gpt-5'],
      ['openai', 'gpt-5-mini'],
      ['openai', 'gpt-5-nano'],
      ['anthropic', 'claude-sonnet-4-5'],
      ['anthropic', 'claude-opus-4-1'],
      ['anthropic', 'claude-haiku-4-5'],
      ['anthropic', 'claude-3-5-haiku'],
      ['gemini', 'gemini-2.5-pro'],
      ['gemini', 'gemini-2.5-flash'],
      ['gemini', 'gemini-2.5-flash-lite'],
      ['gemini', 'gemini-2.0-flash'],
      ['deepseek', 'deepseek-chat'],
      ['deepseek', 'deepseek-reasoner'],
      ['ollama', 'llama3.1:8b'],
      ['ollama', 'llama3.1:70b'],
      ['ollama', 'llama3.2:3b'],
    ];
    for (const [kind, id] of want) expect(lookupModel(kind, id)?.id, `${kind}/${id}`).toBe(id);
    for (const e of listCatalogModels('ollama')) expect(e.pricing).toMatchObject({ input: 0, output: 0 });
  });

  it('carries the strengths routing asks for', () => {
    expect(lookupModel('deepseek', 'deepseek-chat')?.strengths).toContain('chinese');
    expect(lookupModel('deepseek', 'deepseek-reasoner')?.strengths).toEqual(expect.arrayContaining(['chinese', 'reasoning']));
    expect(lookupModel('openai', 'o3')?.capabilities.reasoning).toBe(true);
    expect(lookupModel('openai', 'gpt-4o')?.capabilities.vision).toBe(true);
    expect(lookupModel('anthropic', 'claude-opus-4-1')?.tier).toBe('premium');
  });

  it.each([
    ['openai', 'gpt-4o-2024-08-06', 'gpt-4o'],
    ['openai', 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['openai', 'gpt-4.1-nano-2025-04-14', 'gpt-4.1-nano'],
    ['openai', 'GPT-4o', 'gpt-4o'],
    ['anthropic', 'claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['anthropic', 'claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    ['anthropic', 'claude-3-5-haiku-latest', 'claude-3-5-haiku'],
    ['anthropic', 'claude-3-5-haiku-20241022', 'claude-3-5-haiku'],
    ['anthropic', 'claude-opus-4-1@20250805', 'claude-opus-4-1'],
    ['anthropic', 'claude-sonnet-4-0', 'claude-sonnet-4'],
    ['gemini', 'models/gemini-2.5-flash', 'gemini-2.5-flash'],
    ['gemini', 'gemini-2.0-flash-001', 'gemini-2.0-flash'],
    ['gemini', 'gemini-2.5-flash-preview-05-20', 'gemini-2.5-flash'],
    ['ollama', 'llama3.1', 'llama3.1:8b'],
    ['ollama', 'llama3.1:latest', 'llama3.1:8b'],
  ])('lookupModel(%s, %s) -> %s', (kind, id, want) => {
    expect(lookupModel(kind, id)?.id).toBe(want);
  });

  it('does not guess: other models, other vendors and generic endpoints do not match', () => {
    expect(lookupModel('openai', 'gpt-4o-audio-preview')).toBeUndefined();
    expect(lookupModel('openai', 'gpt-4')).toBeUndefined();
    expect(lookupModel('anthropic', 'gpt-4o')).toBeUndefined();
    expect(lookupModel('openai-compatible', 'deepseek-chat')).toBeUndefined();
    expect(lookupModel('anthropic', 'claude-fable-5')).toBeUndefined();
    expect(lookupModel('mock', 'my-own-model')).toBeUndefined();
  });

  it('prices a mock provider like the vendor whose model id it uses (tests see real prices)', () => {
    expect(lookupModel('mock', 'gpt-4o')?.vendor).toBe('openai');
    expect(lookupModel('mock', 'deepseek-chat')?.vendor).toBe('deepseek');
  });

  it('strips suffixes step by step', () => {
    expect(idVariants('claude-3-5-haiku-20241022')).toEqual(['claude-3-5-haiku-20241022', 'claude-3-5-haiku']);
    expect(findCatalogModels('gpt-4o-mini').map((e) => e.vendor)).toEqual(['openai']);
  });
});
