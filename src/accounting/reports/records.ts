import type { UsageLedger } from '../ledger/ledger.js';
import type { UsageRecord } from '../ledger/record.js';
import { matchesRecord, parseRange, parseRecordsQuery, type RecordsQuery } from './query.js';

/** Retained records matching the query (retention may have dropped older ones; summaries never lose them). */
export async function listRecords(ledger: UsageLedger, query: RecordsQuery = {}): Promise<UsageRecord[]> {
  parseRecordsQuery(query);
  const { since, until } = parseRange(query);
  const all = (await ledger.records(since, until)).filter((r) => matchesRecord(r, query));
  if (query.order === 'desc') all.reverse();
  return query.limit === undefined ? all : all.slice(0, query.limit);
}
