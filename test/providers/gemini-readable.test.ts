import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { convertResponse } from '../../src/providers/gemini/convert-response.js';
import { generateContentResponseSchema } from '../../src/providers/gemini/gemini-api-types.js';
import { readableResponse } from '../../src/providers/gemini/readable.js';
import { FIXTURES_DIR, readFixture } from '../helpers/fixtures.js';
import { holdsToSchema, mutated, readOf } from '../helpers/mutate.js';

// The adapter reads a response that `readableResponse` passes as it is, without zod. This property
// holds the check to the schema: whatever it passes, the schema passes, and the adapter reads it as
// it reads the schema's copy.

const optStr = fc.option(fc.string({ maxLength: 4 }), { nil: undefined });
const part = fc.oneof(
  fc.record({ text: fc.string({ maxLength: 4 }), thought: fc.boolean(), thoughtSignature: optStr }, { requiredKeys: ['text'] }),
  fc.record({ functionCall: fc.record({ id: optStr, name: fc.constantFrom('get_weather', 'lookup'), args: fc.constantFrom({}, { city: '上海' }, undefined) }, { requiredKeys: ['name'] }), thoughtSignature: optStr }, { requiredKeys: ['functionCall'] }),
  fc.record({ inlineData: fc.record({ mimeType: fc.constant('image/png'), data: fc.constant('aGk=') }) }),
);
const response = fc.record(
  {
    candidates: fc.array(
      fc.record(
        {
          content: fc.record({ role: fc.constant('model'), parts: fc.array(part, { maxLength: 3 }) }, { requiredKeys: [] }),
          finishReason: fc.constantFrom('STOP', 'MAX_TOKENS', 'SAFETY'),
          index: fc.nat(1),
          safetyRatings: fc.constant([{ category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' }]),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 2 },
    ),
    promptFeedback: fc.record({ blockReason: fc.constantFrom('SAFETY', 'OTHER'), blockReasonMessage: optStr }, { requiredKeys: [] }),
    usageMetadata: fc.record({ promptTokenCount: fc.nat(100), candidatesTokenCount: fc.nat(100), thoughtsTokenCount: fc.nat(50), totalTokenCount: fc.nat(300) }, { requiredKeys: [] }),
    modelVersion: fc.constant('gemini-2.5-flash'),
    responseId: fc.string({ maxLength: 4 }),
  },
  { requiredKeys: [] },
);

const ctx = { provider: 'gemini', model: 'gemini-2.5-flash', promptBlocked: 'finish' as const };
const converted = (value: unknown) => readOf(() => convertResponse(value, ctx));

describe('Gemini response fast check', () => {
  it('passes only responses the schema accepts, and the adapter reads them as it reads the schema copy', () => {
    holdsToSchema(mutated(response), readableResponse, generateContentResponseSchema, { sameRead: (value, parsed) => expect(converted(value)).toEqual(converted(parsed)) });
  });

  it('what it refuses still gets the schema: readable extras pass, a wrong type is reported with its path', () => {
    const ok = { candidates: [{ content: { parts: [{ text: '你好' }] }, finishReason: 'STOP' }], usageMetadata: Object.assign(new (class Usage {})(), { promptTokenCount: 2 }) };
    expect(readableResponse(ok)).toBe(false);
    expect(converted(ok)).toMatchObject({ content: [{ type: 'text', text: '你好' }] });
    expect(converted({ candidates: [{ content: { parts: [{ text: 7 }] } }] })).toEqual({ threw: expect.stringContaining('does not match the GenerateContentResponse shape: candidates.0.content.parts.0.text') });
  });
});

describe('Gemini fixtures take the fast path', () => {
  it('every recorded response and stream chunk is proven readable', () => {
    let bodies = 0;
    let chunks = 0;
    for (const name of readdirSync(`${FIXTURES_DIR}/gemini`)) {
      const text = readFixture(`gemini/${name}`);
      if (name.endsWith('.json')) {
        const body = JSON.parse(text) as Record<string, unknown>;
        if ('error' in body) continue; // a recorded error body
        expect(readableResponse(body), name).toBe(true);
        bodies++;
        continue;
      }
      // Stream recordings: one JSON chunk per line, or SSE `data:` lines.
      for (const line of text.split('\n')) {
        const json = line.startsWith('data: ') ? line.slice(6) : line.startsWith('{') ? line : undefined;
        if (json === undefined) continue;
        const chunk = JSON.parse(json) as Record<string, unknown>;
        if ('error' in chunk) continue;
        expect(readableResponse(chunk), `${name}: ${json.slice(0, 80)}`).toBe(true);
        chunks++;
      }
    }
    expect(bodies).toBeGreaterThanOrEqual(5);
    expect(chunks).toBeGreaterThan(20);
  });
});
