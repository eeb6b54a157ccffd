import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/core/errors.js';
import { openai } from '../../src/providers/openai/index.js';
import { chunkLines, openaiSse, readFixture, readFixtureJson, readHttprr } from '../helpers/fixtures.js';
import { sendJson } from '../helpers/loopback.js';
import { API_KEY, caught, collect, sendSse, summarize, textRequest, useLoopback } from './openai/helpers.js';

/** Concatenated `choices[index].delta.content` of raw chunks: the text a reader of the fixture sees. */
function fixtureText(chunks: string[], index = 0): string {
  let text = '';
  for (const line of chunks) {
    const chunk = JSON.parse(line) as { choices?: Array<{ index: number; delta?: { content?: string | null } }> };
    for (const c of chunk.choices ?? []) if (c.index === index) text += c.delta?.content ?? '';
  }
  return text;
}

function binLines(name: string): string[] {
  return readFixture(`openai/${name}.bin`)
    .split('\n')
    .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
    .map((l) => l.slice(6));
}

describe('openai fixtures replayed through the real SDK', () => {
  const lb = useLoopback();
  const provider = () => openai({ apiKey: API_KEY, baseURL: `${lb.current.url}/v1` });

  it('openai-text.json: non-stream text with full usage', async () => {
    const body = readFixtureJson<{ choices: Array<{ message: { content: string } }> }>('openai/openai-text.json');
    lb.current.handle((_req, res) => sendJson(res, 200, readFixture('openai/openai-text.json')));
    const res = await provider().chat(textRequest('Invent a holiday'), { model: 'gpt-4.1-nano' });
    expect(lb.current.requests[0]!.url).toBe('/v1/chat/completions');
    expect(res.content).toEqual([{ type: 'text', text: body.choices[0]!.message.content }]);
    expect(res.id).toBe('chatcmpl-D8Z5f52zQqikDBEKQMQoYcWMcWPeU');
    expect(res.modelId).toBe('gpt-4.1-nano-2025-04-14');
    expect(res.finishReason).toBe('stop');
    expect(res.rawFinishReason).toBe('stop');
    expect(res.warnings).toEqual([]);
    expect(res.usage).toMatchObject({ inputTokens: 16, outputTokens: 363, totalTokens: 379, cachedInputTokens: 0, reasoningTokens: 0 });
    expect(res.usage.raw).toMatchObject({ prompt_tokens: 16, completion_tokens_details: { accepted_prediction_tokens: 0 } });
  });

  it('openai-text.chunks.txt: 303 chunks, usage from the trailing choices:[] chunk', async () => {
    const lines = chunkLines('openai/openai-text.chunks.txt');
    lb.current.handle((_req, res) => sendSse(res, openaiSse(lines)));
    const parts = await collect(provider().stream(textRequest(), { model: 'gpt-4.1-nano' }));
    const s = summarize(parts);
    expect(parts[0]).toEqual({ type: 'stream-start', warnings: [] });
    expect(s.metadata).toEqual({
      type: 'response-metadata',
      id: 'chatcmpl-D8Z5oo6uDh67AD85p73ksdT1KxhE0',
      modelId: 'gpt-4.1-nano-2025-04-14',
    });
    expect(s.text).toBe(fixtureText(lines));
    expect(s.text.startsWith('**Holiday Name:** Harmony Day')).toBe(true);
    expect(parts[parts.length - 1]).toMatchObject({
      type: 'finish',
      finishReason: 'stop',
      rawFinishReason: 'stop',
      usage: { inputTokens: 16, outputTokens: 300, totalTokens: 316, cachedInputTokens: 0, reasoningTokens: 0 },
    });
    expect((lb.current.requests[0]!.body as { stream_options: unknown }).stream_options).toEqual({ include_usage: true });
  });

  it('e2aad469.bin (raw SSE, sent unchanged): plain text stream', async () => {
    const raw = readFixture('openai/e2aad469b71d1d4894ff833ea147020a9d875eb7ce644a0ff355581690a4cbfd.bin');
    lb.current.handle((_req, res) => sendSse(res, [raw]));
    const s = summarize(await collect(provider().stream(textRequest("What's the weather like in SF?"), { model: 'gpt-4o' })));
    expect(s.text).toBe(
      "I'm unable to provide real-time weather updates. To get the current weather in San Francisco, I recommend checking a reliable " +
        'weather website or a weather app.',
    );
    expect(s.finish).toMatchObject({
      finishReason: 'stop',
      rawFinishReason: 'stop',
      usage: { inputTokens: 14, outputTokens: 30, totalTokens: 44, reasoningTokens: 0 },
    });
    expect(s.finish!.usage!.cachedInputTokens).toBeUndefined();
  });

  it('f82268f2.bin: two parallel tool calls assembled by index, deltas first, then one tool-call each', async () => {
    const raw = readFixture('openai/f82268f2fefd5cfbc7eeb59c297688be2f6ca0849a6e4f17851b517310841d9b.bin');
    lb.current.handle((_req, res) => sendSse(res, [raw]));
    const parts = await collect(provider().stream(textRequest(), { model: 'gpt-4o' }));
    const s = summarize(parts);
    expect(s.toolCalls).toEqual([
      { toolCallId: 'call_JMW1whyEaYG438VE1OIflxA2', toolName: 'GetWeatherArgs', args: { city: 'Edinburgh', country: 'GB', units: 'c' } },
      { toolCallId: 'call_DNYTawLBoN8fj3KN6qU9N1Ou', toolName: 'get_stock_price', args: { ticker: 'AAPL', exchange: 'NASDAQ' } },
    ]);
    expect(s.toolCallDeltas).toEqual({
      call_JMW1whyEaYG438VE1OIflxA2: '{"city": "Edinburgh", "country": "GB", "units": "c"}',
      call_DNYTawLBoN8fj3KN6qU9N1Ou: '{"ticker": "AAPL", "exchange": "NASDAQ"}',
    });
    const firstCall = parts.findIndex((p) => p.type === 'tool-call');
    const lastDelta = parts.map((p) => p.type).lastIndexOf('tool-call-delta');
    expect(lastDelta).toBeLessThan(firstCall);
    expect(s.text).toBe('');
    expect(s.finish).toMatchObject({
      finishReason: 'tool-calls',
      rawFinishReason: 'tool_calls',
      usage: { inputTokens: 149, outputTokens: 60, totalTokens: 209 },
    });
  });

  it('a247c49c.bin: one streamed tool call with content:null and refusal:null', async () => {
    const raw = readFixture('openai/a247c49c5fcd492bfb7a02a3306ad615ed8d8f649888ebfddfbc3ee151f44d46.bin');
    lb.current.handle((_req, res) => sendSse(res, [raw]));
    const s = summarize(await collect(provider().stream(textRequest(), { model: 'gpt-4o' })));
    expect(s.toolCalls).toEqual([
      { toolCallId: 'call_CTf1nWJLqSeRgDqaCG27xZ74', toolName: 'get_weather', args: { city: 'San Francisco', state: 'CA' } },
    ]);
    expect(s.finish).toMatchObject({ finishReason: 'tool-calls', usage: { inputTokens: 48, outputTokens: 19, totalTokens: 67 } });
    expect(s.finish!.providerMetadata).toBeUndefined();
  });

  it('4cc50a61.bin: finish_reason length after one token', async () => {
    const raw = readFixture('openai/4cc50a6135d254573a502310e6af1246f55edb6ad95fa24059f160996b68866d.bin');
    lb.current.handle((_req, res) => sendSse(res, [raw]));
    const s = summarize(await collect(provider().stream(textRequest(), { model: 'gpt-4o' })));
    expect(s.text).toBe('{"');
    expect(s.finish).toMatchObject({
      finishReason: 'length',
      rawFinishReason: 'length',
      usage: { inputTokens: 79, outputTokens: 1, totalTokens: 80 },
    });
  });

  it('173417d5.bin: a streamed refusal is kept in providerMetadata and finishes as content-filter', async () => {
    const raw = readFixture('openai/173417d553406f034f643e5db3f8d591fb691ebac56f5ae39a22cc7d455c5353.bin');
    lb.current.handle((_req, res) => sendSse(res, [raw]));
    const s = summarize(await collect(provider().stream(textRequest(), { model: 'gpt-4o' })));
    expect(s.text).toBe('');
    expect(s.finish).toMatchObject({
      finishReason: 'content-filter',
      rawFinishReason: 'stop',
      providerMetadata: { openai: { refusal: "I'm sorry, I can't assist with that request." } },
      usage: { inputTokens: 79, outputTokens: 11, totalTokens: 90 },
    });
  });

  it('a491adda.bin: n=3 interleaved choices; we take choice 0 and say so', async () => {
    const raw = readFixture('openai/a491adda08c3d4fde95f5b2ee3f60f7f745f1a56d82e62f58031cc2add502380.bin');
    lb.current.handle((_req, res) => sendSse(res, [raw]));
    const parts = await collect(provider().stream(textRequest('', { providerOptions: { openai: { n: 3 } } }), { model: 'gpt-4o' }));
    const s = summarize(parts);
    expect(fixtureText(binLines('a491adda08c3d4fde95f5b2ee3f60f7f745f1a56d82e62f58031cc2add502380'), 1)).toContain('61');
    expect(s.text).toBe('{"city":"San Francisco","temperature":65,"units":"f"}');
    expect(parts[0]).toEqual({
      type: 'stream-start',
      warnings: [{ type: 'other', path: 'providerOptions.openai.n', message: 'n=3: only the first choice (index 0) is returned' }],
    });
    expect(s.finish).toMatchObject({
      finishReason: 'stop',
      providerMetadata: { openai: { ignoredChoices: [1, 2] } },
      usage: { inputTokens: 79, outputTokens: 42 },
    });
    expect((lb.current.requests[0]!.body as { n: number }).n).toBe(3);
  });

  it('azure-model-router.1.chunks.txt: a first chunk with choices:[] and content_filter_results is not an error', async () => {
    const lines = chunkLines('openai/azure-model-router.1.chunks.txt');
    lb.current.handle((_req, res) => sendSse(res, openaiSse(lines)));
    const s = summarize(await collect(provider().stream(textRequest(), { model: 'model-router' })));
    expect(s.text).toBe(fixtureText(lines));
    expect(s.text).toBe('Capital of Denmark.');
    expect(s.finish).toMatchObject({
      finishReason: 'stop',
      usage: { inputTokens: 15, outputTokens: 78, totalTokens: 93, cachedInputTokens: 0, reasoningTokens: 64 },
    });
  });

  it('TestClient_CreateChatCompletionStream.httprr: recorded headers and body', async () => {
    const [exchange] = readHttprr('openai/TestClient_CreateChatCompletionStream.httprr');
    lb.current.handle((_req, res) => {
      res.writeHead(exchange!.status, {
        'content-type': exchange!.headers['content-type']!,
        'x-request-id': exchange!.headers['x-request-id']!,
      });
      res.end(exchange!.body);
    });
    const lines = exchange!.body
      .toString('utf8')
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => l.slice(6));
    const s = summarize(await collect(provider().stream(textRequest('Count from 1 to 5'), { model: 'gpt-3.5-turbo' })));
    expect(s.text).toBe(fixtureText(lines));
    expect(s.text).toMatch(/^1, 2, 3, 4, 5/);
    expect(s.finish).toMatchObject({ finishReason: 'stop', usage: { inputTokens: expect.any(Number), outputTokens: expect.any(Number) } });
    const usage = (JSON.parse(lines[lines.length - 1]!) as { usage: { prompt_tokens: number; completion_tokens: number } }).usage;
    expect(s.finish!.usage).toMatchObject({ inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens });
  });

  it('TestFunctionCall.httprr: non-stream tool call, arguments parsed from the JSON string', async () => {
    const [exchange] = readHttprr('openai/TestFunctionCall.httprr');
    lb.current.handle((_req, res) => {
      res.writeHead(exchange!.status, { 'content-type': exchange!.headers['content-type']! });
      res.end(exchange!.body);
    });
    const res = await provider().chat(textRequest('What is the weather like in Boston?'), { model: 'gpt-3.5-turbo' });
    expect(res.content).toEqual([
      { type: 'tool-call', toolCallId: 'call_olc8qHf1RDItRqwuEBNjsu3B', toolName: 'getCurrentWeather', args: { location: 'Boston' } },
    ]);
    expect(res.finishReason).toBe('tool-calls');
    expect(res.rawFinishReason).toBe('tool_calls');
    expect(res.usage).toMatchObject({ inputTokens: 81, outputTokens: 14, totalTokens: 95, cachedInputTokens: 0, reasoningTokens: 0 });
  });

  it('reasoning-model-legacy-parameter-error.json: HTTP 400 unsupported_parameter becomes InvalidRequestError', async () => {
    lb.current.handle((_req, res) => sendJson(res, 400, readFixture('openai/reasoning-model-legacy-parameter-error.json')));
    const error = await caught(() => provider().chat(textRequest(), { model: 'o3-mini' }));
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    const e = error as InvalidRequestError;
    expect(e).toMatchObject({
      statusCode: 400,
      vendorCode: 'unsupported_parameter',
      provider: 'openai',
      model: 'o3-mini',
      retryable: false,
    });
    expect(e.message).toContain("Unsupported parameter: 'max_tokens'");
    expect(e.message).toContain('o3-mini');
    expect((e.cause as { status?: number }).status).toBe(400);
  });
});
