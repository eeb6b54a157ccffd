import type { GenerationParams } from '../../core/request.js';
import type { OllamaModelOptions } from './ollama-api-types.js';

/**
 * Unified params -> Ollama `options`. Ollama takes every unified parameter, so nothing here
 * produces a warning: `maxTokens` is `num_predict`, the rest are the snake_case names.
 */
export function convertParams(params: GenerationParams): OllamaModelOptions {
  const out: OllamaModelOptions = {};
  if (params.temperature !== undefined) out.temperature = params.temperature;
  if (params.topP !== undefined) out.top_p = params.topP;
  if (params.topK !== undefined) out.top_k = params.topK;
  if (params.maxTokens !== undefined) out.num_predict = params.maxTokens;
  if (params.stop !== undefined && params.stop.length > 0) out.stop = params.stop;
  if (params.seed !== undefined) out.seed = params.seed;
  if (params.frequencyPenalty !== undefined) out.frequency_penalty = params.frequencyPenalty;
  if (params.presencePenalty !== undefined) out.presence_penalty = params.presencePenalty;
  return out;
}
