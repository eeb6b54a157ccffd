import type { CatalogEntry } from './types.js';

const TEXT_VISION = { tools: true, vision: true, json: true, reasoning: false, streaming: true };
const REASONING = { tools: true, vision: true, json: true, reasoning: true, streaming: true };
const base = { vendor: 'openai', reasoningBilledAs: 'output' } as const;

/** OpenAI list prices (platform.openai.com/docs/pricing, standard tier), USD per 1M tokens. */
export const OPENAI_MODELS: CatalogEntry[] = [
  {
    ...base, id: 'gpt-4o', displayName: 'GPT-4o', contextWindow: 128_000, maxOutputTokens: 16_384,
    pricing: { input: 2.5, cachedInput: 1.25, output: 10 },
    capabilities: TEXT_VISION, tier: 'standard', strengths: ['vision', 'creative'],
  },
  {
    ...base, id: 'gpt-4o-mini', displayName: 'GPT-4o mini', contextWindow: 128_000, maxOutputTokens: 16_384,
    pricing: { input: 0.15, cachedInput: 0.075, output: 0.6 },
    capabilities: TEXT_VISION, tier: 'economy', strengths: ['fast', 'vision'],
  },
  {
    ...base, id: 'gpt-4.1', displayName: 'GPT-4.1', contextWindow: 1_047_576, maxOutputTokens: 32_768,
    pricing: { input: 2, cachedInput: 0.5, output: 8 },
    capabilities: TEXT_VISION, tier: 'standard', strengths: ['code', 'long-context', 'vision'],
  },
  {
    ...base, id: 'gpt-4.1-mini', displayName: 'GPT-4.1 mini', contextWindow: 1_047_576, maxOutputTokens: 32_768,
    pricing: { input: 0.4, cachedInput: 0.1, output: 1.6 },
    capabilities: TEXT_VISION, tier: 'economy', strengths: ['fast', 'code', 'long-context'],
  },
  {
    ...base, id: 'gpt-4.1-nano', displayName: 'GPT-4.1 nano', contextWindow: 1_047_576, maxOutputTokens: 32_768,
    pricing: { input: 0.1, cachedInput: 0.025, output: 0.4 },
    capabilities: TEXT_VISION, tier: 'economy', strengths: ['fast', 'long-context'],
  },
  {
    ...base, id: 'o3', displayName: 'o3', contextWindow: 200_000, maxOutputTokens: 100_000,
    pricing: { input: 2, cachedInput: 0.5, output: 8 },
    capabilities: REASONING, tier: 'premium', strengths: ['reasoning', 'code', 'vision'],
    notes: 'Price after the June 2025 reduction.',
  },
  {
    ...base, id: 'o4-mini', displayName: 'o4-mini', contextWindow: 200_000, maxOutputTokens: 100_000,
    pricing: { input: 1.1, cachedInput: 0.275, output: 4.4 },
    capabilities: REASONING, tier: 'standard', strengths: ['reasoning', 'code', 'fast'],
  },
  {
    ...base, id: 'o3-mini', displayName: 'o3-mini', contextWindow: 200_000, maxOutputTokens: 100_000,
    pricing: { input: 1.1, cachedInput: 0.55, output: 4.4 },
    capabilities: { ...REASONING, vision: false }, tier: 'standard', strengths: ['reasoning', 'code'],
  },
  {
    ...base, id: 'gpt-5', displayName: 'GPT-5', contextWindow: 400_000, maxOutputTokens: 128_000,
    pricing: { input: 1.25, cachedInput: 0.125, output: 10 },
    capabilities: REASONING, tier: 'premium', strengths: ['reasoning', 'code', 'creative', 'vision'],
  },
  {
    ...base, id: 'gpt-5-mini', displayName: 'GPT-5 mini', contextWindow: 400_000, maxOutputTokens: 128_000,
    pricing: { input: 0.25, cachedInput: 0.025, output: 2 },
    capabilities: REASONING, tier: 'standard', strengths: ['reasoning', 'fast'],
  },
  {
    ...base, id: 'gpt-5-nano', displayName: 'GPT-5 nano', contextWindow: 400_000, maxOutputTokens: 128_000,
    pricing: { input: 0.05, cachedInput: 0.005, output: 0.4 },
    capabilities: REASONING, tier: 'economy', strengths: ['fast'],
  },
];
