import { z } from 'zod';
import type { BaseProviderOptions } from '../shared/options.js';
import type { OllamaModelOptions, OllamaThink } from './ollama-api-types.js';

export const DEFAULT_OLLAMA_BASE_URL = 'http://127.0.0.1:11434';

/** Options of the `ollama()` factory. There is no `client`: the adapter speaks the HTTP API itself. */
export interface OllamaProviderOptions extends Omit<BaseProviderOptions, 'client'> {
  /**
   * The server root, default `http://127.0.0.1:11434`; `https://ollama.com` for Ollama's cloud
   * (with `apiKey`). A trailing `/` or `/api` is ignored.
   */
  baseURL?: string;
  /** Name used in errors. Default `ollama`. */
  name?: string;
  /** `keep_alive` of every call: how long the model stays loaded (`'5m'`, seconds, `-1` = forever, `0` = unload). */
  keepAlive?: string | number;
  /** Default `options` of every call (`num_ctx`, `num_gpu`, ...); request params win over them. */
  options?: OllamaModelOptions;
  /** Default `think` of every call (thinking models only). Unset: the server's default. */
  think?: OllamaThink;
}

const think = z.union([z.boolean(), z.enum(['low', 'medium', 'high'])]);
const keepAlive = z.union([z.string().min(1), z.number()]);

/**
 * `providerOptions.ollama` of a request. Unknown keys are rejected, so that a typo
 * (`num_cxt`) is an error rather than a silently ignored setting.
 */
export const ollamaCallOptionsSchema = z.strictObject({
  /** Enable or disable thinking, or pick an effort level. */
  think: think.optional(),
  /** Alias of `think` for callers that think in OpenAI's terms. */
  reasoningEffort: z.enum(['low', 'medium', 'high']).optional(),
  keepAlive: keepAlive.optional(),
  keep_alive: keepAlive.optional(),
  /** Shorthand for `options.num_ctx`. */
  num_ctx: z.number().int().positive().optional(),
  /** Raw Ollama `options`, merged over everything else. */
  options: z.record(z.string(), z.unknown()).optional(),
});
export type OllamaCallOptions = z.infer<typeof ollamaCallOptionsSchema>;
