import { z } from 'zod';
import { InvalidRequestError } from '../core/errors.js';
import type { ChatRequest, GenerationParams, ProviderOptions } from '../core/request.js';
import type { JSONSchema, ToolChoice, ToolDefinition } from '../core/tools.js';
import { zodIssues } from '../core/zod-issues.js';
import { convertPrompt } from './convert-prompt.js';
import type { SpecCallOptions, SpecWarning } from './spec-types.js';

/** `providerOptions.switchyard` of an AI SDK call: the routing context and switchyard's own request fields. */
export const switchyardCallOptions = z.strictObject({
  tenant: z.string().optional(),
  user: z.string().optional(),
  agent: z.string().optional(),
  session: z.string().optional(),
  tags: z.array(z.string()).optional(),
  task: z.string().optional(),
  /** Force one model alias (overrides the model id given to the provider). */
  model: z.string().optional(),
  timeoutMs: z.number().int().positive().optional(),
});

export type SwitchyardCallOptions = z.infer<typeof switchyardCallOptions>;

/** Defaults of every call of a model: the same fields as `providerOptions.switchyard`. */
export type SwitchyardDefaults = SwitchyardCallOptions;

function toolChoice(choice: NonNullable<SpecCallOptions['toolChoice']>): ToolChoice {
  return choice.type === 'tool' ? { type: 'tool', name: choice.toolName } : choice.type;
}

/** An AI SDK call as a switchyard request, and the warnings of what it could not carry. */
export function convertCall(
  options: SpecCallOptions,
  modelId: string | undefined,
  defaults: SwitchyardDefaults,
): { request: ChatRequest; warnings: SpecWarning[] } {
  const warnings: SpecWarning[] = [];
  const { switchyard: own, ...vendorOptions } = options.providerOptions ?? {};
  const parsed = switchyardCallOptions.safeParse(own ?? {});
  if (!parsed.success) {
    throw new InvalidRequestError({
      path: 'providerOptions.switchyard',
      message: 'Invalid request: providerOptions.switchyard',
      issues: zodIssues(parsed.error, 'providerOptions.switchyard'),
    });
  }
  const context = { ...defaults, ...parsed.data };
  const request: ChatRequest = { messages: convertPrompt(options.prompt, warnings) };
  for (const key of ['tenant', 'user', 'agent', 'session', 'tags', 'task', 'timeoutMs'] as const) {
    if (context[key] !== undefined) Object.assign(request, { [key]: context[key] });
  }
  const model = context.model ?? modelId;
  if (model !== undefined) request.model = model;

  const params: GenerationParams = {};
  if (options.maxOutputTokens !== undefined) params.maxTokens = options.maxOutputTokens;
  if (options.temperature !== undefined) params.temperature = options.temperature;
  if (options.topP !== undefined) params.topP = options.topP;
  if (options.topK !== undefined) params.topK = options.topK;
  if (options.stopSequences !== undefined) params.stop = options.stopSequences;
  if (options.presencePenalty !== undefined) params.presencePenalty = options.presencePenalty;
  if (options.frequencyPenalty !== undefined) params.frequencyPenalty = options.frequencyPenalty;
  if (options.seed !== undefined) params.seed = options.seed;
  if (Object.keys(params).length > 0) request.params = params;

  const format = options.responseFormat;
  if (format?.type === 'json') {
    request.responseFormat = format.schema
      ? {
          type: 'json-schema',
          schema: format.schema as JSONSchema,
          ...(format.name !== undefined && { name: format.name }),
          ...(format.description !== undefined && { description: format.description }),
        }
      : { type: 'json' };
  }

  const tools: ToolDefinition[] = [];
  for (const tool of options.tools ?? []) {
    if (tool.type === 'function')
      tools.push({
        name: tool.name,
        parameters: tool.inputSchema as JSONSchema,
        ...(tool.description !== undefined && { description: tool.description }),
      });
    else
      warnings.push({
        type: 'unsupported',
        feature: `provider-defined tool ${tool.id}`,
        details: 'switchyard routes function tools only; the tool was not sent',
      });
  }
  if (tools.length > 0) request.tools = tools;
  if (options.toolChoice && tools.length > 0) request.toolChoice = toolChoice(options.toolChoice);

  if (Object.keys(vendorOptions).length > 0) request.providerOptions = vendorOptions as ProviderOptions;
  if (options.abortSignal) request.signal = options.abortSignal;
  // The AI SDK adds its own `user-agent`; only headers the caller set are worth a warning.
  if (options.headers && Object.entries(options.headers).some(([name, v]) => v !== undefined && name.toLowerCase() !== 'user-agent')) {
    warnings.push({
      type: 'unsupported',
      feature: 'headers',
      details: 'per-call headers are not sent; set headers on the provider instance',
    });
  }
  if (options.reasoning !== undefined && options.reasoning !== 'provider-default') {
    warnings.push({
      type: 'unsupported',
      feature: 'reasoning',
      details: 'set reasoning effort per vendor through providerOptions (e.g. openai.reasoning_effort)',
    });
  }
  return { request, warnings };
}
