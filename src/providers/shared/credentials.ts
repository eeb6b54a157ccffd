/** Public credential helpers (re-exported by the package root). */
export { apiKeyFromEnv, apiKeyFromEnvVar, ollamaBaseURLFromEnv, API_KEY_ENV, type EnvKeyKind } from './env.js';
export { createKeySource, type KeySource, type RotationResult } from './key-source.js';
export type { ApiKey } from './options.js';
export type { ProviderDescription } from './describe.js';
