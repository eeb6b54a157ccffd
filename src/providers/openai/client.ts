import type OpenAI from 'openai';
import type * as OpenAIModule from 'openai';
import type { ClientOptions } from 'openai';
import { ConfigError } from '../../core/errors.js';
import { registerKey, resolveApiKey, type BaseProviderOptions } from '../shared/options.js';

/** The longest delay `setTimeout` takes (about 24.8 days): in effect no SDK timeout; the router's deadline rules. */
export const NO_TIMEOUT_MS = 2_147_483_647;

export interface ClientSettings extends BaseProviderOptions<OpenAI> {
  /** Name used in errors. */
  provider: string;
  /** Default API root when `baseURL` is not given. */
  defaultBaseURL?: string;
  /**
   * OpenAI only: let the SDK read `OPENAI_API_KEY` / `OPENAI_ORG_ID` / `OPENAI_PROJECT_ID` from the
   * environment. Other endpoints never do, so an OpenAI key is never sent to another vendor.
   */
  openaiEnvironment: boolean;
  /** Environment variable read for the key when `apiKey` is not given (e.g. `DEEPSEEK_API_KEY`). */
  apiKeyEnv?: string;
  organization?: string;
  project?: string;
  timeoutMs?: number;
}

/** Loads the optional `openai` peer dependency on first use, so importing switchyard never needs it. */
async function loadSdk(provider: string): Promise<typeof OpenAIModule> {
  try {
    return await import('openai');
  } catch (error) {
    throw new ConfigError([{ path: `providers.${provider}`, message: 'the "openai" package is not installed; run `npm install openai`' }], { provider, cause: error });
  }
}

function clientOptions(settings: ClientSettings): ClientOptions {
  const options: ClientOptions = {
    maxRetries: 0,
    timeout: settings.timeoutMs ?? NO_TIMEOUT_MS,
    logLevel: 'off',
  };
  const baseURL = settings.baseURL ?? settings.defaultBaseURL;
  if (baseURL !== undefined) options.baseURL = baseURL;
  if (settings.fetch) options.fetch = settings.fetch as NonNullable<ClientOptions['fetch']>;
  const headers: Record<string, string | null> = { ...settings.headers };
  const { apiKey } = settings;
  if (typeof apiKey === 'function') {
    options.apiKey = async () => (await resolveApiKey(apiKey)) ?? '';
  } else {
    const key = apiKey ?? (settings.apiKeyEnv ? process.env[settings.apiKeyEnv] : undefined);
    if (key !== undefined && key !== '') {
      options.apiKey = key;
      registerKey(key);
    } else if (!settings.openaiEnvironment) {
      // A keyless local server: the SDK insists on a key, so give a placeholder and send no Authorization header.
      options.apiKey = 'switchyard-no-key';
      headers.Authorization = null;
    }
  }
  if (!settings.openaiEnvironment) {
    options.organization = null;
    options.project = null;
  }
  if (settings.organization !== undefined) options.organization = settings.organization;
  if (settings.project !== undefined) options.project = settings.project;
  options.defaultHeaders = headers;
  return options;
}

/** Returns a function that creates the client once, on first need (a ready `client` is used as is). */
export function lazyClient(settings: ClientSettings): () => Promise<OpenAI> {
  let pending: Promise<OpenAI> | undefined;
  return () => {
    if (settings.client) return Promise.resolve(settings.client);
    pending ??= loadSdk(settings.provider).then((sdk) => new sdk.OpenAI(clientOptions(settings)));
    // A failed creation (e.g. missing key) is not cached: the next call tries again.
    pending.catch(() => {
      pending = undefined;
    });
    return pending;
  };
}
