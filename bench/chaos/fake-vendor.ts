/**
 * The fake vendors of the chaos suite, in their own process: one loopback HTTP server that answers
 * as OpenAI (/openai/v1/chat/completions), DeepSeek (/deepseek/chat/completions), Anthropic
 * (/anthropic/v1/messages), Gemini (/gemini/v1beta/models/M:generateContent or
 * :streamGenerateContent) and Ollama (/ollama/api/chat), in JSON and in their stream formats, with a
 * fault drawn for every call. It counts the usage it reported per request tag: that is what a
 * vendor would bill, and what the router's ledger must match.
 *
 * IPC: receives { type: 'start', seed, faults } -> sends { type: 'ready', url };
 *      receives { type: 'report' } -> sends { type: 'billed', calls, faults }.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  errorBody,
  hash,
  jsonBody,
  malformedFrame,
  pickFault,
  streamFrames,
  TAG,
  type BilledCall,
  type Fault,
  type Vendor,
} from './wire.js';

const STALL_MS = 10_000;

export type ToVendor = { type: 'start'; seed: number; faults: boolean } | { type: 'report' };
export type FromVendor = { type: 'ready'; url: string } | { type: 'billed'; calls: BilledCall[]; faults: Record<string, number> };

const billed: BilledCall[] = [];
const faultCounts: Record<string, number> = {};
const attempts = new Map<string, number>();
let seed = 1;
let faultsOn = true;

function route(url: string): { vendor: Vendor; model: string; stream: boolean | undefined } | undefined {
  const path = url.split('?')[0]!;
  if (path.endsWith('/chat/completions'))
    return { vendor: path.startsWith('/deepseek') ? 'deepseek' : 'openai', model: '', stream: undefined };
  if (path.endsWith('/v1/messages')) return { vendor: 'anthropic', model: '', stream: undefined };
  const gem = /\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
  if (gem) return { vendor: 'gemini', model: gem[1]!, stream: gem[2] === 'streamGenerateContent' };
  if (path.endsWith('/api/chat')) return { vendor: 'ollama', model: '', stream: undefined };
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse, text: string): Promise<void> {
  const r = route(req.url ?? '/');
  if (!r) return send(res, 404, { error: { message: `no such route ${req.url}` } });
  let body: { model?: string; stream?: boolean } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return send(res, 400, { error: { message: 'bad json' } });
  }
  const id = TAG.exec(text)?.[1];
  if (id === undefined) return send(res, 400, { error: { message: 'untagged request' } });
  const model = r.model || body.model || 'm';
  const stream = r.stream ?? body.stream === true;
  const attempt = (attempts.get(id) ?? 0) + 1;
  attempts.set(id, attempt);
  const fault: Fault = faultsOn ? pickFault((hash(`${seed}:${id}:${attempt}:${r.vendor}`) % 1_000_000) / 1_000_000) : 'ok';
  faultCounts[fault] = (faultCounts[fault] ?? 0) + 1;
  const bill = (): void => {
    const { input, output } = usageFrom(r.vendor, id);
    billed.push({ id, vendor: r.vendor, attempt, input, output, fault, stream });
  };

  switch (fault) {
    case '429':
      return send(res, 429, errorBody(r.vendor, 429), { 'retry-after': '1', 'retry-after-ms': '40' });
    case '500':
    case '503':
    case '529':
      return send(res, Number(fault), errorBody(r.vendor, Number(fault)));
    case 'reset':
      req.socket.destroy();
      return;
    case 'stall':
      await sleep(STALL_MS);
      if (!res.destroyed) send(res, 503, errorBody(r.vendor, 503));
      return;
    default:
      break;
  }

  if (!stream) {
    const full = JSON.stringify(jsonBody(r.vendor, id, model));
    if (fault === 'cut' || fault === 'cut-after-usage' || fault === 'stall-mid') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(full)) });
      res.write(full.slice(0, Math.floor(full.length / 2)));
      if (fault === 'stall-mid') await sleep(STALL_MS);
      res.destroy();
      return;
    }
    if (fault === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${full.slice(0, -5)}!!`);
      return;
    }
    bill();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(full);
    return;
  }

  const { frames, usageAt, contentType } = streamFrames(r.vendor, id, model);
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' });
  const cutAt =
    fault === 'cut' || fault === 'stall-mid'
      ? 1 + (hash(`cut${id}${attempt}`) % Math.max(1, usageAt - 1))
      : fault === 'cut-after-usage'
        ? usageAt
        : frames.length;
  const badAt = fault === 'malformed' ? 1 + (hash(`bad${id}${attempt}`) % Math.max(1, usageAt - 1)) : -1;
  for (let i = 0; i < frames.length; i++) {
    if (res.destroyed) return;
    if (i === cutAt) {
      if (fault === 'stall-mid') await sleep(STALL_MS);
      // The usage frame was sent: it is billed, and flushed before the reset (the response corks its
      // writes until the next tick, and destroy() would drop them: the usage would never leave).
      if (i >= usageAt) {
        bill();
        await new Promise<void>((resolve) => res.write('', () => resolve()));
      }
      res.destroy();
      return;
    }
    if (i === badAt) res.write(malformedFrame(r.vendor));
    res.write(frames[i]);
    // Let frames go out in separate reads now and then, as a real network does.
    if (i % 3 === 2) await sleep(0);
  }
  if (fault !== 'malformed') bill();
  res.end();
}

function usageFrom(vendor: Vendor, id: string): { input: number; output: number } {
  // Every vendor reports the same counts for the same request (wire.ts); the vendor name is kept for the report.
  void vendor;
  const body = jsonBody('openai', id, 'm') as { usage: { prompt_tokens: number; completion_tokens: number } };
  return { input: body.usage.prompt_tokens, output: body.usage.completion_tokens };
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    handle(req, res, Buffer.concat(chunks).toString('utf8')).catch(() => {
      if (!res.destroyed) res.destroy();
    });
  });
  req.on('error', () => undefined);
  res.on('error', () => undefined);
});
server.keepAliveTimeout = 5_000;

process.on('message', (m: ToVendor) => {
  if (m.type === 'start') {
    seed = m.seed;
    faultsOn = m.faults;
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}` } satisfies FromVendor);
    });
  } else {
    process.send?.({ type: 'billed', calls: billed, faults: faultCounts } satisfies FromVendor);
  }
});
process.on('disconnect', () => process.exit(0));
