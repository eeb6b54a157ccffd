import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, ContentFilterError, InvalidResponseError, RateLimitError } from '../../src/core/errors.js';
import type { ReasoningPart, ToolCallPart } from '../../src/core/messages.js';
import { chunkLines, geminiSse, readFixture, readFixtureJson } from '../helpers/fixtures.js';
import { type Loopback, sendJson, startLoopback } from '../helpers/loopback.js';
import { collect, MODEL, providerFor, SDKS, simpleRequest, sse, summarize } from './gemini/setup.js';

let lb: Loopback;
beforeAll(async () => {
  lb = await startLoopback();
});
afterAll(() => lb.close());

const call = { model: MODEL };

/** Serves a unary body (with a status) for `:generateContent`. */
function unary(file: string, status = 200) {
  lb.handle((_req, res) => sendJson(res, status, readFixture(file)));
}
/** Serves SSE pieces for `:streamGenerateContent?alt=sse`. */
function streamed(pieces: string[]) {
  lb.handle((req, res) => {
    expect(req.url).toContain(':streamGenerateContent');
    expect(req.url).toContain('alt=sse');
    return sse(res, pieces);
  });
}

describe('gemini fixtures replayed through both SDKs', () => {
  describe.each(SDKS)('%s', (sdk) => {
    it('google-text.json: text, Gemini 3 text signature kept, thoughts billed as output', async () => {
      unary('gemini/google-text.json');
      const res = await providerFor(sdk, lb).chat(simpleRequest(), call);
      expect(lb.requests.at(-1)!.url).toBe(`/v1beta/models/${MODEL}:generateContent`);
      expect(res.content[0]).toEqual({
        type: 'text',
        text: "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.",
      });
      const sig = res.content[1] as ReasoningPart;
      expect(sig.type).toBe('reasoning');
      expect(sig.text).toBe('');
      expect(sig.signature).toMatch(/^EtoFCtcFAb4\+9vtfe4MXRxQjw48U1WKrR/);
      expect(sig.providerMetadata?.gemini?.thoughtSignature).toBe(sig.signature);
      expect(res.finishReason).toBe('stop');
      expect(res.rawFinishReason).toBe('STOP');
      expect(res.id).toBe('Un6LacrVMcjUxs0PmJfWoQc');
      expect(res.modelId).toBe('gemini-3-pro-preview');
      expect(res.usage).toMatchObject({ inputTokens: 9, outputTokens: 28 + 244, totalTokens: 281, reasoningTokens: 244 });
      expect((res.usage.raw as { thoughtsTokenCount: number }).thoughtsTokenCount).toBe(244);
    });

    it('google-text.chunks.txt: text deltas, the trailing signature, usage of the last chunk', async () => {
      streamed(geminiSse(chunkLines('gemini/google-text.chunks.txt')));
      const parts = await collect(providerFor(sdk, lb).stream(simpleRequest(), call));
      const s = summarize(parts);
      expect(s.types.slice(0, 2)).toEqual(['stream-start', 'response-metadata']);
      expect(parts[1]).toEqual({ type: 'response-metadata', id: 'bH6LaZW8Fp_3nsEPqtaSwQ4', modelId: 'gemini-3-pro-preview' });
      expect(s.text).toBe('There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y');
      expect(s.signatures).toHaveLength(1);
      expect(s.signatures[0]).toMatch(/^EqsFCqgFAb4\+9vvtAF5n87lB4OGD/);
      expect(s.finish).toMatchObject({
        finishReason: 'stop',
        rawFinishReason: 'STOP',
        usage: { inputTokens: 9, outputTokens: 23 + 185, totalTokens: 217, reasoningTokens: 185 },
      });
      expect(s.types.at(-1)).toBe('finish');
    });

    it('google-tool-call.json: a function call with a stable id and its thoughtSignature', async () => {
      unary('gemini/google-tool-call.json');
      const res = await providerFor(sdk, lb).chat(simpleRequest(), call);
      expect(res.content).toHaveLength(1);
      const tc = res.content[0] as ToolCallPart;
      expect(tc).toMatchObject({
        type: 'tool-call',
        toolName: 'weather',
        args: { location: 'San Francisco' },
        toolCallId: 'weather_0_m36LaZGyCLz1xs0PtNSB-QU',
      });
      expect(tc.providerMetadata?.gemini?.thoughtSignature).toMatch(/^EskgCsYgAb4\+9vtF7/);
      expect(res.finishReason).toBe('tool-calls');
      expect(res.rawFinishReason).toBe('STOP');
      expect(res.usage).toMatchObject({ inputTokens: 29, outputTokens: 15 + 893, totalTokens: 937, reasoningTokens: 893 });
      // Same response, same id: deterministic.
      const again = await providerFor(sdk, lb).chat(simpleRequest(), call);
      expect((again.content[0] as ToolCallPart).toolCallId).toBe(tc.toolCallId);
    });

    it('google-tool-call.chunks.txt: the call arrives whole (delta then call), then STOP', async () => {
      streamed(geminiSse(chunkLines('gemini/google-tool-call.chunks.txt')));
      const parts = await collect(providerFor(sdk, lb).stream(simpleRequest(), call));
      const s = summarize(parts);
      expect(s.types).toEqual(['stream-start', 'response-metadata', 'tool-call-delta', 'tool-call', 'finish']);
      const delta = parts[2] as Extract<(typeof parts)[number], { type: 'tool-call-delta' }>;
      expect(JSON.parse(delta.argsDelta)).toEqual({ location: 'San Francisco' });
      expect(s.toolCalls[0]).toMatchObject({
        toolName: 'weather',
        args: { location: 'San Francisco' },
        toolCallId: 'weather_0_b36LacjwM668nsEP2tbsgQQ',
      });
      expect(delta.toolCallId).toBe(s.toolCalls[0]!.toolCallId);
      expect(s.toolCalls[0]!.providerMetadata?.gemini?.thoughtSignature).toMatch(/^EqUCCqICAb4/);
      expect(s.finish).toMatchObject({
        finishReason: 'tool-calls',
        rawFinishReason: 'STOP',
        usage: { inputTokens: 29, outputTokens: 60, totalTokens: 89, reasoningTokens: 45 },
      });
    });

    it('streaming-success-basic-reply-short.txt (sent unchanged): text and final usage', async () => {
      streamed([readFixture('gemini/streaming-success-basic-reply-short.txt')]);
      const s = summarize(await collect(providerFor(sdk, lb).stream(simpleRequest(), call)));
      expect(s.text).toBe('The capital of Wyoming is **Cheyenne**.\n');
      expect(s.finish).toMatchObject({
        finishReason: 'stop',
        rawFinishReason: 'STOP',
        usage: { inputTokens: 7, outputTokens: 10, totalTokens: 17 },
      });
    });

    it('unary-success-basic-reply-short.json: text, stop, usage without thoughts', async () => {
      unary('gemini/unary-success-basic-reply-short.json');
      const res = await providerFor(sdk, lb).chat(simpleRequest(), call);
      expect(res.content).toEqual([
        { type: 'text', text: "Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n" },
      ]);
      expect(res.finishReason).toBe('stop');
      expect(res.usage).toMatchObject({ inputTokens: 7, outputTokens: 22, totalTokens: 29 });
      expect(res.usage.reasoningTokens).toBeUndefined();
      expect(res.providerMetadata?.gemini?.safetyRatings).toBeInstanceOf(Array);
    });

    it('streaming-success-thinking-reply-thought-summary.txt: thought parts as reasoning, then the answer', async () => {
      streamed([readFixture('gemini/streaming-success-thinking-reply-thought-summary.txt')]);
      const s = summarize(await collect(providerFor(sdk, lb).stream(simpleRequest(), call)));
      expect(s.reasoning.startsWith('**Exploring Sky Color**')).toBe(true);
      expect(s.text.endsWith('making the sky appear blue to our eyes.')).toBe(true);
      expect(s.text).not.toContain('Exploring Sky Color');
      expect(s.types.indexOf('reasoning-delta')).toBeLessThan(s.types.indexOf('text-delta'));
      expect(s.finish).toMatchObject({
        finishReason: 'stop',
        usage: { inputTokens: 10, outputTokens: 48 + 540, totalTokens: 598, reasoningTokens: 540 },
      });
    });

    it('streaming-success-thinking-function-call-thought-summary-signature.txt: reasoning, then a signed call', async () => {
      streamed([readFixture('gemini/streaming-success-thinking-function-call-thought-summary-signature.txt')]);
      const s = summarize(await collect(providerFor(sdk, lb).stream(simpleRequest(), call)));
      expect(s.reasoning.startsWith('**Calculating the Days**')).toBe(true);
      expect(s.toolCalls).toHaveLength(1);
      expect(s.toolCalls[0]).toMatchObject({ toolName: 'now', args: {}, toolCallId: 'now_0_48SHaPHpHKbG-8YPtZCawAk' });
      expect(s.toolCalls[0]!.providerMetadata?.gemini?.thoughtSignature).toMatch(/^CiIBVKhc7vB\+vaaq6rA/);
      expect(s.finish).toMatchObject({
        finishReason: 'tool-calls',
        rawFinishReason: 'STOP',
        usage: { inputTokens: 38, outputTokens: 6 + 168, totalTokens: 212, reasoningTokens: 168 },
      });
    });

    it('unary-success-thinking-function-call-thought-summary-signature.json: thought part and signed call', async () => {
      unary('gemini/unary-success-thinking-function-call-thought-summary-signature.json');
      const res = await providerFor(sdk, lb).chat(simpleRequest(), call);
      expect(res.content.map((p) => p.type)).toEqual(['reasoning', 'tool-call']);
      expect((res.content[0] as ReasoningPart).text.startsWith("**Thinking Through the New Year's Eve Calculation**")).toBe(true);
      expect(res.content[1]).toMatchObject({ toolName: 'now', args: {}, toolCallId: 'now_0_38CHaLjMG6TujrEPtvTiuQk' });
      expect((res.content[1] as ToolCallPart).providerMetadata?.gemini?.thoughtSignature).toMatch(/^CtQOAVSoXO74PmYr9AFurEIJNTAtfagO/);
      expect(res.finishReason).toBe('tool-calls');
      expect(res.usage).toMatchObject({ inputTokens: 38, outputTokens: 8 + 501, totalTokens: 547, reasoningTokens: 501 });
    });

    it('unary-success-function-call-parallel-calls.json: three calls, ids sum_0..sum_2, estimated usage', async () => {
      unary('gemini/unary-success-function-call-parallel-calls.json');
      const res = await providerFor(sdk, lb).chat(simpleRequest(), call);
      const calls = res.content as ToolCallPart[];
      expect(calls.map((c) => [c.toolCallId, c.toolName, c.args])).toEqual([
        ['sum_0', 'sum', { y: 1, x: 2 }],
        ['sum_1', 'sum', { y: 3, x: 4 }],
        ['sum_2', 'sum', { y: 5, x: 6 }],
      ]);
      expect(res.finishReason).toBe('tool-calls');
      expect(res.usage.estimated).toBe(true); // the fixture has no usageMetadata
      expect(res.usage.inputTokens).toBeGreaterThan(0);
    });

    it('streaming-failure-recitation-no-content.txt: text, then RECITATION with no content', async () => {
      streamed([readFixture('gemini/streaming-failure-recitation-no-content.txt')]);
      const s = summarize(await collect(providerFor(sdk, lb).stream(simpleRequest(), call)));
      expect(s.text).toBe('text1text2text3text4text5text6text7text8');
      expect(s.finish).toMatchObject({
        finishReason: 'content-filter',
        rawFinishReason: 'RECITATION',
        usage: { inputTokens: 9, outputTokens: 261, totalTokens: 270 },
      });
      const finish = s.finish as Extract<typeof s.finish, { type: 'finish' }>;
      expect(finish.providerMetadata?.gemini?.citationMetadata).toBeDefined();
    });

    it('unary-failure-finish-reason-safety.json: content-filter, raw SAFETY, partial text kept', async () => {
      unary('gemini/unary-failure-finish-reason-safety.json');
      const res = await providerFor(sdk, lb).chat(simpleRequest(), call);
      expect(res.finishReason).toBe('content-filter');
      expect(res.rawFinishReason).toBe('SAFETY');
      expect(res.content).toEqual([{ type: 'text', text: 'Safety error incoming in 5, 4, 3, 2...' }]);
    });

    it('unary-failure-with-message-no-content.json: OTHER with no content, finishMessage kept', async () => {
      unary('gemini/unary-failure-with-message-no-content.json');
      const res = await providerFor(sdk, lb).chat(simpleRequest(), call);
      expect(res.finishReason).toBe('other');
      expect(res.rawFinishReason).toBe('OTHER');
      expect(res.content).toEqual([]);
      // @google/genai's response converter drops `finishMessage` (a documented SDK quirk); the old SDK keeps it.
      const expected = sdk === '@google/genai' ? undefined : 'Model failed to generate content due to internal error.';
      expect(res.providerMetadata?.gemini?.finishMessage).toBe(expected);
    });

    describe('streaming-failure-prompt-blocked-safety.txt', () => {
      const body = () => readFixture('gemini/streaming-failure-prompt-blocked-safety.txt');

      it('sent unchanged (it ends in a single CRLF) the SDK cannot frame the event: InvalidResponseError, never a finish', async () => {
        streamed([body()]);
        const seen: string[] = [];
        const err = await (async () => {
          for await (const p of providerFor(sdk, lb).stream(simpleRequest(), call)) seen.push(p.type);
        })().catch((e: unknown) => e);
        expect(InvalidResponseError.isInstance(err)).toBe(true);
        expect(seen).not.toContain('finish');
      });

      it('with the event terminated: a content-filter finish carrying the raw blockReason', async () => {
        streamed([`${body().trimEnd()}\r\n\r\n`]);
        const s = summarize(await collect(providerFor(sdk, lb).stream(simpleRequest(), call)));
        expect(s.text).toBe('');
        expect(s.finish).toMatchObject({ type: 'finish', finishReason: 'content-filter', rawFinishReason: 'SAFETY' });
        const finish = s.finish as Extract<typeof s.finish, { type: 'finish' }>;
        expect(finish.providerMetadata?.gemini?.promptFeedback).toMatchObject({ blockReason: 'SAFETY' });
      });

      it('with promptBlocked: "error": a ContentFilterError naming the block reason', async () => {
        streamed([`${body().trimEnd()}\r\n\r\n`]);
        const err = await collect(providerFor(sdk, lb, { promptBlocked: 'error' }).stream(simpleRequest(), call)).catch((e: unknown) => e);
        expect(ContentFilterError.isInstance(err)).toBe(true);
        expect((err as ContentFilterError).vendorCode).toBe('SAFETY');
        expect((err as ContentFilterError).model).toBe(MODEL);
      });

      it('the same body as a unary response: content-filter with raw SAFETY', async () => {
        lb.handle((_req, res) =>
          sendJson(
            res,
            200,
            body()
              .replace(/^data: /, '')
              .trim(),
          ),
        );
        const res = await providerFor(sdk, lb).chat(simpleRequest(), call);
        expect(res.finishReason).toBe('content-filter');
        expect(res.rawFinishReason).toBe('SAFETY');
        expect(res.content).toEqual([]);
      });
    });

    it('unary-failure-api-key.json (HTTP 400): AuthenticationError, chat and stream', async () => {
      unary('gemini/unary-failure-api-key.json', 400);
      const err = await providerFor(sdk, lb)
        .chat(simpleRequest(), call)
        .catch((e: unknown) => e);
      expect(AuthenticationError.isInstance(err)).toBe(true);
      expect((err as AuthenticationError).vendorCode).toBe('API_KEY_INVALID');
      expect((err as AuthenticationError).statusCode).toBe(400);
      expect((err as AuthenticationError).message).toContain('API key not valid');
      const streamErr = await collect(providerFor(sdk, lb).stream(simpleRequest(), call)).catch((e: unknown) => e);
      expect(AuthenticationError.isInstance(streamErr)).toBe(true);
    });

    it('google-429-retry-info.json (HTTP 429): RateLimitError with retryAfterMs from RetryInfo', async () => {
      const body = readFixtureJson<{ error: { details: Array<{ retryDelay?: string }> } }>('gemini/google-429-retry-info.json');
      expect(body.error.details.find((d) => d.retryDelay)?.retryDelay).toBe('34.4s');
      unary('gemini/google-429-retry-info.json', 429);
      const err = await providerFor(sdk, lb)
        .chat(simpleRequest(), call)
        .catch((e: unknown) => e);
      expect(RateLimitError.isInstance(err)).toBe(true);
      expect((err as RateLimitError).retryAfterMs).toBe(34_400);
      expect((err as RateLimitError).provider).toBe('gemini');
      expect((err as RateLimitError).model).toBe(MODEL);
      const streamErr = await collect(providerFor(sdk, lb).stream(simpleRequest(), call)).catch((e: unknown) => e);
      expect((streamErr as RateLimitError).retryAfterMs).toBe(34_400);
    });
  });
});
