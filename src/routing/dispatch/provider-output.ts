import { z } from 'zod';
import { InvalidResponseError } from '../../core/errors.js';
import type { ProviderResponse } from '../../core/response.js';
import type { ProviderStreamPart } from '../../core/stream.js';

/**
 * What a provider hands the router, checked once at the boundary: the built-in adapters always
 * give these shapes, but a custom `LLMProvider` may resolve or yield anything (`null`, `{}`, a
 * part without `delta`, a hole in `content`, `NaN` tokens). Such output is the provider's
 * `InvalidResponseError` (an attempt failure like any other), never a `TypeError` deep in the
 * request path that would skip the release of the concurrency slot or the budget hold. Objects
 * are loose: fields we do not read pass.
 */

/** A token count: a non-negative safe integer (costs are computed from it in integer micro-dollars). */
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const metadata = z.record(z.string(), z.record(z.string(), z.unknown()));

const usage = z.looseObject({
  inputTokens: count,
  outputTokens: count,
  totalTokens: count,
  cachedInputTokens: count.optional(),
  cacheWriteTokens: count.optional(),
  reasoningTokens: count.optional(),
  estimated: z.boolean().optional(),
});

const finishReason = z.enum(['stop', 'length', 'tool-calls', 'content-filter', 'error', 'other']);
const warning = z.looseObject({
  type: z.enum(['unsupported-parameter', 'unsupported-content', 'other']),
  path: z.string().optional(),
  message: z.string(),
});

const toolCall = z.looseObject({
  type: z.literal('tool-call'),
  toolCallId: z.string().min(1),
  toolName: z.string().min(1),
  args: z.unknown(),
  providerMetadata: metadata.optional(),
});

const content = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string() }),
  toolCall,
  z.looseObject({
    type: z.literal('reasoning'),
    text: z.string(),
    signature: z.string().optional(),
    redacted: z.string().optional(),
    providerMetadata: metadata.optional(),
  }),
]);

const response = z.looseObject({
  id: z.string().optional(),
  modelId: z.string().optional(),
  content: z.array(content),
  finishReason,
  rawFinishReason: z.string().optional(),
  usage,
  warnings: z.array(warning),
  providerMetadata: metadata.optional(),
});

const part = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('stream-start'), warnings: z.array(warning) }),
  z.looseObject({ type: z.literal('response-metadata'), id: z.string().optional(), modelId: z.string().optional() }),
  z.looseObject({ type: z.literal('text-delta'), delta: z.string() }),
  z.looseObject({
    type: z.literal('reasoning-delta'),
    delta: z.string(),
    signature: z.string().optional(),
    providerMetadata: metadata.optional(),
  }),
  z.looseObject({ type: z.literal('tool-call-delta'), toolCallId: z.string(), toolName: z.string(), argsDelta: z.string() }),
  z.looseObject({ type: z.literal('tool-call'), toolCall }),
  z.looseObject({
    type: z.literal('finish'),
    finishReason,
    rawFinishReason: z.string().optional(),
    usage: usage.optional(),
    providerMetadata: metadata.optional(),
  }),
]);

/** The first problem of a failed check, as `path: what` (no values: they may hold anything). */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return `${path.replace(/^\./, '') || '(root)'}: ${issue.message}`;
}

/** A provider's chat answer, checked: the same value, or the provider's InvalidResponseError. */
export function checkedResponse(value: unknown, provider: string, model: string): ProviderResponse {
  const result = response.safeParse(value);
  if (!result.success)
    throw new InvalidResponseError({
      provider,
      model,
      message: `Provider "${provider}" returned no valid response for "${model}" (${firstIssue(result.error)})`,
    });
  return value as ProviderResponse;
}

/** Throws the provider's InvalidResponseError for a stream part the router cannot read. */
export function checkedPart(value: unknown, from: { provider: string; model: string }): ProviderStreamPart {
  const result = part.safeParse(value);
  if (!result.success)
    throw new InvalidResponseError({
      provider: from.provider,
      model: from.model,
      message: `Provider "${from.provider}" streamed a part that is not a valid stream part for "${from.model}" (${firstIssue(result.error)})`,
    });
  return value as ProviderStreamPart;
}
