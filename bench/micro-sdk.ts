/**
 * The router over the real `openai` SDK, in process: the SDK gets a `fetch` that answers from memory
 * (a `Response` built from the mock's body, after one turn of the event loop), so every client runs
 * the SDK's whole request and response path and no socket is involved. Measured side by side in one
 * process, interleaved in rounds: the SDK called directly, and switchyard configurations calling it
 * through the `openai` adapter. Per client: CPU per request (median of rounds, and that client minus
 * the direct SDK in the same round) and bytes allocated per request.
 *
 * This is what the router adds where the host's network and scheduler noise cannot reach, with the
 * SDK's own work running between the router's (unlike `router.chat()` over a mockProvider, where the
 * router's code and data stay in the CPU's caches from one call to the next and cost about a third).
 */
import type { Router } from '../src/index.js';
import { directClient } from './clients/openai-sdk.js';
import { PROMPT } from './clients/types.js';
import { afterWriteBehind, bytesPerCall } from './lib/alloc.js';
import { benchRequest } from './lib/switchyard-config.js';
import { CLIENTS } from './clients/index.js';
import { variantRouter } from './clients/switchyard.js';
import { fmt, median } from './lib/stats.js';
import { openaiJson } from './mock/payloads.js';

export interface OverSdkRow {
  id: string;
  label: string;
  /** Median over rounds of CPU µs per request. */
  cpuUs: number;
  /** Median over rounds of (this client - direct SDK) CPU µs per request in the same round; 0 for the SDK. */
  addedCpuUs: number;
  /** Smallest and largest per-round difference. */
  addedRangeUs: [number, number];
  /** Young-generation bytes per request, the ledger's batched write included (NaN without --expose-gc). */
  allocBytes: number;
}

const ORIGIN = 'http://127.0.0.1:9';
const MODEL = 'gpt-4o-mini';

/** A fetch that answers every call with the mock's JSON body, after one turn of the event loop (as a socket read would). */
function memoryFetch(): typeof globalThis.fetch {
  const body = openaiJson(MODEL, 20);
  const headers = { 'content-type': 'application/json', 'x-request-id': 'req_bench' };
  return async () => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return new Response(body, { status: 200, headers });
  };
}

interface Client {
  id: string;
  label: string;
  call: () => Promise<unknown>;
  router?: Router;
}

/** The switchyard clients of the loopback run measured here too, by id (same configurations). */
const ROUTER_IDS = ['sy-bare', 'sy-one', 'sy-fallback5', 'sy-cost'];

function clients(): Client[] {
  const fetchImpl = memoryFetch();
  const sdk = directClient(ORIGIN, fetchImpl);
  const req = benchRequest();
  const out: Client[] = [{ id: 'sdk', label: 'openai SDK direct', call: () => sdk.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: PROMPT }] }) }];
  for (const id of ROUTER_IDS) {
    const spec = CLIENTS.find((c) => c.id === id);
    if (!spec?.variant) throw new Error(`micro-sdk: no switchyard client "${id}" in clients/index.ts`);
    const { router } = variantRouter({ origin: ORIGIN, model: MODEL }, spec.variant, fetchImpl);
    out.push({ id, label: spec.label, router, call: () => router.chat(req) });
  }
  return out;
}

export async function overSdkMicro(quick: boolean): Promise<OverSdkRow[]> {
  const all = clients();
  // Many short rounds: the host's speed drifts within a second, and a difference taken inside one
  // short round cancels more of that drift than a long one.
  const rounds = quick ? 5 : 41;
  const n = quick ? 300 : 1_000;
  for (const c of all) for (let i = 0; i < (quick ? 1_000 : 8_000); i++) await c.call();
  const cpu = new Map<string, number[]>(all.map((c) => [c.id, []]));
  const added = new Map<string, number[]>(all.map((c) => [c.id, []]));
  for (let r = 0; r < rounds; r++) {
    const inRound = new Map<string, number>();
    // Rotate the order each round so no client always runs first or right after another.
    for (let k = 0; k < all.length; k++) {
      const c = all[(k + r) % all.length]!;
      const c0 = process.cpuUsage();
      for (let i = 0; i < n; i++) await c.call();
      const used = process.cpuUsage(c0);
      inRound.set(c.id, (used.user + used.system) / n);
    }
    for (const c of all) {
      cpu.get(c.id)!.push(inRound.get(c.id)!);
      added.get(c.id)!.push(inRound.get(c.id)! - inRound.get('sdk')!);
    }
  }
  const rows: OverSdkRow[] = [];
  for (const c of all) {
    const d = added.get(c.id)!;
    rows.push({ id: c.id, label: c.label, cpuUs: median(cpu.get(c.id)!), addedCpuUs: median(d), addedRangeUs: [Math.min(...d), Math.max(...d)], allocBytes: await bytesPerCall(c.call, 10, quick ? 9 : 25, afterWriteBehind) });
    await c.router?.close();
  }
  return rows;
}

/** Table rows for the router-over-the-SDK measurement (shared with report.ts). */
export function overSdkRows(rows: ReadonlyArray<OverSdkRow>): string[][] {
  return rows.map((r) => [
    `in process, over the openai SDK with an in-memory fetch: ${r.label}`,
    '',
    '',
    `${r.cpuUs.toFixed(1)} µs CPU${r.id === 'sdk' ? '' : ` (+${r.addedCpuUs.toFixed(1)} µs vs the SDK, rounds ${r.addedRangeUs.map((x) => x.toFixed(1)).join('..')})`}${Number.isFinite(r.allocBytes) ? `, ${fmt(r.allocBytes)} B allocated` : ''}`,
  ]);
}
