import { z } from 'zod';
import { InvalidRequestError } from '../../core/errors.js';
import { isZodSchema, toJSONSchema, type JSONSchema } from '../../core/tools.js';
import { checkSchema } from '../check-schema.js';
import { parseJsonAnswer } from './parse-json.js';

/** A zod schema, or a JSON Schema object (give the object's type as the call's type parameter). */
export type ObjectSchema = z.ZodType | JSONSchema;

export type Checked<T> = { ok: true; value: T } | { ok: false; issues: z.core.$ZodIssue[] };

/** The schema as the wire needs it (JSON Schema) and as validation needs it (zod). */
export interface ResolvedSchema<T> {
  json: JSONSchema;
  check(text: string): Checked<T>;
}

/** Converts once per call; a schema that cannot be represented is an InvalidRequestError at `schema`. */
export function resolveSchema<T>(schema: ObjectSchema): ResolvedSchema<T> {
  checkSchema(schema, 'any', 'schema');
  let json: JSONSchema;
  let zod: z.ZodType;
  try {
    if (isZodSchema(schema)) {
      zod = schema;
      json = toJSONSchema(schema);
    } else {
      json = schema;
      zod = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    }
  } catch (error) {
    throw new InvalidRequestError({ path: 'schema', message: `Invalid request: schema: ${(error as Error).message}`, cause: error });
  }
  return {
    json,
    check(text) {
      const parsed = parseJsonAnswer(text);
      if (!parsed.ok) return { ok: false, issues: [{ code: 'custom', path: [], message: parsed.message, input: text }] };
      const result = zod.safeParse(parsed.value);
      return result.success ? { ok: true, value: result.data as T } : { ok: false, issues: result.error.issues };
    },
  };
}

/** The re-ask after an answer failed validation: the issues, one a line, with their paths. */
export function repairPrompt(issues: ReadonlyArray<z.core.$ZodIssue>): string {
  const lines = issues.slice(0, 20).map((i) => `- ${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`);
  return `Your answer does not match the required JSON Schema:\n${lines.join('\n')}\nAnswer again with only the corrected JSON value, nothing else.`;
}

/** Prompt-and-validate mode: the instruction that carries the schema. */
export function schemaInstruction(json: JSONSchema, description?: string): string {
  const what = description ? ` (${description})` : '';
  return `Respond only with a single JSON value${what}, with no text before or after it. It must match this JSON Schema:\n${JSON.stringify(json)}`;
}
