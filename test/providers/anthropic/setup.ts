import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { ProviderStreamPart } from '../../../src/core/stream.js';
import { SwitchyardError } from '../../../src/core/errors.js';
import type { ProviderRequest } from '../../../src/core/request.js';
import { anthropic, type AnthropicProviderOptions } from '../../../src/providers/anthropic/index.js';
import { sendPieces, startLoopback, type Loopback } from '../../helpers/loopback.js';

export const API_KEY = 'sk-ant-test-SECRETKEY-1234567890abcdef';
export const SSE = 'text/event-stream; charset=utf-8';

/** One loopback server per test file, cleared before each test. */
export function useLoopback(): { server: () => Loopback } {
  let lb: Loopback | undefined;
  beforeAll(async () => {
    lb = await startLoopback();
  });
  afterAll(async () => {
    await lb?.close();
  });
  beforeEach(() => {
    lb!.requests.length = 0;
  });
  return { server: () => lb! };
}

export function provider(lb: Loopback, extra: AnthropicProviderOptions = {}) {
  return anthropic({ apiKey: API_KEY, baseURL: lb.url, ...extra });
}

export function request(text = 'hi', extra: Partial<ProviderRequest> = {}): ProviderRequest {
  return { messages: [{ role: 'user', content: text }], params: {}, ...extra };
}

export async function collect(parts: AsyncIterable<ProviderStreamPart>): Promise<ProviderStreamPart[]> {
  const out: ProviderStreamPart[] = [];
  for await (const p of parts) out.push(p);
  return out;
}

/** A live-looking SSE reply: each event written separately. */
export function replySse(res: ServerResponse, pieces: string[], opts: Parameters<typeof sendPieces>[4] = {}): Promise<void> {
  return sendPieces(res, 200, SSE, pieces, opts);
}

/** Builds Anthropic SSE events from objects (`event:` line = the object's type). */
export function events(...objects: Array<Record<string, unknown> & { type: string }>): string[] {
  return objects.map((o) => `event: ${o.type}\ndata: ${JSON.stringify(o)}\n\n`);
}

export const messageStart = (usage: Record<string, number> = { input_tokens: 10, output_tokens: 1 }) => ({
  type: 'message_start',
  message: {
    id: 'msg_test',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage,
  },
});

export function textMessage(text: string, extra: Record<string, unknown> = {}) {
  return {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 5, output_tokens: 2 },
    ...extra,
  };
}

/** A complete short text stream. */
export function textStream(text: string): string[] {
  return events(
    messageStart(),
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
    { type: 'content_block_stop', index: 0 },
    { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 7 } },
    { type: 'message_stop' },
  );
}

/** Reads a stream that must fail: the typed error and the parts seen before it. */
export async function streamFailure<T>(run: () => AsyncIterable<T>): Promise<{ error: SwitchyardError; seen: T[] }> {
  const seen: T[] = [];
  try {
    for await (const p of run()) seen.push(p);
  } catch (error) {
    if (!SwitchyardError.isInstance(error)) throw new Error(`expected a SwitchyardError, got ${String(error)}`);
    return { error, seen };
  }
  throw new Error('the stream did not fail');
}
