import type { UsageLedger } from '../ledger/ledger.js';
import type { UsageRecord } from '../ledger/record.js';
import { compareModels, type CompareQuery, type CompareResult } from './compare.js';
import { exportRecords, type ExportQuery } from './export.js';
import { forecastSpend, type Forecast, type ForecastQuery } from './forecast.js';
import type { RecordsQuery } from './query.js';
import { listRecords } from './records.js';
import { summarize, type CostSummary, type SummaryQuery } from './summary.js';

/** What the router exposes as `router.costs`. Every method validates its input (InvalidRequestError naming the field). */
export interface CostsApi {
  summary(query?: SummaryQuery): Promise<CostSummary>;
  records(query?: RecordsQuery): Promise<UsageRecord[]>;
  export(query: ExportQuery): Promise<string>;
  compare(query: CompareQuery): Promise<CompareResult>;
  forecast(query: ForecastQuery): Promise<Forecast>;
}

export function createCostsApi(ledger: UsageLedger): CostsApi {
  return {
    summary: (query) => summarize(ledger, query),
    records: (query) => listRecords(ledger, query),
    export: (query) => exportRecords(ledger, query),
    compare: (query) => compareModels(ledger, query),
    forecast: (query) => forecastSpend(ledger, query),
  };
}
