/**
 * `switchyard/redis`: state that a fleet of processes shares, on Redis through `ioredis` (an optional
 * peer dependency: `npm install ioredis`). The main entry never loads it.
 */
export { redisStore, type RedisStoreOptions } from './redis-store.js';
export type { SharedStore, StoreErrorPolicy, StoreErrorPolicyOption, StoreStatusEvent } from '../shared.js';
export { StoreUnavailableError } from '../errors.js';
