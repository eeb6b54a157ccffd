import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../core/errors.js';
import { zodIssues } from '../core/zod-issues.js';

/** Options of `createTransport()`. Every one is optional; see `TRANSPORT_DEFAULTS`. */
export interface TransportOptions {
  /**
   * Sockets per origin (scheme + host + port), at most. A request beyond that many in flight to one
   * origin waits in the transport's queue for a free socket. `Infinity`: no cap. Default 128.
   */
  connections?: number;
  /**
   * Requests sent on one socket before the previous answer is complete (HTTP/1.1 pipelining).
   * Default 1, and keep it there: with more, a request waits behind a slow completion or a long
   * stream on the same socket (head-of-line blocking). Must be an integer >= 1.
   */
  pipelining?: number;
  /** How long an idle socket stays open when the server gives no keep-alive hint. Default 60 s. */
  keepAliveTimeoutMs?: number;
  /** The longest idle time accepted from a server's keep-alive hint. Default 10 min. */
  keepAliveMaxTimeoutMs?: number;
  /** TCP + TLS connect timeout. Default 10 s. */
  connectTimeoutMs?: number;
  /**
   * Longest wait for the response headers once a request is sent; 0 = no limit (the default). A
   * non-streaming LLM call sends its headers only when the whole answer is ready, which can take
   * minutes: bound calls with the router's `timeoutMs` instead.
   */
  headersTimeoutMs?: number;
  /**
   * Longest gap between two pieces of a response body; 0 = no limit (the default). A reasoning
   * model may stay silent for minutes mid-stream: bound calls with the router's `timeoutMs` instead.
   */
  bodyTimeoutMs?: number;
}

export type ResolvedTransportOptions = Readonly<Required<TransportOptions>>;

/** The defaults: the configuration measured in docs/performance.md, with no timeout that could cut an LLM call. */
export const TRANSPORT_DEFAULTS: ResolvedTransportOptions = Object.freeze({
  connections: 128,
  pipelining: 1,
  keepAliveTimeoutMs: 60_000,
  keepAliveMaxTimeoutMs: 600_000,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 0,
  bodyTimeoutMs: 0,
});

/** setTimeout's largest delay; undici's timers overflow above it. */
const MAX_MS = 2_147_483_647;

const int = (min: number, max: number, message: string) =>
  z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message }).optional();

const schema = z.strictObject({
  connections: z
    .custom<number>((v) => v === Infinity || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 1), {
      error: 'must be an integer >= 1, or Infinity for no cap',
    })
    .optional(),
  pipelining: int(
    1,
    1024,
    'must be an integer >= 1 (the default 1 is the safe value: above it, requests queue behind slow ones on a socket; 0 would turn keep-alive off)',
  ),
  keepAliveTimeoutMs: int(1, MAX_MS, `must be an integer number of ms, 1..${MAX_MS}`),
  keepAliveMaxTimeoutMs: int(1, MAX_MS, `must be an integer number of ms, 1..${MAX_MS}`),
  connectTimeoutMs: int(1, MAX_MS, `must be an integer number of ms, 1..${MAX_MS}`),
  headersTimeoutMs: int(0, MAX_MS, `must be an integer number of ms, 0 (no limit)..${MAX_MS}`),
  bodyTimeoutMs: int(0, MAX_MS, `must be an integer number of ms, 0 (no limit)..${MAX_MS}`),
});

/** Validates and fills in the defaults; bad options throw a `ConfigError` whose issues name each field. */
export function resolveTransportOptions(options: unknown): ResolvedTransportOptions {
  if (options === undefined) return TRANSPORT_DEFAULTS;
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    throw new ConfigError(
      zodIssues(parsed.error).map((i) =>
        i.path === '' && (typeof options !== 'object' || options === null)
          ? { path: '', message: 'transport options must be an object' }
          : i,
      ),
    );
  }
  const given = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as TransportOptions;
  const resolved = { ...TRANSPORT_DEFAULTS, ...given };
  const issues: ConfigIssue[] = [];
  if (resolved.keepAliveMaxTimeoutMs < resolved.keepAliveTimeoutMs) {
    issues.push({ path: 'keepAliveMaxTimeoutMs', message: `must be >= keepAliveTimeoutMs (${resolved.keepAliveTimeoutMs})` });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return Object.freeze(resolved);
}
