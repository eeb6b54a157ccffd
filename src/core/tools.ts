import { z } from 'zod';

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

/** Converts a zod schema to JSON Schema; JSON Schema objects pass through unchanged. */
export function toJSONSchema(parameters: ToolParameters): JSONSchema {
  if (!isZodSchema(parameters)) return parameters;
  const schema = z.toJSONSchema(parameters, { target: 'draft-2020-12', unrepresentable: 'throw' }) as JSONSchema;
  // `$schema` is noise to every vendor and rejected by some.
  const { $schema: _drop, ...rest } = schema;
  return rest;
}
