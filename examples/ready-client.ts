/**
 * A ready SDK client, and what an error shows when the vendor echoes your key.
 * - `openai({ client })` takes your own `new OpenAI(...)`: the option is typed structurally
 *   (`OpenAIClientLike`), so switchyard's type declarations never need an SDK you did not install.
 * - A vendor that quotes the key in its 401 (whole, or masked with its tail visible): the error you
 *   get, its `cause` and the router's events show neither the key nor any 4+ character tail of it.
 * Offline: a loopback server on 127.0.0.1 speaks the OpenAI wire format.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import OpenAI from 'openai';
import { AllAttemptsFailedError, createRouter, openai, type OpenAIClientLike } from '../src/index.js';

const KEY = 'sk-example-ready-client-7Hq2Zr9Kp4Wd';
const server = createServer((req, res) => {
  const auth = req.headers.authorization ?? '';
  res.setHeader('content-type', 'application/json');
  if (auth !== `Bearer ${KEY}`) {
    // Echo the key back, as real vendors do in their 401 messages.
    const sent = auth.replace('Bearer ', '');
    res.writeHead(401, { 'x-echo': sent });
    const message = `Incorrect API key provided: ${sent.slice(0, 3)}****${sent.slice(-4)} (${sent})`;
    res.end(JSON.stringify({ error: { message, type: 'invalid_request_error', code: 'invalid_api_key' } }));
    return;
  }
  const choice = { index: 0, message: { role: 'assistant', content: 'Hello from your own client' }, finish_reason: 'stop' };
  res.end(
    JSON.stringify({
      id: 'c1',
      model: 'gpt-4o-mini',
      choices: [choice],
      usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
    }),
  );
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

// Your own client, configured as you like; switchyard still turns its retries off per request.
const client: OpenAIClientLike = new OpenAI({ apiKey: KEY, baseURL });
const wrongKey = 'sk-example-WRONG-key-3Xv8Nc5Lm1Tb';
const router = createRouter({
  providers: { mine: openai({ client }), wrong: openai({ apiKey: wrongKey, baseURL }) },
  models: { ok: { provider: 'mine', model: 'gpt-4o-mini' }, denied: { provider: 'wrong', model: 'gpt-4o-mini' } },
  retry: { retries: 0 },
});
const ask = [{ role: 'user' as const, content: 'Hi' }];
console.log('ready client:', (await router.chat({ model: 'ok', messages: ask })).text);

try {
  await router.chat({ model: 'denied', messages: ask });
} catch (error) {
  const e = AllAttemptsFailedError.isInstance(error) ? error.lastError! : (error as Error);
  const printed = [String(e), inspect(e, { depth: 10 }), JSON.stringify(e), inspect(e.cause, { depth: 10 })].join('\n');
  for (let n = 4; n <= wrongKey.length; n++) assert.ok(!printed.includes(wrongKey.slice(-n)), `a ${n}-character tail of the key leaked`);
  console.log('401 typed as:', e.name);
  console.log('message:', e.message);
  console.log(
    'cause keeps:',
    JSON.stringify({ status: (e.cause as { status?: number }).status, code: (e.cause as { code?: string }).code }),
  );
}

await router.close();
server.close();
