import { ConfigError } from '../../core/errors.js';
import type { LLMProvider } from '../../core/provider.js';
import { estimateRequestTokens } from '../../core/tokens.js';
import { registerKey } from '../shared/options.js';
import { chatOnce } from './chat.js';
import type { ChatDeps } from './chat-deps.js';
import { createHttp, normalizeBaseURL } from './http.js';
import { checkCredentials, listModels } from './models.js';
import type { OllamaProviderOptions } from './ollama-options.js';
import { streamChat } from './stream.js';

export interface OllamaProvider extends LLMProvider {
  readonly kind: 'ollama';
  /** The instance name used in errors. */
  readonly name: string;
}

/**
 * An Ollama provider (local server or ollama.com) over its HTTP API (`/api/chat`, `/api/tags`)
 * with `fetch`: no SDK dependency, full control of abort and error mapping.
 */
export function ollama(options: OllamaProviderOptions = {}): OllamaProvider {
  registerKey(options.apiKey);
  if (!URL.canParse(normalizeBaseURL(options.baseURL))) {
    throw new ConfigError([{ path: 'baseURL', message: `not a URL: "${options.baseURL}" (e.g. http://127.0.0.1:11434)` }], { provider: 'ollama' });
  }
  const name = options.name ?? 'ollama';
  const deps: ChatDeps = {
    http: createHttp(options),
    provider: name,
    defaults: {
      ...(options.keepAlive !== undefined && { keepAlive: options.keepAlive }),
      ...(options.options !== undefined && { options: options.options }),
      ...(options.think !== undefined && { think: options.think }),
    },
  };
  return {
    kind: 'ollama',
    name,
    chat: (request, callOptions) => chatOnce(deps, request, callOptions),
    stream: (request, callOptions) => ({
      [Symbol.asyncIterator]: () => streamChat(deps, request, callOptions),
    }),
    countTokens: async (request) => estimateRequestTokens(request),
    listModels: (opts) => listModels(deps.http, name, opts?.signal),
    validateCredentials: (opts) => checkCredentials(deps.http, name, opts?.signal),
  };
}
