import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Warning } from '../../../src/core/response.js';
import { type JSONSchema, toJSONSchema } from '../../../src/core/tools.js';
import { SchemaConversionError, toGeminiSchema } from '../../../src/providers/gemini/convert-schema.js';
import { mapFinishReason } from '../../../src/providers/gemini/map-finish-reason.js';
import { parseRetryDelay, readGoogleError } from '../../../src/providers/gemini/map-error.js';

function convert(schema: JSONSchema) {
  const warnings: Warning[] = [];
  const out = toGeminiSchema(schema, 'tools[0].parameters', warnings);
  return { out, warnings };
}

function failure(schema: JSONSchema): SchemaConversionError {
  try {
    convert(schema);
  } catch (e) {
    expect(e).toBeInstanceOf(SchemaConversionError);
    return e as SchemaConversionError;
  }
  throw new Error('expected a SchemaConversionError');
}

describe('JSON Schema to the Gemini OpenAPI subset', () => {
  it('a zod schema: $schema and additionalProperties dropped, nullable, enums, arrays, counts as strings', () => {
    const schema = toJSONSchema(
      z.object({
        name: z.string().min(1).max(40),
        nickname: z.string().nullable(),
        role: z.enum(['admin', 'user']),
        tags: z.array(z.string()).max(5),
        age: z.number().int().min(0),
      }),
    );
    const { out } = convert({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema });
    expect(out.type).toBe('OBJECT');
    expect(out).not.toHaveProperty('additionalProperties');
    expect(out).not.toHaveProperty('$schema');
    expect(out.properties!.name).toEqual({ type: 'STRING', minLength: '1', maxLength: '40' });
    expect(out.properties!.nickname).toEqual({ type: 'STRING', nullable: true });
    expect(out.properties!.role).toEqual({ type: 'STRING', enum: ['admin', 'user'] });
    expect(out.properties!.tags).toEqual({ type: 'ARRAY', items: { type: 'STRING' }, maxItems: '5' });
    expect(out.properties!.age).toMatchObject({ type: 'INTEGER', minimum: 0 });
    expect(out.required).toEqual(['name', 'nickname', 'role', 'tags', 'age']);
  });

  it('type unions: ["string","null"] is nullable; several types become anyOf', () => {
    expect(convert({ type: ['string', 'null'] }).out).toEqual({ type: 'STRING', nullable: true });
    expect(convert({ type: ['string', 'integer'], description: 'id' }).out).toEqual({
      anyOf: [
        { type: 'STRING', description: 'id' },
        { type: 'INTEGER', description: 'id' },
      ],
    });
  });

  it('anyOf with a null member becomes nullable; oneOf becomes anyOf with a warning', () => {
    expect(convert({ anyOf: [{ type: 'string' }, { type: 'null' }] }).out).toEqual({ type: 'STRING', nullable: true });
    const { out, warnings } = convert({ oneOf: [{ type: 'string' }, { type: 'number' }] });
    expect(out).toEqual({ anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] });
    expect(warnings[0]!.message).toContain('oneOf was sent as anyOf');
  });

  it('const becomes a one-value enum', () => {
    expect(convert({ const: 'fixed' }).out).toEqual({ type: 'STRING', enum: ['fixed'] });
  });

  it('$ref to $defs is inlined', () => {
    const { out } = convert({
      type: 'object',
      properties: { home: { $ref: '#/$defs/Address' }, work: { $ref: '#/definitions/Address', description: 'Office' } },
      $defs: { Address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      definitions: { Address: { type: 'object', properties: { city: { type: 'string' } } } },
    });
    expect(out.properties!.home).toEqual({ type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] });
    expect(out.properties!.work).toEqual({ type: 'OBJECT', description: 'Office', properties: { city: { type: 'STRING' } } });
  });

  it('allOf of objects is merged (with a warning)', () => {
    const { out, warnings } = convert({
      allOf: [
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
        { type: 'object', properties: { b: { type: 'integer' } } },
      ],
    });
    expect(out).toEqual({ type: 'OBJECT', properties: { a: { type: 'STRING' }, b: { type: 'INTEGER' } }, required: ['a'] });
    expect(warnings).toHaveLength(1);
  });

  it('documented lossy conversions come with warnings: unsupported format, exclusive bounds, examples', () => {
    const { out, warnings } = convert({
      type: 'object',
      properties: {
        email: { type: 'string', format: 'email' },
        when: { type: 'string', format: 'date-time' },
        n: { type: 'number', exclusiveMinimum: 0, examples: [3] },
      },
    });
    expect(out.properties!.email).toEqual({ type: 'STRING', description: '(format: email)' });
    expect(out.properties!.when).toEqual({ type: 'STRING', format: 'date-time' });
    expect(out.properties!.n).toEqual({ type: 'NUMBER', minimum: 0, example: 3 });
    expect(warnings.map((w) => w.path)).toEqual(['tools[0].parameters.properties.email', 'tools[0].parameters.properties.n']);
  });

  it('what Gemini cannot express is an error naming the path', () => {
    expect(failure({ type: 'object', properties: { m: { type: 'object', additionalProperties: { type: 'number' } } } }).path).toBe(
      'tools[0].parameters.properties.m.additionalProperties',
    );
    const recursive = failure({
      type: 'object',
      properties: { child: { $ref: '#/$defs/Node' } },
      $defs: { Node: { type: 'object', properties: { next: { $ref: '#/$defs/Node' } } } },
    });
    expect(recursive.reason).toContain('recursive');
    expect(recursive.path).toBe('tools[0].parameters.properties.child.properties.next');
    expect(failure({ type: 'object', properties: { level: { enum: [1, 2, 3] } } }).reason).toContain('only strings');
    expect(failure({ not: { type: 'string' } }).path).toBe('tools[0].parameters.not');
    expect(failure({ type: 'array', items: [{ type: 'string' }] as never }).reason).toContain('tuple');
    expect(failure({ type: 'object', properties: { any: {} } }).reason).toContain('unconstrained');
    expect(failure({ $ref: 'https://example.com/schema.json' }).reason).toContain('inlined');
  });
});

describe('finish reasons and error parsing', () => {
  it('maps every documented finish reason', () => {
    expect(mapFinishReason('STOP', false)).toBe('stop');
    expect(mapFinishReason('STOP', true)).toBe('tool-calls');
    expect(mapFinishReason('MAX_TOKENS', false)).toBe('length');
    for (const r of ['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY'])
      expect(mapFinishReason(r, false)).toBe('content-filter');
    expect(mapFinishReason('MALFORMED_FUNCTION_CALL', false)).toBe('error');
    expect(mapFinishReason('LANGUAGE', false)).toBe('other');
    expect(mapFinishReason('OTHER', false)).toBe('other');
  });

  it('reads RetryInfo durations', () => {
    expect(parseRetryDelay([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '34.4s' }])).toBe(34_400);
    expect(parseRetryDelay([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0s' }])).toBe(0);
    expect(parseRetryDelay([{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure' }])).toBeUndefined();
  });

  it("reads the status and body from both SDKs' error messages", () => {
    const body = {
      error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'x.RetryInfo', retryDelay: '2s' }] },
    };
    const genai = readGoogleError(Object.assign(new Error(JSON.stringify(body)), { status: 429 }));
    expect(genai).toMatchObject({ status: 429, rpcStatus: 'RESOURCE_EXHAUSTED', message: 'quota' });
    const old = readGoogleError(
      Object.assign(
        new Error(
          '[GoogleGenerativeAI Error]: Error fetching from http://x/v1beta/models/m:generateContent: [429 Too Many Requests] quota ' +
            '[{"@type":"x.RetryInfo","retryDelay":"2s"}]',
        ),
        {
          status: 429,
          errorDetails: body.error.details,
        },
      ),
    );
    expect(old).toMatchObject({ status: 429, message: 'quota' });
    expect(parseRetryDelay(old.details)).toBe(2000);
  });
});
