import type { UsageLedger } from '../ledger/ledger.js';
import type { UsageRecord } from '../ledger/record.js';
import { matchesRecord, parseQuery, recordsQuerySchema, type ParsedRecordsQuery, type RecordsQuery } from './query.js';

/** Retained records matching the query (retention may have dropped older ones; summaries never lose them). */
export async function listRecords(ledger: UsageLedger, query?: RecordsQuery): Promise<UsageRecord[]> {
  return recordsOf(ledger, parseQuery(recordsQuerySchema, query));
}

export async function recordsOf(ledger: UsageLedger, q: ParsedRecordsQuery): Promise<UsageRecord[]> {
  const all = (await ledger.records(q.since, q.until)).filter((r) => matchesRecord(r, q));
  if (q.order === 'desc') all.reverse();
  return q.limit === undefined ? all : all.slice(0, q.limit);
}
