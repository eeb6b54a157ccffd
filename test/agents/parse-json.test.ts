import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonAnswer, parsePartialJson } from '../../src/agents/object/parse-json.js';

const objects = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });

describe('parsePartialJson', () => {
  it('never throws on a prefix, and gives back the whole value once the text is complete', () => {
    fc.assert(
      fc.property(objects, fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        for (let i = 0; i < text.length; i++) parsePartialJson(text.slice(0, i));
        expect(parsePartialJson(text)?.value).toEqual(JSON.parse(text));
      }),
      { numRuns: 200 },
    );
  });

  it('closes open strings, objects and arrays, and drops a dangling key or number', () => {
    expect(parsePartialJson('Sure: {"a": "hel')?.value).toEqual({ a: 'hel' });
    expect(parsePartialJson('{"a": 1, "b')?.value).toEqual({ a: 1 });
    expect(parsePartialJson('{"a": [1, 2, {"c": tr')?.value).toEqual({ a: [1, 2, {}] });
    expect(parsePartialJson('{"a": 12')?.value).toEqual({});
    expect(parsePartialJson('no json yet')).toBeUndefined();
  });
});

describe('parseJsonAnswer', () => {
  it('reads plain JSON, fenced JSON and JSON inside prose', () => {
    expect(parseJsonAnswer('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonAnswer('```json\n{"a":1}\n```')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonAnswer('Here it is: {"a":1}. Anything else?')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonAnswer('nope')).toMatchObject({ ok: false });
  });
});
