import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blockDeltaSchema, contentBlockSchema, messageSchema, streamEventSchema } from '../../src/providers/anthropic/anthropic-api-types.js';
import { convertResponse } from '../../src/providers/anthropic/convert-response.js';
import { readableBlock, readableDelta, readableEvent, readableMessage } from '../../src/providers/anthropic/readable.js';
import { chunkLines, FIXTURES_DIR, readFixtureJson } from '../helpers/fixtures.js';
import { holdsToSchema, mutated, readOf } from '../helpers/mutate.js';

// The adapter reads a Message that `readableMessage` passes, and each block that `readableBlock`
// passes, as they are, without zod. These properties hold the fast checks to the schemas: whatever
// they pass, the schema passes, and the adapter reads it as it reads the schema's copy.

const optStr = fc.option(fc.string({ maxLength: 4 }), { nil: undefined });
const block = fc.oneof(
  fc.record({ type: fc.constant('text'), text: fc.string({ maxLength: 4 }), citations: fc.constant(null) }),
  fc.record({ type: fc.constant('thinking'), thinking: fc.string({ maxLength: 4 }), signature: optStr }, { requiredKeys: ['type', 'thinking'] }),
  fc.record({ type: fc.constant('redacted_thinking'), data: fc.string({ maxLength: 4 }) }),
  fc.record({ type: fc.constant('tool_use'), id: fc.string({ maxLength: 3 }), name: fc.constantFrom('get_weather', 'json'), input: fc.constantFrom({}, { city: '北京' }, undefined) }, { requiredKeys: ['type', 'id', 'name'] }),
  fc.record({ type: fc.constant('server_tool_use'), id: fc.string({ maxLength: 3 }) }),
);
const message = fc.record(
  {
    id: fc.string({ maxLength: 4 }),
    type: fc.constant('message'),
    role: fc.constant('assistant'),
    model: fc.string({ maxLength: 4 }),
    content: fc.array(block, { maxLength: 3 }),
    stop_reason: fc.constantFrom('end_turn', 'tool_use', 'max_tokens', null),
    stop_sequence: fc.option(fc.string({ maxLength: 2 }), { nil: null }),
    usage: fc.record({ input_tokens: fc.nat(100), output_tokens: fc.nat(100), cache_read_input_tokens: fc.nat(10), cache_creation_input_tokens: fc.nat(10), service_tier: fc.constant('standard') }, { requiredKeys: [] }),
  },
  { requiredKeys: ['id', 'content', 'usage'] },
);

const usage = fc.record({ input_tokens: fc.nat(100), output_tokens: fc.nat(100), cache_read_input_tokens: fc.nat(10) }, { requiredKeys: [] });
const delta = fc.oneof(
  fc.record({ type: fc.constant('text_delta'), text: fc.string({ maxLength: 4 }) }),
  fc.record({ type: fc.constant('thinking_delta'), thinking: fc.string({ maxLength: 4 }) }),
  fc.record({ type: fc.constant('signature_delta'), signature: fc.string({ maxLength: 4 }) }),
  fc.record({ type: fc.constant('input_json_delta'), partial_json: fc.constantFrom('', '{"a":', '1}') }),
  fc.record({ type: fc.constant('citations_delta'), citation: fc.constant({}) }),
);
const event = fc.oneof(
  fc.constant({ type: 'ping' }),
  fc.constant({ type: 'message_stop' }),
  fc.record({ type: fc.constant('message_start'), message: fc.record({ id: optStr, model: optStr, usage, content: fc.constant([]) }, { requiredKeys: [] }) }),
  fc.record({ type: fc.constant('content_block_start'), index: fc.nat(3), content_block: block }),
  fc.record({ type: fc.constant('content_block_delta'), index: fc.nat(3), delta }),
  fc.record({ type: fc.constant('content_block_stop'), index: fc.nat(3) }),
  fc.record({ type: fc.constant('message_delta'), delta: fc.record({ stop_reason: fc.constantFrom('end_turn', null), stop_sequence: fc.constant(null), stop_details: fc.constant({ type: 'x' }) }, { requiredKeys: [] }), usage }, { requiredKeys: ['type', 'delta'] }),
);

const ctx = { provider: 'anthropic', model: 'claude-sonnet-4-5', warnings: [] };
const converted = (body: unknown, jsonTool?: string) => readOf(() => convertResponse(body, { ...ctx, ...(jsonTool !== undefined && { jsonTool }) }));
/** A value with a string `type`, as the block and delta checks receive it (the envelope checked that much). */
const typed = (v: unknown): v is { type: string } => typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';

describe('Anthropic response fast checks', () => {
  it('pass only Messages the schema accepts, and the adapter reads them as it reads the schema copy', () => {
    for (const jsonTool of [undefined, 'json']) {
      holdsToSchema(mutated(message), readableMessage, messageSchema, { numRuns: 1_500, minProven: 150, minRefused: 150, sameRead: (body, parsed) => expect(converted(body, jsonTool)).toEqual(converted(parsed, jsonTool)) });
    }
  });

  it('pass only content blocks the block schema accepts', () => {
    holdsToSchema(mutated(block).filter(typed), (b) => readableBlock(b as { type: string }), contentBlockSchema, { minRefused: 100 });
  });

  it('pass only stream events, and deltas, their schemas accept', () => {
    holdsToSchema(mutated(event), readableEvent, streamEventSchema, { minRefused: 100 });
    holdsToSchema(mutated(delta).filter(typed), (d) => readableDelta(d as { type: string }), blockDeltaSchema, { numRuns: 2_000, minRefused: 100 });
  });

  it('what the fast check refuses still gets the schema: a malformed known block is reported, an unknown one skipped', () => {
    const body = { id: 'msg_1', content: [{ type: 'text', text: '你好' }, { type: 'web_search_tool_result', content: [] }], usage: { input_tokens: 3, output_tokens: 2 } };
    expect(converted(body)).toMatchObject({ content: [{ type: 'text', text: '你好' }], usage: { inputTokens: 3, outputTokens: 2 } });
    expect(converted({ ...body, content: [{ type: 'text', text: 7 }] })).toEqual({ threw: expect.stringContaining('Anthropic content block 0 (text) is malformed') });
    expect(converted({ ...body, usage: { input_tokens: 'x' } })).toEqual({ threw: expect.stringContaining('returned a body that is not a Message: usage.input_tokens') });
  });
});

describe('Anthropic fixtures take the fast path', () => {
  it('every recorded Messages body, and every block of it, is proven readable', () => {
    let bodies = 0;
    for (const name of readdirSync(`${FIXTURES_DIR}/anthropic`)) {
      if (!name.endsWith('.json')) continue;
      const body = readFixtureJson<Record<string, unknown>>(`anthropic/${name}`);
      if (body.type !== 'message') continue; // a recorded error body
      expect(readableMessage(body), name).toBe(true);
      for (const b of body.content as Array<{ type: string }>) if (b.type !== 'server_tool_use' && !b.type.endsWith('_result')) expect(readableBlock(b), `${name}: ${b.type}`).toBe(true);
      bodies++;
    }
    expect(bodies).toBeGreaterThanOrEqual(3);
  });

  it('every recorded stream event, and every delta of a type the adapter reads, is proven readable', () => {
    let events = 0;
    for (const name of readdirSync(`${FIXTURES_DIR}/anthropic`)) {
      if (!name.endsWith('.chunks.txt')) continue;
      for (const line of chunkLines(`anthropic/${name}`)) {
        const e = JSON.parse(line) as { type: string; delta?: { type: string } };
        if (e.type === 'error') continue;
        expect(readableEvent(e), `${name}: ${line.slice(0, 80)}`).toBe(true);
        if (e.type === 'content_block_delta' && e.delta && e.delta.type !== 'citations_delta') expect(readableDelta(e.delta), `${name}: ${line.slice(0, 80)}`).toBe(true);
        events++;
      }
    }
    expect(events).toBeGreaterThan(50);
  });
});
