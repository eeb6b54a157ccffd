import { z } from 'zod';
import { addJsonIssues, describeValue } from './json-value.js';

/** A JSON Schema object (draft 2020-12 / OpenAPI subset as vendors accept it). */
export type JSONSchema = { [key: string]: JSONValue };
export type JSONValue = string | number | boolean | null | JSONValue[] | { [key: string]: JSONValue };

/** Tool parameters: a JSON Schema object or a zod schema (converted once per request). */
export type ToolParameters = JSONSchema | z.ZodType;

export interface ToolDefinition {
  name: string;
  description?: string;
  parameters: ToolParameters;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'tool'; name: string };

/** A tool as adapters receive it: parameters already converted to JSON Schema. */
export interface NormalizedTool {
  name: string;
  description?: string;
  parameters: JSONSchema;
}

export function isZodSchema(value: unknown): value is z.ZodType {
  return value instanceof z.ZodType;
}

/** Conversions already made (validation converts each zod schema once; the request path reuses it). */
const converted = new WeakMap<z.ZodType, JSONSchema>();

/** Converts a zod schema to JSON Schema; JSON Schema objects pass through unchanged. Throws when the zod schema has no JSON Schema form. */
export function toJSONSchema(parameters: ToolParameters): JSONSchema {
  if (!isZodSchema(parameters)) return parameters;
  let schema = converted.get(parameters);
  if (schema === undefined) {
    const full = z.toJSONSchema(parameters, { target: 'draft-2020-12', unrepresentable: 'throw' }) as JSONSchema;
    // `$schema` is noise to every vendor and rejected by some.
    const { $schema: _drop, ...rest } = full;
    schema = rest;
    converted.set(parameters, schema);
  }
  return { ...schema };
}

// ---- JSON Schema shape check: what a vendor would reject later, reported at request time with its path ----

const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'] as const;
const typeName = z.enum(JSON_TYPES, {
  error: (i) => `unknown JSON Schema type ${describeValue(i.input)}; expected one of ${JSON_TYPES.join(', ')}`,
});

function compiles(pattern: string): boolean {
  for (const flags of ['u', '']) {
    try {
      new RegExp(pattern, flags);
      return true;
    } catch {
      // try the next flag set
    }
  }
  return false;
}

const count = z.number().int().nonnegative();

/** A subschema: an object or a boolean. Unknown keywords pass (vendors have extensions); the known ones must have their JSON Schema form. */
const schemaNode: z.ZodType = z
  .unknown()
  .superRefine((v, ctx) => {
    if (typeof v !== 'boolean' && (typeof v !== 'object' || v === null || Array.isArray(v))) {
      ctx.addIssue({ code: 'custom', message: `must be a JSON Schema (an object or a boolean), got ${describeValue(v)}` });
    }
  })
  .pipe(z.lazy(() => z.union([z.boolean(), schemaObject])));

const schemaMap = z.record(z.string(), schemaNode);
const schemaList = z.array(schemaNode).min(1, 'must list at least one schema');

const schemaObject = z.looseObject({
  type: z.union([typeName, z.array(typeName).min(1)]).optional(),
  properties: schemaMap.optional(),
  patternProperties: schemaMap.optional(),
  $defs: schemaMap.optional(),
  definitions: schemaMap.optional(),
  dependentSchemas: schemaMap.optional(),
  additionalProperties: schemaNode.optional(),
  additionalItems: schemaNode.optional(),
  unevaluatedProperties: schemaNode.optional(),
  unevaluatedItems: schemaNode.optional(),
  items: z.union([schemaNode, z.array(schemaNode)]).optional(),
  prefixItems: z.array(schemaNode).optional(),
  contains: schemaNode.optional(),
  not: schemaNode.optional(),
  if: schemaNode.optional(),
  then: schemaNode.optional(),
  else: schemaNode.optional(),
  propertyNames: schemaNode.optional(),
  anyOf: schemaList.optional(),
  allOf: schemaList.optional(),
  oneOf: schemaList.optional(),
  required: z.array(z.string()).optional(),
  enum: z.array(z.unknown()).optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  format: z.string().optional(),
  $ref: z.string().optional(),
  pattern: z.string().refine(compiles, { message: 'is not a valid regular expression' }).optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  exclusiveMinimum: z.union([z.number(), z.boolean()]).optional(),
  exclusiveMaximum: z.union([z.number(), z.boolean()]).optional(),
  multipleOf: z.number().positive().optional(),
  minLength: count.optional(),
  maxLength: count.optional(),
  minItems: count.optional(),
  maxItems: count.optional(),
  minProperties: count.optional(),
  maxProperties: count.optional(),
  uniqueItems: z.boolean().optional(),
  nullable: z.boolean().optional(),
});

/**
 * A schema given for a tool's parameters (`root: 'object'`: vendors take only an object there) or a
 * response format (`root: 'any'`), as zod checks it at request time: a zod schema must have a JSON
 * Schema form; a JSON Schema must be JSON (no cycle, BigInt or 20,000-deep nesting) and every known
 * keyword must have its form (`{ type: 'strnig' }` is an issue at `type`).
 */
export function schemaInput(root: 'object' | 'any'): z.ZodType<unknown> {
  return z
    .unknown()
    .superRefine((v, ctx) => {
      if (isZodSchema(v)) {
        try {
          toJSONSchema(v);
        } catch (error) {
          const reason = error instanceof Error ? error.message : 'unknown reason';
          ctx.addIssue({ code: 'custom', message: `the zod schema has no JSON Schema form: ${reason}` });
        }
      } else if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        ctx.addIssue({ code: 'custom', message: `must be a JSON Schema object or a zod schema, got ${describeValue(v)}` });
      } else {
        addJsonIssues(v, ctx);
      }
    })
    .transform((v): unknown => (isZodSchema(v) ? toJSONSchema(v) : v))
    .pipe(schemaNode)
    .superRefine((v, ctx) => {
      const type = (v as { type?: unknown }).type;
      if (root === 'object' && type !== undefined && type !== 'object') {
        ctx.addIssue({
          code: 'custom',
          path: ['type'],
          message: `tool parameters must be a JSON Schema of type "object", got ${describeValue(type)}`,
        });
      }
    });
}
