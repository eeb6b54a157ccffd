import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions?alt=sse`. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Raw body text. */
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  body: unknown;
}

export type LoopbackHandler = (req: RecordedRequest, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

export interface Loopback {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: RecordedRequest[];
  /** Replaces the handler (one per test is the usual pattern). */
  handle(handler: LoopbackHandler): void;
  close(): Promise<void>;
}

/**
 * A loopback HTTP server for adapter tests: records every request and answers with the current
 * handler. Listens on 127.0.0.1 only; nothing leaves the machine.
 */
export async function startLoopback(handler?: LoopbackHandler): Promise<Loopback> {
  let current: LoopbackHandler =
    handler ??
    ((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"no handler"}');
    });
  const requests: RecordedRequest[] = [];
  const server = createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      const rec: RecordedRequest = { method: raw.method ?? 'GET', url: raw.url ?? '/', headers: raw.headers, text, body };
      requests.push(rec);
      Promise.resolve(current(rec, res, raw)).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(599);
        res.end(String(error));
      });
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle(h) {
      current = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a JSON body with a status and extra headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

/**
 * Writes a body in pieces (each piece flushed separately) with an optional gap, like a live stream.
 * `cutAfter`: destroy the socket after that many pieces (a connection reset mid-stream).
 * `stallAfter`: stop writing after that many pieces and keep the connection open.
 */
export async function sendPieces(
  res: ServerResponse,
  status: number,
  contentType: string,
  pieces: string[],
  opts: { gapMs?: number; cutAfter?: number; stallAfter?: number; headers?: Record<string, string> } = {},
): Promise<void> {
  res.writeHead(status, { 'content-type': contentType, ...opts.headers });
  for (let i = 0; i < pieces.length; i++) {
    if (opts.cutAfter !== undefined && i >= opts.cutAfter) {
      res.socket?.destroy();
      return;
    }
    if (opts.stallAfter !== undefined && i >= opts.stallAfter) return; // keep the connection open
    res.write(pieces[i]);
    if (opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
    else await new Promise((r) => setImmediate(r));
  }
  res.end();
}
