export { gemini, type GeminiProvider, type GeminiProviderOptions } from './gemini-provider.js';
export type { GeminiProviderOptions as GeminiRequestOptions, GeminiSchemaMode } from './convert-request.js';
export type { PromptBlockedBehavior } from './convert-response.js';
export type { GenAIClientLike } from './genai-client.js';
export type { GenerativeAIClientLike } from './generative-ai-client.js';
