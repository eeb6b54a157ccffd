import { InvalidRequestError } from '../../core/errors.js';
import type { ProviderRequest } from '../../core/request.js';
import type { Warning } from '../../core/response.js';
import { zodIssues } from '../../core/zod-issues.js';
import { convertMessages } from './convert-messages.js';
import { convertParams } from './convert-options.js';
import { convertTools } from './convert-tools.js';
import type { OllamaChatBody, OllamaModelOptions, OllamaThink } from './ollama-api-types.js';
import { ollamaCallOptionsSchema, type OllamaCallOptions } from './ollama-options.js';

/** Factory-level defaults that every call starts from. */
export interface OllamaDefaults {
  keepAlive?: string | number;
  options?: OllamaModelOptions;
  think?: OllamaThink;
}

export interface BuiltChatBody {
  body: OllamaChatBody;
  warnings: Warning[];
}

/** Reads `providerOptions.ollama`; a bad value is the caller's error, reported with its path. */
export function readCallOptions(request: Pick<ProviderRequest, 'providerOptions'>): OllamaCallOptions {
  const raw = request.providerOptions?.ollama;
  if (raw === undefined) return {};
  const parsed = ollamaCallOptionsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = zodIssues(parsed.error, 'providerOptions.ollama');
  throw new InvalidRequestError({
    message: `Invalid providerOptions.ollama: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    path: issues[0]?.path ?? 'providerOptions.ollama',
    issues,
  });
}

/**
 * The whole `/api/chat` body. `options` are layered: factory `options` < request params <
 * `providerOptions.ollama.num_ctx` < `providerOptions.ollama.options`.
 */
export function buildChatBody(request: ProviderRequest, model: string, stream: boolean, defaults: OllamaDefaults = {}): BuiltChatBody {
  const call = readCallOptions(request);
  const { messages, warnings } = convertMessages(request.system, request.messages);
  const tools = convertTools(request);
  warnings.push(...tools.warnings);

  const body: OllamaChatBody = { model, messages, stream };
  if (tools.tools) body.tools = tools.tools;

  const format = request.responseFormat;
  if (format?.type === 'json') body.format = 'json';
  else if (format?.type === 'json-schema') body.format = format.schema;

  const think = call.think ?? call.reasoningEffort ?? defaults.think;
  if (think !== undefined) body.think = think;

  const keepAlive = call.keepAlive ?? call.keep_alive ?? defaults.keepAlive;
  if (keepAlive !== undefined) body.keep_alive = keepAlive;

  const options: OllamaModelOptions = {
    ...defaults.options,
    ...convertParams(request.params),
    ...(call.num_ctx !== undefined && { num_ctx: call.num_ctx }),
    ...call.options,
  };
  if (Object.keys(options).length > 0) body.options = options;
  return { body, warnings };
}
