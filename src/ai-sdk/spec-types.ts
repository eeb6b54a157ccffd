/**
 * The parts of the AI SDK's LanguageModel specification (v3: `ai` 6; v4: `ai` 7) that this adapter
 * reads and writes, written out here so that no `.d.ts` of switchyard needs `@ai-sdk/provider`.
 * Structurally compatible with `LanguageModelV3` / `LanguageModelV4` (checked by test/ai-sdk).
 */

export type SpecJSONValue = null | string | number | boolean | { [key: string]: SpecJSONValue | undefined } | SpecJSONValue[];
export type SpecProviderOptions = Record<string, Record<string, SpecJSONValue | undefined>>;
export type SpecProviderMetadata = Record<string, Record<string, SpecJSONValue | undefined>>;

/** v3: bytes, base64 or a URL; v4: a tagged object. */
export type SpecFileData =
  | Uint8Array
  | string
  | URL
  | { type: 'data'; data: Uint8Array | string }
  | { type: 'url'; url: URL }
  | { type: 'reference'; reference: Record<string, string> }
  | { type: 'text'; text: string };

export interface SpecTextPart {
  type: 'text';
  text: string;
  providerOptions?: SpecProviderOptions;
}
export interface SpecFilePart {
  type: 'file';
  filename?: string;
  data: SpecFileData;
  mediaType: string;
  providerOptions?: SpecProviderOptions;
}
export interface SpecReasoningPart {
  type: 'reasoning';
  text: string;
  providerOptions?: SpecProviderOptions;
}
export interface SpecToolCallPart {
  type: 'tool-call';
  toolCallId: string;
  toolName: string;
  input: unknown;
  providerExecuted?: boolean;
  providerOptions?: SpecProviderOptions;
}
export type SpecToolResultOutput =
  | { type: 'text'; value: string }
  | { type: 'json'; value: SpecJSONValue }
  | { type: 'execution-denied'; reason?: string }
  | { type: 'error-text'; value: string }
  | { type: 'error-json'; value: SpecJSONValue }
  | { type: 'content'; value: Array<{ type: string; text?: string }> };
export interface SpecToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  toolName: string;
  output: SpecToolResultOutput;
  providerOptions?: SpecProviderOptions;
}
/** Parts this adapter does not map (approval responses, custom and reasoning-file parts of v4). */
export interface SpecOtherPart {
  type: 'tool-approval-response' | 'custom' | 'reasoning-file';
}

export type SpecMessage =
  | { role: 'system'; content: string; providerOptions?: SpecProviderOptions }
  | { role: 'user'; content: Array<SpecTextPart | SpecFilePart>; providerOptions?: SpecProviderOptions }
  | {
      role: 'assistant';
      content: Array<SpecTextPart | SpecFilePart | SpecReasoningPart | SpecToolCallPart | SpecToolResultPart | SpecOtherPart>;
      providerOptions?: SpecProviderOptions;
    }
  | { role: 'tool'; content: Array<SpecToolResultPart | SpecOtherPart>; providerOptions?: SpecProviderOptions };

export interface SpecFunctionTool {
  type: 'function';
  name: string;
  description?: string;
  inputSchema: object;
  strict?: boolean;
}
export interface SpecProviderTool {
  type: 'provider';
  id: `${string}.${string}`;
  name: string;
  args: Record<string, unknown>;
}

export interface SpecCallOptions {
  prompt: SpecMessage[];
  maxOutputTokens?: number;
  temperature?: number;
  stopSequences?: string[];
  topP?: number;
  topK?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseFormat?: { type: 'text' } | { type: 'json'; schema?: object; name?: string; description?: string };
  seed?: number;
  tools?: Array<SpecFunctionTool | SpecProviderTool>;
  toolChoice?: { type: 'auto' } | { type: 'none' } | { type: 'required' } | { type: 'tool'; toolName: string };
  includeRawChunks?: boolean;
  abortSignal?: AbortSignal;
  headers?: Record<string, string | undefined>;
  /** v4 only: reasoning effort. */
  reasoning?: string;
  providerOptions?: SpecProviderOptions;
}

export type SpecWarning =
  | { type: 'unsupported'; feature: string; details?: string }
  | { type: 'compatibility'; feature: string; details?: string }
  | { type: 'other'; message: string };

export interface SpecUsage {
  inputTokens: { total: number | undefined; noCache: number | undefined; cacheRead: number | undefined; cacheWrite: number | undefined };
  outputTokens: { total: number | undefined; text: number | undefined; reasoning: number | undefined };
  raw?: Record<string, SpecJSONValue | undefined>;
}

export interface SpecFinishReason {
  unified: 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other';
  raw: string | undefined;
}

export type SpecContent =
  | { type: 'text'; text: string; providerMetadata?: SpecProviderMetadata }
  | { type: 'reasoning'; text: string; providerMetadata?: SpecProviderMetadata }
  | { type: 'tool-call'; toolCallId: string; toolName: string; input: string; providerMetadata?: SpecProviderMetadata };

export interface SpecGenerateResult {
  content: SpecContent[];
  finishReason: SpecFinishReason;
  usage: SpecUsage;
  providerMetadata?: SpecProviderMetadata;
  request?: { body?: unknown };
  response?: { id?: string; timestamp?: Date; modelId?: string; headers?: Record<string, string>; body?: unknown };
  warnings: SpecWarning[];
}

export type SpecStreamPart =
  | { type: 'stream-start'; warnings: SpecWarning[] }
  | { type: 'response-metadata'; id?: string; timestamp?: Date; modelId?: string }
  | { type: 'text-start'; id: string; providerMetadata?: SpecProviderMetadata }
  | { type: 'text-delta'; id: string; delta: string; providerMetadata?: SpecProviderMetadata }
  | { type: 'text-end'; id: string; providerMetadata?: SpecProviderMetadata }
  | { type: 'reasoning-start'; id: string; providerMetadata?: SpecProviderMetadata }
  | { type: 'reasoning-delta'; id: string; delta: string; providerMetadata?: SpecProviderMetadata }
  | { type: 'reasoning-end'; id: string; providerMetadata?: SpecProviderMetadata }
  | { type: 'tool-input-start'; id: string; toolName: string; providerMetadata?: SpecProviderMetadata }
  | { type: 'tool-input-delta'; id: string; delta: string; providerMetadata?: SpecProviderMetadata }
  | { type: 'tool-input-end'; id: string; providerMetadata?: SpecProviderMetadata }
  | { type: 'tool-call'; toolCallId: string; toolName: string; input: string; providerMetadata?: SpecProviderMetadata }
  | { type: 'finish'; usage: SpecUsage; finishReason: SpecFinishReason; providerMetadata?: SpecProviderMetadata }
  | { type: 'error'; error: unknown };

export interface SpecStreamResult {
  stream: ReadableStream<SpecStreamPart>;
  request?: { body?: unknown };
  response?: { headers?: Record<string, string> };
}
