/**
 * Public credential helpers, for the package root: `export * from './providers/shared/credentials.js'`.
 * (`ApiKey` is already exported from `./providers/shared/options.js`.)
 */
export { apiKeyFromEnv, apiKeyFromEnvVar, ollamaBaseURLFromEnv, API_KEY_ENV, type EnvKeyKind } from './env.js';
export { createKeySource, type KeySource, type RotationResult } from './key-source.js';
export type { ProviderDescription } from './describe.js';
