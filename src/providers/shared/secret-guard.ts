import { SwitchyardError } from '../../core/errors.js';
import type { LLMProvider } from '../../core/provider.js';
import { redactSecrets } from '../../core/redact.js';
import type { ProviderStreamPart } from '../../core/stream.js';

/**
 * Keeps an adapter's keys out of every error it produces. Vendors echo keys back (a 401 body that
 * quotes the key, a header that repeats it), and the raw SDK error kept as `cause` holds that body
 * and those headers: printed with `util.inspect` or serialised, it would show the key. So each
 * error leaving the adapter is scrubbed at the source: its message, stack and vendor code with
 * {@link redactSecrets} (whole key, 8+ character prefixes, 4+ character tails), and its `cause`
 * replaced by a copy that keeps the useful, non-secret facts (class, message, HTTP status, request
 * id, the vendor's error code and type, the vendor's error body) with every string scrubbed the
 * same way, and drops the rest (headers, the request, the SDK's response object).
 */

/** Fields of an SDK error worth keeping in the scrubbed cause (scalars only). */
const KEPT_FIELDS = [
  'status',
  'statusCode',
  'code',
  'type',
  'param',
  'requestID',
  'requestId',
  'request_id',
  'errno',
  'syscall',
  'rpcStatus',
  'reason',
] as const;
/** Fields holding vendor data (bodies, validation issues), kept as scrubbed JSON-like copies. */
const DATA_FIELDS = ['error', 'body', 'issues', 'errorDetails'] as const;
const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-goog-request-id'];
const MAX_DEPTH = 6;
const MAX_ENTRIES = 50;

/** Header names whose configured values are credentials (a key sent as a custom header). */
const SECRET_HEADER = /auth|key|token|secret|cookie|signature|password/i;

const scrubbed = new WeakSet<object>();

/** The secret values among configured headers (`Authorization: Bearer ...`, `x-api-key`, ...), bearer prefix removed. */
export function headerSecrets(headers: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!SECRET_HEADER.test(name) || typeof value !== 'string') continue;
    const bare = value.replace(/^(Bearer|Basic|Token)\s+/i, '');
    if (bare.length >= 4) out.push(bare);
  }
  return out;
}

/** A JSON-like copy of vendor data with every string scrubbed; class instances other than errors are dropped. */
function scrubValue(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') return redactSecrets(value, secrets);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) return '[…]';
  if (value instanceof Error) return scrubCause(value, secrets, depth + 1);
  if (Array.isArray(value)) return value.slice(0, MAX_ENTRIES).map((v) => scrubValue(v, secrets, depth + 1));
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).slice(0, MAX_ENTRIES)) {
    const v = scrubValue((value as Record<string, unknown>)[key], secrets, depth + 1);
    if (v !== undefined) out[redactSecrets(key, secrets)] = v;
  }
  return out;
}

function requestIdOf(headers: unknown): string | undefined {
  const get = (headers as { get?: unknown } | null | undefined)?.get;
  if (typeof get !== 'function') return undefined;
  for (const name of REQUEST_ID_HEADERS) {
    const id: unknown = get.call(headers, name);
    if (typeof id === 'string' && id !== '') return id;
  }
  return undefined;
}

/**
 * A copy of a raw error that is safe to print: same prototype (so `instanceof` and the class name
 * still read right), scrubbed message and stack, the kept fields, the vendor data scrubbed, and
 * its own cause scrubbed in turn.
 */
function scrubCause(error: Error, secrets: readonly string[], depth: number): Error {
  const out = Object.create(Object.getPrototypeOf(error) as object) as Error & Record<string, unknown>;
  const define = (key: string, value: unknown) =>
    Object.defineProperty(out, key, { value, enumerable: key !== 'stack' && key !== 'message', writable: true, configurable: true });
  const source = error as Error & Record<string, unknown>;
  const message = typeof source.message === 'string' ? source.message : '';
  define('message', redactSecrets(message, secrets));
  define('stack', redactSecrets(typeof source.stack === 'string' ? source.stack : `${error.name}: ${message}`, secrets));
  if (Object.hasOwn(error, 'name')) define('name', redactSecrets(String(source.name), secrets));
  for (const key of KEPT_FIELDS) {
    const v = source[key];
    if (typeof v === 'string') define(key, redactSecrets(v, secrets));
    else if (typeof v === 'number' || typeof v === 'boolean') define(key, v);
  }
  if (out.requestID === undefined && out.requestId === undefined) {
    const id = requestIdOf(source.headers);
    if (id !== undefined) define('requestID', redactSecrets(id, secrets));
  }
  for (const key of DATA_FIELDS) {
    if (source[key] !== undefined) define(key, scrubValue(source[key], secrets, depth + 1));
  }
  if (source.cause !== undefined && depth < MAX_DEPTH) define('cause', scrubValue(source.cause, secrets, depth + 1));
  return out;
}

/**
 * Scrubs one of our errors in place (message, stack, vendor code, cause; see the file's comment)
 * and returns it. An error already scrubbed is returned as it is.
 */
export function scrubError<E extends SwitchyardError>(error: E, secrets: readonly string[]): E {
  if (scrubbed.has(error)) return error;
  scrubbed.add(error);
  const target = error as SwitchyardError & { message: string; vendorCode?: string };
  target.message = redactSecrets(error.message, secrets);
  if (error.stack !== undefined) error.stack = redactSecrets(error.stack, secrets);
  if (error.vendorCode !== undefined) {
    const vendorCode = redactSecrets(error.vendorCode, secrets);
    Object.defineProperty(error, 'vendorCode', { value: vendorCode, enumerable: true, writable: false, configurable: true });
  }
  if (error.cause !== undefined) {
    const cause = scrubValue(error.cause, secrets, 0);
    Object.defineProperty(error, 'cause', { value: cause, enumerable: false, writable: true, configurable: true });
  }
  return error;
}

function scrubAny(error: unknown, secrets: () => readonly string[]): unknown {
  return SwitchyardError.isInstance(error) ? scrubError(error, secrets()) : error;
}

/** The same stream, with the error that ends it scrubbed. */
function guardedStream(parts: AsyncIterable<ProviderStreamPart>, secrets: () => readonly string[]): AsyncIterable<ProviderStreamPart> {
  return {
    [Symbol.asyncIterator]() {
      let iterator: AsyncIterator<ProviderStreamPart>;
      try {
        iterator = parts[Symbol.asyncIterator]();
      } catch (error) {
        throw scrubAny(error, secrets);
      }
      const fail = (error: unknown): never => {
        throw scrubAny(error, secrets);
      };
      return {
        next: () => iterator.next().catch(fail),
        return: (value?: unknown) =>
          iterator.return ? iterator.return(value).catch(fail) : Promise.resolve({ done: true as const, value: undefined }),
      };
    },
  };
}

/**
 * Wraps (in place) every call of a provider so that each error it throws, or reports from
 * `validateCredentials()`, is scrubbed of `secrets()` (read at failure time, so that keys a
 * resolver returned later are covered too). Returns the provider.
 */
export function guardSecrets<P extends LLMProvider>(provider: P, secrets: () => readonly string[]): P {
  const chat = provider.chat.bind(provider);
  const stream = provider.stream.bind(provider);
  const countTokens = provider.countTokens.bind(provider);
  const listModels = provider.listModels.bind(provider);
  const validateCredentials = provider.validateCredentials.bind(provider);
  const rethrow = (error: unknown): never => {
    throw scrubAny(error, secrets);
  };
  provider.chat = (request, options) => chat(request, options).catch(rethrow);
  provider.stream = (request, options) => {
    try {
      return guardedStream(stream(request, options), secrets);
    } catch (error) {
      return rethrow(error);
    }
  };
  provider.countTokens = (request, options) => countTokens(request, options).catch(rethrow);
  provider.listModels = (options) => listModels(options).catch(rethrow);
  provider.validateCredentials = async (options) => {
    const check = await validateCredentials(options).catch(rethrow);
    if (check.error !== undefined) scrubAny(check.error, secrets);
    return check;
  };
  return provider;
}

/**
 * The secrets of one adapter, read when an error is scrubbed: every key its key source has held,
 * the key of a ready SDK client (`client.apiKey`, where the SDK keeps it), and credential headers.
 */
export function adapterSecrets(
  keys: { seen(): readonly string[] },
  options: { client?: unknown; headers?: Record<string, string> | undefined },
): () => readonly string[] {
  const fixed = headerSecrets(options.headers);
  const clientKey = (options.client as { apiKey?: unknown } | undefined)?.apiKey;
  if (typeof clientKey === 'string' && clientKey.length >= 4) fixed.push(clientKey);
  return () => [...keys.seen(), ...fixed];
}
