import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/index.js';
import { createTransport, TRANSPORT_DEFAULTS, type Transport, type TransportOptions } from '../../src/transport/index.js';
import { transportHarness } from './server.js';

const h = transportHarness();
const transport = (options?: TransportOptions): Transport => h.transport(options);

function configError(options: unknown): ConfigError {
  try {
    createTransport(options as TransportOptions);
  } catch (error) {
    expect(ConfigError.isInstance(error)).toBe(true);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('createTransport() options', () => {
  it('defaults: pipelining 1, 128 connections, long keep-alive, no headers/body timeout', () => {
    const t = transport();
    expect(t.options).toEqual(TRANSPORT_DEFAULTS);
    expect(t.options).toEqual({
      connections: 128,
      pipelining: 1,
      keepAliveTimeoutMs: 60_000,
      keepAliveMaxTimeoutMs: 600_000,
      connectTimeoutMs: 10_000,
      headersTimeoutMs: 0,
      bodyTimeoutMs: 0,
    });
    expect(typeof t).toBe('function');
    expect(typeof t.dispatcher.dispatch).toBe('function');
    expect(transport({ connections: Infinity, pipelining: 1, headersTimeoutMs: 900_000 }).options).toMatchObject({
      connections: Infinity,
      headersTimeoutMs: 900_000,
    });
  });

  it.each([
    [{ pipelining: 0 }, 'pipelining', /integer >= 1/],
    [{ pipelining: 1.5 }, 'pipelining', /integer >= 1/],
    [{ pipelining: '2' }, 'pipelining', /integer >= 1/],
    [{ connections: 0 }, 'connections', /integer >= 1, or Infinity/],
    [{ connections: -4 }, 'connections', /integer >= 1, or Infinity/],
    [{ connections: NaN }, 'connections', /integer >= 1, or Infinity/],
    [{ keepAliveTimeoutMs: 0 }, 'keepAliveTimeoutMs', /integer number of ms/],
    [{ keepAliveTimeoutMs: 3_000_000_000 }, 'keepAliveTimeoutMs', /integer number of ms/],
    [{ connectTimeoutMs: -1 }, 'connectTimeoutMs', /integer number of ms/],
    [{ headersTimeoutMs: -1 }, 'headersTimeoutMs', /0 \(no limit\)/],
    [{ bodyTimeoutMs: 1.25 }, 'bodyTimeoutMs', /0 \(no limit\)/],
    [{ keepAliveTimeout: 5000 }, 'keepAliveTimeout', /unknown field/],
    [{ keepAliveTimeoutMs: 120_000, keepAliveMaxTimeoutMs: 60_000 }, 'keepAliveMaxTimeoutMs', /must be >= keepAliveTimeoutMs \(120000\)/],
  ])('%j: ConfigError at %s', (options, path, message) => {
    const error = configError(options);
    expect(error.code).toBe('config');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.path).toBe(path);
    expect(error.issues[0]!.message).toMatch(message);
    expect(error.message).toContain(`${path}: `);
  });

  it('reports every bad field at once, and a non-object at the root', () => {
    expect(
      configError({ pipelining: 0, connections: 0 })
        .issues.map((i) => i.path)
        .sort(),
    ).toEqual(['connections', 'pipelining']);
    expect(configError('fast').issues).toEqual([{ path: '', message: 'transport options must be an object' }]);
    expect(configError(null).issues).toEqual([{ path: '', message: 'transport options must be an object' }]);
  });
});

describe('createTransport() as a fetch', () => {
  it('sends a string body and passes headers; sequential calls share a socket', async () => {
    h.server.handle((req, res) => void res.end(`${req.method} ${req.url} ${JSON.stringify(req.body)}`));
    const t = transport();
    const a = await t(`${h.server.url}/a`, { method: 'POST', body: '{"x":1}', headers: { 'content-type': 'application/json' } });
    expect(await a.text()).toBe('POST /a {"x":1}');
    await vi.waitFor(() => expect(t.stats()[h.server.url]).toMatchObject({ connected: 1, free: 1 }));
    const b = await t(new URL(`${h.server.url}/b`));
    expect(await b.text()).toBe('GET /b undefined');
    expect(h.server.accepted()).toBe(1);
  });

  it("accepts the global fetch's Request and FormData (other classes than undici's)", async () => {
    h.server.handle((req, res, raw) => {
      const body = typeof req.body === 'string' ? req.body.includes('name="field"') : JSON.stringify(req.body);
      res.end(`${req.method} ${req.url} ${raw.headers['content-type']} ${raw.headers['x-a']} ${body}`);
    });
    const t = transport();
    const viaRequest = await t(
      new Request(`${h.server.url}/r`, { method: 'PUT', body: '{"y":2}', headers: { 'content-type': 'application/json', 'x-a': 'A' } }),
    );
    expect(await viaRequest.text()).toBe('PUT /r application/json A {"y":2}');
    const form = new FormData();
    form.append('field', 'value');
    const viaForm = await t(`${h.server.url}/f`, { method: 'POST', body: form, headers: { 'x-a': 'B' } });
    expect(await viaForm.text()).toMatch(/^POST \/f multipart\/form-data; boundary=\S+ B true$/);
    const requestWithForm = await t(new Request(`${h.server.url}/rf`, { method: 'POST', body: form }));
    expect(await requestWithForm.text()).toMatch(/^POST \/rf multipart\/form-data; boundary=\S+ undefined true$/);
  });

  it('pipelining > 1 is the hazard the default avoids: a request waits behind a stalled stream on the same socket', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h.server.handle(async (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      if (req.url === '/slow') await gate;
      res.end('data: end\n\n');
    });
    const send = (t: Transport, path: string) => t(`${h.server.url}${path}`, { method: 'POST', body: '{}' });

    // Default (pipelining 1): the second call gets a socket of its own and completes while the stream is stalled.
    const safe = transport();
    const slow = await send(safe, '/slow');
    const reader = slow.body!.getReader();
    await reader.read();
    expect(await (await send(safe, '/fast')).text()).toBe('data: first\n\ndata: end\n\n');
    expect(h.server.requests.map((q) => q.socket)).toEqual([1, 2]);

    // pipelining 2: the pool counts the busy socket as able to take one more, so the call queues on it.
    const risky = transport({ pipelining: 2 });
    const slow2 = await send(risky, '/slow');
    const reader2 = slow2.body!.getReader();
    await reader2.read();
    const waiting = send(risky, '/fast').then((r) => r.text());
    await vi.waitFor(() => expect(risky.stats()[h.server.url]).toMatchObject({ connected: 1, running: 1, pending: 1 }));
    expect(h.server.requests).toHaveLength(3); // the queued call has not reached the h.server
    release();
    expect(await waiting).toBe('data: first\n\ndata: end\n\n');
    expect(h.server.requests.map((q) => q.socket)).toEqual([1, 2, 3, 3]); // served on the stalled stream's socket, after it
    await reader.cancel();
    await reader2.cancel();
  });

  it('headersTimeoutMs, when set, bounds the wait for response headers', async () => {
    h.server.handle(() => undefined); // never answers
    const t = transport({ headersTimeoutMs: 50 });
    const error = await t(`${h.server.url}/hang`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(String((error as { cause?: { code?: string } }).cause?.code)).toBe('UND_ERR_HEADERS_TIMEOUT');
  });

  it('close() is idempotent, destroy() after close() is fine, and later calls fail', async () => {
    h.server.handle((_req, res) => void res.end('ok'));
    const t = transport();
    expect(await (await t(h.server.url)).text()).toBe('ok');
    await Promise.all([t.close(), t.close()]);
    await t.destroy();
    await h.server.allClosed();
    await expect(t(h.server.url)).rejects.toBeInstanceOf(TypeError);
  });
});

describe('createTransport() answers as fetch does', () => {
  it('follows redirects (303 turns a POST into a GET) and reports the final URL', async () => {
    h.server.handle((req, res) => {
      if (req.url === '/old') res.writeHead(303, { location: '/new' }).end();
      else res.end(`${req.method} ${req.url}`);
    });
    const res = await transport()(`${h.server.url}/old`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('GET /new');
    expect(res.url).toBe(`${h.server.url}/old`);
    const manual = await transport()(`${h.server.url}/old`, { method: 'POST', body: '{}', redirect: 'manual' });
    expect(manual.status).toBe(303);
    expect(manual.headers.get('location')).toBe('/new');
    await expect(transport()(`${h.server.url}/old`, { redirect: 'error' })).rejects.toThrow(TypeError);
  });

  it('drops the Authorization header when a redirect leaves the origin (a key never reaches another host)', async () => {
    const other = createServer(
      (req, res) => void res.end(`auth=${req.headers.authorization ?? 'none'} key=${req.headers['x-api-key'] ?? 'none'}`),
    );
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    h.server.handle((req, res) => {
      if (req.url === '/same') res.writeHead(307, { location: '/echo' }).end();
      else if (req.url === '/away') res.writeHead(307, { location: `${otherUrl}/echo` }).end();
      else res.end(`auth=${h.server.requests.length > 0 ? 'kept' : 'none'}`);
    });
    try {
      const away = await transport()(`${h.server.url}/away`, { headers: { authorization: 'Bearer sk-secret' } });
      expect(await away.text()).toBe('auth=none key=none');
      const same = await transport()(`${h.server.url}/same`, { headers: { authorization: 'Bearer sk-secret' } });
      expect(await same.text()).toBe('auth=kept');
    } finally {
      other.closeAllConnections();
      await new Promise((r) => other.close(r));
    }
  });

  it('decodes gzip and deflate bodies; a 204 has a null body; status text is set', async () => {
    h.server.handle((req, res) => {
      if (req.url === '/gzip')
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' }).end(gzipSync('{"text":"你好"}'));
      else if (req.url === '/deflate') res.writeHead(200, { 'content-encoding': 'deflate' }).end(deflateSync('deflated'));
      else res.writeHead(204).end();
    });
    const t = transport();
    expect(await (await t(`${h.server.url}/gzip`)).json()).toEqual({ text: '你好' });
    expect(await (await t(`${h.server.url}/deflate`)).text()).toBe('deflated');
    const empty = await t(`${h.server.url}/none`);
    expect(empty.status).toBe(204);
    expect(empty.statusText).toBe('No Content');
    expect(empty.body).toBeNull();
  });

  it('sends bytes, URLSearchParams, Blob and stream bodies with the content-type fetch would set', async () => {
    h.server.handle(
      (req, res, raw) =>
        void res.end(`${raw.headers['content-type']}|${typeof req.body === 'string' ? req.body : JSON.stringify(req.body)}`),
    );
    const t = transport();
    const post = async (body: NonNullable<RequestInit['body']>, extra: RequestInit = {}) =>
      (await t(`${h.server.url}/b`, { method: 'POST', body, ...extra })).text();
    expect(await post(new URLSearchParams({ q: '订单' }))).toBe('application/x-www-form-urlencoded;charset=UTF-8|q=%E8%AE%A2%E5%8D%95');
    expect(await post(new TextEncoder().encode('bytes'))).toBe('undefined|bytes');
    expect(await post(new Blob(['blob'], { type: 'text/x-blob' }))).toBe('text/x-blob|blob');
    expect(await post('plain')).toBe('text/plain;charset=UTF-8|plain');
    // Headers as pairs, as a record and as a Headers object (any HeadersInit form).
    expect(await post('pairs', { headers: [['Content-Type', 'application/x-pairs']] })).toBe('application/x-pairs|pairs');
    expect(await post('record', { headers: { 'Content-Type': 'application/x-record' } })).toBe('application/x-record|record');
    expect(await post('object', { headers: new Headers({ 'content-type': 'application/x-object' }) })).toBe('application/x-object|object');
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('str'));
        c.enqueue(new TextEncoder().encode('eam'));
        c.close();
      },
    });
    expect(await post(stream, { duplex: 'half' } as RequestInit)).toBe('undefined|stream');
  });

  it('an abort before the headers rejects with the signal reason; a refused connection is TypeError("fetch failed") with the cause', async () => {
    h.server.handle(() => undefined); // never answers
    const controller = new AbortController();
    const pending = transport()(`${h.server.url}/hang`, { signal: controller.signal });
    await h.server.arrived(1);
    controller.abort();
    const aborted = await pending.catch((e: unknown) => e);
    expect((aborted as Error).name).toBe('AbortError');
    await expect(transport()(`${h.server.url}/x`, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = await transport()(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as Error).message).toBe('fetch failed');
    expect((refused as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });
});
