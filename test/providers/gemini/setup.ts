import { GoogleGenAI } from '@google/genai';
import { GoogleGenerativeAI } from '@google/generative-ai';
import type { ServerResponse } from 'node:http';
import type { ProviderRequest } from '../../../src/core/request.js';
import type { ProviderStreamPart } from '../../../src/core/stream.js';
import { gemini, type GeminiProvider, type GeminiProviderOptions } from '../../../src/providers/gemini/index.js';
import { type Loopback, sendPieces } from '../../helpers/loopback.js';

/** A distinctive fake key: it must never appear in any error output. */
export const KEY = 'AIzaTESTSECRETKEY1234567890abcdefghij';
export const MODEL = 'gemini-2.5-flash';

export type SdkName = '@google/genai' | '@google/generative-ai';
export const SDKS: SdkName[] = ['@google/genai', '@google/generative-ai'];

/** An adapter against the loopback server, with the given SDK's client. */
export function providerFor(sdk: SdkName, loopback: Loopback, extra: Omit<GeminiProviderOptions, 'client'> = {}): GeminiProvider {
  if (sdk === '@google/genai') return gemini({ apiKey: KEY, baseURL: loopback.url, ...extra });
  return gemini({ client: new GoogleGenerativeAI(KEY), baseURL: loopback.url, ...extra });
}

/** A ready `GoogleGenAI` client pointed at the loopback server (the `client` option path). */
export function genaiClient(loopback: Loopback): GoogleGenAI {
  return new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: loopback.url } });
}

export function simpleRequest(text = 'Hello'): ProviderRequest {
  return { messages: [{ role: 'user', content: text }], params: {} };
}

export async function collect(parts: AsyncIterable<ProviderStreamPart>): Promise<ProviderStreamPart[]> {
  const out: ProviderStreamPart[] = [];
  for await (const p of parts) out.push(p);
  return out;
}

export function sse(res: ServerResponse, pieces: string[], opts: Parameters<typeof sendPieces>[4] = {}): Promise<void> {
  return sendPieces(res, 200, 'text/event-stream', pieces, opts);
}

/** Concatenated text deltas, reasoning deltas, tool calls and the finish part of a stream. */
export function summarize(parts: ProviderStreamPart[]) {
  return {
    text: parts.flatMap((p) => (p.type === 'text-delta' ? [p.delta] : [])).join(''),
    reasoning: parts.flatMap((p) => (p.type === 'reasoning-delta' ? [p.delta] : [])).join(''),
    signatures: parts.flatMap((p) => (p.type === 'reasoning-delta' && p.signature ? [p.signature] : [])),
    toolCalls: parts.flatMap((p) => (p.type === 'tool-call' ? [p.toolCall] : [])),
    finish: parts.find((p) => p.type === 'finish'),
    types: parts.map((p) => p.type),
  };
}
