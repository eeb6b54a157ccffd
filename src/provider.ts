/**
 * `switchyard/provider`: the contracts for extension authors. An adapter implements `LLMProvider`
 * (requests, responses and stream parts in the unified format, typed errors from `errorFromStatus`);
 * a state backend implements `Store` (and `SharedStore` to be shared by several processes).
 */
export type { LLMProvider, ProviderKind, CredentialCheck } from './core/provider.js';
export type { ProviderRequest, ProviderCallOptions } from './core/request.js';
export type { ProviderResponse } from './core/response.js';
export type { ProviderStreamPart } from './core/stream.js';
export type { NormalizedTool } from './core/tools.js';
export type { ProviderMetadata } from './core/messages.js';
export type { ApiKey, BaseProviderOptions } from './providers/shared/options.js';
export { errorFromStatus, parseRetryAfter } from './core/error-mapping.js';
export { estimateTextTokens, estimateRequestTokens } from './core/tokens.js';

export type {
  Store,
  StoreWrite,
  LogEntry,
  ReserveItem,
  ReserveResult,
  SharedStore,
  StoreKind,
  HoldItem,
  HoldRequest,
  HoldRef,
  HoldResult,
  SettleResult,
  BudgetUsage,
  RateRequest,
  RateResult,
  SlotRequest,
  SlotResult,
  Versioned,
  CasResult,
  StoreChange,
  StoreStatusEvent,
  DegradableOperation,
} from './state/index.js';
