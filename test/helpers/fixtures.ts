import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Recorded vendor responses, kept in the repository (see test/fixtures/README.md for provenance). */
export const FIXTURES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures');

export function fixturePath(rel: string): string {
  return join(FIXTURES_DIR, rel);
}

export function readFixture(rel: string): string {
  return readFileSync(fixturePath(rel), 'utf8');
}

export function readFixtureJson<T = unknown>(rel: string): T {
  return JSON.parse(readFixture(rel)) as T;
}

/** vercel `.chunks.txt`: one JSON object a line, no trailing newline. */
export function chunkLines(rel: string): string[] {
  return readFixture(rel)
    .split('\n')
    .filter((l) => l.trim() !== '');
}

/** OpenAI / DeepSeek SSE framing: `data: <json>\n\n` each, then `data: [DONE]\n\n`. */
export function openaiSse(lines: string[]): string[] {
  return [...lines.map((l) => `data: ${l}\n\n`), 'data: [DONE]\n\n'];
}

/** Anthropic SSE framing: `event: <type>\ndata: <json>\n\n`, no [DONE]. */
export function anthropicSse(lines: string[]): string[] {
  return lines.map((l) => `event: ${(JSON.parse(l) as { type: string }).type}\ndata: ${l}\n\n`);
}

/** Gemini alt=sse framing: `data: <json>\r\n\r\n`, stream ends on close. */
export function geminiSse(lines: string[]): string[] {
  return lines.map((l) => `data: ${l}\r\n\r\n`);
}

export interface HttprrExchange {
  request: string;
  status: number;
  headers: Record<string, string>;
  /** De-chunked response body. */
  body: Buffer;
}

/** Parses a langchaingo `httprr trace v1` file into its exchanges. */
export function readHttprr(rel: string): HttprrExchange[] {
  const buf = readFileSync(fixturePath(rel));
  const header = 'httprr trace v1\n';
  let pos = buf.indexOf(header) + header.length;
  const out: HttprrExchange[] = [];
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) break;
    const [reqLen, respLen] = buf.subarray(pos, nl).toString('ascii').trim().split(' ').map(Number) as [number, number];
    pos = nl + 1;
    const request = buf.subarray(pos, pos + reqLen).toString('utf8');
    pos += reqLen;
    const response = buf.subarray(pos, pos + respLen);
    pos += respLen;
    const split = response.indexOf('\r\n\r\n');
    const head = response.subarray(0, split).toString('utf8').split('\r\n');
    const status = Number(head[0]!.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    let body: Buffer = response.subarray(split + 4);
    if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
    out.push({ request, status, headers, body });
  }
  return out;
}

function dechunk(buf: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const nl = buf.indexOf('\r\n', pos);
    if (nl < 0) break;
    const size = parseInt(buf.subarray(pos, nl).toString('ascii'), 16);
    if (!size) break;
    parts.push(buf.subarray(nl + 2, nl + 2 + size));
    pos = nl + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
