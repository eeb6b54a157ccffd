/**
 * The unified conversation format. One shape for every provider: a conversation
 * built against one vendor can be sent to any other without losing anything the
 * next vendor can represent.
 */

/** Vendor-specific data attached to a part, keyed by provider kind (e.g. Gemini's `thoughtSignature`). */
export type ProviderMetadata = Record<string, Record<string, unknown>>;

export interface TextPart {
  type: 'text';
  text: string;
}

/**
 * An image given either by `url` (http(s) or data URL) or by `data` (base64 string or raw bytes).
 * Exactly one of the two must be set; `mediaType` is required with `data`.
 */
export interface ImagePart {
  type: 'image';
  url?: string;
  data?: string | Uint8Array;
  mediaType?: string;
}

export interface ToolCallPart {
  type: 'tool-call';
  toolCallId: string;
  toolName: string;
  /** Parsed arguments (usually a JSON object). */
  args: unknown;
  providerMetadata?: ProviderMetadata;
}

export interface ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  toolName: string;
  /** Any JSON-serialisable value, or a string. */
  result: unknown;
  isError?: boolean;
}

/**
 * Model reasoning ("thinking"). `signature` keeps the vendor's integrity token (Anthropic thinking
 * signature, Gemini thoughtSignature) so a tool-use conversation can continue; `redacted` holds
 * opaque redacted reasoning that must be sent back unchanged.
 */
export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  signature?: string;
  redacted?: string;
  providerMetadata?: ProviderMetadata;
}

export type UserContentPart = TextPart | ImagePart;
export type AssistantContentPart = TextPart | ToolCallPart | ReasoningPart;
export type ContentPart = TextPart | ImagePart | ToolCallPart | ToolResultPart | ReasoningPart;

export interface SystemMessage {
  role: 'system';
  content: string;
}
export interface UserMessage {
  role: 'user';
  content: string | UserContentPart[];
}
export interface AssistantMessage {
  role: 'assistant';
  content: string | AssistantContentPart[];
}
export interface ToolMessage {
  role: 'tool';
  content: ToolResultPart[];
}

export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;
export type MessageRole = Message['role'];
