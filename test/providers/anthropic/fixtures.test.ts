import { describe, expect, it } from 'vitest';
import { InvalidResponseError } from '../../../src/core/errors.js';
import type { ProviderStreamPart } from '../../../src/core/stream.js';
import { anthropicSse, chunkLines, readFixture, readFixtureJson, readHttprr } from '../../helpers/fixtures.js';
import { sendJson } from '../../helpers/loopback.js';
import { collect, provider, replySse, request, useLoopback } from './setup.js';

const { server } = useLoopback();

function serveJson(file: string) {
  const body = readFixtureJson(`anthropic/${file}`);
  server().handle((_req, res) => sendJson(res, 200, body));
}
function serveSse(pieces: string[]) {
  server().handle((_req, res) => replySse(res, pieces));
}
/** sdk-python `.txt` files: already framed, but the last event lacks its terminating blank line. */
function pythonSdkPieces(file: string): string[] {
  const text = readFixture(`anthropic/${file}`);
  return [...text.split(/(?<=\n\n)/), '\n\n'];
}

const textOf = (parts: ProviderStreamPart[]) => parts.flatMap((p) => (p.type === 'text-delta' ? [p.delta] : [])).join('');
const reasoningOf = (parts: ProviderStreamPart[]) => parts.flatMap((p) => (p.type === 'reasoning-delta' ? [p.delta] : [])).join('');
const finishOf = (parts: ProviderStreamPart[]) => {
  const f = parts.at(-1);
  if (f?.type !== 'finish') throw new Error(`last part is ${f?.type}`);
  return f;
};
const toolCallsOf = (parts: ProviderStreamPart[]) => parts.flatMap((p) => (p.type === 'tool-call' ? [p.toolCall] : []));

describe('anthropic fixtures, non-streaming (.json)', () => {
  it('anthropic-text.json: text, end_turn, usage with cache fields', async () => {
    serveJson('anthropic-text.json');
    const res = await provider(server()).chat(request(), { model: 'claude-sonnet-4-20250514' });
    expect(res.content).toEqual([
      { type: 'text', text: "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?" },
    ]);
    expect(res.id).toBe('msg_01VdEjxAP5ahtHKrrRdNBteQ');
    expect(res.modelId).toBe('claude-sonnet-4-5-20250929');
    expect(res.finishReason).toBe('stop');
    expect(res.rawFinishReason).toBe('end_turn');
    expect(res.usage).toMatchObject({ inputTokens: 12, outputTokens: 29, totalTokens: 41, cachedInputTokens: 0, cacheWriteTokens: 0 });
    expect(res.usage.raw).toMatchObject({ input_tokens: 12, service_tier: 'standard', inference_geo: 'not_available' });
  });

  it('anthropic-json-other-tool.1.json: a tool_use block becomes a tool-call with parsed input', async () => {
    serveJson('anthropic-json-other-tool.1.json');
    const res = await provider(server()).chat(request(), { model: 'claude-haiku-4-5' });
    expect(res.content).toEqual([
      { type: 'tool-call', toolCallId: 'toolu_01PQjhxo3eirCdKNvCJrKc8f', toolName: 'weather', args: { location: 'San Francisco' } },
    ]);
    expect(res.finishReason).toBe('tool-calls');
    expect(res.rawFinishReason).toBe('tool_use');
    expect(res.usage).toMatchObject({ inputTokens: 843, outputTokens: 28, totalTokens: 871 });
  });

  it('anthropic-tool-no-args.json: text then a tool call with empty input', async () => {
    serveJson('anthropic-tool-no-args.json');
    const res = await provider(server()).chat(request(), { model: 'claude-3-opus-20240229' });
    expect(res.content).toHaveLength(2);
    expect(res.content[0]).toMatchObject({ type: 'text' });
    expect((res.content[0] as { text: string }).text).toMatch(/^<thinking>\nThe updateIssueList tool/);
    expect(res.content[1]).toEqual({
      type: 'tool-call',
      toolCallId: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1',
      toolName: 'updateIssueList',
      args: {},
    });
    expect(res.finishReason).toBe('tool-calls');
    expect(res.usage).toMatchObject({ inputTokens: 602, outputTokens: 93 });
  });

  it('anthropic-clear-thinking.1.json: thinking block kept with its signature', async () => {
    serveJson('anthropic-clear-thinking.1.json');
    const res = await provider(server()).chat(request(), { model: 'claude-sonnet-4-20250514' });
    expect(res.content[0]).toMatchObject({ type: 'reasoning', text: '925 divided by 5 = 185' });
    expect((res.content[0] as { signature: string }).signature).toMatch(/^Er4BCkYICxgCKkCox.*xRgB$/);
    expect(res.content[1]).toEqual({ type: 'text', text: '925 ÷ 5 = 185' });
    expect(res.finishReason).toBe('stop');
    expect(res.usage).toMatchObject({ inputTokens: 69, outputTokens: 33 });
  });

  it('anthropic-refusal.json: refusal -> content-filter, stop details kept', async () => {
    serveJson('anthropic-refusal.json');
    const res = await provider(server()).chat(request(), { model: 'claude-fable-5' });
    expect(res.content).toEqual([]);
    expect(res.finishReason).toBe('content-filter');
    expect(res.rawFinishReason).toBe('refusal');
    expect(res.providerMetadata?.anthropic?.stopDetails).toMatchObject({ category: 'cyber' });
    expect(res.usage).toMatchObject({ inputTokens: 18, outputTokens: 5 });
  });
});

describe('anthropic fixtures, streaming (.chunks.txt with event: lines)', () => {
  it('anthropic-text.chunks.txt: metadata, text deltas, finish with usage', async () => {
    serveSse(anthropicSse(chunkLines('anthropic/anthropic-text.chunks.txt')));
    const parts = await collect(provider(server()).stream(request(), { model: 'claude-sonnet-4-20250514' }));
    expect(parts[0]).toEqual({ type: 'stream-start', warnings: [] });
    expect(parts[1]).toEqual({ type: 'response-metadata', id: 'msg_01QC4g3HwBThD4BaNtBckFDJ', modelId: 'claude-sonnet-4-5-20250929' });
    expect(textOf(parts)).toBe(
      "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
    );
    expect(parts.filter((p) => p.type === 'text-delta')).toHaveLength(6);
    const finish = finishOf(parts);
    expect(finish).toMatchObject({ finishReason: 'stop', rawFinishReason: 'end_turn' });
    expect(finish.usage).toMatchObject({ inputTokens: 12, outputTokens: 30, totalTokens: 42, cachedInputTokens: 0, cacheWriteTokens: 0 });
  });

  it('anthropic-json-other-tool.1.chunks.txt: tool-call-deltas then one tool-call with parsed args', async () => {
    serveSse(anthropicSse(chunkLines('anthropic/anthropic-json-other-tool.1.chunks.txt')));
    const parts = await collect(provider(server()).stream(request(), { model: 'claude-haiku-4-5' }));
    const deltas = parts.filter((p) => p.type === 'tool-call-delta');
    expect(deltas.map((d) => d.argsDelta).join('')).toBe('{"location": "San Francisco"}');
    expect(deltas[0]).toMatchObject({ toolCallId: 'toolu_019Zvehfe1XQWweT1pm7okyt', toolName: 'weather' });
    expect(toolCallsOf(parts)).toEqual([
      { type: 'tool-call', toolCallId: 'toolu_019Zvehfe1XQWweT1pm7okyt', toolName: 'weather', args: { location: 'San Francisco' } },
    ]);
    expect(finishOf(parts)).toMatchObject({
      finishReason: 'tool-calls',
      rawFinishReason: 'tool_use',
      usage: { inputTokens: 843, outputTokens: 28 },
    });
  });

  it('anthropic-tool-no-args.chunks.txt: text then a tool call whose empty input becomes {}', async () => {
    serveSse(anthropicSse(chunkLines('anthropic/anthropic-tool-no-args.chunks.txt')));
    const parts = await collect(provider(server()).stream(request(), { model: 'claude-sonnet-4-20250514' }));
    expect(textOf(parts)).toBe("I'll update the issue list for you.");
    expect(parts.filter((p) => p.type === 'tool-call-delta')).toHaveLength(0);
    expect(toolCallsOf(parts)).toEqual([
      { type: 'tool-call', toolCallId: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', toolName: 'updateIssueList', args: {} },
    ]);
    expect(finishOf(parts)).toMatchObject({ finishReason: 'tool-calls', usage: { inputTokens: 565, outputTokens: 48 } });
  });

  it('anthropic-clear-thinking.1.chunks.txt: reasoning deltas, the signature on the reasoning part, then text', async () => {
    serveSse(anthropicSse(chunkLines('anthropic/anthropic-clear-thinking.1.chunks.txt')));
    const parts = await collect(provider(server()).stream(request(), { model: 'claude-sonnet-4-20250514' }));
    expect(reasoningOf(parts)).toBe('The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185');
    const signed = parts.filter((p) => p.type === 'reasoning-delta' && p.signature !== undefined);
    expect(signed).toHaveLength(1);
    expect(signed[0]).toMatchObject({ delta: '' });
    expect((signed[0] as { signature: string }).signature).toMatch(/^EvQBCkYICxgCKkAxhD4N/);
    // The signature comes before the first text delta: it closes the reasoning part.
    expect(parts.indexOf(signed[0]!)).toBeLessThan(parts.findIndex((p) => p.type === 'text-delta'));
    expect(textOf(parts)).toBe('925 ÷ 5 = 185');
    expect(finishOf(parts)).toMatchObject({ finishReason: 'stop', usage: { inputTokens: 69, outputTokens: 53 } });
  });

  it('anthropic-refusal.chunks.txt: refusal through message_delta only', async () => {
    serveSse(anthropicSse(chunkLines('anthropic/anthropic-refusal.chunks.txt')));
    const parts = await collect(provider(server()).stream(request(), { model: 'claude-fable-5' }));
    expect(parts.map((p) => p.type)).toEqual(['stream-start', 'response-metadata', 'finish']);
    const finish = finishOf(parts);
    expect(finish).toMatchObject({ finishReason: 'content-filter', rawFinishReason: 'refusal' });
    expect(finish.providerMetadata?.anthropic?.stopDetails).toMatchObject({ type: 'refusal', category: 'cyber' });
    expect(finish.usage).toMatchObject({ inputTokens: 18 });
  });
});

describe('anthropic fixtures, raw SSE (sdk-python .txt, httprr)', () => {
  it('tool_use_response.txt: text, then get_weather with parsed args', async () => {
    serveSse(pythonSdkPieces('tool_use_response.txt'));
    const parts = await collect(provider(server()).stream(request(), { model: 'claude-sonnet-4-20250514' }));
    expect(parts[1]).toEqual({ type: 'response-metadata', id: 'msg_019Q1hrJbZG26Fb9BQhrkHEr', modelId: 'claude-sonnet-4-20250514' });
    expect(textOf(parts)).toBe("I'll check the current weather in Paris for you.");
    expect(toolCallsOf(parts)).toEqual([
      { type: 'tool-call', toolCallId: 'toolu_01NRLabsLyVHZPKxbKvkfSMn', toolName: 'get_weather', args: { location: 'Paris' } },
    ]);
    const finish = finishOf(parts);
    expect(finish).toMatchObject({ finishReason: 'tool-calls', rawFinishReason: 'tool_use' });
    expect(finish.usage).toMatchObject({ inputTokens: 377, outputTokens: 65 });
  });

  it('incomplete_partial_json_response.txt: max_tokens mid tool input -> length, no tool call, partial JSON reported', async () => {
    serveSse(pythonSdkPieces('incomplete_partial_json_response.txt'));
    const parts = await collect(provider(server()).stream(request(), { model: 'claude-3-7-sonnet-20250219' }));
    expect(textOf(parts)).toBe(
      "I'll create a comprehensive tax guide for someone with multiple W2s and save it in a file called taxes.txt. Let me do that for you now.",
    );
    // The arguments were streamed as deltas, but the block never closed: no executable tool call.
    expect(
      parts
        .filter((p) => p.type === 'tool-call-delta')
        .map((p) => (p as { argsDelta: string }).argsDelta)
        .join(''),
    ).toMatch(/^\{"filename": "taxes.txt", "lines_of_text": \[/);
    expect(toolCallsOf(parts)).toEqual([]);
    const finish = finishOf(parts);
    expect(finish).toMatchObject({ finishReason: 'length', rawFinishReason: 'max_tokens' });
    expect(finish.usage).toMatchObject({ inputTokens: 450, outputTokens: 124 });
    const incomplete = finish.providerMetadata?.anthropic?.incompleteToolCalls as Array<Record<string, string>>;
    expect(incomplete).toHaveLength(1);
    expect(incomplete[0]).toMatchObject({ toolCallId: 'toolu_01EKqbqmZrGRXy18eN7m9kvY', toolName: 'make_file' });
    expect(incomplete[0]!.partialJson).toMatch(/\n"Filing taxes$/);
  });

  it('incomplete_partial_json_response.txt cut before message_stop -> InvalidResponseError', async () => {
    const pieces = pythonSdkPieces('incomplete_partial_json_response.txt');
    const cut = pieces.findIndex((p) => p.startsWith('event: message_delta'));
    server().handle((_req, res) => replySse(res, pieces.slice(0, cut)));
    await expect(collect(provider(server()).stream(request(), { model: 'claude-3-7-sonnet-20250219' }))).rejects.toSatisfy(
      (e: unknown) =>
        InvalidResponseError.isInstance(e) && /ended before message_stop/.test(e.message) && e.model === 'claude-3-7-sonnet-20250219',
    );
  });

  it('TestClient_CreateMessageStream.httprr: padded JSON, recorded headers, usage', async () => {
    const [exchange] = readHttprr('anthropic/TestClient_CreateMessageStream.httprr');
    expect(exchange!.status).toBe(200);
    server().handle((_req, res) => {
      res.writeHead(exchange!.status, {
        'content-type': exchange!.headers['content-type']!,
        'request-id': exchange!.headers['request-id']!,
      });
      res.end(exchange!.body);
    });
    const parts = await collect(provider(server()).stream(request('Count from 1 to 5'), { model: 'claude-3-opus-20240229' }));
    expect(parts[1]).toMatchObject({ type: 'response-metadata', id: 'msg_01Ju7oPaDmjgrhWq8gNP4AUj', modelId: 'claude-3-opus-20240229' });
    expect(textOf(parts)).toBe('1\n2\n3\n4\n5');
    expect(finishOf(parts)).toMatchObject({
      finishReason: 'stop',
      rawFinishReason: 'end_turn',
      usage: { inputTokens: 15, outputTokens: 13, totalTokens: 28 },
    });
  });
});
