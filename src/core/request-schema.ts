import { z } from 'zod';
import { InvalidRequestError } from './errors.js';
import type { Message } from './messages.js';
import type { ChatRequest } from './request.js';
import { formatPath, zodIssues } from './zod-issues.js';

const text = z.strictObject({ type: z.literal('text'), text: z.string() });
const providerMetadata = z.record(z.string(), z.record(z.string(), z.unknown())).optional();
const image = z
  .strictObject({
    type: z.literal('image'),
    url: z.string().min(1).optional(),
    data: z.union([z.string().min(1), z.instanceof(Uint8Array)]).optional(),
    mediaType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a media type such as image/png').optional(),
  })
  .superRefine((part, ctx) => {
    if (part.url === undefined && part.data === undefined) {
      ctx.addIssue({ code: 'custom', message: 'an image part needs `url` or `data`', path: [] });
    } else if (part.url !== undefined && part.data !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'an image part takes `url` or `data`, not both', path: [] });
    } else if (part.data !== undefined && part.mediaType === undefined) {
      ctx.addIssue({ code: 'custom', message: '`mediaType` is required with `data`', path: ['mediaType'] });
    } else if (part.url !== undefined && !/^(https?:|data:)/i.test(part.url)) {
      ctx.addIssue({ code: 'custom', message: '`url` must be an http(s) or data: URL', path: ['url'] });
    }
  });
const toolCall = z.strictObject({
  type: z.literal('tool-call'),
  toolCallId: z.string().min(1),
  toolName: z.string().min(1),
  args: z.unknown(),
  providerMetadata,
});
const toolResult = z.strictObject({
  type: z.literal('tool-result'),
  toolCallId: z.string().min(1),
  toolName: z.string().min(1),
  result: z.unknown(),
  isError: z.boolean().optional(),
});
const reasoning = z.strictObject({
  type: z.literal('reasoning'),
  text: z.string(),
  signature: z.string().optional(),
  redacted: z.string().optional(),
  providerMetadata,
});

const message = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('system'), content: z.string() }),
  z.strictObject({ role: z.literal('user'), content: z.union([z.string(), z.array(z.discriminatedUnion('type', [text, image]))]) }),
  z.strictObject({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(z.discriminatedUnion('type', [text, toolCall, reasoning]))]),
  }),
  z.strictObject({ role: z.literal('tool'), content: z.array(toolResult).min(1) }),
]);

const jsonSchemaOrZod = z.custom<object>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
  message: 'must be a JSON Schema object or a zod schema',
});

const params = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().min(0).max(1).optional(),
  topK: z.number().int().positive().optional(),
  maxTokens: z.number().int().positive().optional(),
  stop: z.array(z.string()).max(16).optional(),
  frequencyPenalty: z.number().min(-2).max(2).optional(),
  presencePenalty: z.number().min(-2).max(2).optional(),
  seed: z.number().int().optional(),
});

/** The request schema (exported for tests that compare the fast check with it). */
export const requestSchema = z.strictObject({
  messages: z.array(message).min(1, 'must contain at least one message'),
  system: z.string().optional(),
  tools: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'tool names are 1-64 letters, digits, _ or -'),
        description: z.string().optional(),
        parameters: jsonSchemaOrZod,
      }),
    )
    .optional(),
  toolChoice: z
    .union([z.enum(['auto', 'none', 'required']), z.strictObject({ type: z.literal('tool'), name: z.string().min(1) })])
    .optional(),
  responseFormat: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('text') }),
      z.strictObject({ type: z.literal('json') }),
      z.strictObject({
        type: z.literal('json-schema'),
        schema: jsonSchemaOrZod,
        name: z.string().optional(),
        description: z.string().optional(),
        strict: z.boolean().optional(),
      }),
    ])
    .optional(),
  params: params.optional(),
  providerOptions: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  model: z.string().min(1).optional(),
  task: z.string().min(1).optional(),
  signal: z.instanceof(AbortSignal).optional(),
  timeoutMs: z.number().int().positive().optional(),
  tenant: z.string().min(1).optional(),
  user: z.string().min(1).optional(),
  agent: z.string().min(1).optional(),
  session: z.string().min(1).optional(),
  tags: z.array(z.string()).optional(),
});

/** Checks that every tool result answers an earlier tool call, and that tool names exist. */
function crossCheck(request: ChatRequest): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  const calls = new Set<string>();
  request.messages.forEach((m: Message, i) => {
    if (m.role === 'assistant' && typeof m.content !== 'string') {
      for (const p of m.content) if (p.type === 'tool-call') calls.add(p.toolCallId);
    } else if (m.role === 'tool') {
      m.content.forEach((p, j) => {
        if (!calls.has(p.toolCallId)) {
          issues.push({
            path: formatPath(['messages', i, 'content', j, 'toolCallId']),
            message: `tool result "${p.toolCallId}" answers no earlier tool call`,
          });
        }
      });
    }
  });
  const choice = request.toolChoice;
  if (typeof choice === 'object' && !request.tools?.some((t) => t.name === choice.name)) {
    issues.push({ path: 'toolChoice.name', message: `names no tool in \`tools\`: "${choice.name}"` });
  }
  return issues;
}

type Rec = Record<string, unknown>;

/** A plain object (prototype Object.prototype or null) whose enumerable keys (own and inherited, as zod's `for...in`) are all in `allowed`. */
function plainWith(v: unknown, allowed: ReadonlySet<string>): v is Rec {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in v) if (!allowed.has(key)) return false;
  return true;
}

const optString = (v: unknown): boolean => v === undefined || typeof v === 'string';
const optNonEmpty = (v: unknown): boolean => v === undefined || (typeof v === 'string' && v.length > 0);
const optIn = (v: unknown, min: number, max: number): boolean => v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max);
const optPositiveInt = (v: unknown): boolean => v === undefined || (Number.isSafeInteger(v) && (v as number) > 0);

/** An array of strings, holes not allowed (zod reads a hole as undefined). */
function strings(v: unknown, max: number): boolean {
  if (!Array.isArray(v) || v.length > max) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
}

const REQUEST_KEYS = new Set(Object.keys(requestSchema.shape));
const MESSAGE_KEYS = new Set(['role', 'content']);
const PARAM_KEYS = new Set(Object.keys(params.shape));
const FORMAT_KEYS = new Set(['type']);
const CHOICES = new Set(['auto', 'none', 'required']);

function simpleMessages(v: unknown): boolean {
  if (!Array.isArray(v) || v.length === 0) return false;
  for (let i = 0; i < v.length; i++) {
    const m: unknown = v[i];
    if (!plainWith(m, MESSAGE_KEYS) || typeof m.content !== 'string' || (m.role !== 'user' && m.role !== 'system' && m.role !== 'assistant')) return false;
  }
  return true;
}

function simpleParams(p: unknown): boolean {
  if (p === undefined) return true;
  if (!plainWith(p, PARAM_KEYS)) return false;
  return (
    (p.stop === undefined || strings(p.stop, 16)) &&
    optIn(p.temperature, 0, 2) &&
    optIn(p.topP, 0, 1) &&
    optPositiveInt(p.topK) &&
    optPositiveInt(p.maxTokens) &&
    optIn(p.frequencyPenalty, -2, 2) &&
    optIn(p.presencePenalty, -2, 2) &&
    (p.seed === undefined || Number.isSafeInteger(p.seed))
  );
}

/**
 * A cheap check that proves the common request valid: string-only messages, no tools, and only
 * simple fields, each meeting (or stricter than) its schema; crossCheck has nothing to find in
 * such a request. False means "not proven": the full schema decides and reports.
 */
export function provenValid(r: unknown): boolean {
  if (!plainWith(r, REQUEST_KEYS)) return false;
  const { tags, toolChoice, responseFormat, signal } = r;
  return (
    simpleMessages(r.messages) &&
    optString(r.system) &&
    r.tools === undefined &&
    r.providerOptions === undefined &&
    (toolChoice === undefined || (typeof toolChoice === 'string' && CHOICES.has(toolChoice))) &&
    (responseFormat === undefined || (plainWith(responseFormat, FORMAT_KEYS) && (responseFormat.type === 'text' || responseFormat.type === 'json'))) &&
    simpleParams(r.params) &&
    optNonEmpty(r.model) &&
    optNonEmpty(r.task) &&
    (signal === undefined || signal instanceof AbortSignal) &&
    optPositiveInt(r.timeoutMs) &&
    optNonEmpty(r.tenant) &&
    optNonEmpty(r.user) &&
    optNonEmpty(r.agent) &&
    optNonEmpty(r.session) &&
    (tags === undefined || strings(tags, Infinity))
  );
}

/** Validates a request; throws one InvalidRequestError listing every problem with its path. */
export function validateRequest(request: unknown): ChatRequest {
  if (provenValid(request)) return request as ChatRequest;
  const parsed = requestSchema.safeParse(request);
  const issues = parsed.success ? crossCheck(request as ChatRequest) : zodIssues(parsed.error);
  if (issues.length > 0) {
    const first = issues[0]!;
    throw new InvalidRequestError({
      message: `Invalid request: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
      path: first.path,
      issues,
    });
  }
  // Return the caller's object: zod's copy would drop the AbortSignal's identity and zod schema instances.
  return request as ChatRequest;
}
