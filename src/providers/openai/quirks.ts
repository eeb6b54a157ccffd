import type { GenerationParams } from '../../core/request.js';

/**
 * What one OpenAI-style endpoint accepts. OpenAI itself supports everything; other servers (vLLM,
 * llama.cpp, LM Studio, Groq, Together, OpenRouter, DeepSeek) differ in small ways. Anything a
 * quirk turns off becomes a `Warning` on the response (or on `stream-start`), never a silent drop.
 */
export interface OpenAIChatQuirks {
  /** Send `stream_options: { include_usage: true }` on streams (so streamed usage is never missing). */
  streamOptions: boolean;
  /** The endpoint accepts `tool_choice`. When false the choice is dropped with a warning. */
  toolChoice: boolean;
  /** The endpoint accepts `response_format: { type: 'json_schema' }`. When false: JSON mode plus a warning. */
  jsonSchema: boolean;
  /** The endpoint accepts `response_format: { type: 'json_object' }`. When false: dropped with a warning. */
  jsonMode: boolean;
  /** Send system prompts with `role: 'developer'` (OpenAI reasoning models) instead of `system`. */
  developerRole: boolean;
  /** Wire field for `params.maxTokens`. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** The endpoint accepts `top_k` (vLLM, llama.cpp, Together, OpenRouter do; OpenAI does not). */
  topK: boolean;
  /** The endpoint accepts image parts. When false they are dropped with a warning. */
  images: boolean;
  /** The endpoint accepts `tools`. When false tools are dropped with a warning. */
  tools: boolean;
  /** Parameters the endpoint (or this model) ignores or rejects: not sent, each one a warning. */
  unsupportedParams: ReadonlyArray<keyof GenerationParams>;
  /**
   * What happens to `reasoning` parts of earlier assistant messages:
   * `'drop'` (with a warning; OpenAI has no field for them), `'tool-call-turns'` (sent back as
   * `reasoning_content` on assistant messages that carry tool calls, as DeepSeek's thinking mode
   * requires; dropped silently elsewhere, where DeepSeek ignores or rejects them), `'all'`.
   */
  reasoningInput: 'drop' | 'tool-call-turns' | 'all';
}

/** OpenAI's own Chat Completions API. */
export const OPENAI_QUIRKS: OpenAIChatQuirks = {
  streamOptions: true,
  toolChoice: true,
  jsonSchema: true,
  jsonMode: true,
  developerRole: false,
  maxTokensField: 'max_completion_tokens',
  topK: false,
  images: true,
  tools: true,
  unsupportedParams: [],
  reasoningInput: 'drop',
};

/** A generic OpenAI-compatible server: the widely implemented subset. */
export const COMPATIBLE_QUIRKS: OpenAIChatQuirks = {
  ...OPENAI_QUIRKS,
  maxTokensField: 'max_tokens',
};

/** A quirk set, or a function of the model id (a server may host models that differ). */
export type QuirksOption = Partial<OpenAIChatQuirks> | ((model: string) => Partial<OpenAIChatQuirks>);

export function resolveQuirks(base: OpenAIChatQuirks, option: QuirksOption | undefined, model: string): OpenAIChatQuirks {
  if (option === undefined) return base;
  const partial = typeof option === 'function' ? option(model) : option;
  const out: OpenAIChatQuirks = { ...base };
  for (const [key, value] of Object.entries(partial) as Array<[keyof OpenAIChatQuirks, unknown]>) {
    if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}
