import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRouter } from '../../../src/index.js';
import { convertUsage } from '../../../src/providers/anthropic/convert-usage.js';
import { mapStopReason } from '../../../src/providers/anthropic/map-stop-reason.js';
import { anthropic } from '../../../src/providers/anthropic/index.js';
import { events, messageStart, replySse, useLoopback } from './setup.js';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src/providers/anthropic');
const { server } = useLoopback();

describe('anthropic pure mappings', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool-calls'],
    ['refusal', 'content-filter'],
    ['pause_turn', 'other'],
    ['something_new', 'other'],
    [null, 'other'],
  ] as const)('stop_reason %s -> %s', (raw, unified) => {
    expect(mapStopReason(raw)).toBe(unified);
  });

  it('usage: inputTokens sums uncached input, cache reads and cache writes; raw kept', () => {
    const raw = {
      input_tokens: 50,
      cache_read_input_tokens: 2000,
      cache_creation_input_tokens: 300,
      output_tokens: 40,
      service_tier: 'standard',
    };
    expect(convertUsage(raw)).toEqual({
      inputTokens: 2350,
      outputTokens: 40,
      totalTokens: 2390,
      cachedInputTokens: 2000,
      cacheWriteTokens: 300,
      raw,
    });
  });

  it('usage without cache fields has no cache figures', () => {
    expect(convertUsage({ input_tokens: 3, output_tokens: 4 })).toEqual({
      inputTokens: 3,
      outputTokens: 4,
      totalTokens: 7,
      raw: { input_tokens: 3, output_tokens: 4 },
    });
  });
});

describe('anthropic optional peer dependency', () => {
  it('no file of the adapter imports @anthropic-ai/sdk at runtime except through dynamic import()', () => {
    const files = readdirSync(SRC).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(join(SRC, f), 'utf8');
      const staticImports = [...text.matchAll(/^import\s+(?!type\b)[^;]*from\s+'@anthropic-ai\/sdk[^']*'/gm)];
      expect(staticImports, f).toEqual([]);
    }
    expect(readFileSync(join(SRC, 'client.ts'), 'utf8')).toContain("import('@anthropic-ai/sdk')");
  });

  it('a ready client is used as given, and validated by the router as an LLMProvider', async () => {
    const { default: Anthropic } = await import('@anthropic-ai/sdk');
    const client = new Anthropic({ apiKey: 'sk-ant-ready-client-key-000000', baseURL: server().url, maxRetries: 5 });
    server().handle((_req, res) => {
      res.writeHead(529, { 'content-type': 'application/json' });
      res.end('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}');
    });
    const p = anthropic({ client });
    const router = createRouter({
      providers: { c: p },
      models: { m: { provider: 'c', model: 'claude-haiku-4-5' } },
      retry: { retries: 0 },
    });
    await expect(router.chat({ messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow();
    // maxRetries: 0 per request overrides the client's own retries.
    expect(server().requests).toHaveLength(1);
  });
});

describe('anthropic redacted thinking in a stream', () => {
  it('a redacted_thinking block becomes its own reasoning part and is sent back as redacted_thinking', async () => {
    server().handle((_req, res) =>
      replySse(
        res,
        events(
          messageStart(),
          { type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'REDACTED-BLOB' } },
          { type: 'content_block_stop', index: 0 },
          { type: 'content_block_start', index: 1, content_block: { type: 'thinking', thinking: '', signature: '' } },
          { type: 'content_block_delta', index: 1, delta: { type: 'thinking_delta', thinking: 'visible' } },
          { type: 'content_block_delta', index: 1, delta: { type: 'signature_delta', signature: 'SIG' } },
          { type: 'content_block_stop', index: 1 },
          { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } },
          { type: 'message_stop' },
        ),
      ),
    );
    const router = createRouter({
      providers: { c: anthropic({ apiKey: 'sk-ant-abcdefgh-12345678', baseURL: server().url }) },
      models: { m: { provider: 'c', model: 'claude-haiku-4-5' } },
    });
    const res = await router.stream({ messages: [{ role: 'user', content: 'x' }] }).collect();
    expect(res.content).toHaveLength(2);
    expect(res.content[0]).toMatchObject({
      type: 'reasoning',
      text: '',
      providerMetadata: { anthropic: { redactedData: 'REDACTED-BLOB' } },
    });
    expect(res.content[1]).toMatchObject({ type: 'reasoning', text: 'visible', signature: 'SIG' });

    // Continue the conversation with the assembled content: both blocks go back unchanged.
    server().handle((_req, res2) => {
      res2.writeHead(200, { 'content-type': 'application/json' });
      res2.end(
        JSON.stringify({
          id: 'm2',
          type: 'message',
          role: 'assistant',
          model: 'claude-haiku-4-5',
          content: [],
          stop_reason: 'end_turn',
          usage: { input_tokens: 1, output_tokens: 1 },
        }),
      );
    });
    await router.chat({
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: res.content },
        { role: 'user', content: 'y' },
      ],
    });
    const body = server().requests.at(-1)!.body as { messages: Array<{ content: unknown[] }> };
    expect(body.messages[1]!.content).toEqual([
      { type: 'redacted_thinking', data: 'REDACTED-BLOB' },
      { type: 'thinking', thinking: 'visible', signature: 'SIG' },
    ]);
  });
});
