import { describe, expect, it } from 'vitest';
import type { ProviderRequest } from '../../src/core/request.js';
import { deepseek } from '../../src/providers/deepseek/index.js';
import { openaiCompatible } from '../../src/providers/openai-compatible/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { sendJson } from '../helpers/loopback.js';
import { API_KEY, collect, sendSse, textRequest, useLoopback } from './openai/helpers.js';

const OK = {
  id: 'chatcmpl-1',
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
};
const SSE_OK = [
  `data: ${JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content: 'ok' }, finish_reason: null }] })}\n\n`,
  `data: ${JSON.stringify({ id: 'c', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
  'data: [DONE]\n\n',
];

const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

/** A multi-turn conversation touching every message and part kind. */
const conversation: ProviderRequest = {
  system: 'You are terse.',
  messages: [
    { role: 'system', content: 'Answer in English.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in these images, and the weather in Paris?' },
        { type: 'image', url: 'https://example.com/cat.png' },
        { type: 'image', data: 'iVBORw0KGgo=', mediaType: 'image/png' },
        { type: 'image', data: PNG_BYTES, mediaType: 'image/png' },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'I should call the weather tool.' },
        { type: 'text', text: 'A cat. Checking the weather.' },
        { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', args: { city: 'Paris' } },
        { type: 'tool-call', toolCallId: 'call_2', toolName: 'time', args: {} },
      ],
    },
    {
      role: 'tool',
      content: [
        { type: 'tool-result', toolCallId: 'call_1', toolName: 'weather', result: { tempC: 21, sky: 'clear' } },
        { type: 'tool-result', toolCallId: 'call_2', toolName: 'time', result: '14:05' },
      ],
    },
    { role: 'assistant', content: 'It is 21°C and clear at 14:05.' },
    { role: 'user', content: 'Thanks!' },
  ],
  tools: [
    {
      name: 'weather',
      description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
    { name: 'time', parameters: { type: 'object', properties: {} } },
  ],
  toolChoice: { type: 'tool', name: 'weather' },
  responseFormat: {
    type: 'json-schema',
    name: 'answer',
    description: 'The answer',
    strict: true,
    schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false },
  },
  params: { temperature: 0.3, topP: 0.9, maxTokens: 256, stop: ['END'], seed: 42, frequencyPenalty: 0.5, presencePenalty: -0.5 },
};

describe('request shape sent by the real SDK', () => {
  const lb = useLoopback();

  it('openai: multi-turn conversation, images, tool calls and results, params, tools, json-schema', async () => {
    lb.current.handle((_req, res) => sendJson(res, 200, OK));
    const res = await openai({ apiKey: API_KEY, baseURL: `${lb.current.url}/v1` }).chat(conversation, {
      model: 'gpt-4o',
      headers: { 'x-trace': 't-1' },
    });
    const req = lb.current.requests[0]!;
    expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req.headers['x-trace']).toBe('t-1');
    expect(req.headers['x-stainless-retry-count']).toBe('0');
    expect(req.body).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'system', content: 'Answer in English.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these images, and the weather in Paris?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw==' } },
          ],
        },
        {
          role: 'assistant',
          content: 'A cat. Checking the weather.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'time', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"tempC":21,"sky":"clear"}' },
        { role: 'tool', tool_call_id: 'call_2', content: '14:05' },
        { role: 'assistant', content: 'It is 21°C and clear at 14:05.' },
        { role: 'user', content: 'Thanks!' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'weather',
            description: 'Weather for a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
        { type: 'function', function: { name: 'time', parameters: { type: 'object', properties: {} } } },
      ],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'answer',
          description: 'The answer',
          strict: true,
          schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false },
        },
      },
      temperature: 0.3,
      top_p: 0.9,
      max_completion_tokens: 256,
      stop: ['END'],
      seed: 42,
      frequency_penalty: 0.5,
      presence_penalty: -0.5,
    });
    // OpenAI has no field for reasoning input: dropped, and said so.
    expect(res.warnings).toEqual([
      {
        type: 'unsupported-content',
        path: 'messages[2].content[0]',
        message: 'This endpoint takes no reasoning input; the reasoning part was dropped',
      },
    ]);
  });

  it('openai: topK is not sent and becomes a warning; JSON mode; string toolChoice; assistant with only tool calls has content null', async () => {
    lb.current.handle((_req, res) => sendJson(res, 200, OK));
    const res = await openai({ apiKey: API_KEY, baseURL: `${lb.current.url}/v1` }).chat(
      {
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'f', args: { a: 1 } }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'f', result: [1, 2] }] },
        ],
        tools: [{ name: 'f', parameters: { type: 'object' } }],
        toolChoice: 'required',
        responseFormat: { type: 'json' },
        params: { topK: 40 },
      },
      { model: 'gpt-4o' },
    );
    const body = lb.current.requests[0]!.body as Record<string, unknown>;
    expect(body.top_k).toBeUndefined();
    expect(body.tool_choice).toBe('required');
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect((body.messages as unknown[])[1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
    });
    expect((body.messages as unknown[])[2]).toEqual({ role: 'tool', tool_call_id: 'c1', content: '[1,2]' });
    expect(res.warnings).toEqual([
      { type: 'unsupported-parameter', path: 'params.topK', message: '"topK" is not supported by this endpoint or model and was not sent' },
    ]);
  });

  it('openai: streams ask for stream_options.include_usage; warnings arrive on stream-start', async () => {
    lb.current.handle((_req, res) => sendSse(res, SSE_OK));
    const parts = await collect(
      openai({ apiKey: API_KEY, baseURL: `${lb.current.url}/v1` }).stream(textRequest('hi', { params: { topK: 3 } }), { model: 'gpt-4o' }),
    );
    expect(lb.current.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(parts[0]).toMatchObject({ type: 'stream-start', warnings: [{ path: 'params.topK' }] });
    // no usage in this stream: the finish part carries none and the router estimates
    expect(parts[parts.length - 1]).toEqual({ type: 'finish', finishReason: 'stop', rawFinishReason: 'stop' });
  });

  it('openai: providerOptions.openai is merged into the body; developerRole quirk', async () => {
    lb.current.handle((_req, res) => sendJson(res, 200, OK));
    await openai({ apiKey: API_KEY, baseURL: `${lb.current.url}/v1`, quirks: (m) => ({ developerRole: m.startsWith('o') }) }).chat(
      textRequest('hi', {
        system: 'Be brief.',
        providerOptions: { openai: { reasoning_effort: 'low', user: 'u-7' }, anthropic: { ignored: true } },
      }),
      { model: 'o3-mini' },
    );
    expect(lb.current.requests[0]!.body).toEqual({
      model: 'o3-mini',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      reasoning_effort: 'low',
      user: 'u-7',
    });
  });

  it('openaiCompatible defaults: max_tokens, top_k needs a quirk, no Authorization header without a key', async () => {
    lb.current.handle((_req, res) => sendJson(res, 200, OK));
    const local = openaiCompatible({ name: 'vllm', baseURL: `${lb.current.url}/v1`, quirks: { topK: true } });
    expect(local.kind).toBe('openai-compatible');
    const res = await local.chat(textRequest('hi', { params: { maxTokens: 10, topK: 5 } }), { model: 'qwen2.5' });
    const req = lb.current.requests[0]!;
    expect(req.headers.authorization).toBeUndefined();
    expect(req.body).toMatchObject({ max_tokens: 10, top_k: 5 });
    expect((req.body as Record<string, unknown>).max_completion_tokens).toBeUndefined();
    expect(res.warnings).toEqual([]);
  });

  it('openaiCompatible quirks: no stream_options, no tool_choice, no json_schema, no images, unsupported params -> warnings', async () => {
    lb.current.handle((_req, res) => sendSse(res, SSE_OK));
    const groq = openaiCompatible({
      name: 'groq',
      apiKey: 'gsk_test_0123456789abcdef',
      baseURL: `${lb.current.url}/openai/v1`,
      quirks: {
        streamOptions: false,
        toolChoice: false,
        jsonSchema: false,
        images: false,
        unsupportedParams: ['seed', 'frequencyPenalty'],
      },
    });
    const parts = await collect(groq.stream(conversation, { model: 'llama-3.3-70b' }));
    const req = lb.current.requests[0]!;
    expect(req.url).toBe('/openai/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer gsk_test_0123456789abcdef');
    const body = req.body as Record<string, unknown>;
    expect(body.stream).toBe(true);
    expect(body.stream_options).toBeUndefined();
    expect(body.tool_choice).toBeUndefined();
    expect(body.tools).toHaveLength(2);
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.seed).toBeUndefined();
    expect(body.frequency_penalty).toBeUndefined();
    expect(body.presence_penalty).toBe(-0.5);
    expect(body.max_tokens).toBe(256);
    expect((body.messages as Array<{ role: string; content: unknown }>)[2]!.content).toEqual([
      { type: 'text', text: 'What is in these images, and the weather in Paris?' },
    ]);
    const start = parts[0] as { type: 'stream-start'; warnings: Array<{ type: string; path?: string }> };
    expect(start.type).toBe('stream-start');
    expect(start.warnings.map((w) => `${w.type} ${w.path}`)).toEqual([
      'unsupported-content messages[1].content[1]',
      'unsupported-content messages[1].content[2]',
      'unsupported-content messages[1].content[3]',
      'unsupported-content messages[2].content[0]',
      'unsupported-parameter toolChoice',
      'unsupported-parameter responseFormat.schema',
      'unsupported-parameter params.frequencyPenalty',
      'unsupported-parameter params.seed',
    ]);
    expect(parts[parts.length - 1]).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });

  it('openaiCompatible: jsonMode:false drops the response format with a warning', async () => {
    lb.current.handle((_req, res) => sendJson(res, 200, OK));
    const res = await openaiCompatible({
      name: 'llamacpp',
      baseURL: `${lb.current.url}/v1`,
      quirks: { jsonMode: false, jsonSchema: false },
    }).chat(textRequest('hi', { responseFormat: { type: 'json' } }), { model: 'local' });
    expect((lb.current.requests[0]!.body as Record<string, unknown>).response_format).toBeUndefined();
    expect(res.warnings).toEqual([
      {
        type: 'unsupported-parameter',
        path: 'responseFormat',
        message: 'This endpoint has no JSON mode; the response format was not sent',
      },
    ]);
  });

  it('deepseek: base URL path, max_tokens, reasoning_content sent back only on tool-call turns, reasoner param warnings', async () => {
    lb.current.handle((_req, res) => sendJson(res, 200, OK));
    const ds = deepseek({ apiKey: API_KEY, baseURL: lb.current.url });
    expect(ds.kind).toBe('deepseek');
    const res = await ds.chat(
      {
        messages: [
          { role: 'user', content: 'Weather?' },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'Need the tool.' },
              { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', args: { city: 'SF' } },
            ],
          },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'weather', result: 'sunny' }] },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'Summarise.' },
              { type: 'text', text: 'Sunny.' },
            ],
          },
          { role: 'user', content: 'Thanks' },
        ],
        params: { temperature: 0.2, maxTokens: 100, seed: 1 },
        providerOptions: { deepseek: { thinking: { type: 'enabled' } } },
      },
      { model: 'deepseek-reasoner' },
    );
    const req = lb.current.requests[0]!;
    expect(req.url).toBe('/chat/completions');
    expect(req.body).toEqual({
      model: 'deepseek-reasoner',
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: null,
          reasoning_content: 'Need the tool.',
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"SF"}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
        { role: 'assistant', content: 'Sunny.' },
        { role: 'user', content: 'Thanks' },
      ],
      max_tokens: 100,
      thinking: { type: 'enabled' },
    });
    expect(res.warnings.map((w) => w.path)).toEqual(['params.temperature', 'params.seed']);
  });

  it('deepseek-chat: a json-schema response format falls back to JSON mode with a warning', async () => {
    lb.current.handle((_req, res) => sendJson(res, 200, OK));
    const res = await deepseek({ apiKey: API_KEY, baseURL: lb.current.url }).chat(
      textRequest('json please', { responseFormat: { type: 'json-schema', schema: { type: 'object' } }, params: { temperature: 0.7 } }),
      { model: 'deepseek-chat' },
    );
    expect(lb.current.requests[0]!.body).toMatchObject({ response_format: { type: 'json_object' }, temperature: 0.7 });
    expect(res.warnings.map((w) => w.path)).toEqual(['responseFormat.schema']);
  });

  it('a ready client is used as is, with retries off and the caller signal passed per request', async () => {
    lb.current.handle((_req, res) => sendJson(res, 503, { error: { message: 'busy', type: 'server_error' } }));
    const { default: OpenAI } = await import('openai');
    const client = new OpenAI({ apiKey: API_KEY, baseURL: `${lb.current.url}/v1`, maxRetries: 5 });
    const p = openai({ client });
    await expect(p.chat(textRequest(), { model: 'gpt-4o' })).rejects.toMatchObject({ statusCode: 503 });
    expect(lb.current.requests).toHaveLength(1);
    expect(await p.client()).toBe(client);
  });

  it('custom fetch and headers options reach the SDK', async () => {
    lb.current.handle((_req, res) => sendJson(res, 200, OK));
    const urls: string[] = [];
    const p = openai({
      apiKey: API_KEY,
      baseURL: `${lb.current.url}/v1`,
      headers: { 'x-team': 'search' },
      fetch: (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      },
    });
    await p.chat(textRequest(), { model: 'gpt-4o' });
    expect(urls).toEqual([`${lb.current.url}/v1/chat/completions`]);
    expect(lb.current.requests[0]!.headers['x-team']).toBe('search');
  });

  it('an apiKey resolver is called and its key is used', async () => {
    lb.current.handle((_req, res) => sendJson(res, 200, OK));
    let calls = 0;
    const p = openai({
      apiKey: async () => {
        calls++;
        return 'sk-rotated-key-000000000000';
      },
      baseURL: `${lb.current.url}/v1`,
    });
    await p.chat(textRequest(), { model: 'gpt-4o' });
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(lb.current.requests[0]!.headers.authorization).toBe('Bearer sk-rotated-key-000000000000');
  });
});
