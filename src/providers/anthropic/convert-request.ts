import type { ProviderRequest } from '../../core/request.js';
import type { Warning } from '../../core/response.js';
import type { ToolChoice } from '../../core/tools.js';
import type { AnthropicRequestBody, AnthropicTool, AnthropicToolChoice } from './anthropic-request-types.js';
import { convertMessages } from './convert-messages.js';
import { defaultMaxTokens } from './default-max-tokens.js';

/** Name of the tool forced to implement `responseFormat` json / json-schema. */
export const JSON_TOOL_NAME = 'json';

export interface ConvertedRequest {
  body: AnthropicRequestBody;
  warnings: Warning[];
  /** Set when the answer is the input of a forced tool of that name (see `responseFormat`). */
  jsonTool?: string;
}

export interface ConvertContext {
  provider: string;
  model: string;
  maxTokensTable?: Readonly<Record<string, number>>;
}

const JSON_INSTRUCTION = 'Respond only with a single valid JSON value, with no text before or after it.';

/** Keys of `providerOptions.anthropic` that would corrupt the call; everything else passes through. */
const RESERVED = new Set(['model', 'messages', 'stream']);

const UNSUPPORTED_PARAMS = ['seed', 'frequencyPenalty', 'presencePenalty'] as const;

/**
 * Unified request -> Messages API body. Unsupported parameters become warnings (never a silent drop,
 * never a throw). `responseFormat` is implemented with a forced tool whose input schema is the
 * requested schema (the answer is the tool input, returned as text); when the caller also passes
 * tools or enables thinking (which forbids forced tool choice) a system instruction is used instead,
 * with a warning that it is approximate.
 */
export function convertRequest(request: ProviderRequest, ctx: ConvertContext): ConvertedRequest {
  const { provider, model } = ctx;
  const converted = convertMessages(request.messages, request.system, { provider, model });
  const warnings = converted.warnings; // (a new array of this call's)
  const given = request.providerOptions?.anthropic;
  const extra = given === undefined ? undefined : { ...given };
  if (extra) {
    for (const key of RESERVED) {
      if (key in extra) {
        warnings.push({
          type: 'other',
          path: `providerOptions.anthropic.${key}`,
          message: `providerOptions.anthropic.${key} is set by the adapter and was ignored`,
        });
        delete extra[key];
      }
    }
  }
  const thinking = isThinkingEnabled(extra?.thinking);
  const p = request.params;

  const body: AnthropicRequestBody = {
    model,
    max_tokens: p.maxTokens ?? defaultMaxTokens(model, ctx.maxTokensTable),
    messages: converted.messages,
  };
  let system = converted.system;

  if (p.temperature !== undefined) {
    if (thinking) warnings.push(dropped('params.temperature', 'temperature cannot be set while extended thinking is enabled'));
    else if (p.temperature > 1) {
      body.temperature = 1;
      warnings.push({
        type: 'unsupported-parameter',
        path: 'params.temperature',
        message: `Anthropic accepts temperature 0..1; ${p.temperature} was clamped to 1`,
      });
    } else body.temperature = p.temperature;
  }
  if (p.topP !== undefined) {
    if (thinking && p.topP < 0.95)
      warnings.push(dropped('params.topP', 'topP below 0.95 cannot be set while extended thinking is enabled'));
    else body.top_p = p.topP;
  }
  if (p.topK !== undefined) {
    if (thinking) warnings.push(dropped('params.topK', 'topK cannot be set while extended thinking is enabled'));
    else body.top_k = p.topK;
  }
  if (p.stop !== undefined && p.stop.length > 0) body.stop_sequences = p.stop;
  for (const name of UNSUPPORTED_PARAMS) {
    if (p[name] !== undefined) warnings.push(dropped(`params.${name}`, `Anthropic does not support ${name}`));
  }

  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((t): AnthropicTool => ({
      name: t.name,
      ...(t.description !== undefined && { description: t.description }),
      input_schema: t.parameters,
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = convertToolChoice(request.toolChoice);

  let jsonTool: string | undefined;
  const format = request.responseFormat;
  if (format && format.type !== 'text') {
    const schema = format.type === 'json-schema' ? format.schema : { type: 'object', additionalProperties: true };
    if (body.tools || thinking) {
      const schemaText = format.type === 'json-schema' ? ` It must match this JSON Schema: ${JSON.stringify(format.schema)}` : '';
      system = [system, `${JSON_INSTRUCTION}${schemaText}`].filter(Boolean).join('\n\n');
      warnings.push({
        type: 'other',
        path: 'responseFormat',
        message:
          'Anthropic has no JSON mode: with tools or thinking in the request, JSON output is requested by a system instruction and is not guaranteed',
      });
    } else {
      jsonTool = format.type === 'json-schema' && format.name ? format.name : JSON_TOOL_NAME;
      body.tools = [
        {
          name: jsonTool,
          description:
            format.type === 'json-schema' && format.description ? format.description : 'Respond with the answer as this tool input.',
          input_schema: schema,
        },
      ];
      body.tool_choice = { type: 'tool', name: jsonTool };
    }
  }

  if (system !== undefined) body.system = system;
  if (extra) Object.assign(body, extra);
  const out: ConvertedRequest = { body, warnings };
  if (jsonTool !== undefined) out.jsonTool = jsonTool;
  return out;
}

export function convertToolChoice(choice: ToolChoice): AnthropicToolChoice {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any' };
  return { type: 'tool', name: choice.name };
}

function isThinkingEnabled(thinking: unknown): boolean {
  if (typeof thinking !== 'object' || thinking === null) return false;
  const type = (thinking as { type?: unknown }).type;
  return type === 'enabled' || type === 'adaptive';
}

function dropped(path: string, message: string): Warning {
  return { type: 'unsupported-parameter', path, message: `${message}; it was not sent` };
}
