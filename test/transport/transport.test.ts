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
    expect(transport({ connections: Infinity, pipelining: 1, headersTimeoutMs: 900_000 }).options).toMatchObject({ connections: Infinity, headersTimeoutMs: 900_000 });
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
    expect(configError({ pipelining: 0, connections: 0 }).issues.map((i) => i.path).sort()).toEqual(['connections', 'pipelining']);
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
    h.server.handle((req, res, raw) => void res.end(`${req.method} ${req.url} ${raw.headers['content-type']} ${raw.headers['x-a']} ${typeof req.body === 'string' ? req.body.includes('name="field"') : JSON.stringify(req.body)}`));
    const t = transport();
    const viaRequest = await t(new Request(`${h.server.url}/r`, { method: 'PUT', body: '{"y":2}', headers: { 'content-type': 'application/json', 'x-a': 'A' } }));
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
