import type Anthropic from '@anthropic-ai/sdk';
import { ConfigError } from '../../core/errors.js';
import { clientForKey } from '../shared/client-cache.js';
import type { KeySource } from '../shared/key-source.js';
import type { AnthropicProviderOptions } from './options.js';

/** setTimeout's largest delay: the SDK never times out before the router's deadline. */
export const NO_SDK_TIMEOUT = 2_147_483_647;

type AnthropicConstructor = new (options: ConstructorParameters<typeof Anthropic>[0]) => Anthropic;

let sdk: Promise<AnthropicConstructor> | undefined;

/** Loads the optional peer dependency on first use, so that importing switchyard never needs it. */
function loadSdk(provider: string): Promise<AnthropicConstructor> {
  sdk ??= import('@anthropic-ai/sdk').then(
    (mod) => mod.default as unknown as AnthropicConstructor,
    (cause: unknown) => {
      sdk = undefined;
      throw new ConfigError(
        [
          {
            path: `providers.${provider}`,
            message: 'The anthropic adapter needs the optional peer dependency "@anthropic-ai/sdk": npm install @anthropic-ai/sdk',
          },
        ],
        { provider, cause },
      );
    },
  );
  return sdk;
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

/**
 * Returns the SDK client: the ready `client` when given, else one built with the key in use (see
 * `KeySource`), rebuilt when that key changes (after a rotation). Every option the SDK would read
 * from the environment when left undefined (`ANTHROPIC_API_KEY`, `ANTHROPIC_AUTH_TOKEN`,
 * `ANTHROPIC_BASE_URL`, `ANTHROPIC_WEBHOOK_SIGNING_KEY`, `ANTHROPIC_LOG`) is set explicitly. Without
 * a key the call fails with an `AuthenticationError` before anything is sent.
 * SDK retries are off (the router retries) and the SDK logger is silent (a library never logs).
 */
export function clientFactory(options: AnthropicProviderOptions, provider: string, keys: KeySource): () => Promise<Anthropic> {
  if (options.client) {
    // The structural option type holds a real SDK client: the user passed `new Anthropic(...)`.
    const ready = options.client as unknown as Anthropic;
    return () => Promise.resolve(ready);
  }
  return clientForKey(keys, { provider, required: true }, async (key) => {
    const Ctor = await loadSdk(provider);
    // A key is always passed: without one, SDK 1.x would fall back to its default credential chain
    // (profiles and files on disk).
    return new Ctor({
      apiKey: key ?? null,
      authToken: null,
      webhookKey: null,
      baseURL: options.baseURL ?? ANTHROPIC_BASE_URL,
      ...(options.headers !== undefined && { defaultHeaders: options.headers }),
      ...(options.fetch !== undefined && { fetch: options.fetch }),
      maxRetries: 0,
      timeout: options.sdkTimeoutMs ?? NO_SDK_TIMEOUT,
      logger: silent,
      logLevel: 'off',
    } as ConstructorParameters<typeof Anthropic>[0]);
  });
}
