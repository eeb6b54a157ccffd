import { Agent, fetch as undiciFetch, Request as UndiciRequest } from 'undici';
import { resolveTransportOptions, type ResolvedTransportOptions, type TransportOptions } from './options.js';

/** What the transport's pool holds for one origin, from undici's own counters. */
export interface TransportOriginStats {
  /** Open sockets. */
  connected: number;
  /** Open sockets with no request on them. */
  free: number;
  /** Requests sent and not yet answered in full. */
  running: number;
  /** Requests waiting for a socket (more than `connections` in flight) or sent behind another (pipelining). */
  pending: number;
  /** Requests waiting in the pool's queue for a socket. */
  queued: number;
}

/**
 * A `fetch` for the `fetch` option of every adapter (and of the official SDKs): undici's `fetch`
 * over a dedicated `Agent`. Also carries the means to watch and release its sockets.
 */
export type Transport = typeof globalThis.fetch & {
  /** The undici `Agent` behind it (for advanced use: `dispatcher.stats`, interceptors' `compose`). */
  readonly dispatcher: Agent;
  /** The options in force, defaults filled in. */
  readonly options: ResolvedTransportOptions;
  /** Sockets and requests per origin (`https://api.openai.com`). */
  stats(): Record<string, TransportOriginStats>;
  /**
   * Lets the requests in flight finish, then closes every socket. Requests made afterwards fail
   * (the SDK reports a connection error). Idempotent.
   */
  close(): Promise<void>;
  /** Closes every socket now, failing the requests in flight. Idempotent. */
  destroy(): Promise<void>;
};

type FetchInput = Parameters<typeof globalThis.fetch>[0];
type FetchInit = NonNullable<Parameters<typeof globalThis.fetch>[1]>;
type UndiciInit = NonNullable<Parameters<typeof undiciFetch>[1]>;
type Send = (input: string | URL | UndiciRequest, init: FetchInit | undefined) => Promise<Response>;

/**
 * Creates a tuned transport: undici's `fetch` (the npm package, an optional peer dependency) over
 * its own `Agent` with long keep-alive, up to `connections` sockets per origin and no pipelining.
 * Pass it as `fetch` to any adapter; one transport may serve several providers (a pool per origin).
 * Bad options throw a `ConfigError` naming the field.
 *
 * ```ts
 * const transport = createTransport();
 * const router = createRouter({ providers: { gpt: openai({ apiKey, fetch: transport }) }, models });
 * // ...
 * await router.close();
 * await transport.close();
 * ```
 */
export function createTransport(options?: TransportOptions): Transport {
  const resolved = resolveTransportOptions(options);
  const dispatcher = new Agent({
    connections: resolved.connections === Infinity ? null : resolved.connections,
    pipelining: resolved.pipelining,
    keepAliveTimeout: resolved.keepAliveTimeoutMs,
    keepAliveMaxTimeout: resolved.keepAliveMaxTimeoutMs,
    connect: { timeout: resolved.connectTimeoutMs },
    headersTimeout: resolved.headersTimeoutMs,
    bodyTimeout: resolved.bodyTimeoutMs,
  });

  const send: Send = (input, init) =>
    undiciFetch(input, { ...(init as UndiciInit | undefined), dispatcher }) as unknown as Promise<Response>;

  const transport = ((input: FetchInput, init?: FetchInit): Promise<Response> => {
    // The usual case (every SDK): a URL and a string or stream body, handed over as they are.
    if (typeof input !== 'string' && !(input instanceof URL) && !(input instanceof UndiciRequest)) return fromRequest(input, init, send);
    if (init?.body instanceof globalThis.FormData) return withFormData(input, init, init.body, send);
    return send(input, init);
  }) as Transport;

  let closed: Promise<void> | undefined;
  let destroyed: Promise<void> | undefined;
  const close = (): Promise<void> => (closed ??= destroyed ?? dispatcher.close());
  // undici's destroy() also ends a close() still waiting for requests in flight.
  const destroy = (): Promise<void> => (destroyed ??= dispatcher.destroy());

  Object.defineProperties(transport, {
    dispatcher: { value: dispatcher, enumerable: true },
    options: { value: resolved, enumerable: true },
    stats: { value: () => stats(dispatcher) },
    close: { value: close },
    destroy: { value: destroy },
  });
  return transport;
}

function stats(dispatcher: Agent): Record<string, TransportOriginStats> {
  const out: Record<string, TransportOriginStats> = {};
  for (const [origin, s] of Object.entries(dispatcher.stats ?? {})) {
    // A Pool (connections > 1) counts its sockets; a single Client (connections: 1) says whether it is connected.
    const n = s as unknown as { connected?: number | boolean; free?: number; running?: number; pending?: number; queued?: number };
    const running = n.running ?? 0;
    const pending = n.pending ?? 0;
    const connected = typeof n.connected === 'boolean' ? Number(n.connected) : (n.connected ?? 0);
    const free = n.free ?? (connected === 1 && running === 0 && pending === 0 ? 1 : 0);
    out[origin] = { connected, free, running, pending, queued: n.queued ?? 0 };
  }
  return out;
}

/**
 * A `Request` of the global fetch is another class than undici's (Node bundles its own copy), which
 * undici's `fetch` would read as the string "[object Request]": pass its parts instead.
 */
async function fromRequest(request: Request, init: FetchInit | undefined, send: Send): Promise<Response> {
  const body = request.body === null ? undefined : await request.arrayBuffer();
  const parts: FetchInit = { method: request.method, headers: request.headers, signal: request.signal, redirect: request.redirect };
  if (body !== undefined) parts.body = body;
  const merged: FetchInit = { ...parts, ...init };
  if (merged.body instanceof globalThis.FormData) return withFormData(request.url, merged, merged.body, send);
  return send(request.url, merged);
}

/**
 * Node's global `FormData` is another class than undici's, which would send "[object FormData]":
 * encode it with the global `Response` (multipart body and boundary) and send the bytes.
 */
async function withFormData(input: string | URL | UndiciRequest, init: FetchInit, form: FormData, send: Send): Promise<Response> {
  const encoded = new globalThis.Response(form);
  const headers = new Headers(init.headers);
  headers.set('content-type', encoded.headers.get('content-type') ?? 'multipart/form-data');
  return send(input, { ...init, headers, body: await encoded.arrayBuffer() });
}
