export { deepseek } from './deepseek-provider.js';
export type { DeepSeekProvider, DeepSeekProviderOptions } from './deepseek-provider.js';
export type { DeepSeekModelId } from './deepseek-models.js';
