// Cost
export { computeCost, computeCostPicos, costFromMicros, worstCaseCostMicros } from './cost.js';
export type { CostPicos } from './cost.js';
export { pricingIssues, assertValidPricing, pricingFor } from './pricing.js';
export { MICROS_PER_USD, usdToMicros, microsToUsd, formatMicrosAsUsd } from './money.js';

// Ledger
export { UsageLedger, createLedger, DEFAULT_MAX_RECORDS, DEFAULT_MAX_AGE_MS } from './ledger/ledger.js';
export type { LedgerOptions } from './ledger/ledger.js';
export type { UsageRecord, RecordInput, RecordKind, RecordTokens } from './ledger/record.js';
export { recordOfResponse, recordOfFailure, recordOfBilledAttempt } from './ledger/from-router.js';

// Reports (router.costs)
export { createCostsApi } from './reports/costs-api.js';
export type { CostsApi } from './reports/costs-api.js';
export type { SummaryQuery, SummaryRow, CostSummary } from './reports/summary.js';
export type { RecordsQuery, UsageFilter, SummaryKey, TimeInput } from './reports/query.js';
export type { ExportQuery, ExportFormat } from './reports/export.js';
export type { CompareQuery, CompareResult, CompareRow, CompareTarget } from './reports/compare.js';
export type { ForecastQuery, Forecast, ForecastPeriod } from './reports/forecast.js';

// Budgets
export { BudgetEngine, createBudgetEngine } from './budgets/engine.js';
export type { BudgetEngineOptions } from './budgets/engine.js';
export { budgetSchema, budgetsSchema, budgetScopeSchema, parseBudgets, budgetId } from './budgets/schema.js';
export type { Budget, BudgetConfig, BudgetScope, BudgetPeriod, BudgetAction } from './budgets/schema.js';
export type {
  Admission,
  AdmitInput,
  BudgetAlert,
  BudgetCandidate,
  BudgetRef,
  BudgetStatus,
  BudgetStatusReport,
  CandidateDecision,
  Charge,
  CheckResult,
  Reservation,
  RequestEstimate,
} from './budgets/types.js';
