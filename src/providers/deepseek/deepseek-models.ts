import type { ModelInfo } from '../../core/model.js';
import type { OpenAIChatQuirks } from '../openai/quirks.js';

export type DeepSeekModelId = 'deepseek-chat' | 'deepseek-reasoner' | (string & {});

export const DEEPSEEK_BASE_URL = 'https://api.deepseek.com';

const MODELS: Record<string, Partial<ModelInfo>> = {
  'deepseek-chat': {
    displayName: 'DeepSeek Chat',
    contextWindow: 128_000,
    capabilities: { tools: true, vision: false, json: true, reasoning: false, streaming: true },
  },
  'deepseek-reasoner': {
    displayName: 'DeepSeek Reasoner',
    contextWindow: 128_000,
    capabilities: { tools: true, vision: false, json: true, reasoning: true, streaming: true },
  },
};

export function describeDeepSeekModel(id: string): Partial<ModelInfo> {
  return MODELS[id] ?? {};
}

/**
 * DeepSeek's differences from OpenAI: `max_tokens`, no `json_schema` (JSON mode instead), no images,
 * no `seed`/`top_k`; the reasoner ignores sampling parameters (they are not sent, with a warning);
 * reasoning goes back as `reasoning_content` only on assistant turns that made tool calls, as its
 * thinking-mode docs require (elsewhere DeepSeek ignores it, or the legacy reasoner rejects it).
 */
export function deepseekQuirks(model: string): Partial<OpenAIChatQuirks> {
  const reasoner = model.includes('reasoner');
  return {
    maxTokensField: 'max_tokens',
    jsonSchema: false,
    images: false,
    topK: false,
    reasoningInput: 'tool-call-turns',
    unsupportedParams: reasoner ? ['seed', 'temperature', 'topP', 'frequencyPenalty', 'presencePenalty'] : ['seed'],
  };
}
