import { STATUS_CODES } from 'node:http';
import { Readable, type Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createBrotliDecompress, createGunzip, createInflate, type Zlib } from 'node:zlib';
import type { Dispatcher } from 'undici';

type FetchInit = NonNullable<Parameters<typeof globalThis.fetch>[1]>;
type RequestBody = string | Buffer | Uint8Array | Readable | null;

/** Statuses whose response has no body (a `Response` refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** What `fetch` would decode: the encodings of a `Content-Encoding` header, applied last to first. */
const DECODERS: Record<string, () => Zlib & Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * One HTTP exchange with undici's `request` (its dispatcher API), answered as a WHATWG `Response`,
 * the way `fetch` answers it: the promise settles at the response headers, the body streams.
 * `fetch`'s machinery (Request/Headers objects, its body mixins, a chain of web streams) costs
 * more than the rest of an SDK call on a fast network; this is the part the SDKs need:
 * - method, headers (a Headers object, pairs or a record) and body (string, bytes, ArrayBuffer,
 *   Blob, URLSearchParams, a web or Node stream) as fetch takes them, FormData encoded by the caller;
 * - redirects followed by the dispatcher (`redirect: 'follow'`, credentials dropped across origins),
 *   or handed back as they are (`'manual'`), or refused (`'error'`); `url` is the requested URL;
 * - `Content-Encoding` (gzip, deflate, br) decoded as fetch does; no `Accept-Encoding` is added,
 *   so servers answer uncompressed unless the caller asks (LLM bodies are small; decoding costs CPU);
 * - an abort rejects with the signal's reason (an `AbortError` DOMException by default) before the
 *   headers, and errors the body after them; any other failure rejects with
 *   `TypeError('fetch failed', { cause })`, as fetch does, so SDKs map it as a connection error.
 */
export async function send(dispatcher: Dispatcher, follow: Dispatcher, url: URL, init: FetchInit | undefined): Promise<Response> {
  const signal = init?.signal ?? undefined;
  signal?.throwIfAborted();
  const method = (init?.method ?? 'GET').toUpperCase();
  const headers = headerRecord(init?.headers);
  const body = await requestBody(init?.body, headers);
  const redirect = init?.redirect ?? 'follow';
  let res: Dispatcher.ResponseData<null>;
  try {
    res = await (redirect === 'follow' ? follow : dispatcher).request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: method as Dispatcher.HttpMethod,
      headers,
      body,
      ...(signal && { signal }),
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new TypeError('fetch failed', { cause: error });
  }
  if (redirect === 'error' && res.statusCode >= 300 && res.statusCode < 400 && res.headers.location !== undefined) {
    void res.body.dump().catch(() => undefined);
    throw new TypeError('fetch failed', { cause: new Error(`unexpected redirect (${res.statusCode}) with redirect: "error"`) });
  }
  return toResponse(res, url);
}

function toResponse(res: Dispatcher.ResponseData<null>, url: URL): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.append(name, value);
  }
  const status = res.statusCode;
  let body: ReadableStream<Uint8Array> | null = null;
  if (NULL_BODY.has(status)) void res.body.dump().catch(() => undefined);
  else body = Readable.toWeb(decoded(res.body, headers.get('content-encoding'))) as ReadableStream<Uint8Array>;
  const response = new Response(body, { status, statusText: STATUS_CODES[status] ?? '', headers });
  // `Response.url` is read-only and empty for a constructed response: the SDKs log it. After
  // redirects it stays the requested URL (undici's redirect handler does not report the last one).
  Object.defineProperty(response, 'url', { value: url.href });
  return response;
}

function decoded(body: Readable, encoding: string | null): Readable {
  if (!encoding) return body;
  const codings = encoding
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c !== 'identity');
  let out: Readable = body;
  for (const coding of codings.reverse()) {
    const make = DECODERS[coding];
    // An encoding fetch does not know is handed over as is (as fetch does).
    if (!make) return out;
    const decoder = make();
    out.on('error', (error) => decoder.destroy(error));
    out = out.pipe(decoder);
  }
  return out;
}

/** Headers as a plain record (lower-case names, repeated names joined): `Headers` normalises every HeadersInit form. */
function headerRecord(input: FetchInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (input === undefined || input === null) return out;
  (input instanceof Headers ? input : new Headers(input)).forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

/** The body as undici takes it, with the content-type fetch would add when the caller gave none. */
async function requestBody(body: FetchInit['body'], headers: Record<string, string>): Promise<RequestBody> {
  if (body === undefined || body === null) return null;
  const type = (t: string) => {
    headers['content-type'] ??= t;
  };
  if (typeof body === 'string') {
    type('text/plain;charset=UTF-8');
    return body;
  }
  if (body instanceof URLSearchParams) {
    type('application/x-www-form-urlencoded;charset=UTF-8');
    return body.toString();
  }
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof Blob) {
    if (body.type) type(body.type);
    return Buffer.from(await body.arrayBuffer());
  }
  if (body instanceof ReadableStream) return Readable.fromWeb(body as WebReadableStream<Uint8Array>);
  if (typeof (body as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function')
    return Readable.from(body as unknown as AsyncIterable<Uint8Array>);
  throw new TypeError(`createTransport: unsupported request body (${Object.prototype.toString.call(body)})`);
}
