import { z } from 'zod';
import { InvalidRequestError } from '../../core/errors.js';
import type { Message, ToolCallPart, ToolResultPart } from '../../core/messages.js';
import { isZodSchema, type ToolDefinition } from '../../core/tools.js';
import { checkSchema } from '../check-schema.js';
import type { AgentTool, ApprovalDecision, ToolContext, ToolResultInfo, ToolSet } from './tools.js';

/** A call the loop stopped on: waiting for an approval decision, or for the caller to run a tool without `execute`. */
export interface PendingToolCall {
  toolCallId: string;
  toolName: string;
  input: unknown;
  reason: 'approval' | 'client';
}

interface PreparedTool {
  tool: AgentTool<never, unknown>;
  schema: z.ZodType;
}

export type Prepared = ReadonlyMap<string, PreparedTool>;

/** Tool definitions for the request, and validators for the arguments (JSON Schemas converted once per run). */
export function prepareTools(tools: ToolSet): { definitions: ToolDefinition[]; prepared: Prepared } {
  const definitions: ToolDefinition[] = [];
  const prepared = new Map<string, PreparedTool>();
  for (const [name, tool] of Object.entries(tools)) {
    if (typeof tool !== 'object' || tool === null || tool.input === undefined) {
      throw new InvalidRequestError({
        path: `tools.${name}.input`,
        message: `Invalid request: tools.${name}.input: a zod schema or a JSON Schema is required`,
      });
    }
    checkSchema(tool.input, 'object', `tools.${name}.input`);
    let schema: z.ZodType;
    try {
      schema = isZodSchema(tool.input) ? tool.input : z.fromJSONSchema(tool.input as Parameters<typeof z.fromJSONSchema>[0]);
    } catch (error) {
      throw new InvalidRequestError({
        path: `tools.${name}.input`,
        message: `Invalid request: tools.${name}.input: ${(error as Error).message}`,
        cause: error,
      });
    }
    definitions.push({ name, parameters: tool.input, ...(tool.description !== undefined && { description: tool.description }) });
    prepared.set(name, { tool, schema });
  }
  return { definitions, prepared };
}

export type CallOutcome = { kind: 'done'; result: ToolResultInfo } | { kind: 'pending'; call: PendingToolCall };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One tool call: validated, then held for approval, executed or refused. Never throws for what the
 * tool does: a thrown `execute` is an `error` result that the model will read.
 */
export async function handleCall(
  prepared: Prepared,
  call: ToolCallPart,
  context: ToolContext,
  decision?: ApprovalDecision,
): Promise<CallOutcome> {
  const base = { toolCallId: call.toolCallId, toolName: call.toolName, input: call.args };
  const entry = prepared.get(call.toolName);
  if (!entry) return { kind: 'done', result: { ...base, status: 'error', error: `Unknown tool "${call.toolName}"` } };
  const parsed = entry.schema.safeParse(call.args);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
    return {
      kind: 'done',
      result: { ...base, status: 'invalid-input', error: `Invalid arguments for tool "${call.toolName}": ${issues}` },
    };
  }
  const input = parsed.data as never;
  const typed = { ...base, input: parsed.data };
  const { tool } = entry;
  if (decision === undefined && tool.needsApproval !== undefined) {
    let needs: boolean;
    try {
      needs = typeof tool.needsApproval === 'function' ? await tool.needsApproval(input, context) : tool.needsApproval;
    } catch (error) {
      return { kind: 'done', result: { ...typed, status: 'error', error: `needsApproval failed: ${message(error)}` } };
    }
    if (needs) return { kind: 'pending', call: { ...typed, reason: 'approval' } };
  }
  if (decision !== undefined && (decision === false || (typeof decision === 'object' && !decision.approved))) {
    const reason = typeof decision === 'object' && decision.reason ? `: ${decision.reason}` : '';
    return { kind: 'done', result: { ...typed, status: 'denied', error: `The user denied this tool call${reason}` } };
  }
  if (!tool.execute) return { kind: 'pending', call: { ...typed, reason: 'client' } };
  try {
    return { kind: 'done', result: { ...typed, status: 'ok', output: await tool.execute(input, context) } };
  } catch (error) {
    return { kind: 'done', result: { ...typed, status: 'error', error: message(error) } };
  }
}

/** A tool result as the conversation carries it. */
export function toResultPart(result: ToolResultInfo): ToolResultPart {
  if (result.status === 'ok')
    return { type: 'tool-result', toolCallId: result.toolCallId, toolName: result.toolName, result: result.output ?? null };
  return { type: 'tool-result', toolCallId: result.toolCallId, toolName: result.toolName, result: result.error ?? 'error', isError: true };
}

/** The tool calls of the conversation's last assistant message that have no result yet, with where results go. */
export function unansweredCalls(messages: ReadonlyArray<Message>): { calls: ToolCallPart[]; assistantIndex: number } {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === 'user' || m.role === 'system') break;
    if (m.role !== 'assistant') continue;
    if (typeof m.content === 'string') break;
    const answered = new Set(messages.slice(i + 1).flatMap((n) => (n.role === 'tool' ? n.content.map((p) => p.toolCallId) : [])));
    const calls = m.content.filter((p): p is ToolCallPart => p.type === 'tool-call' && !answered.has(p.toolCallId));
    return { calls, assistantIndex: i };
  }
  return { calls: [], assistantIndex: -1 };
}

/** Adds results after the assistant message, in one tool message ordered like the calls. */
export function withResults(messages: ReadonlyArray<Message>, assistantIndex: number, results: ToolResultPart[]): Message[] {
  if (results.length === 0) return [...messages];
  const assistant = messages[assistantIndex];
  const order = new Map<string, number>();
  if (assistant?.role === 'assistant' && typeof assistant.content !== 'string') {
    assistant.content.forEach((p, i) => p.type === 'tool-call' && order.set(p.toolCallId, i));
  }
  const next = messages[assistantIndex + 1];
  const existing = next?.role === 'tool' ? next.content : [];
  const parts = [...existing, ...results].sort((a, b) => (order.get(a.toolCallId) ?? 0) - (order.get(b.toolCallId) ?? 0));
  const out = messages.slice(0, assistantIndex + 1);
  out.push({ role: 'tool', content: parts });
  out.push(...messages.slice(assistantIndex + (next?.role === 'tool' ? 2 : 1)));
  return out;
}
