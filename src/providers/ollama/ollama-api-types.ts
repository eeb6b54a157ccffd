import { z } from 'zod';
import type { JSONSchema } from '../../core/tools.js';

/*
 * The Ollama wire format (`/api/chat`, `/api/tags`). Response schemas cover only the fields we
 * read, with `.nullish()` for everything a server version may leave out; unknown fields pass.
 */

// ---------------------------------------------------------------- request (what we send)

export interface OllamaToolCallOut {
  id?: string;
  function: { index?: number; name: string; arguments: Record<string, unknown> };
}

export type OllamaMessageOut =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string; images?: string[] }
  | { role: 'assistant'; content: string; thinking?: string; tool_calls?: OllamaToolCallOut[] }
  | { role: 'tool'; content: string; tool_name: string; tool_call_id?: string };

export interface OllamaToolOut {
  type: 'function';
  function: { name: string; description?: string; parameters: JSONSchema };
}

/** `think`: a boolean, or an effort level for models that take one (gpt-oss). */
export type OllamaThink = boolean | 'low' | 'medium' | 'high';

/** Ollama `options` (Modelfile parameters). Known ones are typed; any other is passed through. */
export interface OllamaModelOptions {
  num_ctx?: number;
  num_predict?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  min_p?: number;
  stop?: string[];
  seed?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  repeat_penalty?: number;
  repeat_last_n?: number;
  num_gpu?: number;
  num_thread?: number;
  [key: string]: unknown;
}

export interface OllamaChatBody {
  model: string;
  messages: OllamaMessageOut[];
  stream: boolean;
  tools?: OllamaToolOut[];
  format?: 'json' | JSONSchema;
  think?: OllamaThink;
  keep_alive?: string | number;
  options?: OllamaModelOptions;
}

// ---------------------------------------------------------------- responses (what we read)

const count = z.number().int().nonnegative().nullish();
const duration = z.number().nonnegative().nullish();

export const ollamaToolCallSchema = z.object({
  id: z.string().nullish(),
  function: z.object({
    index: z.number().int().nullish(),
    name: z.string().min(1),
    // An object on every server we know; a string is tolerated and parsed when it is JSON.
    arguments: z.unknown().optional(),
  }),
});
export type OllamaToolCallIn = z.infer<typeof ollamaToolCallSchema>;

export const ollamaMessageSchema = z.object({
  role: z.string().nullish(),
  content: z.string().nullish(),
  thinking: z.string().nullish(),
  tool_calls: z.array(ollamaToolCallSchema).nullish(),
});

/** One NDJSON line of a stream, or the whole body of a `stream: false` call. */
export const ollamaChatChunkSchema = z.object({
  model: z.string().nullish(),
  created_at: z.string().nullish(),
  message: ollamaMessageSchema.nullish(),
  done: z.boolean().nullish(),
  done_reason: z.string().nullish(),
  total_duration: duration,
  load_duration: duration,
  prompt_eval_count: count,
  prompt_eval_duration: duration,
  eval_count: count,
  eval_duration: duration,
  /** A failure reported in the body (mid-stream, or with an HTTP error status). */
  error: z.string().nullish(),
});
export type OllamaChatChunk = z.infer<typeof ollamaChatChunkSchema>;

/** `{"error":"..."}`: the body of every Ollama HTTP error. */
export const ollamaErrorSchema = z.object({ error: z.string() });

export const ollamaTagsSchema = z.object({
  models: z.array(
    z.object({
      name: z.string().min(1),
      model: z.string().nullish(),
      modified_at: z.string().nullish(),
      size: z.number().nullish(),
      digest: z.string().nullish(),
      details: z
        .object({
          format: z.string().nullish(),
          family: z.string().nullish(),
          families: z.array(z.string()).nullish(),
          parameter_size: z.string().nullish(),
          quantization_level: z.string().nullish(),
        })
        .nullish(),
    }),
  ),
});
export type OllamaTags = z.infer<typeof ollamaTagsSchema>;
