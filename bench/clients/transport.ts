/**
 * The tuned transport for the SDKs' `fetch` option, as shipped: `createTransport()` from
 * `switchyard/transport` (undici's `request` answered as a fetch Response, undici being the
 * library's optional peer, over a dedicated Agent: long keep-alive, 128 connections, pipelining 1,
 * no headers/body timeout).
 * Pipelining stays at 1 by default: HTTP/1.1 pipelining would queue a request behind a slow stream on
 * the same socket (head-of-line blocking), which a router must never do; the pipelining-8 client
 * measures it anyway, for comparison.
 *
 * Loaded from src/ (through tsx) rather than from the bench's bundle of src/: the bundle's entries
 * are the router's (lib/sy.ts). The transport creates no closure per request, so tsx's keepNames
 * adds nothing to its hot path. undici resolves from the root's node_modules (the devDependency).
 */
import { rootVersion } from '../lib/peer.js';
import type { TransportOptions } from '../../src/transport/index.js';

export async function undiciFetch(opts: Pick<TransportOptions, 'pipelining'> = {}): Promise<typeof globalThis.fetch> {
  const { createTransport } = await import('../../src/transport/index.js');
  return createTransport(opts.pipelining === undefined ? undefined : { pipelining: opts.pipelining });
}

export function undiciNote(pipelining = 1): string {
  return `switchyard/transport createTransport(${pipelining === 1 ? '' : `{ pipelining: ${pipelining} }`}): undici@${rootVersion('undici') ?? '?'} request + Agent(keepAlive 60 s, 128 connections, pipelining ${pipelining}, no headers/body timeout)`;
}
