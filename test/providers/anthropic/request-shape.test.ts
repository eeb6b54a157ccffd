import { describe, expect, it } from 'vitest';
import type { Message } from '../../../src/core/messages.js';
import { InvalidRequestError } from '../../../src/core/errors.js';
import { defaultMaxTokens, FALLBACK_MAX_TOKENS } from '../../../src/providers/anthropic/index.js';
import { sendJson } from '../../helpers/loopback.js';
import { collect, events, provider, replySse, request, textMessage, textStream, useLoopback } from './setup.js';

const { server } = useLoopback();
const MODEL = 'claude-haiku-4-5';
const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function answerText(text = 'ok') {
  server().handle((_req, res) => sendJson(res, 200, textMessage(text)));
}
const sentBody = () => server().requests.at(-1)!.body as Record<string, unknown>;

describe('anthropic request shape (the JSON the loopback server received)', () => {
  it('a multi-turn tool conversation: system hoisted, images, tool calls and results, signed reasoning, merged turns', async () => {
    answerText();
    const messages: Message[] = [
      { role: 'system', content: 'You are a weather bot.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these pictures, and the weather in Paris?' },
          { type: 'image', url: 'https://example.com/cat.png' },
          { type: 'image', data: PNG_BYTES, mediaType: 'image/png' },
          { type: 'image', data: 'R0lGODlhAQABAAAAACw=', mediaType: 'image/gif' },
          { type: 'image', url: 'data:image/jpeg;base64,/9j/4AAQ' },
        ],
      },
      { role: 'user', content: 'Be quick.' },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'I should call the tool.', signature: 'sig-abc' },
          { type: 'reasoning', text: '', redacted: 'opaque-redacted-data' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool-call', toolCallId: 'toolu_1', toolName: 'get_weather', args: { city: 'Paris' } },
          { type: 'tool-call', toolCallId: 'toolu_2', toolName: 'get_time', args: {} },
        ],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'toolu_1', toolName: 'get_weather', result: { tempC: 18, sky: 'clear' } },
          { type: 'tool-result', toolCallId: 'toolu_2', toolName: 'get_time', result: 'timeout', isError: true },
        ],
      },
      { role: 'user', content: 'Thanks! Also in Celsius please.' },
      { role: 'system', content: 'Answer in one sentence.' },
    ];
    const res = await provider(server()).chat({ messages, system: 'Global rules.', params: {} }, { model: MODEL });
    expect(res.warnings).toEqual([]);
    expect(sentBody()).toEqual({
      model: MODEL,
      max_tokens: 64000,
      stream: false,
      system: 'Global rules.\n\nYou are a weather bot.\n\nAnswer in one sentence.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these pictures, and the weather in Paris?' },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: Buffer.from(PNG_BYTES).toString('base64') } },
            { type: 'image', source: { type: 'base64', media_type: 'image/gif', data: 'R0lGODlhAQABAAAAACw=' } },
            { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
            { type: 'text', text: 'Be quick.' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'I should call the tool.', signature: 'sig-abc' },
            { type: 'redacted_thinking', data: 'opaque-redacted-data' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
          ],
        },
        {
          // The tool message and the next user message are one user turn, tool results first.
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '{"tempC":18,"sky":"clear"}' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: 'timeout', is_error: true },
            { type: 'text', text: 'Thanks! Also in Celsius please.' },
          ],
        },
      ],
    });
  });

  it('a user message before tool results merges with them, tool results moved first', async () => {
    answerText();
    await provider(server()).chat(
      {
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 't1', toolName: 'f', args: { a: 1 } }] },
          { role: 'user', content: 'note: be careful' },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't1', toolName: 'f', result: [1, 2] }] },
        ],
        params: {},
      },
      { model: MODEL },
    );
    const msgs = sentBody().messages as Array<{ role: string; content: unknown[] }>;
    expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(msgs[2]!.content).toEqual([
      { type: 'tool_result', tool_use_id: 't1', content: '[1,2]' },
      { type: 'text', text: 'note: be careful' },
    ]);
  });

  it('params, tools and tool choice; unsupported params become warnings, not drops or throws', async () => {
    answerText();
    const res = await provider(server()).chat(
      request('weather?', {
        tools: [
          {
            name: 'get_weather',
            description: 'Weather for a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        ],
        toolChoice: 'required',
        params: {
          temperature: 0.3,
          topP: 0.9,
          topK: 40,
          maxTokens: 512,
          stop: ['END'],
          seed: 7,
          frequencyPenalty: 0.5,
          presencePenalty: 0.1,
        },
      }),
      { model: MODEL },
    );
    expect(sentBody()).toMatchObject({
      max_tokens: 512,
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      tools: [
        {
          name: 'get_weather',
          description: 'Weather for a city',
          input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      ],
      tool_choice: { type: 'any' },
    });
    expect(sentBody()).not.toHaveProperty('seed');
    expect(sentBody()).not.toHaveProperty('frequency_penalty');
    expect(res.warnings.map((w) => [w.type, w.path])).toEqual([
      ['unsupported-parameter', 'params.seed'],
      ['unsupported-parameter', 'params.frequencyPenalty'],
      ['unsupported-parameter', 'params.presencePenalty'],
    ]);
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['none', { type: 'none' }],
    ['required', { type: 'any' }],
    [
      { type: 'tool', name: 'get_weather' },
      { type: 'tool', name: 'get_weather' },
    ],
  ] as const)('toolChoice %j -> %j', async (choice, wire) => {
    answerText();
    await provider(server()).chat(request('x', { tools: [{ name: 'get_weather', parameters: { type: 'object' } }], toolChoice: choice }), {
      model: MODEL,
    });
    expect(sentBody().tool_choice).toEqual(wire);
  });

  it('unsupported params are also warned in stream-start', async () => {
    server().handle((_req, res) => replySse(res, textStream('hi')));
    const parts = await collect(provider(server()).stream(request('x', { params: { seed: 1, temperature: 1.5 } }), { model: MODEL }));
    expect(parts[0]).toMatchObject({ type: 'stream-start' });
    const warnings = (parts[0] as { warnings: Array<{ path: string }> }).warnings.map((w) => w.path);
    expect(warnings).toEqual(['params.temperature', 'params.seed']);
    expect(sentBody()).toMatchObject({ stream: true, temperature: 1 });
  });

  it('providerOptions.anthropic passes through (thinking, metadata); thinking drops temperature/topK with warnings', async () => {
    answerText();
    const res = await provider(server()).chat(
      request('x', {
        params: { temperature: 0.5, topK: 5, maxTokens: 4000 },
        providerOptions: { anthropic: { thinking: { type: 'enabled', budget_tokens: 2048 }, metadata: { user_id: 'u-7' }, stream: true } },
      }),
      { model: MODEL },
    );
    expect(sentBody()).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 2048 },
      metadata: { user_id: 'u-7' },
      max_tokens: 4000,
      stream: false,
    });
    expect(sentBody()).not.toHaveProperty('temperature');
    expect(sentBody()).not.toHaveProperty('top_k');
    expect(res.warnings.map((w) => w.path)).toEqual(['providerOptions.anthropic.stream', 'params.temperature', 'params.topK']);
  });

  it('responseFormat json-schema: a forced tool carries the answer, returned as text with finish stop', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    server().handle((_req, res) =>
      sendJson(res, 200, {
        ...textMessage(''),
        content: [{ type: 'tool_use', id: 'toolu_j', name: 'city_answer', input: { city: 'Paris' } }],
        stop_reason: 'tool_use',
      }),
    );
    const res = await provider(server()).chat(
      request('capital of France?', { responseFormat: { type: 'json-schema', schema, name: 'city_answer' } }),
      { model: MODEL },
    );
    expect(sentBody()).toMatchObject({
      tools: [{ name: 'city_answer', input_schema: schema }],
      tool_choice: { type: 'tool', name: 'city_answer' },
    });
    expect(res.content).toEqual([{ type: 'text', text: '{"city":"Paris"}' }]);
    expect(res.finishReason).toBe('stop');
    expect(res.rawFinishReason).toBe('tool_use');
    expect(res.warnings).toEqual([]);
  });

  it('responseFormat json in a stream: the forced tool input streams as text deltas', async () => {
    server().handle((_req, res) =>
      replySse(res, [
        ...textStream('').slice(0, 1),
        ...events(
          { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_j', name: 'json', input: {} } },
          { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"a":' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: ' 1}' } },
        ),
        `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n`,
        `event: message_delta\ndata: ${JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 4 } })}\n\n`,
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
      ]),
    );
    const parts = await collect(provider(server()).stream(request('x', { responseFormat: { type: 'json' } }), { model: MODEL }));
    expect(
      parts
        .filter((p) => p.type === 'text-delta')
        .map((p) => (p as { delta: string }).delta)
        .join(''),
    ).toBe('{"a": 1}');
    expect(parts.some((p) => p.type === 'tool-call')).toBe(false);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop', rawFinishReason: 'tool_use' });
    expect(sentBody()).toMatchObject({ tool_choice: { type: 'tool', name: 'json' } });
  });

  it('responseFormat with user tools falls back to a system instruction, with a warning', async () => {
    answerText('{"x":1}');
    const res = await provider(server()).chat(
      request('x', {
        system: 'Be nice.',
        tools: [{ name: 'f', parameters: { type: 'object' } }],
        responseFormat: { type: 'json-schema', schema: { type: 'object' } },
      }),
      { model: MODEL },
    );
    expect(sentBody().system).toMatch(/^Be nice\.\n\nRespond only with a single valid JSON value.*\{"type":"object"\}$/s);
    expect(sentBody().tool_choice).toBeUndefined();
    expect(res.warnings).toMatchObject([{ type: 'other', path: 'responseFormat' }]);
  });

  it('reasoning without an Anthropic signature is left out with a warning', async () => {
    answerText();
    const res = await provider(server()).chat(
      {
        messages: [
          { role: 'user', content: 'q' },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'foreign thoughts' },
              { type: 'text', text: 'a' },
            ],
          },
          { role: 'user', content: 'q2' },
        ],
        params: {},
      },
      { model: MODEL },
    );
    expect((sentBody().messages as Array<{ content: unknown[] }>)[1]!.content).toEqual([{ type: 'text', text: 'a' }]);
    expect(res.warnings).toMatchObject([{ type: 'unsupported-content', path: 'messages[1].content[0]' }]);
  });

  it('an image given as data without a mediaType -> InvalidRequestError with its path, nothing sent', async () => {
    answerText();
    const e = await provider(server())
      .chat({ messages: [{ role: 'user', content: [{ type: 'image', data: PNG_BYTES }] }], params: {} }, { model: MODEL })
      .catch((x: unknown) => x);
    expect(InvalidRequestError.isInstance(e)).toBe(true);
    expect((e as InvalidRequestError).path).toBe('messages[0].content[0].mediaType');
    expect(server().requests).toHaveLength(0);
  });

  it('per-call headers and factory headers are sent', async () => {
    answerText();
    await provider(server(), { headers: { 'x-team': 'search' } }).chat(request(), {
      model: MODEL,
      headers: { 'anthropic-beta': 'foo-2025' },
    });
    expect(server().requests[0]!.headers).toMatchObject({ 'x-team': 'search', 'anthropic-beta': 'foo-2025' });
  });

  it('max_tokens defaults from the per-model table (longest prefix wins, dated snapshots match)', () => {
    expect(defaultMaxTokens('claude-sonnet-4-5-20250929')).toBe(64000);
    expect(defaultMaxTokens('claude-opus-4-1')).toBe(32000);
    expect(defaultMaxTokens('claude-3-5-haiku-latest')).toBe(8192);
    expect(defaultMaxTokens('claude-haiku-4-5')).toBe(64000);
    expect(defaultMaxTokens('some-new-model')).toBe(FALLBACK_MAX_TOKENS);
    expect(defaultMaxTokens('x-model', { x: 99 })).toBe(99);
  });

  it('the defaultMaxTokens option replaces the table', async () => {
    answerText();
    await provider(server(), { defaultMaxTokens: { 'claude-haiku': 1234 } }).chat(request(), { model: MODEL });
    expect(sentBody().max_tokens).toBe(1234);
  });

  it('an apiKey resolver is called when the client is created and on rotation, and its key is used', async () => {
    answerText();
    let n = 0;
    const p = provider(server(), { apiKey: () => `sk-ant-rotating-key-${++n}-abcdefgh` });
    await p.chat(request(), { model: MODEL });
    await p.chat(request(), { model: MODEL });
    expect(await p.rotateCredentials()).toBe('rotated');
    await p.chat(request(), { model: MODEL });
    const keys = server().requests.map((r) => r.headers['x-api-key'] ?? r.headers.authorization);
    expect(keys[0]).toContain('sk-ant-rotating-key-1-abcdefgh');
    expect(keys[1]).toContain('sk-ant-rotating-key-1-abcdefgh');
    expect(keys[2]).toContain('sk-ant-rotating-key-2-abcdefgh');
  });
});
