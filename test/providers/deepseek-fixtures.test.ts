import { describe, expect, it } from 'vitest';
import { InvalidResponseError } from '../../src/core/errors.js';
import { deepseek } from '../../src/providers/deepseek/index.js';
import { chunkLines, openaiSse, readFixture, readFixtureJson } from '../helpers/fixtures.js';
import { sendJson } from '../helpers/loopback.js';
import { API_KEY, caught, collect, sendSse, summarize, textRequest, useLoopback } from './openai/helpers.js';

interface Chunk {
  choices?: Array<{ delta?: { content?: string | null; reasoning_content?: string | null } }>;
}

function fixtureField(lines: string[], field: 'content' | 'reasoning_content'): string {
  return lines.map((l) => (JSON.parse(l) as Chunk).choices?.[0]?.delta?.[field] ?? '').join('');
}

describe('deepseek fixtures replayed through the real SDK', () => {
  const lb = useLoopback();
  const provider = () => deepseek({ apiKey: API_KEY, baseURL: lb.current.url });

  it('deepseek-reasoning.json: reasoning_content becomes a reasoning part before the text', async () => {
    const body = readFixtureJson<{ choices: Array<{ message: { content: string; reasoning_content: string } }> }>(
      'deepseek/deepseek-reasoning.json',
    );
    lb.current.handle((_req, res) => sendJson(res, 200, readFixture('deepseek/deepseek-reasoning.json')));
    const res = await provider().chat(textRequest("How many 'r's are in the word 'strawberry'?"), { model: 'deepseek-reasoner' });
    expect(lb.current.requests[0]!.url).toBe('/chat/completions');
    expect(res.content).toEqual([
      { type: 'reasoning', text: body.choices[0]!.message.reasoning_content },
      { type: 'text', text: body.choices[0]!.message.content },
    ]);
    expect(res.finishReason).toBe('stop');
    expect(res.usage).toMatchObject({ inputTokens: 18, outputTokens: 345, totalTokens: 363, cachedInputTokens: 0, reasoningTokens: 315 });
    expect(res.usage.raw).toMatchObject({ prompt_cache_hit_tokens: 0, prompt_cache_miss_tokens: 18 });
  });

  it('deepseek-reasoning.chunks.txt: reasoning-delta parts, then text, usage on the finish_reason chunk', async () => {
    const lines = chunkLines('deepseek/deepseek-reasoning.chunks.txt');
    lb.current.handle((_req, res) => sendSse(res, openaiSse(lines)));
    const parts = await collect(provider().stream(textRequest(), { model: 'deepseek-reasoner' }));
    const s = summarize(parts);
    expect(s.reasoning).toBe(fixtureField(lines, 'reasoning_content'));
    expect(s.reasoning.length).toBeGreaterThan(100);
    expect(s.text).toBe(fixtureField(lines, 'content'));
    expect(s.text.startsWith('The word "strawberry" contains three "r"s.')).toBe(true);
    // every reasoning delta comes before the first text delta
    expect(parts.map((p) => p.type).lastIndexOf('reasoning-delta')).toBeLessThan(parts.findIndex((p) => p.type === 'text-delta'));
    expect(parts.some((p) => p.type === 'reasoning-delta' && p.delta === '')).toBe(false);
    expect(s.finish).toMatchObject({
      finishReason: 'stop',
      usage: { inputTokens: 18, outputTokens: 219, totalTokens: 237, cachedInputTokens: 0, reasoningTokens: 205 },
    });
  });

  it('deepseek-tool-call.json: reasoning plus a tool call, cached tokens from prompt_cache_hit_tokens', async () => {
    lb.current.handle((_req, res) => sendJson(res, 200, readFixture('deepseek/deepseek-tool-call.json')));
    const res = await provider().chat(textRequest('Weather in SF?'), { model: 'deepseek-reasoner' });
    expect(res.content.map((p) => p.type)).toEqual(['reasoning', 'tool-call']);
    expect(res.content[1]).toEqual({
      type: 'tool-call',
      toolCallId: 'call_00_9V0vrf86Pc9aelHCJMZqnJBo',
      toolName: 'weather',
      args: { location: 'San Francisco' },
    });
    expect(res.finishReason).toBe('tool-calls');
    expect(res.rawFinishReason).toBe('tool_calls');
    expect(res.usage).toMatchObject({ inputTokens: 339, outputTokens: 92, totalTokens: 431, cachedInputTokens: 320, reasoningTokens: 48 });
  });

  it('deepseek-tool-call.chunks.txt: streamed reasoning then one assembled tool call', async () => {
    const lines = chunkLines('deepseek/deepseek-tool-call.chunks.txt');
    lb.current.handle((_req, res) => sendSse(res, openaiSse(lines)));
    const s = summarize(await collect(provider().stream(textRequest(), { model: 'deepseek-reasoner' })));
    expect(s.reasoning).toBe(fixtureField(lines, 'reasoning_content'));
    expect(s.toolCalls).toEqual([
      { toolCallId: 'call_00_ioIn7yN9p1ZOMNpDLwd4MgAF', toolName: 'weather', args: { location: 'San Francisco' } },
    ]);
    expect(s.toolCallDeltas).toEqual({ call_00_ioIn7yN9p1ZOMNpDLwd4MgAF: '{"location": "San Francisco"}' });
    expect(s.finish).toMatchObject({
      finishReason: 'tool-calls',
      usage: { inputTokens: 339, outputTokens: 83, totalTokens: 422, cachedInputTokens: 320, reasoningTokens: 39 },
    });
  });

  it('deepseek-text.json: finish_reason length', async () => {
    lb.current.handle((_req, res) => sendJson(res, 200, readFixture('deepseek/deepseek-text.json')));
    const res = await provider().chat(textRequest(), { model: 'deepseek-chat' });
    expect(res.content).toHaveLength(1);
    expect((res.content[0] as { text: string }).text.startsWith('## **Holiday Name: Gratitude of Small Things Day (GST Day)**')).toBe(true);
    expect(res.finishReason).toBe('length');
    expect(res.usage).toMatchObject({ inputTokens: 13, outputTokens: 300, totalTokens: 313, cachedInputTokens: 0 });
    expect(res.usage.reasoningTokens).toBeUndefined();
  });

  it('deepseek-text.chunks.txt with `: keep-alive` comments interleaved: comments are ignored', async () => {
    const lines = chunkLines('deepseek/deepseek-text.chunks.txt');
    const pieces = [
      ': keep-alive\n\n',
      ': keep-alive\n\n',
      ...openaiSse(lines).flatMap((p, i) => (i % 50 === 0 ? [': keep-alive\n\n', p] : [p])),
    ];
    lb.current.handle((_req, res) => sendSse(res, pieces));
    const s = summarize(await collect(provider().stream(textRequest(), { model: 'deepseek-chat' })));
    expect(s.text).toBe(fixtureField(lines, 'content'));
    expect(s.text).toHaveLength(1855);
    expect(s.finish).toMatchObject({
      finishReason: 'length',
      rawFinishReason: 'length',
      usage: { inputTokens: 13, outputTokens: 400, totalTokens: 413, cachedInputTokens: 0 },
    });
  });

  it('a stream cut before its finish_reason chunk throws InvalidResponseError and never yields finish', async () => {
    const lines = chunkLines('deepseek/deepseek-reasoning.chunks.txt');
    lb.current.handle((_req, res) =>
      sendSse(
        res,
        lines.slice(0, 20).map((l) => `data: ${l}\n\n`),
      ),
    );
    const seen: string[] = [];
    const error = await caught(async () => {
      for await (const p of provider().stream(textRequest(), { model: 'deepseek-reasoner' })) seen.push(p.type);
    });
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('ended without a finish_reason');
    expect(seen).toContain('reasoning-delta');
    expect(seen).not.toContain('finish');
  });
});
