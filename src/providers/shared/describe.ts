import { REDACTED, redact } from '../../core/redact.js';
import type { ApiKey } from './options.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** What printing a provider shows: never the key, never the client. */
export interface ProviderDescription {
  kind: string;
  name: string;
  baseURL?: string;
  /** `[REDACTED]` (a literal key), `resolver` (a function), `client` (a ready SDK client), `none`. */
  apiKey: string;
}

const SECRET_PARAM = /key|token|secret|signature|password|auth/i;

/** A URL with its user info and secret-looking query values masked, then passed through `redact()`. */
export function redactURL(url: string): string {
  if (!URL.canParse(url)) return redact(url);
  const parsed = new URL(url);
  if (parsed.username) parsed.username = REDACTED;
  if (parsed.password) parsed.password = REDACTED;
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, REDACTED);
  }
  // Keep the caller's spelling (no added trailing slash) unless something was masked.
  const masked = parsed.toString();
  return redact(masked === url || masked === `${url}/` ? url : masked);
}

function keyLabel(apiKey: ApiKey | undefined, client: unknown): string {
  if (client !== undefined) return 'client';
  if (apiKey === undefined) return 'none';
  return typeof apiKey === 'function' ? 'resolver' : REDACTED;
}

export function describeProvider(info: {
  kind: string;
  name: string;
  baseURL?: string | undefined;
  apiKey?: ApiKey | undefined;
  client?: unknown;
}): ProviderDescription {
  return {
    kind: info.kind,
    name: info.name,
    ...(info.baseURL !== undefined && { baseURL: redactURL(info.baseURL) }),
    apiKey: keyLabel(info.apiKey, info.client),
  };
}

/**
 * Gives a provider object `toJSON()` and a `util.inspect` hook (both non-enumerable) that show its
 * {@link ProviderDescription}, so that logging a provider never prints its key or its SDK client.
 */
export function withDescription<T extends object>(provider: T, description: ProviderDescription): T {
  const frozen = Object.freeze({ ...description });
  Object.defineProperty(provider, 'toJSON', { value: () => ({ ...frozen }), enumerable: false, configurable: true, writable: true });
  Object.defineProperty(provider, INSPECT, { value: () => ({ ...frozen }), enumerable: false, configurable: true, writable: true });
  return provider;
}
