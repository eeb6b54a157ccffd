import { ContentFilterError, InvalidResponseError } from '../../core/errors.js';
import type { AssistantContentPart, ProviderMetadata, ReasoningPart, ToolCallPart } from '../../core/messages.js';
import type { ProviderResponse, Warning } from '../../core/response.js';
import { convertUsage } from './convert-usage.js';
import { generateContentResponseSchema, type GeminiCandidate, type GeminiResponse, type GeminiResponsePart } from './gemini-api-types.js';
import { mapFinishReason } from './map-finish-reason.js';

/** What to do when Gemini blocks the prompt itself (`promptFeedback.blockReason`, no candidates). */
export type PromptBlockedBehavior = 'finish' | 'error';

export interface ResponseContext {
  provider: string;
  model: string;
  promptBlocked: PromptBlockedBehavior;
}

/**
 * Validates one response (or stream chunk) against the wire schema; a mismatch is an
 * InvalidResponseError.
 */
export function parseResponse(value: unknown, ctx: ResponseContext): GeminiResponse {
  const parsed = generateContentResponseSchema.safeParse(value);
  if (!parsed.success) {
    throw new InvalidResponseError({
      provider: ctx.provider,
      model: ctx.model,
      cause: parsed.error,
      message:
        `Gemini (${ctx.provider}, model "${ctx.model}") returned a response that does not match the GenerateContentResponse shape: ` +
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    });
  }
  return parsed.data;
}

/**
 * Gemini function calls have no id (newer API versions may add one). We use the API's id when
 * given, else a deterministic `${name}_${index}` (index among the response's calls), suffixed
 * with the response id when there is one, so ids are unique across a conversation.
 */
export class ToolCallIds {
  private index = 0;
  constructor(private responseId?: string) {}
  setResponseId(id: string | undefined): void {
    if (id && !this.responseId) this.responseId = id;
  }
  next(name: string, apiId: string | null | undefined): string {
    const i = this.index++;
    if (apiId) return apiId;
    const base = `${name}_${i}`.replace(/[^A-Za-z0-9_-]/g, '_');
    return this.responseId ? `${base}_${this.responseId.replace(/[^A-Za-z0-9_-]/g, '_')}` : base;
  }
}

export function signatureMetadata(signature: string): ProviderMetadata {
  return { gemini: { thoughtSignature: signature } };
}

export function toolCallPart(part: GeminiResponsePart, ids: ToolCallIds): ToolCallPart {
  const call = part.functionCall!;
  const meta: Record<string, unknown> = {};
  if (part.thoughtSignature) meta.thoughtSignature = part.thoughtSignature;
  if (call.id) meta.functionCallId = call.id;
  return {
    type: 'tool-call',
    toolCallId: ids.next(call.name, call.id),
    toolName: call.name,
    args: call.args ?? {},
    ...(Object.keys(meta).length > 0 && { providerMetadata: { gemini: meta } }),
  };
}

/**
 * One response part as our content parts. A thought part is reasoning (with its signature); a
 * signature on a non-thought part (Gemini 3 puts them on text) becomes an empty reasoning part
 * right after it, so it is kept and sent back on the next turn.
 */
export function convertPart(part: GeminiResponsePart, ids: ToolCallIds, warnings: Warning[]): AssistantContentPart[] {
  const sig = part.thoughtSignature ?? undefined;
  if (part.functionCall) return [toolCallPart(part, ids)];
  if (typeof part.text === 'string') {
    if (part.thought) {
      const r: ReasoningPart = { type: 'reasoning', text: part.text };
      if (sig) Object.assign(r, { signature: sig, providerMetadata: signatureMetadata(sig) });
      return [r];
    }
    const out: AssistantContentPart[] = part.text === '' ? [] : [{ type: 'text', text: part.text }];
    if (sig) out.push({ type: 'reasoning', text: '', signature: sig, providerMetadata: signatureMetadata(sig) });
    return out;
  }
  const kinds = Object.keys(part).filter((k) => k !== 'thoughtSignature');
  warnings.push({
    type: 'unsupported-content',
    message: `A Gemini response part of kind ${kinds.join(', ') || '(empty)'} has no unified form and is kept only in raw`,
  });
  return [];
}

/** Extra Gemini data worth keeping on the response (safety ratings, citations, finish message...). */
export function candidateMetadata(response: GeminiResponse, candidate: GeminiCandidate | undefined): ProviderMetadata | undefined {
  const g: Record<string, unknown> = {};
  for (const key of ['safetyRatings', 'citationMetadata', 'groundingMetadata', 'finishMessage', 'urlContextMetadata'] as const) {
    if (candidate?.[key] != null) g[key] = candidate[key];
  }
  if (response.promptFeedback) g.promptFeedback = response.promptFeedback;
  return Object.keys(g).length > 0 ? { gemini: g } : undefined;
}

export function promptBlockedError(blockReason: string, ctx: ResponseContext, raw: unknown): ContentFilterError {
  return new ContentFilterError({
    provider: ctx.provider,
    model: ctx.model,
    vendorCode: blockReason,
    cause: raw,
    message: `Gemini (${ctx.provider}, model "${ctx.model}") blocked the prompt: ${blockReason}`,
  });
}

/** A whole `generateContent` response as ours. */
export function convertResponse(value: unknown, ctx: ResponseContext): ProviderResponse {
  const response = parseResponse(value, ctx);
  const warnings: Warning[] = [];
  const candidate = response.candidates?.[0];
  const usage = convertUsage(response.usageMetadata) ?? { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  const out: ProviderResponse = { content: [], finishReason: 'other', usage, warnings, raw: value };
  if (response.responseId) out.id = response.responseId;
  if (response.modelVersion) out.modelId = response.modelVersion;
  const meta = candidateMetadata(response, candidate);
  if (meta) out.providerMetadata = meta;

  if (!candidate) {
    const blockReason = response.promptFeedback?.blockReason;
    if (!blockReason) {
      throw new InvalidResponseError({
        provider: ctx.provider,
        model: ctx.model,
        message: `Gemini (${ctx.provider}, model "${ctx.model}") returned no candidates and no block reason`,
      });
    }
    if (ctx.promptBlocked === 'error') throw promptBlockedError(blockReason, ctx, value);
    return { ...out, finishReason: 'content-filter', rawFinishReason: blockReason };
  }
  const ids = new ToolCallIds(response.responseId ?? undefined);
  for (const part of candidate.content?.parts ?? []) out.content.push(...convertPart(part, ids, warnings));
  const hasToolCalls = out.content.some((p) => p.type === 'tool-call');
  out.finishReason = mapFinishReason(candidate.finishReason, hasToolCalls);
  if (candidate.finishReason) out.rawFinishReason = candidate.finishReason;
  if ((response.candidates?.length ?? 0) > 1) {
    warnings.push({
      type: 'other',
      message: `Gemini returned ${response.candidates!.length} candidates; only the first is used (all are in raw)`,
    });
  }
  return out;
}
