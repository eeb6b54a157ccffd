import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRouter, type LLMProvider, type StreamEvent } from '../../src/index.js';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { anthropicFrames, completionFrames, sendSse, startCountingServer, type CountingServer } from '../transport/server.js';

// A stream that ends normally must leave its connection reusable: an adapter that cancels the
// body after the vendor's end marker (instead of reading it to its end) makes the HTTP client close
// the socket, and every stream then pays a new connection. Node's global fetch, no transport option.

let server: CountingServer;
beforeEach(async () => {
  server = await startCountingServer();
});
afterEach(async () => {
  await server.close();
});

const messages = [{ role: 'user' as const, content: 'hi' }];

async function text(events: AsyncIterable<StreamEvent>): Promise<string> {
  let out = '';
  for await (const ev of events) if (ev.type === 'text-delta') out += ev.delta;
  return out;
}

const gem = (o: unknown) => `data: ${JSON.stringify(o)}\r\n\r\n`;
const ndjson = (o: unknown) => `${JSON.stringify(o)}\n`;

const cases: Array<{ name: string; provider: (url: string) => LLMProvider; frames: string[]; type?: string }> = [
  {
    name: 'openai',
    provider: (url) => openai({ apiKey: 'sk-test-reuse-00000000000000', baseURL: `${url}/v1` }),
    frames: completionFrames(['o', 'k']),
  },
  {
    name: 'anthropic',
    provider: (url) => anthropic({ apiKey: 'sk-ant-test-reuse-0000000000', baseURL: url }),
    frames: anthropicFrames(['o', 'k']),
  },
  {
    name: 'gemini',
    provider: (url) => gemini({ apiKey: 'gm-test-reuse-000000000000000', baseURL: url }),
    frames: [
      gem({ candidates: [{ content: { role: 'model', parts: [{ text: 'o' }] } }] }),
      gem({
        candidates: [{ content: { role: 'model', parts: [{ text: 'k' }] }, finishReason: 'STOP' }],
        usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 2, totalTokenCount: 3 },
      }),
    ],
  },
  {
    name: 'ollama',
    provider: (url) => ollama({ baseURL: url, name: 'local' }),
    frames: [
      ndjson({ model: 'm', message: { role: 'assistant', content: 'o' }, done: false }),
      ndjson({ model: 'm', message: { role: 'assistant', content: 'k' }, done: false }),
      ndjson({
        model: 'm',
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 1,
        eval_count: 2,
      }),
    ],
    type: 'application/x-ndjson',
  },
];

describe('streams that end normally keep their connection alive', () => {
  for (const c of cases) {
    it(`${c.name}: three streams in a row use one connection`, async () => {
      server.handle((_req, res) => sendSse(res, c.frames, {}, c.type));
      const router = createRouter({
        providers: { p: c.provider(server.url) },
        models: { m: { provider: 'p', model: 'm' } },
        retry: { retries: 0 },
      });
      for (let i = 0; i < 3; i++) {
        expect(await text(router.stream({ messages }))).toBe('ok');
        // Give the client a moment to put the socket back in its pool (a wait, not a timing assertion).
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(server.requests).toHaveLength(3);
      expect(server.accepted()).toBe(1);
      expect(server.open()).toBe(1);
      await router.close();
    });
  }
});
