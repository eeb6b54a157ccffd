import type { RoutingContext } from '../../core/request.js';
import type { Cost, Usage } from '../../core/usage.js';

/**
 * `request`: one per request, whatever its outcome. `billed-attempt`: a failed attempt the vendor
 * still billed (e.g. a stream cut after tokens were produced); counted in cost and tokens, not in requests.
 */
export type RecordKind = 'request' | 'billed-attempt';

export interface RecordTokens {
  /** All input tokens, cache reads and writes included. */
  input: number;
  cachedInput: number;
  cacheWrite: number;
  /** All output tokens, reasoning included. */
  output: number;
  reasoning: number;
  total: number;
}

interface UsageRecordBase {
  /** Unique id of this record. */
  id: string;
  kind: RecordKind;
  /** Milliseconds since the epoch (UTC). */
  timestamp: number;
  requestId: string;
  tenant?: string;
  user?: string;
  agent?: string;
  session?: string;
  tags?: string[];
  /** The model alias that served (or, for failures, was last tried); `(none)` when nothing was called. */
  model: string;
  /** The provider instance name. */
  provider: string;
  /** The vendor's model id. */
  providerModel: string;
  tokens: RecordTokens;
  inputMicros: number;
  outputMicros: number;
  costMicros: number;
  /** False when the model had no price: the cost is 0 and not to be trusted. */
  priced: boolean;
  /** True when the tokens are our estimate, not the vendor's figures. */
  estimated: boolean;
  latencyMs: number;
  fallbackUsed: boolean;
  /** Number of attempts the request made (retries and fallbacks included). */
  attempts: number;
}

export type UsageRecord = UsageRecordBase & ({ outcome: 'ok' } | { outcome: 'error'; errorCode: string });

/** What the router hands to `ledger.record()`. */
export interface RecordInput {
  kind?: RecordKind;
  requestId: string;
  /** Defaults to the ledger's clock. */
  timestamp?: number;
  context?: RoutingContext;
  model: string;
  provider: string;
  providerModel: string;
  usage?: Usage;
  cost?: Cost;
  latencyMs?: number;
  outcome: 'ok' | 'error';
  /** Required when `outcome` is `error`, e.g. `rate-limit`. */
  errorCode?: string;
  fallbackUsed?: boolean;
  attempts?: number;
}

const nonNeg = (n: number | undefined): number => (n !== undefined && Number.isFinite(n) && n > 0 ? Math.round(n) : 0);

export function toRecord(input: RecordInput, id: string, timestamp: number): UsageRecord {
  const u = input.usage;
  const c = input.cost;
  const ctx = input.context ?? {};
  const base: UsageRecordBase = {
    id,
    kind: input.kind ?? 'request',
    timestamp,
    requestId: input.requestId,
    model: input.model,
    provider: input.provider,
    providerModel: input.providerModel,
    tokens: {
      input: nonNeg(u?.inputTokens),
      cachedInput: nonNeg(u?.cachedInputTokens),
      cacheWrite: nonNeg(u?.cacheWriteTokens),
      output: nonNeg(u?.outputTokens),
      reasoning: nonNeg(u?.reasoningTokens),
      total: nonNeg(u ? u.totalTokens || u.inputTokens + u.outputTokens : 0),
    },
    inputMicros: nonNeg(c?.inputMicros),
    outputMicros: nonNeg(c?.outputMicros),
    costMicros: nonNeg(c?.inputMicros) + nonNeg(c?.outputMicros),
    // No usage means nothing was billed: zero is then a true figure.
    priced: c ? c.priced : true,
    estimated: (c?.estimated ?? false) || (u?.estimated ?? false),
    latencyMs: nonNeg(input.latencyMs),
    fallbackUsed: input.fallbackUsed ?? false,
    attempts: input.attempts ?? 1,
  };
  if (ctx.tenant !== undefined) base.tenant = ctx.tenant;
  if (ctx.user !== undefined) base.user = ctx.user;
  if (ctx.agent !== undefined) base.agent = ctx.agent;
  if (ctx.session !== undefined) base.session = ctx.session;
  if (ctx.tags !== undefined && ctx.tags.length > 0) base.tags = [...ctx.tags];
  // Completed in place: the outcome fields are added to the record built above.
  const record = base as UsageRecordBase & { outcome: 'ok' | 'error'; errorCode?: string };
  record.outcome = input.outcome === 'ok' ? 'ok' : 'error';
  if (record.outcome === 'error') record.errorCode = input.errorCode ?? 'unknown';
  return record as UsageRecord;
}
