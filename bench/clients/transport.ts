/**
 * A tuned transport for the SDKs' `fetch` option: undici's own fetch (the npm package, newer than
 * the copy bundled in Node 20) over an Agent with long keep-alive and enough connections for 64 in
 * flight. Pipelining stays at 1: HTTP/1.1 pipelining would queue a request behind a slow stream on
 * the same socket (head-of-line blocking), which a router must never do.
 */
import { peer, peerVersion } from '../lib/peer.js';

interface UndiciModule {
  Agent: new (opts: Record<string, unknown>) => object;
  fetch: (input: unknown, init?: Record<string, unknown>) => Promise<Response>;
}

export async function undiciFetch(opts: { pipelining?: number } = {}): Promise<typeof globalThis.fetch> {
  const undici = await peer<UndiciModule>('undici');
  const dispatcher = new undici.Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000, connections: 128, pipelining: opts.pipelining ?? 1 });
  const f = (input: unknown, init?: Record<string, unknown>) => undici.fetch(input, { ...init, dispatcher });
  return f as unknown as typeof globalThis.fetch;
}

export function undiciNote(): string {
  return `undici@${peerVersion('undici') ?? '?'} fetch + Agent(keepAlive 60 s, 128 connections, pipelining 1)`;
}
