/**
 * The router over the real vendor SDKs, in process: each SDK gets a `fetch` that answers from memory
 * (a `Response` built from the mock's body, after one turn of the event loop), so every client runs
 * the SDK's whole request and response path and no socket is involved. Measured side by side in one
 * process, interleaved in rounds: per wire (OpenAI, Anthropic, Gemini), the SDK called directly and
 * switchyard configurations calling it through the adapter. Per client: CPU per request (median of
 * rounds, and that client minus its wire's direct SDK in the same round) and bytes allocated per
 * request.
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
import { anthropicJson, geminiJson, openaiJson } from './mock/payloads.js';
import {
  ANTHROPIC_MODEL,
  anthropicMessages,
  anthropicSdk,
  GEMINI_MODEL,
  geminiSdk,
  oneModelRouter,
  wireProvider,
} from './clients/other-wires.js';

export interface OverSdkRow {
  id: string;
  label: string;
  /** The SDK whose direct call is this row's floor, as the table names it (e.g. `the openai SDK`). */
  sdk?: string;
  /** True for the direct SDK call (the floor of its wire). */
  floor?: boolean;
  /** Median over rounds of CPU µs per request. */
  cpuUs: number;
  /** Median over rounds of (this client - its wire's direct SDK) CPU µs per request in the same round; 0 for the SDK. */
  addedCpuUs: number;
  /** Smallest and largest per-round difference. */
  addedRangeUs: [number, number];
  /** Young-generation bytes per request, the ledger's batched write included (NaN without --expose-gc). */
  allocBytes: number;
}

const ORIGIN = 'http://127.0.0.1:9';
const MODEL = 'gpt-4o-mini';

/** A fetch that answers every call with this body, after one turn of the event loop (as a socket read would). */
function memoryFetch(body: string): typeof globalThis.fetch {
  const headers = { 'content-type': 'application/json', 'x-request-id': 'req_bench', 'request-id': 'req_bench' };
  return async () => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return new Response(body, { status: 200, headers });
  };
}

interface Client {
  id: string;
  label: string;
  /** The SDK of its wire, as the table names it. */
  sdk: string;
  /** The id of its wire's direct SDK client (itself for that client). */
  floor: string;
  call: () => Promise<unknown>;
  router?: Router;
}

/** The switchyard clients of the loopback run measured here too, by id (same configurations). */
const ROUTER_IDS = ['sy-bare', 'sy-one', 'sy-fallback5', 'sy-cost'];

function openaiClients(): Client[] {
  const fetchImpl = memoryFetch(openaiJson(MODEL, 20));
  const sdk = directClient(ORIGIN, fetchImpl);
  const req = benchRequest();
  const wire = { sdk: 'the openai SDK', floor: 'sdk' };
  const out: Client[] = [
    {
      id: 'sdk',
      label: 'openai SDK direct',
      ...wire,
      call: () => sdk.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: PROMPT }] }),
    },
  ];
  for (const id of ROUTER_IDS) {
    const spec = CLIENTS.find((c) => c.id === id);
    if (!spec?.variant) throw new Error(`micro-sdk: no switchyard client "${id}" in clients/index.ts`);
    const { router } = variantRouter({ origin: ORIGIN, model: MODEL }, spec.variant, fetchImpl);
    out.push({ id, label: spec.label, ...wire, router, call: () => router.chat(req) });
  }
  return out;
}

/** The Anthropic and Gemini wires: the SDK direct and the realistic one-model router (`sy-anthropic`, `sy-gemini`). */
async function otherWireClients(): Promise<Client[]> {
  const req = benchRequest();
  const anthropicFetch = memoryFetch(anthropicJson(ANTHROPIC_MODEL, 20));
  const anthropic = anthropicSdk(ORIGIN, anthropicFetch);
  const claude = oneModelRouter(await wireProvider('anthropic', ORIGIN, anthropicFetch), ANTHROPIC_MODEL).router;
  const geminiFetch = memoryFetch(geminiJson(GEMINI_MODEL, 20));
  const genai = geminiSdk(ORIGIN, geminiFetch);
  const gemini = oneModelRouter(await wireProvider('gemini', ORIGIN, geminiFetch), GEMINI_MODEL).router;
  const a = { sdk: '@anthropic-ai/sdk', floor: 'anthropic-sdk' };
  const g = { sdk: '@google/genai', floor: 'gemini-sdk' };
  return [
    {
      id: 'anthropic-sdk',
      label: 'anthropic SDK direct',
      ...a,
      call: () => anthropic.messages.create({ model: ANTHROPIC_MODEL, max_tokens: 1024, messages: anthropicMessages }),
    },
    { id: 'sy-anthropic', label: 'switchyard anthropic 1 model', ...a, router: claude, call: () => claude.chat(req) },
    {
      id: 'gemini-sdk',
      label: '@google/genai direct',
      ...g,
      call: () => genai.models.generateContent({ model: GEMINI_MODEL, contents: PROMPT }),
    },
    { id: 'sy-gemini', label: 'switchyard gemini 1 model', ...g, router: gemini, call: () => gemini.chat(req) },
  ];
}

/** Every client measured here (each SDK direct, and switchyard over it), for tools that run one of them (cache-sim.ts). */
export async function overSdkClients(): Promise<Client[]> {
  return [...openaiClients(), ...(await otherWireClients())];
}

export async function overSdkMicro(quick: boolean): Promise<OverSdkRow[]> {
  const all = await overSdkClients();
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
      added.get(c.id)!.push(inRound.get(c.id)! - inRound.get(c.floor)!);
    }
  }
  const rows: OverSdkRow[] = [];
  for (const c of all) {
    const d = added.get(c.id)!;
    rows.push({
      id: c.id,
      label: c.label,
      sdk: c.sdk,
      floor: c.id === c.floor,
      cpuUs: median(cpu.get(c.id)!),
      addedCpuUs: median(d),
      addedRangeUs: [Math.min(...d), Math.max(...d)],
      allocBytes: await bytesPerCall(c.call, 10, quick ? 9 : 25, afterWriteBehind),
    });
    await c.router?.close();
  }
  return rows;
}

/** The direct SDK call of a wire (results written before the Anthropic and Gemini rows have no `floor`). */
export function isFloor(r: OverSdkRow): boolean {
  return r.floor ?? r.id === 'sdk';
}

/** Table rows for the router-over-the-SDK measurement (shared with report.ts). */
export function overSdkRows(rows: ReadonlyArray<OverSdkRow>): string[][] {
  return rows.map((r) => [
    `in process, over ${r.sdk ?? 'the openai SDK'} with an in-memory fetch: ${r.label}`,
    '',
    '',
    `${r.cpuUs.toFixed(1)} µs CPU${isFloor(r) ? '' : ` (+${r.addedCpuUs.toFixed(1)} µs vs the SDK, rounds ${r.addedRangeUs.map((x) => x.toFixed(1)).join('..')})`}${Number.isFinite(r.allocBytes) ? `, ${fmt(r.allocBytes)} B allocated` : ''}`,
  ]);
}
