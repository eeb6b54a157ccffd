import type OpenAI from 'openai';
import type * as OpenAIModule from 'openai';
import type { ClientOptions } from 'openai';
import { ConfigError } from '../../core/errors.js';
import { clientForKey } from '../shared/client-cache.js';
import type { KeySource } from '../shared/key-source.js';
import type { BaseProviderOptions } from '../shared/options.js';
import type { OpenAIClientLike } from './client-like.js';

/** The longest delay `setTimeout` takes (about 24.8 days): in effect no SDK timeout; the router's deadline rules. */
export const NO_TIMEOUT_MS = 2_147_483_647;

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export interface ClientSettings extends BaseProviderOptions<OpenAIClientLike> {
  /** Name used in errors. */
  provider: string;
  /** Default API root when `baseURL` is not given (always passed, so the SDK never reads `OPENAI_BASE_URL`). */
  defaultBaseURL?: string;
  /**
   * The endpoint needs a key (OpenAI, DeepSeek): without one the first call fails with an
   * `AuthenticationError` and nothing is sent. Otherwise (keyless local servers) no `Authorization`
   * header is sent.
   */
  requireKey: boolean;
  organization?: string;
  project?: string;
  timeoutMs?: number;
}

/** Loads the optional `openai` peer dependency on first use, so importing switchyard never needs it. */
async function loadSdk(provider: string): Promise<typeof OpenAIModule> {
  try {
    return await import('openai');
  } catch (error) {
    throw new ConfigError([{ path: `providers.${provider}`, message: 'the "openai" package is not installed; run `npm install openai`' }], {
      provider,
      cause: error,
    });
  }
}

/**
 * SDK options with every credential and endpoint setting explicit: the SDK reads `OPENAI_API_KEY`,
 * `OPENAI_BASE_URL`, `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID`, `OPENAI_ADMIN_KEY`, `OPENAI_WEBHOOK_SECRET`
 * and `OPENAI_LOG` only for options left undefined, so none is left undefined.
 */
function clientOptions(settings: ClientSettings, key: string | undefined): ClientOptions {
  const options: ClientOptions & Record<string, unknown> = {
    maxRetries: 0,
    timeout: settings.timeoutMs ?? NO_TIMEOUT_MS,
    logLevel: 'off',
    baseURL: settings.baseURL ?? settings.defaultBaseURL ?? OPENAI_BASE_URL,
    organization: settings.organization ?? null,
    project: settings.project ?? null,
    adminAPIKey: null,
    webhookSecret: null,
  };
  if (settings.fetch) options.fetch = settings.fetch as NonNullable<ClientOptions['fetch']>;
  const headers: Record<string, string | null> = { ...settings.headers };
  if (key !== undefined) {
    options.apiKey = key;
  } else {
    // A keyless local server: the SDK insists on a key, so give a placeholder and send no Authorization header.
    options.apiKey = 'switchyard-no-key';
    headers.Authorization = null;
  }
  options.defaultHeaders = headers;
  return options;
}

/**
 * Returns a function giving the SDK client (a ready `client` is used as is). The client is built on
 * first need with the key in use, and rebuilt when the key in use changes (after a rotation).
 */
export function lazyClient(settings: ClientSettings, keys: KeySource): () => Promise<OpenAI> {
  if (settings.client) {
    // The structural option type holds a real SDK client: the user passed `new OpenAI(...)`.
    const ready = settings.client as unknown as OpenAI;
    return () => Promise.resolve(ready);
  }
  return clientForKey(keys, { provider: settings.provider, required: settings.requireKey }, async (key) => {
    const sdk = await loadSdk(settings.provider);
    return new sdk.OpenAI(clientOptions(settings, key));
  });
}
