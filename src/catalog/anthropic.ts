import type { CatalogEntry } from './types.js';

const CAPS = { tools: true, vision: true, json: true, reasoning: true, streaming: true };
const base = { vendor: 'anthropic', reasoningBilledAs: 'output', contextWindow: 200_000 } as const;

/**
 * Anthropic list prices (docs.anthropic.com pricing), USD per 1M tokens. `cacheWrite` is the
 * 5-minute cache write (1.25x input); `cachedInput` the cache read (0.1x input). The 1-hour cache
 * (2x input) is not modelled: override `cacheWrite` if you use it. Extended thinking is billed as output.
 */
export const ANTHROPIC_MODELS: CatalogEntry[] = [
  {
    ...base,
    id: 'claude-sonnet-4-5',
    displayName: 'Claude Sonnet 4.5',
    maxOutputTokens: 64_000,
    pricing: {
      input: 3,
      output: 15,
      cachedInput: 0.3,
      cacheWrite: 3.75,
      longContext: { aboveInputTokens: 200_000, pricing: { input: 6, output: 22.5, cachedInput: 0.6, cacheWrite: 7.5 } },
    },
    capabilities: CAPS,
    tier: 'standard',
    strengths: ['code', 'reasoning', 'creative', 'vision'],
    notes: 'Prompts over 200k tokens (1M-context beta) are billed at the long-context rates.',
  },
  {
    ...base,
    id: 'claude-sonnet-4',
    aliases: ['claude-sonnet-4-0'],
    displayName: 'Claude Sonnet 4',
    maxOutputTokens: 64_000,
    pricing: {
      input: 3,
      output: 15,
      cachedInput: 0.3,
      cacheWrite: 3.75,
      longContext: { aboveInputTokens: 200_000, pricing: { input: 6, output: 22.5, cachedInput: 0.6, cacheWrite: 7.5 } },
    },
    capabilities: CAPS,
    tier: 'standard',
    strengths: ['code', 'reasoning', 'creative'],
  },
  {
    ...base,
    id: 'claude-opus-4-1',
    displayName: 'Claude Opus 4.1',
    maxOutputTokens: 32_000,
    pricing: { input: 15, output: 75, cachedInput: 1.5, cacheWrite: 18.75 },
    capabilities: CAPS,
    tier: 'premium',
    strengths: ['reasoning', 'code', 'creative'],
  },
  {
    ...base,
    id: 'claude-opus-4',
    aliases: ['claude-opus-4-0'],
    displayName: 'Claude Opus 4',
    maxOutputTokens: 32_000,
    pricing: { input: 15, output: 75, cachedInput: 1.5, cacheWrite: 18.75 },
    capabilities: CAPS,
    tier: 'premium',
    strengths: ['reasoning', 'code', 'creative'],
  },
  {
    ...base,
    id: 'claude-haiku-4-5',
    displayName: 'Claude Haiku 4.5',
    maxOutputTokens: 64_000,
    pricing: { input: 1, output: 5, cachedInput: 0.1, cacheWrite: 1.25 },
    capabilities: CAPS,
    tier: 'economy',
    strengths: ['fast', 'code'],
  },
  {
    ...base,
    id: 'claude-3-7-sonnet',
    displayName: 'Claude Sonnet 3.7',
    maxOutputTokens: 64_000,
    pricing: { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
    capabilities: CAPS,
    tier: 'standard',
    strengths: ['code', 'reasoning'],
  },
  {
    ...base,
    id: 'claude-3-5-haiku',
    displayName: 'Claude Haiku 3.5',
    maxOutputTokens: 8_192,
    pricing: { input: 0.8, output: 4, cachedInput: 0.08, cacheWrite: 1 },
    capabilities: { ...CAPS, vision: false, reasoning: false },
    tier: 'economy',
    strengths: ['fast'],
  },
];
