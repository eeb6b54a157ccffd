import { Agent, interceptors } from 'undici';
import { resolveTransportOptions, type ResolvedTransportOptions, type TransportOptions } from './options.js';
import { send as sendOnce } from './send.js';

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
 * A `fetch` for the `fetch` option of every adapter (and of the official SDKs): undici's `request`
 * over a dedicated `Agent`, answered as a `Response`. Also carries the means to watch and release
 * its sockets.
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
type Send = (input: string | URL, init: FetchInit | undefined) => Promise<Response>;

/** Redirects `fetch` follows at most. */
const MAX_REDIRECTIONS = 20;

/**
 * Creates a tuned transport: undici's `request` (the npm package, an optional peer dependency) over
 * its own `Agent` with long keep-alive, up to `connections` sockets per origin and no pipelining,
 * answered as `fetch` answers (see send.ts for what is kept of fetch's behaviour).
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

  // Redirects are followed by undici's interceptor, which drops credentials on a change of origin.
  const follow = dispatcher.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTIONS }));
  const send: Send = (input, init) => sendOnce(dispatcher, follow, typeof input === 'string' ? new URL(input) : input, init);

  const transport = ((input: FetchInput, init?: FetchInit): Promise<Response> => {
    // The usual case (every SDK): a URL and a string or stream body, handed over as they are.
    if (typeof input !== 'string' && !(input instanceof URL)) return fromRequest(input, init, send);
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

/** A `Request` (of the global fetch or of undici): its parts, with `init` over them as fetch does. */
async function fromRequest(request: Request, init: FetchInit | undefined, send: Send): Promise<Response> {
  const body = request.body === null ? undefined : await request.arrayBuffer();
  const parts: FetchInit = { method: request.method, headers: request.headers, signal: request.signal, redirect: request.redirect };
  if (body !== undefined) parts.body = body;
  const merged: FetchInit = { ...parts, ...init };
  if (merged.body instanceof globalThis.FormData) return withFormData(request.url, merged, merged.body, send);
  return send(request.url, merged);
}

/** A `FormData` body, encoded by the global `Response` (multipart body and boundary), sent as bytes. */
async function withFormData(input: string | URL, init: FetchInit, form: FormData, send: Send): Promise<Response> {
  const encoded = new globalThis.Response(form);
  const headers = new Headers(init.headers);
  headers.set('content-type', encoded.headers.get('content-type') ?? 'multipart/form-data');
  return send(input, { ...init, headers, body: await encoded.arrayBuffer() });
}
