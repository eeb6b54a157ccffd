import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { ProviderRequest } from '../../../src/core/request.js';
import type { ProviderStreamPart } from '../../../src/core/stream.js';
import { sendPieces, startLoopback, type Loopback } from '../../helpers/loopback.js';

export const API_KEY = 'sk-test-SECRETKEY-1234567890abcdef';

/** One loopback server per test file; requests are cleared before each test. */
export function useLoopback(): { current: Loopback } {
  const ref = {} as { current: Loopback };
  beforeAll(async () => {
    ref.current = await startLoopback();
  });
  afterAll(async () => {
    await ref.current.close();
  });
  beforeEach(() => {
    ref.current.requests.length = 0;
  });
  return ref;
}

export function sseHeaders(): Record<string, string> {
  return { 'cache-control': 'no-cache' };
}

/** Sends SSE pieces as OpenAI does (`text/event-stream; charset=utf-8`). */
export function sendSse(res: ServerResponse, pieces: string[], opts: Parameters<typeof sendPieces>[4] = {}): Promise<void> {
  return sendPieces(res, 200, 'text/event-stream; charset=utf-8', pieces, opts);
}

export function textRequest(text = 'Hello', extra: Partial<ProviderRequest> = {}): ProviderRequest {
  return { messages: [{ role: 'user', content: text }], params: {}, ...extra };
}

export async function collect(parts: AsyncIterable<ProviderStreamPart>): Promise<ProviderStreamPart[]> {
  const out: ProviderStreamPart[] = [];
  for await (const p of parts) out.push(p);
  return out;
}

/** Folds parts into what a user sees: text, reasoning, tool calls, finish. */
export function summarize(parts: ProviderStreamPart[]) {
  let text = '';
  let reasoning = '';
  const toolCallDeltas: Record<string, string> = {};
  const toolCalls: Array<{ toolCallId: string; toolName: string; args: unknown }> = [];
  let finish: Extract<ProviderStreamPart, { type: 'finish' }> | undefined;
  let metadata: Extract<ProviderStreamPart, { type: 'response-metadata' }> | undefined;
  for (const p of parts) {
    if (p.type === 'text-delta') text += p.delta;
    else if (p.type === 'reasoning-delta') reasoning += p.delta;
    else if (p.type === 'tool-call-delta') toolCallDeltas[p.toolCallId] = (toolCallDeltas[p.toolCallId] ?? '') + p.argsDelta;
    else if (p.type === 'tool-call')
      toolCalls.push({ toolCallId: p.toolCall.toolCallId, toolName: p.toolCall.toolName, args: p.toolCall.args });
    else if (p.type === 'finish') finish = p;
    else if (p.type === 'response-metadata') metadata = p;
  }
  return { text, reasoning, toolCallDeltas, toolCalls, finish, metadata, types: [...new Set(parts.map((p) => p.type))] };
}

/** Catches the rejection of a promise (or the throw of an iteration) and returns it. */
export async function caught(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
