import type { CatalogEntry } from './types.js';

const CAPS = { tools: true, vision: true, json: true, reasoning: true, streaming: true };
const base = { vendor: 'google', reasoningBilledAs: 'output', contextWindow: 1_048_576 } as const;
const CACHE_NOTE =
  'cachedInput is the context-caching rate listed in mid-2025 (25% of input); Google has since announced larger ' +
  'caching discounts for some models, and bills cache storage per hour (not modelled). Override if it matters.';

/**
 * Gemini API paid-tier list prices (ai.google.dev/gemini-api/docs/pricing), USD per 1M tokens, text/image/video
 * input (audio input is dearer and not modelled). Thinking tokens are billed as output.
 */
export const GOOGLE_MODELS: CatalogEntry[] = [
  {
    ...base,
    id: 'gemini-2.5-pro',
    displayName: 'Gemini 2.5 Pro',
    maxOutputTokens: 65_536,
    pricing: {
      input: 1.25,
      output: 10,
      cachedInput: 0.31,
      longContext: { aboveInputTokens: 200_000, pricing: { input: 2.5, output: 15, cachedInput: 0.625 } },
    },
    capabilities: CAPS,
    tier: 'standard',
    strengths: ['reasoning', 'code', 'long-context', 'vision'],
    notes: CACHE_NOTE,
  },
  {
    ...base,
    id: 'gemini-2.5-flash',
    displayName: 'Gemini 2.5 Flash',
    maxOutputTokens: 65_536,
    pricing: { input: 0.3, output: 2.5, cachedInput: 0.075 },
    capabilities: CAPS,
    tier: 'economy',
    strengths: ['fast', 'vision', 'long-context', 'reasoning'],
    notes: CACHE_NOTE,
  },
  {
    ...base,
    id: 'gemini-2.5-flash-lite',
    displayName: 'Gemini 2.5 Flash-Lite',
    maxOutputTokens: 65_536,
    pricing: { input: 0.1, output: 0.4, cachedInput: 0.025 },
    capabilities: CAPS,
    tier: 'economy',
    strengths: ['fast', 'long-context'],
    notes: CACHE_NOTE,
  },
  {
    ...base,
    id: 'gemini-2.0-flash',
    displayName: 'Gemini 2.0 Flash',
    maxOutputTokens: 8_192,
    pricing: { input: 0.1, output: 0.4, cachedInput: 0.025 },
    capabilities: { ...CAPS, reasoning: false },
    tier: 'economy',
    strengths: ['fast', 'vision', 'long-context'],
  },
  {
    ...base,
    id: 'gemini-2.0-flash-lite',
    displayName: 'Gemini 2.0 Flash-Lite',
    maxOutputTokens: 8_192,
    pricing: { input: 0.075, output: 0.3 },
    capabilities: { ...CAPS, reasoning: false },
    tier: 'economy',
    strengths: ['fast'],
  },
];
