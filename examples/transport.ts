/**
 * The tuned transport (`switchyard/transport`): undici's request over a dedicated Agent, answered
 * as fetch answers, handed to the adapters as their `fetch`. Needs the optional peer `undici`
 * (`npm install undici`).
 * Offline: a loopback server on 127.0.0.1 answers in the OpenAI and Anthropic wire formats and
 * counts the connections open at once.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropic, createRouter, openai } from '../src/index.js';
import { createTransport } from '../src/transport/index.js';

// --- a stand-in for the vendors' APIs -------------------------------------------------------
/** Connections open now, and the most ever open at once. */
let open = 0;
let connections = 0;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c));
  req.on('end', () => {
    const stream = (JSON.parse(body) as { stream?: boolean }).stream === true;
    if (req.url === '/anthropic/v1/messages') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'claude-haiku-4-5',
          content: [{ type: 'text', text: 'Hello from Claude' }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: 5, output_tokens: 4 },
        }),
      );
    } else if (stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const piece of ['Streamed ', 'over ', 'undici'])
        res.write(
          `data: ${JSON.stringify({ id: 'c1', model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })}\n\n`,
        );
      res.write(`data: ${JSON.stringify({ id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
      res.end('data: [DONE]\n\n');
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'c1',
          object: 'chat.completion',
          created: 1,
          model: 'gpt-4o-mini',
          choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from GPT' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
        }),
      );
    }
  });
});
server.on('connection', (socket) => {
  connections = Math.max(connections, ++open);
  socket.on('close', () => open--);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// --- the transport: one for the whole process; each origin gets its own pool -----------------
// Defaults: up to 128 sockets per origin, pipelining 1, keep-alive 60 s, no headers/body timeout.
const transport = createTransport({ connections: 4 });
console.log('transport options:', JSON.stringify(transport.options));

const router = createRouter({
  providers: {
    gpt: openai({ apiKey: 'sk-example-key-0000000000', baseURL: `${origin}/v1`, fetch: transport }),
    claude: anthropic({ apiKey: 'sk-ant-example-key-000000', baseURL: `${origin}/anthropic`, fetch: transport }),
  },
  models: {
    'gpt-mini': { provider: 'gpt', model: 'gpt-4o-mini' },
    haiku: { provider: 'claude', model: 'claude-haiku-4-5' },
  },
  timeoutMs: 120_000, // the transport never cuts a slow LLM call: bound calls here instead
});

const ask = [{ role: 'user' as const, content: 'Hi' }];
console.log('gpt:   ', (await router.chat({ messages: ask, model: 'gpt-mini' })).text);
console.log('claude:', (await router.chat({ messages: ask, model: 'haiku' })).text);
let streamed = '';
for await (const ev of router.stream({ messages: ask, model: 'gpt-mini' })) if (ev.type === 'text-delta') streamed += ev.delta;
console.log('stream:', streamed);

// Eight calls at once: they spread over the sockets, never more than `connections` (4) per origin.
const many = await Promise.all(Array.from({ length: 8 }, (_, i) => router.chat({ messages: ask, model: i % 2 ? 'haiku' : 'gpt-mini' })));
assert.equal(many.length, 8);
console.log('most sockets open at once during 11 calls:', connections);
console.log('pool now:', JSON.stringify(transport.stats()[origin]));
assert.ok(connections >= 1 && connections <= 4);

// Shut down: the router first, then the transport's sockets.
await router.close();
await transport.close();
server.close();
console.log('closed; sockets left in the pool:', transport.stats()[origin]?.connected ?? 0);
