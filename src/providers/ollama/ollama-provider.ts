import { ConfigError } from '../../core/errors.js';
import type { LLMProvider } from '../../core/provider.js';
import { estimateRequestTokens } from '../../core/tokens.js';
import { describeProvider, withDescription } from '../shared/describe.js';
import { createKeySource } from '../shared/key-source.js';
import { adapterSecrets, guardSecrets } from '../shared/secret-guard.js';
import { chatOnce } from './chat.js';
import type { ChatDeps } from './chat-deps.js';
import { createHttp, normalizeBaseURL } from './http.js';
import { checkCredentials, listModels } from './models.js';
import type { OllamaProviderOptions } from './ollama-options.js';
import { streamChat } from './stream.js';

/** `localhost:11434` parses as a URL with the scheme `localhost:`: only http(s) roots are accepted. */
function assertHttpURL(baseURL: string | undefined): void {
  const root = normalizeBaseURL(baseURL);
  const protocol = URL.canParse(root) ? new URL(root).protocol : undefined;
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new ConfigError([{ path: 'baseURL', message: `must be an http(s) URL such as http://127.0.0.1:11434, got "${baseURL}"` }], {
      provider: 'ollama',
    });
  }
}

export interface OllamaProvider extends LLMProvider {
  readonly kind: 'ollama';
  /** The instance name used in errors. */
  readonly name: string;
  /** `rotated` / `unchanged` for a key resolver (see `LLMProvider`); `unsupported` for a literal key or none. */
  rotateCredentials(): Promise<'rotated' | 'unchanged' | 'unsupported'>;
}

/**
 * An Ollama provider (local server or ollama.com) over its HTTP API (`/api/chat`, `/api/tags`)
 * with `fetch`: no SDK dependency, full control of abort and error mapping. `OLLAMA_HOST` is not
 * read unless asked: `ollama({ baseURL: ollamaBaseURLFromEnv() })`.
 */
export function ollama(options: OllamaProviderOptions = {}): OllamaProvider {
  assertHttpURL(options.baseURL);
  const name = options.name ?? 'ollama';
  const keys = createKeySource(options.apiKey);
  const deps: ChatDeps = {
    http: createHttp(options, keys),
    provider: name,
    defaults: {
      ...(options.keepAlive !== undefined && { keepAlive: options.keepAlive }),
      ...(options.options !== undefined && { options: options.options }),
      ...(options.think !== undefined && { think: options.think }),
    },
  };
  const provider: OllamaProvider = {
    kind: 'ollama',
    name,
    chat: (request, callOptions) => chatOnce(deps, request, callOptions),
    stream: (request, callOptions) => ({
      [Symbol.asyncIterator]: () => streamChat(deps, request, callOptions),
    }),
    countTokens: async (request) => estimateRequestTokens(request),
    listModels: (opts) => listModels(deps.http, name, opts?.signal),
    validateCredentials: (opts) => checkCredentials(deps.http, name, opts?.signal),
    rotateCredentials: () => keys.rotate(),
  };
  const guarded = guardSecrets(provider, adapterSecrets(keys, options));
  return withDescription(
    guarded,
    describeProvider({ kind: 'ollama', name, baseURL: normalizeBaseURL(options.baseURL), apiKey: options.apiKey }),
  );
}
