import { z } from 'zod';

/**
 * Zod schemas of the Anthropic Messages wire, covering only the fields this adapter reads
 * (`.nullish()` where the API may omit them; loose objects keep unknown fields for `raw`).
 * The SDK gives us parsed JSON but does not validate it: a malformed body becomes an
 * `InvalidResponseError` here instead of a crash further down.
 */

const tokenFigures = {
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  /** Thinking tokens, a part of `output_tokens`. */
  output_tokens_details: z.looseObject({ thinking_tokens: z.number().nullish() }).nullish(),
};
const iterationSchema = z.looseObject(tokenFigures);
export type AnthropicUsageFigures = z.infer<typeof iterationSchema>;

export const usageSchema = z.looseObject({
  ...tokenFigures,
  /**
   * Context management (compaction) runs several sampling iterations in one call; the top-level
   * figures are those of the last one, and what is billed is the sum over `iterations`.
   */
  iterations: z.array(iterationSchema).nullish(),
});
export type AnthropicUsage = z.infer<typeof usageSchema>;

export const textBlockSchema = z.object({ type: z.literal('text'), text: z.string() });
export const thinkingBlockSchema = z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().nullish() });
export const redactedThinkingBlockSchema = z.object({ type: z.literal('redacted_thinking'), data: z.string() });
export const toolUseBlockSchema = z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string().min(1), input: z.unknown() });

export const contentBlockSchema = z.discriminatedUnion('type', [
  textBlockSchema,
  thinkingBlockSchema,
  redactedThinkingBlockSchema,
  toolUseBlockSchema,
]);
export type AnthropicContentBlock = z.infer<typeof contentBlockSchema>;

/** Any block or delta: known ones are re-parsed with {@link contentBlockSchema}, others are skipped. */
export const anyBlockSchema = z.looseObject({ type: z.string() });

export const messageSchema = z.looseObject({
  id: z.string(),
  model: z.string().nullish(),
  content: z.array(anyBlockSchema),
  stop_reason: z.string().nullish(),
  stop_sequence: z.string().nullish(),
  usage: usageSchema,
});
export type AnthropicMessage = z.infer<typeof messageSchema>;

/** The deltas we read; other delta types (e.g. `citations_delta`) are skipped. */
export const blockDeltaSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text_delta'), text: z.string() }),
  z.object({ type: z.literal('thinking_delta'), thinking: z.string() }),
  z.object({ type: z.literal('signature_delta'), signature: z.string() }),
  z.object({ type: z.literal('input_json_delta'), partial_json: z.string() }),
]);
export type AnthropicBlockDelta = z.infer<typeof blockDeltaSchema>;
export const KNOWN_DELTA_TYPES: ReadonlySet<string> = new Set(['text_delta', 'thinking_delta', 'signature_delta', 'input_json_delta']);

/** Event types this adapter reads; others (newer than this file) are skipped. */
export const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set([
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'ping',
]);

export const streamEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message_start'),
    message: z.object({ id: z.string().nullish(), model: z.string().nullish(), usage: usageSchema.nullish() }),
  }),
  z.object({ type: z.literal('content_block_start'), index: z.number(), content_block: anyBlockSchema }),
  z.object({
    type: z.literal('content_block_delta'),
    index: z.number(),
    delta: anyBlockSchema,
  }),
  z.object({ type: z.literal('content_block_stop'), index: z.number() }),
  z.object({
    type: z.literal('message_delta'),
    delta: z.object({ stop_reason: z.string().nullish(), stop_sequence: z.string().nullish(), stop_details: z.unknown().optional() }),
    usage: usageSchema.nullish(),
  }),
  z.object({ type: z.literal('message_stop') }),
  z.object({ type: z.literal('ping') }),
]);
export type AnthropicStreamEvent = z.infer<typeof streamEventSchema>;

export const modelListSchema = z.object({
  data: z.array(
    z.looseObject({
      id: z.string(),
      display_name: z.string().nullish(),
      max_input_tokens: z.number().nullish(),
      max_tokens: z.number().nullish(),
    }),
  ),
});

export const tokenCountSchema = z.object({ input_tokens: z.number() });
