import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderRequest } from '../../src/core/request.js';
import { estimateRequestTokens } from '../../src/core/tokens.js';
import { ollama } from '../../src/providers/ollama/index.js';
import { sendJson, sendPieces, startLoopback, type Loopback } from '../helpers/loopback.js';
import { collect, user } from './ollama/helpers.js';

const final = (extra: Record<string, unknown> = {}) => ({
  model: 'llama3.1',
  message: { role: 'assistant', content: 'ok' },
  done: true,
  done_reason: 'stop',
  prompt_eval_count: 10,
  eval_count: 1,
  ...extra,
});

describe('ollama adapter: request shape', () => {
  let loopback: Loopback;
  beforeAll(async () => {
    loopback = await startLoopback((_req, res) => sendJson(res, 200, final()));
  });
  afterAll(() => loopback.close());

  const lastBody = () => loopback.requests.at(-1)!.body as Record<string, unknown>;

  it('sends a multi-turn conversation: system, images, tool calls and results, reasoning, options, tools, format', async () => {
    const request: ProviderRequest = {
      system: 'You are terse.',
      messages: [
        { role: 'system', content: 'Answer in English.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image', data: 'iVBORw0KGgo=', mediaType: 'image/png' },
            { type: 'image', url: 'https://example.com/cat.png' },
            { type: 'image', data: new Uint8Array([0xff, 0xd8, 0xff]), mediaType: 'image/jpeg' },
            { type: 'image', url: 'data:image/gif;base64,R0lGODlh' },
            { type: 'text', text: 'And the weather?' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'A cat. Weather needs a tool.' },
            { type: 'text', text: 'A cat. Checking the weather.' },
            { type: 'tool-call', toolCallId: 'call_abc', toolName: 'getWeather', args: { city: 'Paris' } },
            { type: 'tool-call', toolCallId: 'call_def', toolName: 'getTime', args: '{"tz":"Europe/Paris"}' },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'call_abc', toolName: 'getWeather', result: { tempC: 21, sky: 'clear' } },
            { type: 'tool-result', toolCallId: 'call_def', toolName: 'getTime', result: '14:05' },
          ],
        },
        { role: 'user', content: 'Thanks, 谢谢' },
      ],
      tools: [
        {
          name: 'getWeather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
        { name: 'getTime', parameters: { type: 'object', properties: { tz: { type: 'string' } } } },
      ],
      responseFormat: { type: 'json-schema', schema: { type: 'object', properties: { answer: { type: 'string' } } } },
      params: {
        temperature: 0.2,
        topP: 0.9,
        topK: 40,
        maxTokens: 256,
        stop: ['</end>'],
        seed: 7,
        frequencyPenalty: 0.5,
        presencePenalty: -0.5,
      },
      providerOptions: { ollama: { num_ctx: 8192, think: true, keepAlive: '10m' } },
    };
    const res = await ollama({ baseURL: loopback.url }).chat(request, { model: 'llava:13b' });
    expect(loopback.requests.at(-1)).toMatchObject({ method: 'POST', url: '/api/chat' });
    expect(lastBody()).toEqual({
      model: 'llava:13b',
      stream: false,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'system', content: 'Answer in English.' },
        { role: 'user', content: 'What is in this picture?\nAnd the weather?', images: ['iVBORw0KGgo=', '/9j/', 'R0lGODlh'] },
        {
          role: 'assistant',
          content: 'A cat. Checking the weather.',
          thinking: 'A cat. Weather needs a tool.',
          tool_calls: [
            { id: 'call_abc', function: { index: 0, name: 'getWeather', arguments: { city: 'Paris' } } },
            { id: 'call_def', function: { index: 1, name: 'getTime', arguments: { tz: 'Europe/Paris' } } },
          ],
        },
        { role: 'tool', content: '{"tempC":21,"sky":"clear"}', tool_name: 'getWeather', tool_call_id: 'call_abc' },
        { role: 'tool', content: '14:05', tool_name: 'getTime', tool_call_id: 'call_def' },
        { role: 'user', content: 'Thanks, 谢谢' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'getWeather',
            description: 'Weather for a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
        { type: 'function', function: { name: 'getTime', parameters: { type: 'object', properties: { tz: { type: 'string' } } } } },
      ],
      format: { type: 'object', properties: { answer: { type: 'string' } } },
      think: true,
      keep_alive: '10m',
      options: {
        temperature: 0.2,
        top_p: 0.9,
        top_k: 40,
        num_predict: 256,
        stop: ['</end>'],
        seed: 7,
        frequency_penalty: 0.5,
        presence_penalty: -0.5,
        num_ctx: 8192,
      },
    });
    // The URL image was not fetched: a warning says so, with its path.
    expect(res.warnings).toEqual([
      { type: 'unsupported-content', path: 'messages[1].content[2]', message: expect.stringContaining('does not download images') },
    ]);
    expect(loopback.requests.some((r) => r.url.includes('cat.png'))).toBe(false);
  });

  it('responseFormat json -> format "json"; text -> no format; no params -> no options', async () => {
    const provider = ollama({ baseURL: loopback.url });
    await provider.chat({ ...user('x'), responseFormat: { type: 'json' } }, { model: 'm' });
    expect(lastBody().format).toBe('json');
    await provider.chat({ ...user('x'), responseFormat: { type: 'text' } }, { model: 'm' });
    expect(lastBody()).toEqual({ model: 'm', stream: false, messages: [{ role: 'user', content: 'x' }] });
  });

  it('factory defaults (options, keepAlive, think) sit under the request; providerOptions.ollama.options win over all', async () => {
    const provider = ollama({
      baseURL: loopback.url,
      options: { num_ctx: 4096, num_gpu: 1, temperature: 1 },
      keepAlive: -1,
      think: 'high',
    });
    await provider.chat({ ...user('x'), params: { temperature: 0 } }, { model: 'gpt-oss:20b' });
    expect(lastBody()).toMatchObject({ keep_alive: -1, think: 'high', options: { num_ctx: 4096, num_gpu: 1, temperature: 0 } });
    await provider.chat(
      {
        ...user('x'),
        params: { temperature: 0 },
        providerOptions: { ollama: { reasoningEffort: 'low', keep_alive: '1m', num_ctx: 2048, options: { num_ctx: 16384, mirostat: 2 } } },
      },
      { model: 'gpt-oss:20b' },
    );
    expect(lastBody()).toMatchObject({
      keep_alive: '1m',
      think: 'low',
      options: { num_ctx: 16384, num_gpu: 1, temperature: 0, mirostat: 2 },
    });
    await provider.chat({ ...user('x'), providerOptions: { ollama: { think: false } } }, { model: 'qwen3' });
    expect(lastBody().think).toBe(false);
  });

  it('toolChoice: none sends no tools; a named tool sends only it, with a warning; required warns', async () => {
    const provider = ollama({ baseURL: loopback.url });
    const tools = [
      { name: 'a', parameters: { type: 'object' } },
      { name: 'b', parameters: { type: 'object' } },
    ];
    const none = await provider.chat({ ...user('x'), tools, toolChoice: 'none' }, { model: 'm' });
    expect(lastBody().tools).toBeUndefined();
    expect(none.warnings).toEqual([]);
    const named = await provider.chat({ ...user('x'), tools, toolChoice: { type: 'tool', name: 'b' } }, { model: 'm' });
    expect((lastBody().tools as Array<{ function: { name: string } }>).map((t) => t.function.name)).toEqual(['b']);
    expect(named.warnings).toMatchObject([{ type: 'unsupported-parameter', path: 'toolChoice' }]);
    // Warnings reach the stream's first part too.
    loopback.handle((_req, res) => sendPieces(res, 200, 'application/x-ndjson', [`${JSON.stringify(final())}\n`]));
    const parts = await collect(provider.stream({ ...user('x'), tools, toolChoice: 'required' }, { model: 'm' }));
    expect(parts[0]).toMatchObject({ type: 'stream-start', warnings: [{ type: 'unsupported-parameter', path: 'toolChoice' }] });
    expect(lastBody()).toMatchObject({ stream: true });
    expect(loopback.requests.at(-1)!.headers.accept).toBe('application/x-ndjson');
    loopback.handle((_req, res) => sendJson(res, 200, final()));
  });

  it('headers: factory and per-call headers, Bearer only with an apiKey (also a resolver), baseURL with /api/', async () => {
    await ollama({ baseURL: `${loopback.url}/api/`, headers: { 'x-team': 'infra' } }).chat(user('x'), {
      model: 'm',
      headers: { 'x-call': '1' },
    });
    const local = loopback.requests.at(-1)!;
    expect(local.url).toBe('/api/chat');
    expect(local.headers).toMatchObject({ 'x-team': 'infra', 'x-call': '1', 'content-type': 'application/json' });
    expect(local.headers.authorization).toBeUndefined();
    await ollama({ baseURL: loopback.url, apiKey: async () => 'resolved-cloud-key-42' }).chat(user('x'), { model: 'm' });
    expect(loopback.requests.at(-1)!.headers.authorization).toBe('Bearer resolved-cloud-key-42');
  });

  it('an invalid baseURL fails at the factory with a ConfigError', () => {
    for (const baseURL of ['localhost:11434', '127.0.0.1:11434', 'not a url']) {
      expect(() => ollama({ baseURL })).toThrow(
        expect.objectContaining({ code: 'config', issues: [expect.objectContaining({ path: 'baseURL' })] }),
      );
    }
    expect(() => ollama({ baseURL: 'https://ollama.com' })).not.toThrow();
  });
});

describe('ollama adapter: response mapping', () => {
  let loopback: Loopback;
  beforeAll(async () => {
    loopback = await startLoopback();
  });
  afterAll(() => loopback.close());

  it('missing counts -> estimated usage, marked estimated, raw metrics kept', async () => {
    loopback.handle((_req, res) =>
      sendJson(res, 200, {
        model: 'm',
        message: { role: 'assistant', content: 'Hello there, friend' },
        done: true,
        done_reason: 'stop',
        total_duration: 5,
      }),
    );
    const request = user('Say hello to my friend please');
    const res = await ollama({ baseURL: loopback.url }).chat(request, { model: 'm' });
    expect(res.usage).toEqual({
      inputTokens: estimateRequestTokens(request),
      outputTokens: 5,
      totalTokens: estimateRequestTokens(request) + 5,
      estimated: true,
      raw: { total_duration: 5 },
    });
  });

  it.each([
    ['length', false, 'length'],
    ['stop', false, 'stop'],
    ['stop', true, 'tool-calls'],
    ['length', true, 'length'],
    ['load', false, 'other'],
    [undefined, false, 'other'],
  ] as const)('done_reason %s (tool calls: %s) -> %s, raw kept', async (raw, withTools, unified) => {
    const message = { role: 'assistant', content: 'x', ...(withTools && { tool_calls: [{ function: { name: 'f', arguments: {} } }] }) };
    loopback.handle((_req, res) =>
      sendJson(res, 200, { model: 'm', message, done: true, ...(raw && { done_reason: raw }), prompt_eval_count: 1, eval_count: 1 }),
    );
    const res = await ollama({ baseURL: loopback.url }).chat(user('x'), { model: 'm' });
    expect(res.finishReason).toBe(unified);
    expect(res.rawFinishReason).toBe(raw);
  });

  it('streamed tool calls on several lines get unique ids call_0, call_1 and come whole', async () => {
    const tc = (name: string, args: unknown) =>
      `${JSON.stringify({ model: 'm', message: { role: 'assistant', content: '', tool_calls: [{ function: { name, arguments: args } }] }, done: false })}\n`;
    loopback.handle((_req, res) =>
      sendPieces(res, 200, 'application/x-ndjson', [
        tc('a', { x: 1 }),
        tc('b', '{"y":2}'),
        `${JSON.stringify({ model: 'm', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop' })}\n`,
      ]),
    );
    const parts = await collect(ollama({ baseURL: loopback.url }).stream(user('x'), { model: 'm' }));
    const calls = parts.flatMap((p) => (p.type === 'tool-call' ? [p.toolCall] : []));
    expect(calls.map((c) => [c.toolCallId, c.toolName, c.args])).toEqual([
      ['call_0', 'a', { x: 1 }],
      ['call_1', 'b', { y: 2 }],
    ]);
    const finish = parts.at(-1);
    expect(finish).toMatchObject({ type: 'finish', finishReason: 'tool-calls', usage: { estimated: true } });
  });

  it('countTokens is an offline estimate', async () => {
    const before = loopback.requests.length;
    const request = user('你好，世界');
    expect(await ollama({ baseURL: loopback.url }).countTokens(request, { model: 'm' })).toBe(estimateRequestTokens(request));
    expect(loopback.requests.length).toBe(before);
  });
});
