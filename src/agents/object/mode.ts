import type { ModelDescription } from '../host.js';

/** `native`: the vendor's structured output (JSON Schema mode, forced tool, response schema); `prompt`: the schema in the prompt, then validation. */
export type ObjectMode = 'auto' | 'native' | 'prompt';

/**
 * Provider kinds whose adapter sends the schema natively: OpenAI `response_format: json_schema`,
 * Anthropic a forced tool with the schema as its input, Gemini `responseSchema`, Ollama `format`.
 * DeepSeek (JSON mode only) and generic OpenAI-compatible endpoints get prompt-and-validate.
 */
const NATIVE_KINDS: ReadonlySet<string> = new Set(['openai', 'anthropic', 'gemini', 'ollama', 'mock']);

export function chooseMode(mode: ObjectMode, model: ModelDescription | undefined): 'native' | 'prompt' {
  if (mode !== 'auto') return mode;
  if (!model || model.capabilities?.json === false) return 'prompt';
  return NATIVE_KINDS.has(model.kind) ? 'native' : 'prompt';
}
