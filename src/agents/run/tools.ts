import type { z } from 'zod';
import type { Message } from '../../core/messages.js';
import type { JSONSchema } from '../../core/tools.js';

/** What a tool's `execute` and `needsApproval` receive besides the input. */
export interface ToolContext {
  toolCallId: string;
  /** The conversation up to the call (the assistant message with the call included). */
  messages: ReadonlyArray<Message>;
  /** 0-based index of the step that made the call. */
  step: number;
  /** The run's `signal`, when it has one. */
  signal?: AbortSignal;
}

/**
 * A tool of `router.run()`. `input` is a zod schema (arguments are validated and typed from it) or a
 * JSON Schema (validated too; typed by `AgentTool<Input>`). Without `execute` the loop stops and hands the
 * call back (`status: 'tool-calls'`). A thrown `execute` becomes an error result the model sees.
 */
export interface AgentTool<I = unknown, O = unknown> {
  description?: string;
  input: z.ZodType | JSONSchema;
  execute?: (input: I, context: ToolContext) => O | Promise<O>;
  /** True (or a function returning true) stops the loop before executing the call; resume with `approvals`. */
  needsApproval?: boolean | ((input: I, context: ToolContext) => boolean | Promise<boolean>);
}

/** Tools of a run by name. */
export type ToolSet = Record<string, AgentTool<never, unknown>>;

/** Declares a tool with arguments typed from its zod schema (the identity function, for inference). */
export function tool<S extends z.ZodType, O = unknown>(definition: {
  description?: string;
  input: S;
  execute?: (input: z.output<S>, context: ToolContext) => O | Promise<O>;
  needsApproval?: boolean | ((input: z.output<S>, context: ToolContext) => boolean | Promise<boolean>);
}): AgentTool<z.output<S>, O> & { input: S } {
  return definition;
}

/** A tool's input type: from its zod schema, else from `execute`'s parameter (a JSON Schema tool typed `AgentTool<Input>`). */
export type ToolInput<T> = T extends { input: infer S extends z.ZodType }
  ? z.output<S>
  : T extends { execute?: (input: infer I, context: ToolContext) => unknown }
    ? I
    : unknown;
export type ToolOutput<T> = T extends AgentTool<never, infer O> ? Awaited<O> : unknown;

/** A tool call with its input typed from the tool's schema (a union over the run's tools). */
export type TypedToolCall<TOOLS extends ToolSet> = {
  [K in keyof TOOLS & string]: { toolCallId: string; toolName: K; input: ToolInput<TOOLS[K]> };
}[keyof TOOLS & string];

/**
 * What came of one tool call: `ok` (executed, `output` set), `error` (execute threw, or the tool is unknown),
 * `invalid-input` (the arguments failed the schema; not executed), `denied` (an approval said no).
 * The model sees every result but `pending` ones (awaiting approval or a client-side tool).
 */
export interface ToolResultInfo {
  toolCallId: string;
  toolName: string;
  input: unknown;
  status: 'ok' | 'error' | 'invalid-input' | 'denied';
  output?: unknown;
  /** The error message the model was given. */
  error?: string;
}

/** A decision on a call that needs approval: `true`, `false`, or with a reason the model is told. */
export type ApprovalDecision = boolean | { approved: boolean; reason?: string };

/** Decides after a step whether the loop stops (it also stops when the model answers without tool calls). */
export type StopCondition = (state: { steps: ReadonlyArray<{ toolCalls: ReadonlyArray<{ toolName: string }> }> }) => boolean;

/** Stops after `n` steps. */
export function stepCountIs(n: number): StopCondition {
  return ({ steps }) => steps.length >= n;
}

/** Stops after a step that called tool `name`. */
export function hasToolCall(name: string): StopCondition {
  return ({ steps }) => steps[steps.length - 1]?.toolCalls.some((c) => c.toolName === name) ?? false;
}
