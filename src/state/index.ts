export type { Store, StoreWrite, LogEntry, ReserveItem, ReserveResult } from './store.js';
export type {
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
  StoreErrorPolicy,
  StoreErrorPolicyOption,
} from './shared.js';
export { MemoryStore, createMemoryStore, memoryStore, type MemoryStoreOptions } from './memory-store.js';
export { StoreUnavailableError, type StoreUnavailableErrorOptions } from './errors.js';
export { breakerRegister, type BreakerState, type BreakerRecord, type BreakerRegister, type BreakerTransition } from './breaker-state.js';
