import { describe, expect, it } from 'vitest';
import { convertResponse as convertAnthropic } from '../../src/providers/anthropic/convert-response.js';
import { convertResponse as convertGemini } from '../../src/providers/gemini/convert-response.js';
import { convertResponse as convertOpenAI } from '../../src/providers/openai/convert-response.js';

// zod alone reads vendor bodies: extra fields and odd-but-valid shapes are read, a field we read
// with the wrong type is an InvalidResponseError naming its path.

/** The converted response without `raw`, or the message of what it threw. */
function readOf(convert: () => { raw?: unknown }): unknown {
  try {
    const { raw: _raw, ...rest } = convert();
    return rest;
  } catch (e) {
    return { threw: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

describe('vendor bodies are validated by their zod schemas', () => {
  it('anthropic: a malformed known block is reported, an unknown one skipped, a bad usage named by path', () => {
    const ctx = { provider: 'anthropic', model: 'claude-sonnet-4-5', warnings: [] };
    const converted = (body: unknown) => readOf(() => convertAnthropic(body, ctx));
    const body = {
      id: 'msg_1',
      content: [
        { type: 'text', text: '你好' },
        { type: 'web_search_tool_result', content: [] },
      ],
      usage: { input_tokens: 3, output_tokens: 2 },
    };
    expect(converted(body)).toMatchObject({ content: [{ type: 'text', text: '你好' }], usage: { inputTokens: 3, outputTokens: 2 } });
    expect(converted({ ...body, content: [{ type: 'text', text: 7 }] })).toEqual({
      threw: expect.stringContaining('Anthropic content block 0 (text) is malformed'),
    });
    expect(converted({ ...body, usage: { input_tokens: 'x' } })).toEqual({
      threw: expect.stringContaining('returned a body that is not a Message: usage.input_tokens'),
    });
    expect(converted({ ...body, usage: { input_tokens: 'x' } })).toEqual({ threw: expect.stringMatching(/^InvalidResponseError/) });
  });

  it('gemini: readable extras pass (a class instance as usage too), a wrong type is reported with its path', () => {
    const ctx = { provider: 'gemini', model: 'gemini-2.5-flash', promptBlocked: 'finish' as const };
    const converted = (value: unknown) => readOf(() => convertGemini(value, ctx));
    const ok = {
      candidates: [{ content: { parts: [{ text: '你好' }] }, finishReason: 'STOP', extra: 1 }],
      usageMetadata: Object.assign(new (class Usage {})(), { promptTokenCount: 2 }),
    };
    expect(converted(ok)).toMatchObject({ content: [{ type: 'text', text: '你好' }], usage: { inputTokens: 2 } });
    expect(converted({ candidates: [{ content: { parts: [{ text: 7 }] } }] })).toEqual({
      threw: expect.stringContaining('does not match the GenerateContentResponse shape: candidates.0.content.parts.0.text'),
    });
  });

  it('openai: readable extras pass, a wrong type is reported with its path', () => {
    const ctx = { provider: 'openai', kind: 'openai', model: 'gpt-4o' };
    const estimate = () => ({ inputTokens: 1, outputTokens: 1, totalTokens: 2, estimated: true as const });
    const converted = (body: unknown) => readOf(() => convertOpenAI(body, ctx, [], estimate));
    const body = {
      choices: [{ message: { content: 'hi', extra: true } }],
      usage: Object.assign(new (class Usage {})(), { prompt_tokens: 3 }),
    };
    expect(converted(body)).toMatchObject({ content: [{ type: 'text', text: 'hi' }] });
    expect(converted({ choices: [{ message: { content: 7 } }] })).toEqual({
      threw: expect.stringMatching(
        /^InvalidResponseError: .*returned an unreadable chat completion: choices\[0\]\.message\.content: Invalid input/,
      ),
    });
  });
});
