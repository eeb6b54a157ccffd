import { InvalidRequestError } from '../../core/errors.js';
import type { UsageLedger } from '../ledger/ledger.js';
import type { UsageRecord } from '../ledger/record.js';
import { formatMicrosAsUsd } from '../money.js';
import type { RecordsQuery } from './query.js';
import { listRecords } from './records.js';

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

/** Retained records as JSON (an array of records) or CSV (a header line, CRLF line ends). */
export async function exportRecords(ledger: UsageLedger, query: ExportQuery): Promise<string> {
  const format: unknown = query?.format;
  if (typeof format !== 'string' || !EXPORT_FORMATS.includes(format as ExportFormat)) {
    throw new InvalidRequestError({ path: 'format', message: `format: unknown export format "${String(format)}"; expected one of ${EXPORT_FORMATS.join(', ')}` });
  }
  const records = await listRecords(ledger, query);
  return format === 'json' ? JSON.stringify(records) : toCsv(records, query.bom ?? false);
}
