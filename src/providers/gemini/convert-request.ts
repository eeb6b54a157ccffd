import { z } from 'zod';
import { InvalidRequestError } from '../../core/errors.js';
import type { ProviderRequest } from '../../core/request.js';
import type { Warning } from '../../core/response.js';
import type { JSONSchema } from '../../core/tools.js';
import { zodIssues } from '../../core/zod-issues.js';
import { convertMessages } from './convert-messages.js';
import { isEmptyObjectSchema, SchemaConversionError, toGeminiSchema, toJsonSchemaPassthrough } from './convert-schema.js';
import type { GeminiFunctionDeclaration, GeminiGenerationConfig, GeminiRequest, GeminiToolConfig } from './gemini-api-types.js';

/**
 * How JSON Schemas are sent: `openapi` converts them to Gemini's OpenAPI subset (`parameters`,
 * `responseSchema`; works with every model and both SDKs); `json-schema` sends them unchanged as
 * `parametersJsonSchema` / `responseJsonSchema` (newer models; no conversion, no errors from us).
 */
export type GeminiSchemaMode = 'openapi' | 'json-schema';

/** `providerOptions.gemini`: request-level fields, plus any other key merged into `generationConfig`. */
const geminiProviderOptions = z.looseObject({
  safetySettings: z.array(z.looseObject({ category: z.string(), threshold: z.string() })).optional(),
  thinkingConfig: z.record(z.string(), z.unknown()).optional(),
  cachedContent: z.string().optional(),
  /** Native Gemini tools (e.g. `{ googleSearch: {} }`), sent after our function declarations. */
  tools: z.array(z.record(z.string(), z.unknown())).optional(),
  generationConfig: z.record(z.string(), z.unknown()).optional(),
  schemaMode: z.enum(['openapi', 'json-schema']).optional(),
});

export type GeminiProviderOptions = z.input<typeof geminiProviderOptions>;

const REQUEST_LEVEL = new Set(['safetySettings', 'cachedContent', 'tools', 'generationConfig', 'schemaMode']);

function schemaError(error: unknown, subject: string): never {
  if (error instanceof SchemaConversionError) {
    throw new InvalidRequestError({ path: error.path, message: `${subject}: Gemini cannot express ${error.path}: ${error.reason}` });
  }
  throw error;
}

function toolConfig(request: ProviderRequest, warnings: Warning[]): GeminiToolConfig | undefined {
  const choice = request.toolChoice;
  if (choice === undefined) return undefined;
  if (!request.tools?.length) {
    warnings.push({ type: 'unsupported-parameter', path: 'toolChoice', message: 'toolChoice was ignored: the request has no tools' });
    return undefined;
  }
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  if (!request.tools.some((t) => t.name === choice.name)) {
    throw new InvalidRequestError({
      path: 'toolChoice.name',
      message: `toolChoice names "${choice.name}", which is not among the request's tools`,
    });
  }
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
}

function declarations(request: ProviderRequest, mode: GeminiSchemaMode, warnings: Warning[]): GeminiFunctionDeclaration[] {
  return (request.tools ?? []).map((tool, i) => {
    const decl: GeminiFunctionDeclaration = { name: tool.name, ...(tool.description && { description: tool.description }) };
    const path = `tools[${i}].parameters`;
    if (isEmptyObjectSchema(tool.parameters)) return decl;
    if (mode === 'json-schema') decl.parametersJsonSchema = toJsonSchemaPassthrough(tool.parameters);
    else {
      try {
        decl.parameters = toGeminiSchema(tool.parameters, path, warnings);
      } catch (error) {
        schemaError(error, `Tool "${tool.name}"`);
      }
    }
    return decl;
  });
}

function generationConfig(request: ProviderRequest, mode: GeminiSchemaMode, warnings: Warning[]): GeminiGenerationConfig {
  const p = request.params;
  const config: GeminiGenerationConfig = {};
  if (p.temperature !== undefined) config.temperature = p.temperature;
  if (p.topP !== undefined) config.topP = p.topP;
  if (p.topK !== undefined) config.topK = p.topK;
  if (p.maxTokens !== undefined) config.maxOutputTokens = p.maxTokens;
  if (p.stop !== undefined && p.stop.length > 0) config.stopSequences = p.stop;
  if (p.seed !== undefined) config.seed = p.seed;
  if (p.frequencyPenalty !== undefined) config.frequencyPenalty = p.frequencyPenalty;
  if (p.presencePenalty !== undefined) config.presencePenalty = p.presencePenalty;
  const format = request.responseFormat;
  if (format?.type === 'json') config.responseMimeType = 'application/json';
  else if (format?.type === 'json-schema') {
    config.responseMimeType = 'application/json';
    if (mode === 'json-schema') config.responseJsonSchema = toJsonSchemaPassthrough(format.schema);
    else {
      try {
        config.responseSchema = toGeminiSchema(format.schema as JSONSchema, 'responseFormat.schema', warnings);
      } catch (error) {
        schemaError(error, `Response format${format.name ? ` "${format.name}"` : ''}`);
      }
    }
  }
  return config;
}

export interface ConvertOptions {
  schemaMode: GeminiSchemaMode;
}

/** The unified request as the REST body of `generateContent`, plus what could not be honoured exactly. */
export function convertRequest(request: ProviderRequest, options: ConvertOptions): { body: GeminiRequest; warnings: Warning[] } {
  const parsed = geminiProviderOptions.safeParse(request.providerOptions?.gemini ?? {});
  if (!parsed.success) {
    const issues = zodIssues(parsed.error, 'providerOptions.gemini');
    throw new InvalidRequestError({
      message: `Invalid providerOptions.gemini: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    });
  }
  const extra = parsed.data;
  const mode = extra.schemaMode ?? options.schemaMode;

  const { contents, systemInstruction, warnings } = convertMessages(request.messages, request.system);
  const body: GeminiRequest = { contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;

  const functionDeclarations = declarations(request, mode, warnings);
  const tools = [...(functionDeclarations.length > 0 ? [{ functionDeclarations }] : []), ...(extra.tools ?? [])];
  if (tools.length > 0) body.tools = tools;
  const tc = toolConfig(request, warnings);
  if (tc) body.toolConfig = tc;
  if (extra.safetySettings) body.safetySettings = extra.safetySettings;
  if (extra.cachedContent) body.cachedContent = extra.cachedContent;

  const config = generationConfig(request, mode, warnings);
  for (const [key, value] of Object.entries(extra)) if (!REQUEST_LEVEL.has(key) && value !== undefined) config[key] = value;
  Object.assign(config, extra.generationConfig);
  if (Object.keys(config).length > 0) body.generationConfig = config;
  return { body, warnings };
}
