import type { JSONSchema, JSONValue } from '../../core/tools.js';
import type { Warning } from '../../core/response.js';
import type { GeminiSchema } from './gemini-api-types.js';

/**
 * JSON Schema (draft 2020-12, as zod and users write it) to the OpenAPI 3.0 subset Gemini accepts.
 * Documented conversions (see docs/providers/gemini.md):
 * - `$ref` to `#/$defs/...` / `#/definitions/...` is inlined; a recursive `$ref` is an error.
 * - `const: "x"` becomes `enum: ["x"]`; `type: ["string", "null"]` becomes `nullable: true`;
 *   several non-null types become `anyOf`; `oneOf` becomes `anyOf` (exclusivity is not kept, warned).
 * - `allOf` is merged when every member is an object schema (or there is only one).
 * - `additionalProperties: true | false`, `$schema`, `$id`, `$comment`, `$defs` are dropped (no Gemini equivalent).
 * - `exclusiveMinimum`/`exclusiveMaximum` become inclusive bounds, unsupported string formats move
 *   into the description, `examples` becomes `example`: each with a warning.
 * Anything else Gemini cannot express (map-valued `additionalProperties`, `not`, `if`, tuples,
 * `patternProperties`, non-string enums, ...) throws a {@link SchemaConversionError} naming the path.
 */
export class SchemaConversionError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'SchemaConversionError';
  }
}

const TYPES: Record<string, NonNullable<GeminiSchema['type']>> = {
  string: 'STRING',
  number: 'NUMBER',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  array: 'ARRAY',
  object: 'OBJECT',
  null: 'NULL',
};

const FORMATS: Record<string, string[]> = {
  STRING: ['enum', 'date-time'],
  NUMBER: ['float', 'double'],
  INTEGER: ['int32', 'int64'],
};

const DROPPED = new Set([
  '$schema',
  '$id',
  '$comment',
  '$defs',
  'definitions',
  'additionalProperties',
  'readOnly',
  'writeOnly',
  'deprecated',
  'contentMediaType',
  'contentEncoding',
]);
const COPIED = new Set(['title', 'description', 'default', 'pattern', 'minimum', 'maximum']);
const COUNTS = new Set(['minItems', 'maxItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties']);
const HANDLED = new Set([
  'type',
  'properties',
  'required',
  'items',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'allOf',
  '$ref',
  'format',
  'nullable',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'examples',
  'example',
  'propertyOrdering',
]);

interface Context {
  root: JSONSchema;
  warnings: Warning[];
  /** Names of `$ref`s being inlined, to detect recursion. */
  refStack: string[];
}

function isObject(v: JSONValue | undefined): v is { [key: string]: JSONValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function resolveRef(ref: string, ctx: Context, path: string): JSONSchema {
  const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (!m) throw new SchemaConversionError(path, `$ref "${ref}" is not a local #/$defs reference; Gemini needs it inlined`);
  const target = (ctx.root[m[1]!] as { [k: string]: JSONValue } | undefined)?.[m[2]!];
  if (!isObject(target)) throw new SchemaConversionError(path, `$ref "${ref}" points to nothing`);
  if (ctx.refStack.includes(ref))
    throw new SchemaConversionError(path, `$ref "${ref}" is recursive; Gemini schemas cannot express recursion`);
  return target;
}

function nullableOf(schema: GeminiSchema): GeminiSchema {
  return { ...schema, nullable: true };
}

function convertNode(schema: JSONValue, path: string, ctx: Context): GeminiSchema {
  if (schema === true || (isObject(schema) && Object.keys(schema).length === 0)) {
    throw new SchemaConversionError(
      path,
      'an unconstrained schema ({} or true) has no Gemini type; give it a type, or use the json-schema schema mode',
    );
  }
  if (!isObject(schema)) throw new SchemaConversionError(path, 'expected a schema object');

  if (typeof schema.$ref === 'string') {
    const target = resolveRef(schema.$ref, ctx, path);
    const { $ref: _ref, ...siblings } = schema;
    ctx.refStack.push(schema.$ref);
    try {
      return convertNode({ ...target, ...siblings }, path, ctx);
    } finally {
      ctx.refStack.pop();
    }
  }

  for (const key of Object.keys(schema)) {
    if (!DROPPED.has(key) && !COPIED.has(key) && !COUNTS.has(key) && !HANDLED.has(key)) {
      throw new SchemaConversionError(`${path}.${key}`, `the JSON Schema keyword "${key}" cannot be expressed in a Gemini schema`);
    }
  }
  if (isObject(schema.additionalProperties)) {
    throw new SchemaConversionError(
      `${path}.additionalProperties`,
      'a map (additionalProperties with a schema) cannot be expressed in a Gemini schema',
    );
  }

  if (Array.isArray(schema.allOf)) return convertAllOf(schema, path, ctx);

  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) {
    const key = schema.anyOf !== undefined ? 'anyOf' : 'oneOf';
    if (key === 'oneOf') ctx.warnings.push({ type: 'other', path, message: `${path}: oneOf was sent as anyOf (Gemini has no oneOf)` });
    const converted: GeminiSchema[] = [];
    let hasNull = false;
    union.forEach((m, i) => {
      if (isObject(m) && m.type === 'null') hasNull = true;
      else converted.push(convertNode(m, `${path}.${key}[${i}]`, ctx));
    });
    const { [key]: _u, ...rest } = schema;
    const base = Object.keys(rest).length > 0 ? convertBase(rest, path, ctx, false) : {};
    let out: GeminiSchema;
    if (converted.length === 1) out = { ...base, ...converted[0]! };
    else out = { ...base, anyOf: converted };
    return hasNull ? nullableOf(out) : out;
  }

  return convertBase(schema, path, ctx, true);
}

function convertAllOf(schema: { [key: string]: JSONValue }, path: string, ctx: Context): GeminiSchema {
  const members = schema.allOf as JSONValue[];
  const { allOf: _a, ...rest } = schema;
  const resolved = members.map((m, i) => {
    let node = m;
    while (isObject(node) && typeof node.$ref === 'string') node = resolveRef(node.$ref, ctx, `${path}.allOf[${i}]`);
    return node;
  });
  if (resolved.length === 1) return convertNode({ ...(resolved[0] as JSONSchema), ...rest }, path, ctx);
  if (!resolved.every((m) => isObject(m) && (m.type === 'object' || m.properties !== undefined))) {
    throw new SchemaConversionError(`${path}.allOf`, 'allOf can only be merged when every member is an object schema');
  }
  const properties: { [key: string]: JSONValue } = {};
  const required = new Set<string>();
  for (const m of resolved as Array<{ [key: string]: JSONValue }>) {
    if (isObject(m.properties)) Object.assign(properties, m.properties);
    if (Array.isArray(m.required)) for (const r of m.required) if (typeof r === 'string') required.add(r);
  }
  ctx.warnings.push({ type: 'other', path, message: `${path}: allOf was merged into one object schema` });
  return convertNode({ ...rest, type: 'object', properties, required: [...required] }, path, ctx);
}

function convertType(
  schema: { [key: string]: JSONValue },
  path: string,
): { type?: GeminiSchema['type']; nullable?: boolean; others?: string[] } {
  const t = schema.type;
  if (t === undefined) {
    if (schema.properties !== undefined) return { type: 'OBJECT' };
    if (schema.items !== undefined) return { type: 'ARRAY' };
    if (schema.enum !== undefined || typeof schema.const === 'string') return { type: 'STRING' };
    return {};
  }
  const list = Array.isArray(t) ? t : [t];
  const names = list.filter((x): x is string => typeof x === 'string');
  const nonNull = names.filter((x) => x !== 'null');
  for (const n of names) if (!TYPES[n]) throw new SchemaConversionError(`${path}.type`, `unknown type "${n}"`);
  const nullable = nonNull.length < names.length && nonNull.length > 0;
  if (nonNull.length === 0) return { type: 'NULL' };
  return { type: TYPES[nonNull[0]!]!, ...(nullable && { nullable }), ...(nonNull.length > 1 && { others: nonNull.slice(1) }) };
}

function convertBase(schema: { [key: string]: JSONValue }, path: string, ctx: Context, withType: boolean): GeminiSchema {
  const typeInfo = withType ? convertType(schema, path) : {};
  if (typeInfo.others) {
    // `type: ["string", "number"]` is a union: one member per type, the rest of the keywords shared.
    const members = [typeInfo.type!, ...typeInfo.others.map((o) => TYPES[o]!)].map((t) => {
      const name = Object.keys(TYPES).find((k) => TYPES[k] === t)!;
      return convertBase({ ...schema, type: name }, path, ctx, true);
    });
    return { anyOf: members, ...(typeInfo.nullable && { nullable: true }) };
  }
  const out: GeminiSchema = {};
  if (typeInfo.type) out.type = typeInfo.type;
  if (typeInfo.nullable || schema.nullable === true) out.nullable = true;

  for (const key of COPIED) if (schema[key] !== undefined) (out as Record<string, unknown>)[key] = schema[key];
  // Gemini (proto int64) takes these counts as strings on the wire.
  for (const key of COUNTS) if (typeof schema[key] === 'number') (out as Record<string, unknown>)[key] = String(schema[key]);
  if (typeof schema.exclusiveMinimum === 'number') {
    out.minimum = schema.exclusiveMinimum;
    ctx.warnings.push({ type: 'other', path, message: `${path}: exclusiveMinimum was sent as an inclusive minimum` });
  }
  if (typeof schema.exclusiveMaximum === 'number') {
    out.maximum = schema.exclusiveMaximum;
    ctx.warnings.push({ type: 'other', path, message: `${path}: exclusiveMaximum was sent as an inclusive maximum` });
  }
  if (schema.example !== undefined) out.example = schema.example;
  else if (Array.isArray(schema.examples) && schema.examples.length > 0) out.example = schema.examples[0];

  if (typeof schema.format === 'string') {
    if (out.type && FORMATS[out.type]?.includes(schema.format)) out.format = schema.format;
    else {
      out.description = `${out.description ? `${out.description} ` : ''}(format: ${schema.format})`;
      ctx.warnings.push({
        type: 'other',
        path,
        message: `${path}: format "${schema.format}" is not supported by Gemini; moved into the description`,
      });
    }
  }

  const values = schema.enum !== undefined ? schema.enum : schema.const !== undefined ? [schema.const] : undefined;
  if (values !== undefined) {
    const key = schema.enum !== undefined ? 'enum' : 'const';
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'string' || v === null)) {
      throw new SchemaConversionError(
        `${path}.${key}`,
        'Gemini enums hold only strings; use a string enum or a number with minimum/maximum',
      );
    }
    const strings = values.filter((v): v is string => typeof v === 'string');
    if (strings.length < values.length) out.nullable = true;
    out.type = 'STRING';
    out.enum = strings;
  }

  if (schema.properties !== undefined) {
    if (!isObject(schema.properties)) throw new SchemaConversionError(`${path}.properties`, 'expected an object');
    const properties: Record<string, GeminiSchema> = {};
    for (const [name, sub] of Object.entries(schema.properties)) properties[name] = convertNode(sub, `${path}.properties.${name}`, ctx);
    out.properties = properties;
    if (Array.isArray(schema.required)) {
      out.required = schema.required.filter((r): r is string => typeof r === 'string' && r in properties);
    }
  }
  if (Array.isArray(schema.propertyOrdering))
    out.propertyOrdering = schema.propertyOrdering.filter((p): p is string => typeof p === 'string');

  if (schema.items !== undefined) {
    if (Array.isArray(schema.items))
      throw new SchemaConversionError(`${path}.items`, 'tuple items (an array of schemas) cannot be expressed in a Gemini schema');
    out.items = convertNode(schema.items, `${path}.items`, ctx);
  }
  return out;
}

/** True for `{ type: 'object' }` with no properties: Gemini rejects such function `parameters`, so they are omitted. */
export function isEmptyObjectSchema(schema: JSONSchema): boolean {
  const props = schema.properties;
  return (
    schema.type === 'object' &&
    (props === undefined || (isObject(props) && Object.keys(props).length === 0)) &&
    schema.anyOf === undefined &&
    schema.allOf === undefined &&
    schema.$ref === undefined
  );
}

/** Converts a whole schema; `path` names its place in the request (e.g. `tools[0](get_weather).parameters`). */
export function toGeminiSchema(schema: JSONSchema, path: string, warnings: Warning[]): GeminiSchema {
  return convertNode(schema, path, { root: schema, warnings, refStack: [] });
}

/** For `parametersJsonSchema` / `responseJsonSchema`: JSON Schema as is, minus `$schema` (noise that some endpoints reject). */
export function toJsonSchemaPassthrough(schema: JSONSchema): JSONSchema {
  const { $schema: _s, ...rest } = schema;
  return rest;
}
