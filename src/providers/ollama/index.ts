export { ollama } from './ollama-provider.js';
export type { OllamaProvider } from './ollama-provider.js';
export type { OllamaProviderOptions, OllamaCallOptions } from './ollama-options.js';
export type { OllamaModelOptions, OllamaThink } from './ollama-api-types.js';
