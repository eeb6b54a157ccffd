import type { UsageLedger } from '../ledger/ledger.js';
import type { UsageRecord } from '../ledger/record.js';
import { formatMicrosAsUsd } from '../money.js';
import { parsedRecords, parseQuery, queryObject, rangeCheck, recordsShape, type RecordsQuery } from './query.js';
import { recordsOf } from './records.js';
import { z } from 'zod';
import { describeValue } from '../../core/json-value.js';

export type ExportFormat = 'json' | 'csv';
export const EXPORT_FORMATS: ReadonlyArray<ExportFormat> = ['json', 'csv'];

export interface ExportQuery extends RecordsQuery {
  format: ExportFormat;
  /** CSV only: start with a UTF-8 byte order mark so that spreadsheet apps read non-ASCII (e.g. Chinese) text right. */
  bom?: boolean;
}

const COLUMNS: ReadonlyArray<[string, (r: UsageRecord) => string | number | boolean | undefined]> = [
  ['id', (r) => r.id],
  ['kind', (r) => r.kind],
  ['time', (r) => new Date(r.timestamp).toISOString()],
  ['requestId', (r) => r.requestId],
  ['tenant', (r) => r.tenant],
  ['user', (r) => r.user],
  ['agent', (r) => r.agent],
  ['session', (r) => r.session],
  ['tags', (r) => r.tags?.join(';')],
  ['model', (r) => r.model],
  ['provider', (r) => r.provider],
  ['providerModel', (r) => r.providerModel],
  ['outcome', (r) => r.outcome],
  ['errorCode', (r) => (r.outcome === 'error' ? r.errorCode : undefined)],
  ['inputTokens', (r) => r.tokens.input],
  ['cachedInputTokens', (r) => r.tokens.cachedInput],
  ['cacheWriteTokens', (r) => r.tokens.cacheWrite],
  ['outputTokens', (r) => r.tokens.output],
  ['reasoningTokens', (r) => r.tokens.reasoning],
  ['totalTokens', (r) => r.tokens.total],
  ['inputMicros', (r) => r.inputMicros],
  ['outputMicros', (r) => r.outputMicros],
  ['costMicros', (r) => r.costMicros],
  ['costUsd', (r) => formatMicrosAsUsd(r.costMicros)],
  ['priced', (r) => r.priced],
  ['estimated', (r) => r.estimated],
  ['latencyMs', (r) => r.latencyMs],
  ['fallbackUsed', (r) => r.fallbackUsed],
  ['attempts', (r) => r.attempts],
];

/** RFC 4180: a field with a comma, quote, CR or LF is quoted and its quotes doubled. */
export function csvField(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(records: ReadonlyArray<UsageRecord>, bom = false): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const r of records) lines.push(COLUMNS.map(([, get]) => csvField(get(r))).join(','));
  return (bom ? '\uFEFF' : '') + lines.join('\r\n') + '\r\n';
}

const exportQuerySchema = queryObject({
  ...recordsShape,
  format: z.enum(EXPORT_FORMATS as unknown as readonly [ExportFormat, ...ExportFormat[]], {
    error: (i) => `unknown export format ${describeValue(i.input)}; expected one of ${EXPORT_FORMATS.join(', ')}`,
  }),
  bom: z.boolean().optional(),
}).superRefine(rangeCheck);

/** Retained records as JSON (an array of records) or CSV (a header line, CRLF line ends). */
export async function exportRecords(ledger: UsageLedger, query: ExportQuery): Promise<string> {
  const { format, bom, ...rest } = parseQuery(exportQuerySchema, query);
  const records = await recordsOf(ledger, parsedRecords(rest));
  return format === 'json' ? JSON.stringify(records) : toCsv(records, bom ?? false);
}
