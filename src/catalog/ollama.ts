import type { CatalogEntry } from './types.js';

const CAPS = { tools: true, vision: false, json: true, reasoning: false, streaming: true };
const base = { vendor: 'ollama', reasoningBilledAs: 'output', contextWindow: 131_072, pricing: { input: 0, output: 0 } } as const;
const NOTE = 'Local inference: no per-token price. Ollama serves a smaller context (num_ctx) unless configured.';

/** Llama models as Ollama tags them. Price 0: the cost is your hardware, not tokens. */
export const OLLAMA_MODELS: CatalogEntry[] = [
  {
    ...base,
    id: 'llama3.1:8b',
    aliases: ['llama3.1', 'llama3.1:latest'],
    displayName: 'Llama 3.1 8B',
    capabilities: CAPS,
    tier: 'economy',
    strengths: ['local', 'fast'],
    notes: NOTE,
  },
  {
    ...base,
    id: 'llama3.1:70b',
    displayName: 'Llama 3.1 70B',
    capabilities: CAPS,
    tier: 'standard',
    strengths: ['local'],
    notes: NOTE,
  },
  {
    ...base,
    id: 'llama3.2:3b',
    aliases: ['llama3.2', 'llama3.2:latest'],
    displayName: 'Llama 3.2 3B',
    capabilities: CAPS,
    tier: 'economy',
    strengths: ['local', 'fast'],
    notes: NOTE,
  },
  {
    ...base,
    id: 'llama3.2:1b',
    displayName: 'Llama 3.2 1B',
    capabilities: CAPS,
    tier: 'economy',
    strengths: ['local', 'fast'],
    notes: NOTE,
  },
  {
    ...base,
    id: 'llama3.3:70b',
    aliases: ['llama3.3', 'llama3.3:latest'],
    displayName: 'Llama 3.3 70B',
    capabilities: CAPS,
    tier: 'standard',
    strengths: ['local'],
    notes: NOTE,
  },
];
