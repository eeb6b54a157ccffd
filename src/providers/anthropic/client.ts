import type Anthropic from '@anthropic-ai/sdk';
import { AuthenticationError, ConfigError, SwitchyardError } from '../../core/errors.js';
import { resolveApiKey } from '../shared/options.js';
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
        [{ path: `providers.${provider}`, message: 'The anthropic adapter needs the optional peer dependency "@anthropic-ai/sdk": npm install @anthropic-ai/sdk' }],
        { provider, cause },
      );
    },
  );
  return sdk;
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Returns the SDK client: the ready `client` when given, else one built from the options.
 * A key resolver is called on every request; the client is rebuilt only when the key changes.
 * SDK retries are off (the router retries) and the SDK logger is silent (a library never logs).
 */
export function clientFactory(options: AnthropicProviderOptions, provider: string): () => Promise<Anthropic> {
  if (options.client) {
    const ready = options.client;
    return () => Promise.resolve(ready);
  }
  let cached: { key: string | undefined; client: Anthropic } | undefined;
  return async () => {
    let key: string | undefined;
    try {
      key = await resolveApiKey(options.apiKey);
    } catch (cause) {
      if (SwitchyardError.isInstance(cause)) throw cause;
      throw new AuthenticationError({ provider, cause, message: `The apiKey resolver of provider "${provider}" failed` });
    }
    if (cached && cached.key === key) return cached.client;
    const Ctor = await loadSdk(provider);
    const client = new Ctor({
      ...(key !== undefined && { apiKey: key }),
      ...(options.baseURL !== undefined && { baseURL: options.baseURL }),
      ...(options.headers !== undefined && { defaultHeaders: options.headers }),
      ...(options.fetch !== undefined && { fetch: options.fetch }),
      maxRetries: 0,
      timeout: options.sdkTimeoutMs ?? NO_SDK_TIMEOUT,
      logger: silent,
      logLevel: 'off',
    });
    cached = { key, client };
    return client;
  };
}
