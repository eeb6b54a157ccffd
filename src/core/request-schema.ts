import { z } from 'zod';
import { InvalidRequestError } from './errors.js';
import type { Message } from './messages.js';
import type { ChatRequest } from './request.js';
import { jsonValue } from './json-value.js';
import { schemaInput } from './tools.js';
import { formatPath, zodIssues } from './zod-issues.js';

const text = z.strictObject({ type: z.literal('text'), text: z.string() });
/** Vendor data keyed by provider kind, then by field: JSON all the way down. */
const keyedJson = z.record(z.string(), z.record(z.string(), jsonValue));
const providerMetadata = keyedJson.optional();

/** Node's timers hold at most 2^31 - 1 ms; a longer delay fires after 1 ms (with a TimeoutOverflowWarning). */
export const MAX_TIMEOUT_MS = 2_147_483_647;
/** A deadline in ms: a positive integer a timer can hold (about 24.8 days at most). */
export const timeoutMsSchema = z
  .number()
  .int()
  .positive()
  .max(MAX_TIMEOUT_MS, { message: `must be at most ${MAX_TIMEOUT_MS} ms (2^31 - 1, the longest delay a timer can hold)` });

const image = z
  .strictObject({
    type: z.literal('image'),
    url: z.string().min(1).optional(),
    data: z.union([z.string().min(1), z.instanceof(Uint8Array)]).optional(),
    mediaType: z
      .string()
      .regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a media type such as image/png')
      .optional(),
  })
  // Zod runs this even when a field failed (that field is then the raw input): read fields by their type.
  .superRefine((part, ctx) => {
    if (part.url === undefined && part.data === undefined) {
      ctx.addIssue({ code: 'custom', message: 'an image part needs `url` or `data`', path: [] });
    } else if (part.url !== undefined && part.data !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'an image part takes `url` or `data`, not both', path: [] });
    } else if (part.data !== undefined && part.mediaType === undefined) {
      ctx.addIssue({ code: 'custom', message: '`mediaType` is required with `data`', path: ['mediaType'] });
    } else if (typeof part.url === 'string' && !/^(https?:|data:)/i.test(part.url)) {
      ctx.addIssue({ code: 'custom', message: '`url` must be an http(s) or data: URL', path: ['url'] });
    }
  });
const toolCall = z.strictObject({
  type: z.literal('tool-call'),
  toolCallId: z.string().min(1),
  toolName: z.string().min(1),
  args: jsonValue.optional(),
  providerMetadata,
});
const toolResult = z.strictObject({
  type: z.literal('tool-result'),
  toolCallId: z.string().min(1),
  toolName: z.string().min(1),
  result: jsonValue.optional(),
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

/** The request schema: the one validation of a request (JSON-ish fields go through the bounded, cycle-safe `jsonValue`). */
export const requestSchema = z.strictObject({
  messages: z.array(message).min(1, 'must contain at least one message'),
  system: z.string().optional(),
  tools: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'tool names are 1-64 letters, digits, _ or -'),
        description: z.string().optional(),
        parameters: schemaInput('object'),
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
        schema: schemaInput('any'),
        name: z.string().optional(),
        description: z.string().optional(),
        strict: z.boolean().optional(),
      }),
    ])
    .optional(),
  params: params.optional(),
  providerOptions: keyedJson.optional(),
  model: z.string().min(1).optional(),
  task: z.string().min(1).optional(),
  signal: z.instanceof(AbortSignal).optional(),
  timeoutMs: timeoutMsSchema.optional(),
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

/** Validates a request; throws one InvalidRequestError listing every problem with its path. */
export function validateRequest(request: unknown): ChatRequest {
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
