/**
 * `switchyard/transport`: a tuned `fetch` for the adapters (undici's `fetch` over a dedicated
 * `Agent`). Needs the optional peer dependency `undici` (`npm install undici`); the main entry
 * never loads it.
 */
export { createTransport } from './transport.js';
export type { Transport, TransportOriginStats } from './transport.js';
export { TRANSPORT_DEFAULTS } from './options.js';
export type { TransportOptions, ResolvedTransportOptions } from './options.js';
