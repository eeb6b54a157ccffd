export { openai } from './openai-provider.js';
export type { OpenAIProvider, OpenAIProviderOptions, OpenAIModelId } from './openai-provider.js';
export type { OpenAIChatProvider, OpenAIChatKind } from './chat-provider.js';
export type { OpenAIChatQuirks, QuirksOption } from './quirks.js';
export type { OpenAIClientLike } from './client-like.js';
