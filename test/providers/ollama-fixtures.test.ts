import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/core/errors.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { readFixture, readHttprr } from '../helpers/fixtures.js';
import { startLoopback, type Loopback } from '../helpers/loopback.js';
import { collect, cutBytes, responseView, sendBytes, serveExchange, summarize, user } from './ollama/helpers.js';

describe('ollama adapter replays every recorded fixture', () => {
  let loopback: Loopback;
  beforeAll(async () => {
    loopback = await startLoopback();
  });
  afterAll(() => loopback.close());

  it('TestClient_GenerateChatStream.httprr: local NDJSON stream (chunked) -> text, usage, stop', async () => {
    const [exchange] = readHttprr('ollama/TestClient_GenerateChatStream.httprr');
    expect(exchange!.headers['content-type']).toBe('application/x-ndjson');
    loopback.handle((_req, res) => serveExchange(res, exchange!));
    const provider = ollama({ baseURL: loopback.url });
    const parts = await collect(provider.stream(user('Count from 1 to 5'), { model: 'gemma3:1b' }));
    const s = summarize(parts);
    expect(s.types[0]).toBe('stream-start');
    expect(parts[1]).toEqual({ type: 'response-metadata', modelId: 'gemma3:1b' });
    expect(s.types.at(-1)).toBe('finish');
    expect(s.text).toBe('Okay, here we go!\n\n1, 2, 3, 4, 5\n');
    expect(s.reasoning).toBe('');
    expect(s.finish).toMatchObject({ finishReason: 'stop', rawFinishReason: 'stop' });
    expect(s.finish!.usage).toMatchObject({ inputTokens: 16, outputTokens: 22, totalTokens: 38 });
    expect(s.finish!.usage!.estimated).toBeUndefined();
    expect(s.finish!.usage!.raw).toMatchObject({ total_duration: 171946792, load_duration: 38473250, eval_duration: 105611917 });
    // The request went to /api/chat as a stream.
    expect(loopback.requests.at(-1)).toMatchObject({ method: 'POST', url: '/api/chat', body: { model: 'gemma3:1b', stream: true } });
  });

  it('TestCloudStreaming.httprr: thinking deltas then content (NDJSON served as application/json)', async () => {
    const [exchange] = readHttprr('ollama/TestCloudStreaming.httprr');
    expect(exchange!.headers['content-type']).toBe('application/json');
    loopback.handle((_req, res) => serveExchange(res, exchange!));
    const provider = ollama({ baseURL: loopback.url, apiKey: 'ollama-cloud-test-key-123' });
    const parts = await collect(provider.stream(user('Count from 1 to 5'), { model: 'gpt-oss:120b' }));
    const s = summarize(parts);
    expect(s.reasoning.startsWith('User asks: "Count from 1 to 5"')).toBe(true);
    expect(s.text).toContain('1');
    expect(s.text.trim().endsWith('5')).toBe(true);
    // Every reasoning delta comes before the first text delta.
    expect(s.types.lastIndexOf('reasoning-delta')).toBeLessThan(s.types.indexOf('text-delta'));
    expect(s.finish).toMatchObject({
      finishReason: 'stop',
      rawFinishReason: 'stop',
      usage: { inputTokens: 74, outputTokens: 57, totalTokens: 131 },
    });
    expect(s.finish!.usage!.raw).toEqual({
      total_duration: 922983240,
      prompt_eval_count: 74,
      eval_count: 57,
      created_at: '2026-03-03T23:25:48.032202121Z',
    });
    expect(loopback.requests.at(-1)!.headers.authorization).toBe('Bearer ollama-cloud-test-key-123');
  });

  it('TestCloudStreaming.httprr through chat(): a server that streams anyway still folds into one response', async () => {
    const [exchange] = readHttprr('ollama/TestCloudStreaming.httprr');
    loopback.handle((_req, res) => serveExchange(res, exchange!));
    const res = await ollama({ baseURL: loopback.url }).chat(user('Count'), { model: 'gpt-oss:120b' });
    const v = responseView(res);
    expect(res.content.map((p) => p.type)).toEqual(['reasoning', 'text']);
    expect(v.reasoning.startsWith('User asks')).toBe(true);
    expect(v.text.trim().endsWith('5')).toBe(true);
    expect(res.usage).toMatchObject({ inputTokens: 74, outputTokens: 57 });
  });

  it('TestToolCall.httprr: 400 "does not support tools" -> InvalidRequestError naming provider and model', async () => {
    const [exchange] = readHttprr('ollama/TestToolCall.httprr');
    expect(exchange!.status).toBe(400);
    loopback.handle((_req, res) => serveExchange(res, exchange!));
    const provider = ollama({ baseURL: loopback.url });
    const request = {
      ...user('Which date do we have today?'),
      tools: [{ name: 'getTime', description: 'Get the current time.', parameters: { type: 'object', properties: {} } }],
    };
    const error = await provider.chat(request, { model: 'gemma3:1b' }).catch((e: unknown) => e);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    const e = error as InvalidRequestError;
    expect(e).toMatchObject({ statusCode: 400, provider: 'ollama', model: 'gemma3:1b', fallbackable: false });
    expect(e.message).toContain('does not support tools');
    expect(e.message).toContain('gemma3:1b');
    expect(e.cause).toMatchObject({ status: 400, body: '{"error":"registry.ollama.ai/library/gemma3:1b does not support tools"}' });
    // The same through stream(): the error is thrown before any part.
    await expect(collect(provider.stream(request, { model: 'gemma3:1b' }))).rejects.toSatisfy(InvalidRequestError.isInstance);
  });

  it('TestCloudToolCall.record1.response-body.json: thinking + tool call with object arguments and an id', async () => {
    const body = readFixture('ollama/TestCloudToolCall.record1.response-body.json');
    loopback.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(body);
    });
    const res = await ollama({ baseURL: loopback.url }).chat(user('weather in SF?'), { model: 'gpt-oss:120b' });
    const v = responseView(res);
    expect(v.reasoning).toBe('User asks about weather in San Francisco. Use function getWeather.');
    expect(v.text).toBe('');
    expect(v.toolCalls).toEqual([{ id: 'call_mo1wm122', name: 'getWeather', args: { location: 'San Francisco, CA' } }]);
    expect(res.content[1]).toMatchObject({ providerMetadata: { ollama: { index: 0 } } });
    expect(res.finishReason).toBe('tool-calls');
    expect(res.rawFinishReason).toBe('stop');
    expect(res.usage).toMatchObject({ inputTokens: 145, outputTokens: 44, totalTokens: 189 });
    expect(res.modelId).toBe('gpt-oss:120b');
    expect(res.raw).toEqual(JSON.parse(body));
  });

  it('TestCloudToolCall.record1.response-body.json as a one-line stream: reasoning, tool-call-delta + tool-call, finish', async () => {
    const body = readFixture('ollama/TestCloudToolCall.record1.response-body.json');
    loopback.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end(body);
    });
    const parts = await collect(ollama({ baseURL: loopback.url }).stream(user('weather?'), { model: 'gpt-oss:120b' }));
    expect(parts.map((p) => p.type)).toEqual([
      'stream-start',
      'response-metadata',
      'reasoning-delta',
      'tool-call-delta',
      'tool-call',
      'finish',
    ]);
    expect(parts[3]).toEqual({
      type: 'tool-call-delta',
      toolCallId: 'call_mo1wm122',
      toolName: 'getWeather',
      argsDelta: '{"location":"San Francisco, CA"}',
    });
    expect(summarize(parts).finish).toMatchObject({ finishReason: 'tool-calls', rawFinishReason: 'stop' });
  });

  it('chat_completion_multiple_function_calls_test_response.txt: five calls, generated stable ids, missing arguments -> {}', async () => {
    const body = readFixture('ollama/chat_completion_multiple_function_calls_test_response.txt');
    loopback.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(body);
    });
    const provider = ollama({ baseURL: loopback.url });
    const res = await provider.chat(user('go'), { model: 'llama3.2' });
    expect(responseView(res).toolCalls).toEqual([
      { id: 'call_0', name: 'MyPlugin_GetCurrentWeather', args: { location: 'Boston, MA' } },
      { id: 'call_1', name: 'MyPlugin_FunctionWithException', args: { argument: 'value' } },
      { id: 'call_2', name: 'MyPlugin_NonExistentFunction', args: { argument: 'value' } },
      { id: 'call_3', name: 'MyPlugin_InvalidArguments', args: {} },
      { id: 'call_4', name: 'MyPlugin_IntArguments', args: { age: '36' } },
    ]);
    expect(res.finishReason).toBe('tool-calls');
    expect(res.rawFinishReason).toBe('stop');
    expect(res.usage).toMatchObject({ inputTokens: 152, outputTokens: 22, totalTokens: 174 });
    expect(res.usage.raw).toMatchObject({ prompt_eval_duration: 108231000, eval_duration: 240925000 });
    // The same ids on a second call: they are stable.
    const again = await provider.chat(user('go'), { model: 'llama3.2' });
    expect(responseView(again).toolCalls.map((c) => c.id)).toEqual(['call_0', 'call_1', 'call_2', 'call_3', 'call_4']);
  });

  it('chat_completion_test_response.txt: plain text, stop, counts and metrics', async () => {
    const body = readFixture('ollama/chat_completion_test_response.txt');
    loopback.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(body);
    });
    const res = await ollama({ baseURL: loopback.url }).chat(user('hi'), { model: 'llama3.2' });
    expect(res.content).toEqual([{ type: 'text', text: 'This is test completion response' }]);
    expect(res).toMatchObject({ finishReason: 'stop', rawFinishReason: 'stop', modelId: 'llama3.2', warnings: [] });
    expect(res.usage).toEqual({
      inputTokens: 38,
      outputTokens: 45,
      totalTokens: 83,
      raw: {
        total_duration: 740574544,
        load_duration: 54994250,
        prompt_eval_count: 38,
        prompt_eval_duration: 69055000,
        eval_count: 45,
        eval_duration: 455657000,
        created_at: '2024-10-16T11:08:38.60342187Z',
      },
    });
    expect(loopback.requests.at(-1)!.body).toMatchObject({ stream: false });
  });

  it('parses a recorded stream cut at awkward byte boundaries (mid-line, mid-UTF-8) identically', async () => {
    const [exchange] = readHttprr('ollama/TestCloudStreaming.httprr');
    // Add Chinese text so that multi-byte characters are split across network chunks too.
    const chinese = Buffer.from(
      `${JSON.stringify({ model: 'gpt-oss:120b', message: { role: 'assistant', content: '你好，世界！数到五：一二三四五。' }, done: false })}\n`,
    );
    const body = Buffer.concat([chinese, exchange!.body]);
    const serveWhole = () => loopback.handle((_req, res) => sendBytes(res, 200, 'application/x-ndjson', [body]));
    serveWhole();
    const provider = ollama({ baseURL: loopback.url });
    const reference = summarize(await collect(provider.stream(user('x'), { model: 'gpt-oss:120b' })));
    expect(reference.text.startsWith('你好，世界！数到五：一二三四五。')).toBe(true);

    // Cut inside the first Chinese character (3 bytes), inside another one, mid-line, and every 7 bytes for a while.
    const firstHan = body.indexOf(Buffer.from('你'));
    const otherHan = body.indexOf(Buffer.from('数'));
    const cuts = [firstHan + 1, firstHan + 2, otherHan + 2, 300, 301, 1000];
    for (let i = 1200; i < 1500; i += 7) cuts.push(i);
    const pieces = cutBytes(body, cuts);
    expect(pieces.length).toBeGreaterThan(40);
    loopback.handle((_req, res) => sendBytes(res, 200, 'application/x-ndjson', pieces));
    const split = summarize(await collect(provider.stream(user('x'), { model: 'gpt-oss:120b' })));
    expect(split).toEqual(reference);
    expect(split.text).not.toContain('\uFFFD');
  });
});
