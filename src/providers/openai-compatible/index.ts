export { openaiCompatible } from './openai-compatible-provider.js';
export type { OpenAICompatibleProvider, OpenAICompatibleProviderOptions } from './openai-compatible-provider.js';
export type { OpenAIChatQuirks, QuirksOption } from '../openai/quirks.js';
