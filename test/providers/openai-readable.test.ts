import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { convertResponse } from '../../src/providers/openai/convert-response.js';
import { chatCompletionSchema, chunkSchema } from '../../src/providers/openai/openai-api-types.js';
import { readableChunk, readableCompletion } from '../../src/providers/openai/readable.js';
import { chunkLines, FIXTURES_DIR, readFixtureJson } from '../helpers/fixtures.js';
import { holdsToSchema, mutated, readOf } from '../helpers/mutate.js';

// The adapter reads a body that `readableCompletion` / `readableChunk` pass as it is, without zod.
// These properties hold the fast checks to the schemas: whatever they pass, the schema passes, and
// reads the same.

const optStr = fc.option(fc.string({ maxLength: 4 }), { nil: undefined });
const toolCall = fc.record({ id: fc.string({ maxLength: 3 }), type: fc.constant('function'), function: fc.record({ name: fc.string({ minLength: 1, maxLength: 3 }), arguments: fc.constantFrom('{}', '{"a":1}', '') }) });
const usage = fc.record(
  {
    prompt_tokens: fc.nat(100),
    completion_tokens: fc.nat(100),
    total_tokens: fc.nat(200),
    prompt_tokens_details: fc.record({ cached_tokens: fc.nat(10) }),
    completion_tokens_details: fc.record({ reasoning_tokens: fc.nat(10) }),
    prompt_cache_hit_tokens: fc.nat(10),
    extra: fc.string(),
  },
  { requiredKeys: [] },
);
const completion = fc.record(
  {
    id: fc.string({ maxLength: 4 }),
    model: fc.string({ maxLength: 4 }),
    object: fc.constant('chat.completion'),
    choices: fc.array(
      fc.record(
        {
          index: fc.nat(2),
          message: fc.record({ role: fc.constant('assistant'), content: optStr, refusal: fc.constant(null), reasoning_content: optStr, tool_calls: fc.array(toolCall, { maxLength: 2 }) }, { requiredKeys: ['role'] }),
          finish_reason: fc.constantFrom('stop', 'length', 'tool_calls', null),
        },
        { requiredKeys: ['message'] },
      ),
      { minLength: 1, maxLength: 2 },
    ),
    usage,
  },
  { requiredKeys: ['choices'] },
);
const chunk = fc.record(
  {
    id: fc.string({ maxLength: 4 }),
    choices: fc.array(
      fc.record(
        {
          index: fc.nat(2),
          delta: fc.record({ content: optStr, reasoning: optStr, tool_calls: fc.array(fc.record({ index: fc.nat(2), id: optStr, function: fc.record({ name: optStr, arguments: optStr }, { requiredKeys: [] }) }, { requiredKeys: [] }), { maxLength: 2 }) }, { requiredKeys: [] }),
          finish_reason: fc.constantFrom('stop', null),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 2 },
    ),
    usage,
  },
  { requiredKeys: [] },
);

const ctx = { provider: 'openai', kind: 'openai', model: 'gpt-4o' };
const estimate = () => ({ inputTokens: 1, outputTokens: 1, totalTokens: 2, estimated: true as const });
const converted = (body: unknown) => readOf(() => convertResponse(body, ctx, [], estimate));

describe('OpenAI response fast checks', () => {
  it('pass only bodies the schema accepts, and the adapter reads them as it reads the schema copy', () => {
    holdsToSchema(mutated(completion), readableCompletion, chatCompletionSchema, { sameRead: (body, parsed) => expect(converted(body)).toEqual(converted(parsed)) });
  });

  it('pass only stream chunks the schema accepts', () => {
    holdsToSchema(mutated(chunk), readableChunk, chunkSchema);
  });

  it('a body the fast check refuses still gets the schema: readable extras pass, a wrong type is reported with its path', () => {
    // A class instance as `usage` is not a plain object: not proven, but the schema accepts it.
    const body = { choices: [{ message: { content: 'hi' } }], usage: Object.assign(new (class Usage {})(), { prompt_tokens: 3 }) };
    expect(readableCompletion(body)).toBe(false);
    expect(converted(body)).toMatchObject({ content: [{ type: 'text', text: 'hi' }] });
    expect(() => convertResponse({ choices: [{ message: { content: 7 } }] }, ctx, [], estimate)).toThrow(/returned an unreadable chat completion: choices\[0\]\.message\.content: Invalid input/);
  });
});

describe('OpenAI-wire fixtures take the fast path', () => {
  it('every recorded OpenAI and DeepSeek body and chunk is proven readable', () => {
    let bodies = 0;
    let chunks = 0;
    for (const vendor of ['openai', 'deepseek']) {
      for (const name of readdirSync(`${FIXTURES_DIR}/${vendor}`)) {
        if (name.endsWith('.chunks.txt')) {
          for (const line of chunkLines(`${vendor}/${name}`)) {
            expect(readableChunk(JSON.parse(line)), `${vendor}/${name}: ${line.slice(0, 80)}`).toBe(true);
            chunks++;
          }
        } else if (name.endsWith('.json')) {
          const body = readFixtureJson<Record<string, unknown>>(`${vendor}/${name}`);
          if (!('choices' in body)) continue; // a recorded error body
          expect(readableCompletion(body), `${vendor}/${name}`).toBe(true);
          bodies++;
        }
      }
    }
    expect(bodies).toBeGreaterThanOrEqual(4);
    expect(chunks).toBeGreaterThan(300);
  });
});
