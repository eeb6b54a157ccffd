import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach } from 'vitest';
import { createTransport, type Transport, type TransportOptions } from '../../src/transport/index.js';

export interface SeenRequest {
  /** 1, 2, ...: the connection (socket) it came on, in order of accept. */
  socket: number;
  method: string;
  url: string;
  body: unknown;
}

export type Handler = (req: SeenRequest, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

/**
 * A loopback server that watches connections: which socket each request came on, how many sockets
 * are open, and the most requests ever outstanding on one socket (above 1 means pipelining).
 */
export interface CountingServer {
  url: string;
  requests: SeenRequest[];
  /** Sockets accepted since the start. */
  accepted(): number;
  /** Sockets open now. */
  open(): number;
  /** The most requests outstanding (received, response not finished) on one socket at once. */
  maxOutstandingPerSocket(): number;
  /** Resolves when `n` requests have arrived. */
  arrived(n: number): Promise<void>;
  /** Resolves when no socket is open. */
  allClosed(): Promise<void>;
  handle(h: Handler): void;
  close(): Promise<void>;
}

export async function startCountingServer(): Promise<CountingServer> {
  let handler: Handler = (_req, res) => {
    res.writeHead(500).end();
  };
  const ids = new WeakMap<Socket, number>();
  const outstanding = new Map<number, number>();
  const sockets = new Set<Socket>();
  const requests: SeenRequest[] = [];
  let accepted = 0;
  let maxOutstanding = 0;
  let waiters: Array<() => void> = [];
  const wake = (): void => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  const until = (cond: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => (cond() ? resolve() : void waiters.push(check));
      check();
    });

  const server = createServer((raw, res) => {
    const id = ids.get(raw.socket)!;
    const now = (outstanding.get(id) ?? 0) + 1;
    outstanding.set(id, now);
    maxOutstanding = Math.max(maxOutstanding, now);
    res.on('close', () => outstanding.set(id, (outstanding.get(id) ?? 1) - 1));
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const seen: SeenRequest = { socket: id, method: raw.method ?? 'GET', url: raw.url ?? '/', body };
      requests.push(seen);
      wake();
      Promise.resolve(handler(seen, res, raw)).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(599);
        res.end(String(error));
      });
    });
  });
  server.on('connection', (socket: Socket) => {
    ids.set(socket, ++accepted);
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      wake();
    });
  });
  // Longer than any test: a socket closes because the client closes it, never by the server's timer.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted: () => accepted,
    open: () => sockets.size,
    maxOutstandingPerSocket: () => maxOutstanding,
    arrived: (n) => until(() => requests.length >= n),
    allClosed: () => until(() => sockets.size === 0),
    handle(h) {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const completion = (text: string) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
});

const sse = (obj: unknown): string => `data: ${JSON.stringify(obj)}\n\n`;

/** OpenAI chat-completion SSE frames for `words`. */
export function completionFrames(words: string[]): string[] {
  return [
    ...words.map((w, i) =>
      sse({
        id: 'c1',
        model: 'gpt-4o-mini',
        choices: [{ index: 0, delta: i === 0 ? { role: 'assistant', content: w } : { content: w }, finish_reason: null }],
      }),
    ),
    sse({ id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
    sse({ id: 'c1', choices: [], usage: { prompt_tokens: 5, completion_tokens: words.length, total_tokens: 5 + words.length } }),
    'data: [DONE]\n\n',
  ];
}

export const anthropicMessage = (text: string) => ({
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-haiku-4-5',
  content: [{ type: 'text', text }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 5, output_tokens: 2 },
});

/** Anthropic Messages SSE events for `words`. */
export function anthropicFrames(words: string[]): string[] {
  const ev = (o: Record<string, unknown> & { type: string }): string => `event: ${o.type}\ndata: ${JSON.stringify(o)}\n\n`;
  return [
    ev({
      type: 'message_start',
      message: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-haiku-4-5',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 5, output_tokens: 1 },
      },
    }),
    ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    ...words.map((w) => ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: w } })),
    ev({ type: 'content_block_stop', index: 0 }),
    ev({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: words.length } }),
    ev({ type: 'message_stop' }),
  ];
}

export function sendJson(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Writes SSE frames one event-loop turn apart; `stallAfter` frames, then waits for `gate` before the rest. */
export async function sendSse(
  res: ServerResponse,
  frames: string[],
  opts: { stallAfter?: number; gate?: Promise<void> } = {},
  contentType = 'text/event-stream; charset=utf-8',
): Promise<void> {
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' });
  for (let i = 0; i < frames.length; i++) {
    if (opts.stallAfter !== undefined && i === opts.stallAfter) await opts.gate;
    if (res.destroyed) return;
    res.write(frames[i]);
    await new Promise((r) => setImmediate(r));
  }
  res.end();
}

/**
 * Per test: a fresh counting server, and a `transport()` factory whose transports are destroyed
 * after the test. `h.server` is the current test's server.
 */
export function transportHarness(): { readonly server: CountingServer; transport(options?: TransportOptions): Transport } {
  let server: CountingServer | undefined;
  const transports: Transport[] = [];
  beforeEach(async () => {
    server = await startCountingServer();
  });
  afterEach(async () => {
    await Promise.all(transports.splice(0).map((t) => t.destroy()));
    await server?.close();
  });
  return {
    get server() {
      return server!;
    },
    transport(options) {
      const t = createTransport(options);
      transports.push(t);
      return t;
    },
  };
}
