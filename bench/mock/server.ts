/**
 * Loopback mock of the OpenAI, Anthropic and Gemini wire formats (JSON and SSE). Run it in its own
 * process (the orchestrator forks this file) so that its CPU never counts as the client's.
 *
 *   POST /v1/chat/completions                               OpenAI (JSON, or SSE when "stream": true)
 *   POST /v1/messages                                       Anthropic (JSON, or SSE when "stream": true)
 *   POST /v1beta/models/{model}:generateContent             Gemini JSON
 *   POST /v1beta/models/{model}:streamGenerateContent?alt=sse  Gemini SSE
 *
 * A model id ending in `-n<digits>` answers with that many text deltas (default: BENCH_CHUNKS or 20).
 * A model id starting with `fail-` answers 503 in the vendor's error shape.
 * Streams send the headers and the first frame at once and the remaining frames on the next turn of
 * the event loop, so that time-to-first-token is measurable. Bodies are built once per model and cached.
 * Listens on 127.0.0.1 only; reports its port over IPC (`{ type: 'listening', port }`) or on stdout.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { anthropicJson, anthropicSse, geminiJson, geminiSse, openaiJson, openaiSse } from './payloads.js';

const DEFAULT_CHUNKS = Number(process.env.BENCH_CHUNKS ?? 20);

type Wire = 'openai' | 'anthropic' | 'gemini';
interface Bodies {
  json: Buffer;
  sse: Buffer[];
}

const cache = new Map<string, Bodies>();

function bodiesFor(wire: Wire, model: string): Bodies {
  const key = `${wire}\0${model}`;
  let b = cache.get(key);
  if (b) return b;
  const m = /-n(\d+)$/.exec(model);
  const chunks = m ? Number(m[1]) : DEFAULT_CHUNKS;
  const json =
    wire === 'openai' ? openaiJson(model, chunks) : wire === 'anthropic' ? anthropicJson(model, chunks) : geminiJson(model, chunks);
  const sse = wire === 'openai' ? openaiSse(model, chunks) : wire === 'anthropic' ? anthropicSse(model, chunks) : geminiSse(model, chunks);
  b = { json: Buffer.from(json), sse: sse.map((s) => Buffer.from(s)) };
  cache.set(key, b);
  return b;
}

const JSON_HEADERS = { 'content-type': 'application/json', 'x-request-id': 'req_bench' };
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': 'req_bench' };

function fail(res: ServerResponse, wire: Wire): void {
  const body =
    wire === 'openai'
      ? { error: { message: 'The server is overloaded', type: 'server_error', param: null, code: null } }
      : wire === 'anthropic'
        ? { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }
        : { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } };
  const buf = Buffer.from(JSON.stringify(body));
  res.writeHead(503, { ...JSON_HEADERS, 'content-length': buf.length });
  res.end(buf);
}

function send(res: ServerResponse, wire: Wire, model: string, stream: boolean): void {
  if (model.startsWith('fail-')) return fail(res, wire);
  const b = bodiesFor(wire, model);
  if (!stream) {
    res.writeHead(200, { ...JSON_HEADERS, 'content-length': b.json.length });
    res.end(b.json);
    return;
  }
  res.writeHead(200, SSE_HEADERS);
  res.write(b.sse[0]!);
  setImmediate(() => {
    res.end(Buffer.concat(b.sse.slice(1)));
  });
}

function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
  const url = req.url ?? '/';
  if (req.method === 'GET' && url.startsWith('/health')) {
    res.writeHead(200, JSON_HEADERS);
    res.end('{"ok":true}');
    return;
  }
  let body: { model?: string; stream?: boolean } = {};
  try {
    body = raw ? (JSON.parse(raw) as typeof body) : {};
  } catch {
    res.writeHead(400, JSON_HEADERS);
    res.end('{"error":{"message":"bad json","type":"invalid_request_error"}}');
    return;
  }
  if (url.endsWith('/chat/completions')) return send(res, 'openai', body.model ?? 'gpt-4o-mini', body.stream === true);
  if (url.endsWith('/messages')) return send(res, 'anthropic', body.model ?? 'claude-sonnet-4-5', body.stream === true);
  const g = /\/models\/([^/:?]+):(generateContent|streamGenerateContent)/.exec(url);
  if (g) return send(res, 'gemini', decodeURIComponent(g[1]!), g[2] === 'streamGenerateContent');
  res.writeHead(404, JSON_HEADERS);
  res.end(`{"error":{"message":"no route ${req.method} ${url.replace(/"/g, '')}","type":"invalid_request_error"}}`);
}

const server = createServer({ keepAliveTimeout: 120_000 }, (req, res) => {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (raw += c));
  req.on('end', () => handle(req, res, raw));
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.maxRequestsPerSocket = 0;

const port = Number(process.env.BENCH_MOCK_PORT ?? 0);
server.listen(port, '127.0.0.1', () => {
  const addr = server.address();
  const p = typeof addr === 'object' && addr ? addr.port : port;
  if (process.send) process.send({ type: 'listening', port: p });
  else console.log(`mock listening on http://127.0.0.1:${p}`);
});

process.on('message', (m: { type?: string }) => {
  if (m?.type === 'stop') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
