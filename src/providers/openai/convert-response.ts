import { InvalidResponseError, SwitchyardError } from '../../core/errors.js';
import type { AssistantContentPart, ProviderMetadata } from '../../core/messages.js';
import type { ProviderResponse, Warning } from '../../core/response.js';
import type { Usage } from '../../core/usage.js';
import { zodIssues } from '../../core/zod-issues.js';
import { convertUsage } from './convert-usage.js';
import { mapFinishReason } from './map-finish-reason.js';
import { chatCompletionSchema, usageSchema, type WireChatCompletion } from './openai-api-types.js';
import { parseToolArgs } from './parse-tool-args.js';
import { reported } from '../shared/reported-usage.js';
import { ToolCallIdAssigner } from '../shared/tool-call-ids.js';

export interface ResponseContext {
  provider: string;
  /** Provider kind, the key of `providerMetadata`. */
  kind: string;
  model: string;
}

/** Validates the fields we read of a non-streaming body; anything unreadable is an InvalidResponseError. */
export function parseCompletion(raw: unknown, ctx: ResponseContext): WireChatCompletion {
  const parsed = chatCompletionSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = zodIssues(parsed.error).map((i) => `${i.path || '(root)'}: ${i.message}`);
  throw new InvalidResponseError({
    provider: ctx.provider,
    model: ctx.model,
    cause: parsed.error,
    message: `${ctx.provider} (model "${ctx.model}") returned an unreadable chat completion: ${issues.join('; ')}`,
  });
}

/** A Gemini thought signature (sent through an OpenAI-compatible endpoint) kept as `providerMetadata[kind].thoughtSignature`. */
export function thoughtSignatureMetadata(signature: string | null | undefined, kind: string): { providerMetadata?: ProviderMetadata } {
  return signature ? { providerMetadata: { [kind]: { thoughtSignature: signature } } } : {};
}

/**
 * A Chat Completions body as the unified response: reasoning (`reasoning_content`) first, then
 * text, then tool calls with parsed arguments. Only choice 0 is read (a warning says so when there
 * are more). A refusal is kept in `providerMetadata[kind].refusal`, warned about, and finishes as `content-filter`.
 */
export function convertResponse(
  raw: unknown,
  ctx: ResponseContext,
  warnings: Warning[],
  estimateUsage: (content: AssistantContentPart[]) => Usage,
): ProviderResponse {
  try {
    return readCompletion(raw, ctx, warnings, estimateUsage);
  } catch (error) {
    // A 200 the vendor billed but whose body we cannot read: the error carries the usage it reported.
    throw SwitchyardError.isInstance(error) ? reported(error, reportedUsageOf(raw)) : error;
  }
}

/** The `usage` block of a body we could not read, when it has token figures (the vendor's, converted). */
function reportedUsageOf(raw: unknown): Usage | undefined {
  const usage = (raw as { usage?: unknown } | null | undefined)?.usage;
  const parsed = usageSchema.safeParse(usage);
  if (!parsed.success || (typeof parsed.data.prompt_tokens !== 'number' && typeof parsed.data.completion_tokens !== 'number'))
    return undefined;
  return convertUsage(parsed.data, usage);
}

function readCompletion(
  raw: unknown,
  ctx: ResponseContext,
  warnings: Warning[],
  estimateUsage: (content: AssistantContentPart[]) => Usage,
): ProviderResponse {
  const body = parseCompletion(raw, ctx);
  const choice = body.choices.find((c) => (c.index ?? 0) === 0) ?? body.choices[0]!;
  const out: Warning[] = [...warnings];
  if (body.choices.length > 1 && !warnings.some((w) => w.path?.endsWith('.n'))) {
    out.push({ type: 'other', message: `The response has ${body.choices.length} choices; only choice 0 is returned` });
  }
  const { message } = choice;
  const content: AssistantContentPart[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  if (message.content) content.push({ type: 'text', text: message.content });
  const truncated = choice.finish_reason === 'length';
  const ids = new ToolCallIdAssigner();
  for (const call of message.tool_calls ?? []) {
    content.push({
      type: 'tool-call',
      toolCallId: ids.id(call.id),
      toolName: call.function.name,
      args: parseToolArgs(call.function.arguments ?? '', call.function.name, truncated, ctx),
      ...thoughtSignatureMetadata(call.extra_content?.google?.thought_signature, ctx.kind),
    });
  }
  const refusal = message.refusal ?? undefined;
  let providerMetadata: ProviderMetadata | undefined;
  if (refusal) {
    providerMetadata = { [ctx.kind]: { refusal } };
    out.push({ type: 'other', path: 'refusal', message: `The model refused: ${refusal}` });
  }
  const response: ProviderResponse = {
    content,
    finishReason: mapFinishReason(choice.finish_reason, Boolean(refusal)),
    usage: body.usage ? convertUsage(body.usage, (raw as { usage?: unknown }).usage) : estimateUsage(content),
    warnings: out,
    raw,
  };
  if (body.id) response.id = body.id;
  if (body.model) response.modelId = body.model;
  if (choice.finish_reason) response.rawFinishReason = choice.finish_reason;
  if (providerMetadata) response.providerMetadata = providerMetadata;
  return response;
}
