import { z } from 'zod';

/**
 * Zod schemas of the Chat Completions wire, covering only the fields we read (`.nullish()` for
 * what vendors may omit). Unknown fields pass untouched: the raw objects are kept for `raw`.
 * `reasoning_content` (DeepSeek, vLLM) and `reasoning` (OpenRouter) are read when present.
 */

export const usageSchema = z.object({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  total_tokens: z.number().nullish(),
  /** `cache_write_tokens`: input written to the prompt cache (OpenRouter and other OpenAI-style gateways). */
  prompt_tokens_details: z.object({ cached_tokens: z.number().nullish(), cache_write_tokens: z.number().nullish() }).nullish(),
  completion_tokens_details: z.object({ reasoning_tokens: z.number().nullish() }).nullish(),
  /** DeepSeek's context cache. */
  prompt_cache_hit_tokens: z.number().nullish(),
  prompt_cache_miss_tokens: z.number().nullish(),
});
export type WireUsage = z.infer<typeof usageSchema>;

/** Gemini's OpenAI-compatible endpoint carries the thought signature of a tool call here; it must come back on the next turn. */
const extraContentSchema = z.object({ google: z.object({ thought_signature: z.string().nullish() }).nullish() }).nullish();

const toolCallSchema = z.object({
  id: z.string(),
  extra_content: extraContentSchema,
  type: z.string().nullish(),
  function: z.object({ name: z.string().min(1), arguments: z.string().nullish() }),
});

export const chatCompletionSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        index: z.number().int().nullish(),
        message: z.object({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          reasoning_content: z.string().nullish(),
          reasoning: z.string().nullish(),
          tool_calls: z.array(toolCallSchema).nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: usageSchema.nullish(),
});
export type WireChatCompletion = z.infer<typeof chatCompletionSchema>;

const toolCallDeltaSchema = z.object({
  index: z.number().int().nullish(),
  extra_content: extraContentSchema,
  id: z.string().nullish(),
  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

export const chunkSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        index: z.number().int().nullish(),
        delta: z
          .object({
            content: z.string().nullish(),
            refusal: z.string().nullish(),
            reasoning_content: z.string().nullish(),
            reasoning: z.string().nullish(),
            tool_calls: z.array(toolCallDeltaSchema).nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: usageSchema.nullish(),
});
export type WireChunk = z.infer<typeof chunkSchema>;

export const modelListSchema = z.object({
  data: z.array(z.object({ id: z.string(), owned_by: z.string().nullish(), created: z.number().nullish() })),
});

/** The request body we send (a superset of the SDK's params: `top_k`, `reasoning_content`). */
export type WireContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
  extra_content?: { google: { thought_signature: string } };
}

export type WireMessage =
  | { role: 'system' | 'developer'; content: string }
  | { role: 'user'; content: string | WireContentPart[] }
  | { role: 'assistant'; content: string | null; tool_calls?: WireToolCall[]; reasoning_content?: string }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface WireTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown>; strict?: boolean };
}

export type WireToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export type WireResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; description?: string; schema: Record<string, unknown>; strict?: boolean } };

export interface WireRequestBody {
  model: string;
  messages: WireMessage[];
  tools?: WireTool[];
  tool_choice?: WireToolChoice;
  response_format?: WireResponseFormat;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stop?: string[];
  frequency_penalty?: number;
  presence_penalty?: number;
  seed?: number;
  stream?: boolean;
  stream_options?: { include_usage: boolean };
  [extra: string]: unknown;
}
