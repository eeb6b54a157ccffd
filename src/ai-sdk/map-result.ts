import type { ChatResponse, Warning } from '../core/response.js';
import type { Usage } from '../core/usage.js';
import type { SpecContent, SpecFinishReason, SpecProviderMetadata, SpecUsage, SpecWarning } from './spec-types.js';
import type { FinishReason } from '../core/usage.js';
import type { ProviderMetadata } from '../core/messages.js';

/** Our usage in the specification's shape: cache reads/writes and reasoning split out, `raw` as reported. */
export function mapUsage(usage: Usage): SpecUsage {
  const cacheRead = usage.cachedInputTokens;
  const cacheWrite = usage.cacheWriteTokens;
  const reasoning = usage.reasoningTokens;
  return {
    inputTokens: { total: usage.inputTokens, noCache: usage.inputTokens - (cacheRead ?? 0) - (cacheWrite ?? 0), cacheRead, cacheWrite },
    outputTokens: { total: usage.outputTokens, text: usage.outputTokens - (reasoning ?? 0), reasoning },
    raw: { totalTokens: usage.totalTokens, ...(usage.estimated && { estimated: true }) },
  };
}

export function mapFinishReason(reason: FinishReason, raw: string | undefined): SpecFinishReason {
  return { unified: reason, raw };
}

export function mapWarnings(warnings: ReadonlyArray<Warning>): SpecWarning[] {
  return warnings.map((w) =>
    w.type === 'other'
      ? { type: 'other', message: w.path ? `${w.path}: ${w.message}` : w.message }
      : { type: 'unsupported', feature: w.path ?? w.type, details: w.message },
  );
}

function jsonMetadata(meta: ProviderMetadata | undefined): SpecProviderMetadata | undefined {
  return meta === undefined ? undefined : (JSON.parse(JSON.stringify(meta)) as SpecProviderMetadata);
}

/** Which model served, at what cost, after how many attempts: under `providerMetadata.switchyard`. */
export function routeMetadata(response: ChatResponse): SpecProviderMetadata {
  const { route, cost } = response;
  const vendor = jsonMetadata(response.providerMetadata) ?? {};
  return {
    ...vendor,
    switchyard: {
      requestId: response.id,
      model: route.model,
      provider: route.provider,
      providerModel: route.providerModel,
      strategy: route.strategy,
      fallbackUsed: route.fallbackUsed,
      attempts: route.attempts.length,
      costUsd: cost.totalUsd,
      costMicros: cost.totalMicros,
      priced: cost.priced,
    },
  };
}

/** Our content parts in the specification's shape (tool inputs as JSON text). */
export function mapContent(response: ChatResponse): SpecContent[] {
  const out: SpecContent[] = [];
  for (const part of response.content) {
    if (part.type === 'text') out.push({ type: 'text', text: part.text });
    else if (part.type === 'reasoning') {
      const meta = jsonMetadata(part.providerMetadata);
      const signed = part.signature !== undefined ? { switchyard: { signature: part.signature } } : undefined;
      const providerMetadata = meta || signed ? { ...signed, ...meta } : undefined;
      out.push({ type: 'reasoning', text: part.text, ...(providerMetadata && { providerMetadata }) });
    } else {
      const meta = jsonMetadata(part.providerMetadata);
      out.push({
        type: 'tool-call',
        toolCallId: part.toolCallId,
        toolName: part.toolName,
        input: JSON.stringify(part.args ?? {}),
        ...(meta && { providerMetadata: meta }),
      });
    }
  }
  return out;
}
