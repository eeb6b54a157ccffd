import type { GenerationParams, ProviderRequest } from '../../core/request.js';
import type { Warning } from '../../core/response.js';
import type { ToolChoice } from '../../core/tools.js';
import { convertMessages } from './convert-messages.js';
import type { WireRequestBody, WireResponseFormat, WireToolChoice } from './openai-api-types.js';
import type { OpenAIChatQuirks } from './quirks.js';

export interface ConvertedRequest {
  body: WireRequestBody;
  warnings: Warning[];
}

const PARAM_FIELDS: ReadonlyArray<[keyof GenerationParams, keyof WireRequestBody | 'max-tokens']> = [
  ['temperature', 'temperature'],
  ['topP', 'top_p'],
  ['topK', 'top_k'],
  ['maxTokens', 'max-tokens'],
  ['stop', 'stop'],
  ['frequencyPenalty', 'frequency_penalty'],
  ['presencePenalty', 'presence_penalty'],
  ['seed', 'seed'],
];

function unsupported(path: string, message: string): Warning {
  return { type: 'unsupported-parameter', path, message };
}

/** True when `params` has no own key: the usual request, which then skips eight keyed reads of absent fields. */
function isEmpty(params: GenerationParams): boolean {
  for (const _ in params) return false;
  return true;
}

function applyParams(body: WireRequestBody, params: GenerationParams, quirks: OpenAIChatQuirks, warnings: Warning[]): void {
  if (isEmpty(params)) return;
  for (const [name, field] of PARAM_FIELDS) {
    const value = params[name];
    if (value === undefined) continue;
    if (quirks.unsupportedParams.includes(name) || (name === 'topK' && !quirks.topK)) {
      warnings.push(unsupported(`params.${name}`, `"${name}" is not supported by this endpoint or model and was not sent`));
      continue;
    }
    body[field === 'max-tokens' ? quirks.maxTokensField : field] = value;
  }
}

function toolChoice(choice: ToolChoice): WireToolChoice {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function responseFormat(
  format: NonNullable<ProviderRequest['responseFormat']>,
  quirks: OpenAIChatQuirks,
  warnings: Warning[],
): WireResponseFormat | undefined {
  if (format.type === 'text') return undefined;
  if (format.type === 'json-schema' && quirks.jsonSchema) {
    return {
      type: 'json_schema',
      json_schema: {
        name: format.name ?? 'response',
        ...(format.description !== undefined && { description: format.description }),
        schema: format.schema,
        ...(format.strict !== undefined && { strict: format.strict }),
      },
    };
  }
  if (format.type === 'json-schema') {
    warnings.push(
      unsupported(
        'responseFormat.schema',
        'This endpoint does not accept a JSON Schema response format; JSON mode was used and the schema is not enforced',
      ),
    );
  }
  if (quirks.jsonMode) return { type: 'json_object' };
  warnings.push(unsupported('responseFormat', 'This endpoint has no JSON mode; the response format was not sent'));
  return undefined;
}

/**
 * The unified request as a Chat Completions body, plus a warning for everything the endpoint
 * cannot take. `providerOptions[kind]` is merged last, so callers can reach any vendor field.
 */
export function convertRequest(request: ProviderRequest, model: string, quirks: OpenAIChatQuirks, kind: string): ConvertedRequest {
  const warnings: Warning[] = [];
  const body: WireRequestBody = { model, messages: convertMessages(request.messages, request.system, quirks, warnings, kind) };
  if (request.tools && request.tools.length > 0) {
    if (quirks.tools) {
      body.tools = request.tools.map((t) => ({
        type: 'function',
        function: { name: t.name, ...(t.description !== undefined && { description: t.description }), parameters: t.parameters },
      }));
    } else warnings.push(unsupported('tools', 'This endpoint does not accept tools; they were not sent'));
  }
  if (request.toolChoice !== undefined && body.tools) {
    if (quirks.toolChoice) body.tool_choice = toolChoice(request.toolChoice);
    else warnings.push(unsupported('toolChoice', 'This endpoint does not accept tool_choice; the model chooses freely'));
  }
  if (request.responseFormat) {
    const format = responseFormat(request.responseFormat, quirks, warnings);
    if (format) body.response_format = format;
  }
  applyParams(body, request.params, quirks, warnings);
  const extra = request.providerOptions?.[kind];
  if (extra) Object.assign(body, extra);
  if (typeof body.n === 'number' && body.n > 1) {
    warnings.push({
      type: 'other',
      path: `providerOptions.${kind}.n`,
      message: `n=${body.n}: only the first choice (index 0) is returned`,
    });
  }
  return { body, warnings };
}
