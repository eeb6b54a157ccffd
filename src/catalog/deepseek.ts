import type { CatalogEntry } from './types.js';

const base = { vendor: 'deepseek', reasoningBilledAs: 'output', contextWindow: 128_000 } as const;
const NOTE = 'Prices of DeepSeek-V3.2-Exp (from 2025-09-29); off-peak discounts no longer apply.';

/**
 * DeepSeek API prices (api-docs.deepseek.com/quick_start/pricing), USD per 1M tokens.
 * `input` is the cache-miss price, `cachedInput` the cache-hit price. Cache writes are not billed extra.
 */
export const DEEPSEEK_MODELS: CatalogEntry[] = [
  {
    ...base,
    id: 'deepseek-chat',
    displayName: 'DeepSeek Chat (V3.2, non-thinking)',
    maxOutputTokens: 8_192,
    pricing: { input: 0.28, cachedInput: 0.028, output: 0.42 },
    capabilities: { tools: true, vision: false, json: true, reasoning: false, streaming: true },
    tier: 'economy',
    strengths: ['chinese', 'code'],
    notes: NOTE,
  },
  {
    ...base,
    id: 'deepseek-reasoner',
    displayName: 'DeepSeek Reasoner (V3.2, thinking)',
    maxOutputTokens: 65_536,
    pricing: { input: 0.28, cachedInput: 0.028, output: 0.42 },
    capabilities: { tools: true, vision: false, json: true, reasoning: true, streaming: true },
    tier: 'economy',
    strengths: ['chinese', 'reasoning', 'code'],
    notes: NOTE,
  },
];
