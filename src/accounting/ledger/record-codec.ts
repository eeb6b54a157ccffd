import type { RecordKind, UsageRecord } from './record.js';

/**
 * How a record is kept in the store's log: a JSON array of its fields in a fixed order, led by a
 * format number: without the field names repeated in every entry, a typical record takes less than
 * half the bytes (and the log half the memory) of the same record as a JSON object. Logs written as
 * objects (before this format) still read back.
 */
const FORMAT = 1;

type Row = [
  format: typeof FORMAT,
  id: string,
  kind: RecordKind,
  timestamp: number,
  requestId: string,
  model: string,
  provider: string,
  providerModel: string,
  input: number,
  cachedInput: number,
  cacheWrite: number,
  output: number,
  reasoning: number,
  total: number,
  inputMicros: number,
  outputMicros: number,
  costMicros: number,
  priced: boolean,
  estimated: boolean,
  latencyMs: number,
  fallbackUsed: boolean,
  attempts: number,
  tenant: string | null,
  user: string | null,
  agent: string | null,
  session: string | null,
  tags: string[] | null,
  outcome: UsageRecord['outcome'],
  errorCode: string | null,
];

export function encodeRecord(r: UsageRecord): string {
  const t = r.tokens;
  const row: Row = [
    FORMAT,
    r.id,
    r.kind,
    r.timestamp,
    r.requestId,
    r.model,
    r.provider,
    r.providerModel,
    t.input,
    t.cachedInput,
    t.cacheWrite,
    t.output,
    t.reasoning,
    t.total,
    r.inputMicros,
    r.outputMicros,
    r.costMicros,
    r.priced,
    r.estimated,
    r.latencyMs,
    r.fallbackUsed,
    r.attempts,
    r.tenant ?? null,
    r.user ?? null,
    r.agent ?? null,
    r.session ?? null,
    r.tags ?? null,
    r.outcome,
    r.outcome === 'error' ? r.errorCode : null,
  ];
  return JSON.stringify(row);
}

/** The record as `toRecord` built it (same fields, same order, so exports read the same). */
export function decodeRecord(s: string): UsageRecord {
  const parsed = JSON.parse(s) as Row | UsageRecord;
  if (!Array.isArray(parsed)) return parsed;
  const [
    ,
    id,
    kind,
    timestamp,
    requestId,
    model,
    provider,
    providerModel,
    input,
    cachedInput,
    cacheWrite,
    output,
    reasoning,
    total,
    inputMicros,
    outputMicros,
    costMicros,
    priced,
    estimated,
    latencyMs,
    fallbackUsed,
    attempts,
    tenant,
    user,
    agent,
    session,
    tags,
    outcome,
    errorCode,
  ] = parsed;
  const r = {
    id,
    kind,
    timestamp,
    requestId,
    model,
    provider,
    providerModel,
    tokens: { input, cachedInput, cacheWrite, output, reasoning, total },
    inputMicros,
    outputMicros,
    costMicros,
    priced,
    estimated,
    latencyMs,
    fallbackUsed,
    attempts,
  } as Omit<UsageRecord, 'outcome'> & { outcome?: UsageRecord['outcome']; errorCode?: string };
  if (tenant !== null) r.tenant = tenant;
  if (user !== null) r.user = user;
  if (agent !== null) r.agent = agent;
  if (session !== null) r.session = session;
  if (tags !== null) r.tags = tags;
  r.outcome = outcome;
  if (outcome === 'error') r.errorCode = errorCode ?? 'unknown';
  return r as UsageRecord;
}
