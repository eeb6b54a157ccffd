import { ConfigError } from '../../core/errors.js';
import { registerSecret } from '../../core/redact.js';

/**
 * The environment variables each vendor's key is conventionally read from, in order. The adapters
 * never read them on their own: ask for it with `apiKey: apiKeyFromEnv('openai')`.
 */
export const API_KEY_ENV = {
  openai: ['OPENAI_API_KEY'],
  anthropic: ['ANTHROPIC_API_KEY'],
  gemini: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  deepseek: ['DEEPSEEK_API_KEY'],
} as const satisfies Record<string, readonly string[]>;

export type EnvKeyKind = keyof typeof API_KEY_ENV;

function readVariable(name: string): string | undefined {
  const value = typeof process === 'undefined' ? undefined : process.env[name]?.trim();
  return value === '' ? undefined : value;
}

/**
 * A key resolver reading the first set variable of `names` when it is called (on client creation
 * and on rotation), so that a variable changed at run time is picked up by `rotateCredentials()`.
 * Throws a `ConfigError` naming the variables when none is set.
 */
export function apiKeyFromEnvVar(...names: [string, ...string[]]): () => string {
  return () => {
    for (const name of names) {
      const value = readVariable(name);
      if (value !== undefined) {
        registerSecret(value);
        return value;
      }
    }
    const list = names.join(' or ');
    throw new ConfigError([{ path: 'apiKey', message: `the environment variable ${list} is not set (apiKey was asked to come from it)` }]);
  };
}

/**
 * The conventional variable of a vendor as a key resolver: `openai` -> `OPENAI_API_KEY`,
 * `anthropic` -> `ANTHROPIC_API_KEY`, `gemini` -> `GEMINI_API_KEY` then `GOOGLE_API_KEY`,
 * `deepseek` -> `DEEPSEEK_API_KEY`. Read at call time; a `ConfigError` names the variable when unset.
 *
 * ```ts
 * openai({ apiKey: apiKeyFromEnv('openai') })
 * ```
 */
export function apiKeyFromEnv(kind: EnvKeyKind): () => string {
  const names = API_KEY_ENV[kind] as readonly string[] | undefined;
  if (names === undefined) {
    throw new ConfigError([
      { path: 'apiKeyFromEnv', message: `unknown kind "${String(kind)}"; expected one of ${Object.keys(API_KEY_ENV).join(', ')}` },
    ]);
  }
  return apiKeyFromEnvVar(...(names as [string, ...string[]]));
}

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';

/**
 * The Ollama server root from `OLLAMA_HOST`, read when called, as the Ollama CLI reads it:
 * `host:port` without a scheme gets `http://`, a host without a port gets 11434 (80 / 443 when the
 * scheme is given), an empty or unset variable gives `http://127.0.0.1:11434`.
 *
 * ```ts
 * ollama({ baseURL: ollamaBaseURLFromEnv() })
 * ```
 */
export function ollamaBaseURLFromEnv(): string {
  const raw = readVariable('OLLAMA_HOST')?.replace(/^["']|["']$/g, '');
  if (raw === undefined || raw === '') return DEFAULT_OLLAMA_HOST;
  let scheme = 'http';
  let rest = raw;
  let defaultPort = '11434';
  const sep = raw.indexOf('://');
  if (sep >= 0) {
    scheme = raw.slice(0, sep).toLowerCase();
    rest = raw.slice(sep + 3);
    if (scheme === 'http') defaultPort = '80';
    else if (scheme === 'https') defaultPort = '443';
  }
  const slash = rest.indexOf('/');
  const hostport = slash >= 0 ? rest.slice(0, slash) : rest;
  const path = slash >= 0 ? rest.slice(slash).replace(/\/+$/, '') : '';
  // [v6]:port, host:port, [v6], v6, host
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(hostport);
  let host: string;
  let port: string;
  if (match) {
    host = match[1]!;
    port = Number(match[2]) <= 65535 ? match[2]! : defaultPort;
  } else {
    host = hostport === '' ? '127.0.0.1' : hostport;
    if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`;
    port = defaultPort;
  }
  const url = `${scheme}://${host}:${port}${path}`;
  if (!URL.canParse(url)) {
    throw new ConfigError([{ path: 'OLLAMA_HOST', message: `is not a usable server address: "${raw}"` }]);
  }
  return url;
}
