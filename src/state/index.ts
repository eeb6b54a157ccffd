export type { Store, ImmediateStore, LogEntry, ReserveItem, ReserveResult } from './store.js';
export { MemoryStore, createMemoryStore } from './memory-store.js';
