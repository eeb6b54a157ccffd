import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidRequestError } from '../../src/core/errors.js';
import type { ToolCallPart } from '../../src/core/messages.js';
import type { ProviderRequest } from '../../src/core/request.js';
import { toJSONSchema } from '../../src/core/tools.js';
import { gemini } from '../../src/providers/gemini/index.js';
import { type Loopback, sendJson, startLoopback } from '../helpers/loopback.js';
import { collect, genaiClient, MODEL, providerFor, SDKS, simpleRequest } from './gemini/setup.js';

let lb: Loopback;
beforeAll(async () => {
  lb = await startLoopback();
});
afterAll(() => lb.close());

const call = { model: MODEL };
const OK = {
  candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }],
  usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
};

type Body = {
  contents: Array<{ role: string; parts: Array<Record<string, unknown>> }>;
  systemInstruction?: { parts: Array<{ text: string }> };
  tools?: Array<{ functionDeclarations?: Array<Record<string, unknown>> } & Record<string, unknown>>;
  toolConfig?: unknown;
  safetySettings?: unknown;
  generationConfig?: Record<string, unknown>;
};

async function sentBody(sdk: (typeof SDKS)[number], request: ProviderRequest, extra = {}): Promise<Body> {
  lb.handle((_req, res) => sendJson(res, 200, OK));
  await providerFor(sdk, lb, extra).chat(request, call);
  return lb.requests.at(-1)!.body as Body;
}

const weatherSchema = toJSONSchema(z.object({ city: z.string().describe('City name'), unit: z.enum(['c', 'f']).optional() }));

const conversation: ProviderRequest = {
  system: 'You are terse.',
  messages: [
    { role: 'system', content: 'Answer in English.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this image?' },
        { type: 'image', data: new Uint8Array([137, 80, 78, 71]), mediaType: 'image/png' },
        { type: 'image', url: 'gs://bucket/cat.jpg' },
        { type: 'image', url: 'data:image/gif;base64,R0lGOD==' },
      ],
    },
    { role: 'user', content: 'And the weather in Paris?' },
    {
      role: 'assistant',
      content: [
        {
          type: 'reasoning',
          text: 'I need the weather tool.',
          signature: 'SIG-R',
          providerMetadata: { gemini: { thoughtSignature: 'SIG-R' } },
        },
        { type: 'text', text: 'Let me check.' },
        {
          type: 'tool-call',
          toolCallId: 'weather_0_r1',
          toolName: 'weather',
          args: { city: 'Paris' },
          providerMetadata: { gemini: { thoughtSignature: 'SIG-CALL' } },
        },
        { type: 'tool-call', toolCallId: 'time_1_r1', toolName: 'time', args: {} },
      ],
    },
    {
      role: 'tool',
      content: [
        { type: 'tool-result', toolCallId: 'weather_0_r1', toolName: 'weather', result: { tempC: 21 } },
        // A wrong toolName on the result: the name comes from the earlier call with this id.
        { type: 'tool-result', toolCallId: 'time_1_r1', toolName: 'clock', result: '12:00' },
      ],
    },
    { role: 'user', content: 'Thanks!' },
  ],
  tools: [
    { name: 'weather', description: 'Current weather', parameters: weatherSchema },
    { name: 'time', parameters: { type: 'object', properties: {} } },
  ],
  toolChoice: { type: 'tool', name: 'weather' },
  params: { temperature: 0.2, topP: 0.9, topK: 40, maxTokens: 256, stop: ['END'], seed: 7, frequencyPenalty: 0.1, presencePenalty: 0.2 },
  providerOptions: {
    gemini: {
      safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_ONLY_HIGH' }],
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
      responseModalities: ['TEXT'],
    },
  },
};

describe.each(SDKS)('gemini request shape with %s', (sdk) => {
  it('multi-turn conversation: system instruction, merged roles, images, signed calls, results, params, tools, safety', async () => {
    const body = await sentBody(sdk, conversation);
    expect(lb.requests.at(-1)!.url).toBe(`/v1beta/models/${MODEL}:generateContent`);
    expect(body.systemInstruction?.parts).toEqual([{ text: 'You are terse.' }, { text: 'Answer in English.' }]);
    expect(body.contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
    expect(body.contents[0]!.parts).toEqual([
      { text: 'What is in this image?' },
      { inlineData: { mimeType: 'image/png', data: Buffer.from([137, 80, 78, 71]).toString('base64') } },
      { fileData: { fileUri: 'gs://bucket/cat.jpg', mimeType: 'image/jpeg' } },
      { inlineData: { mimeType: 'image/gif', data: 'R0lGOD==' } },
      { text: 'And the weather in Paris?' },
    ]);
    expect(body.contents[1]!.parts).toEqual([
      { text: 'I need the weather tool.', thought: true, thoughtSignature: 'SIG-R' },
      { text: 'Let me check.' },
      { functionCall: { name: 'weather', args: { city: 'Paris' } }, thoughtSignature: 'SIG-CALL' },
      { functionCall: { name: 'time', args: {} } },
    ]);
    expect(body.contents[2]!.parts).toEqual([
      { functionResponse: { name: 'weather', response: { tempC: 21 } } },
      { functionResponse: { name: 'time', response: { result: '12:00' } } },
      { text: 'Thanks!' },
    ]);
    expect(body.generationConfig).toMatchObject({
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 256,
      stopSequences: ['END'],
      seed: 7,
      frequencyPenalty: 0.1,
      presencePenalty: 0.2,
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
      responseModalities: ['TEXT'],
    });
    expect(body.safetySettings).toEqual([{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_ONLY_HIGH' }]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['weather'] } });
    const decls = body.tools![0]!.functionDeclarations!;
    expect(decls[0]).toEqual({
      name: 'weather',
      description: 'Current weather',
      parameters: {
        type: 'OBJECT',
        properties: { city: { type: 'STRING', description: 'City name' }, unit: { type: 'STRING', enum: ['c', 'f'] } },
        required: ['city'],
      },
    });
    // An empty parameter object is left out (Gemini rejects OBJECT with no properties).
    expect(decls[1]).toEqual({ name: 'time' });
  });

  it('thoughtSignature round trip: a signed call from one response goes back on the next turn', async () => {
    const answer = {
      responseId: 'resp-7',
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'plan', thought: true, thoughtSignature: 'SIG-T' },
              { functionCall: { name: 'lookup', args: { q: 'x' } }, thoughtSignature: 'SIG-F' },
            ],
          },
          finishReason: 'STOP',
        },
      ],
    };
    lb.handle((_req, res) => sendJson(res, 200, answer));
    const p = providerFor(sdk, lb);
    const first = await p.chat(simpleRequest('look x up'), call);
    const tc = first.content.find((c): c is ToolCallPart => c.type === 'tool-call')!;
    expect(tc.toolCallId).toBe('lookup_0_resp-7');
    const next: ProviderRequest = {
      messages: [
        { role: 'user', content: 'look x up' },
        { role: 'assistant', content: first.content },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: tc.toolCallId, toolName: 'lookup', result: ['a', 'b'] }] },
      ],
      params: {},
    };
    const body = await sentBody(sdk, next);
    expect(body.contents[1]!.parts).toEqual([
      { text: 'plan', thought: true, thoughtSignature: 'SIG-T' },
      { functionCall: { name: 'lookup', args: { q: 'x' } }, thoughtSignature: 'SIG-F' },
    ]);
    expect(body.contents[2]!.parts).toEqual([{ functionResponse: { name: 'lookup', response: { result: ['a', 'b'] } } }]);
  });

  it('a Gemini 3 text signature (an empty reasoning part after the text) goes back on that text part', async () => {
    const body = await sentBody(sdk, {
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Hello!' },
            { type: 'reasoning', text: '', signature: 'SIG-TXT', providerMetadata: { gemini: { thoughtSignature: 'SIG-TXT' } } },
          ],
        },
        { role: 'user', content: 'again' },
      ],
      params: {},
    });
    expect(body.contents[1]!.parts).toEqual([{ text: 'Hello!', thoughtSignature: 'SIG-TXT' }]);
  });

  it("another vendor's reasoning signature is not sent as a Gemini thoughtSignature", async () => {
    const body = await sentBody(sdk, {
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'claude thinking', signature: 'anthropic-sig' },
            { type: 'text', text: 'Hi' },
          ],
        },
        { role: 'user', content: 'again' },
      ],
      params: {},
    });
    expect(body.contents[1]!.parts).toEqual([{ text: 'claude thinking', thought: true }, { text: 'Hi' }]);
  });

  it('toolChoice auto / none / required map to AUTO / NONE / ANY', async () => {
    const tools = [{ name: 'weather', parameters: weatherSchema }];
    for (const [choice, mode] of [
      ['auto', 'AUTO'],
      ['none', 'NONE'],
      ['required', 'ANY'],
    ] as const) {
      const body = await sentBody(sdk, { ...simpleRequest(), tools, toolChoice: choice });
      expect(body.toolConfig).toEqual({ functionCallingConfig: { mode } });
    }
  });

  it('responseFormat json and json-schema', async () => {
    const json = await sentBody(sdk, { ...simpleRequest(), responseFormat: { type: 'json' } });
    expect(json.generationConfig).toMatchObject({ responseMimeType: 'application/json' });
    const schema = await sentBody(sdk, {
      ...simpleRequest(),
      responseFormat: {
        type: 'json-schema',
        schema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false },
      },
    });
    expect(schema.generationConfig).toMatchObject({
      responseMimeType: 'application/json',
      responseSchema: { type: 'OBJECT', properties: { n: { type: 'INTEGER' } }, required: ['n'] },
    });
  });

  it('schemaMode json-schema sends parametersJsonSchema / responseJsonSchema unchanged (minus $schema)', async () => {
    const parameters = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { tags: { type: 'object', additionalProperties: { type: 'string' } } },
    } as const;
    const body = await sentBody(
      sdk,
      {
        ...simpleRequest(),
        tools: [{ name: 'tag', parameters }],
        responseFormat: { type: 'json-schema', schema: { type: 'object', properties: { a: { const: 1 } } } },
      },
      { schemaMode: 'json-schema' },
    );
    expect(body.tools![0]!.functionDeclarations![0]).toEqual({
      name: 'tag',
      parametersJsonSchema: { type: 'object', properties: { tags: { type: 'object', additionalProperties: { type: 'string' } } } },
    });
    expect(body.generationConfig).toMatchObject({ responseJsonSchema: { type: 'object', properties: { a: { const: 1 } } } });
  });

  it('a schema Gemini cannot express is a clear InvalidRequestError naming tool and path; nothing is sent', async () => {
    const before = lb.requests.length;
    const request: ProviderRequest = {
      ...simpleRequest(),
      tools: [
        {
          name: 'tagger',
          parameters: { type: 'object', properties: { tags: { type: 'object', additionalProperties: { type: 'string' } } } },
        },
      ],
    };
    const err = await providerFor(sdk, lb)
      .chat(request, call)
      .catch((e: unknown) => e);
    expect(InvalidRequestError.isInstance(err)).toBe(true);
    const e = err as InvalidRequestError;
    expect(e.message).toContain('Tool "tagger"');
    expect(e.path).toBe('tools[0].parameters.properties.tags.additionalProperties');
    expect(e.provider).toBe('gemini');
    expect(e.model).toBe(MODEL);
    const streamErr = await collect(providerFor(sdk, lb).stream(request, call)).catch((x: unknown) => x);
    expect(InvalidRequestError.isInstance(streamErr)).toBe(true);
    expect(lb.requests.length).toBe(before);
  });

  it('invalid providerOptions.gemini is an InvalidRequestError with the path', async () => {
    const err = await providerFor(sdk, lb)
      .chat({ ...simpleRequest(), providerOptions: { gemini: { safetySettings: 'none' } } }, call)
      .catch((e: unknown) => e);
    expect(InvalidRequestError.isInstance(err)).toBe(true);
    expect((err as InvalidRequestError).issues[0]!.path).toBe('providerOptions.gemini.safetySettings');
  });

  it('an http:// image URL is left out with a warning, not silently', async () => {
    lb.handle((_req, res) => sendJson(res, 200, OK));
    const res = await providerFor(sdk, lb).chat(
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'see' },
              { type: 'image', url: 'http://example.test/cat.png' },
            ],
          },
        ],
        params: {},
      },
      call,
    );
    expect(res.warnings).toEqual([expect.objectContaining({ type: 'unsupported-content', path: 'messages[0].content[1]' })]);
    expect((lb.requests.at(-1)!.body as Body).contents[0]!.parts).toEqual([{ text: 'see' }]);
  });

  it('cachedContentTokenCount becomes cachedInputTokens', async () => {
    lb.handle((_req, res) =>
      sendJson(res, 200, {
        ...OK,
        usageMetadata: { promptTokenCount: 1000, cachedContentTokenCount: 800, candidatesTokenCount: 10, totalTokenCount: 1010 },
      }),
    );
    const res = await providerFor(sdk, lb).chat(simpleRequest(), call);
    expect(res.usage).toMatchObject({ inputTokens: 1000, cachedInputTokens: 800, outputTokens: 10, totalTokens: 1010 });
  });

  it('the stream request goes to streamGenerateContent?alt=sse with the same body', async () => {
    lb.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify(OK)}\r\n\r\n`);
    });
    const parts = await collect(providerFor(sdk, lb).stream({ ...simpleRequest('hi'), params: { temperature: 0.5 } }, call));
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    const req = lb.requests.at(-1)!;
    expect(req.url).toBe(`/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`);
    expect((req.body as Body).generationConfig).toMatchObject({ temperature: 0.5 });
  });
});

describe('gemini client detection', () => {
  it('a GoogleGenAI instance passed as client is used as is', async () => {
    lb.handle((_req, res) => sendJson(res, 200, OK));
    const p = gemini({ client: genaiClient(lb) });
    expect(await p.sdk()).toBe('@google/genai');
    const res = await p.chat(simpleRequest(), call);
    expect(res.content).toEqual([{ type: 'text', text: 'ok' }]);
  });

  it('a GoogleGenerativeAI instance is detected as the old SDK', async () => {
    expect(await providerFor('@google/generative-ai', lb).sdk()).toBe('@google/generative-ai');
  });

  it('something else as client is a clear error at first use', async () => {
    const p = gemini({ client: {} as never });
    await expect(p.chat(simpleRequest(), call)).rejects.toThrow(/GoogleGenAI .* or GoogleGenerativeAI/);
  });
});
