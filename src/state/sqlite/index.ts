/**
 * `switchyard/sqlite`: durable state on one host, shared by that host's processes, on Node's built-in
 * `node:sqlite` (Node 22.13 and newer). On an older Node, `sqliteStore()` throws a `ConfigError` that says so.
 */
export { sqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export type { SharedStore } from '../shared.js';
export { StoreUnavailableError } from '../errors.js';
