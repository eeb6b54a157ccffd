import type { ServerResponse } from 'node:http';
import type { ProviderRequest } from '../../../src/core/request.js';
import type { ProviderResponse } from '../../../src/core/response.js';
import type { ProviderStreamPart } from '../../../src/core/stream.js';
import type { HttprrExchange } from '../../helpers/fixtures.js';

export const user = (content: string): ProviderRequest => ({ messages: [{ role: 'user', content }], params: {} });

export async function collect(parts: AsyncIterable<ProviderStreamPart>): Promise<ProviderStreamPart[]> {
  const out: ProviderStreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

/** Serves a recorded httprr exchange with its status, content type and (de-chunked) body. */
export function serveExchange(res: ServerResponse, exchange: HttprrExchange): void {
  res.writeHead(exchange.status, { 'content-type': exchange.headers['content-type'] ?? 'application/json' });
  res.end(exchange.body);
}

/** The unified view of a stream, for comparing two streams or asserting one. */
export function summarize(parts: ProviderStreamPart[]) {
  let text = '';
  let reasoning = '';
  const toolCalls: Array<{ id: string; name: string; args: unknown }> = [];
  let finish: Extract<ProviderStreamPart, { type: 'finish' }> | undefined;
  for (const p of parts) {
    if (p.type === 'text-delta') text += p.delta;
    else if (p.type === 'reasoning-delta') reasoning += p.delta;
    else if (p.type === 'tool-call') toolCalls.push({ id: p.toolCall.toolCallId, name: p.toolCall.toolName, args: p.toolCall.args });
    else if (p.type === 'finish') finish = p;
  }
  return { text, reasoning, toolCalls, finish, types: parts.map((p) => p.type) };
}

/** Text, reasoning and tool calls of a non-stream response. */
export function responseView(res: ProviderResponse) {
  return {
    text: res.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join(''),
    reasoning: res.content.flatMap((p) => (p.type === 'reasoning' ? [p.text] : [])).join(''),
    toolCalls: res.content.flatMap((p) => (p.type === 'tool-call' ? [{ id: p.toolCallId, name: p.toolName, args: p.args }] : [])),
  };
}

/** Cuts a byte buffer at the given offsets into latin1-free pieces (Buffers, not strings). */
export function cutBytes(body: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let last = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(body.subarray(last, cut));
    last = cut;
  }
  out.push(body.subarray(last));
  return out.filter((b) => b.length > 0);
}

/** Writes byte pieces one by one (each flushed), like a live chunked stream. */
export async function sendBytes(res: ServerResponse, status: number, contentType: string, pieces: Buffer[]): Promise<void> {
  res.writeHead(status, { 'content-type': contentType });
  for (const piece of pieces) {
    res.write(piece);
    await new Promise((r) => setTimeout(r, 2));
  }
  res.end();
}
