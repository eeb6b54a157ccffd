/**
 * Chaos suite: `npm run chaos` (full, 20,000 requests) or `npm run chaos -- --quick` (3,000).
 *
 * A fake-vendor process (bench/chaos/fake-vendor.ts) answers in the five wire formats with a fault
 * drawn for every call (429 with Retry-After, 500, 503, 529, stalls, cuts mid-stream, malformed
 * chunks, connection resets). This process drives createRouter() with the real adapters pointed at
 * it, chat and stream mixed, 64 in flight, one tenant under a budget; then reconciles the router's
 * ledger (`router.costs.records()`) with what the fake vendors billed, request by request.
 *
 *   --quick          3,000 requests; exits 1 on any truncated success, lost record, untyped error or hang
 *   --requests=N     request count (default 20,000; 3,000 with --quick)
 *   --concurrency=N  in flight (default 64)
 *   --seed=N         fault seed (default 1)
 *   --no-faults      every vendor call succeeds (a control run)
 *   --json=FILE      also write the figures as JSON
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  anthropic,
  computeCost,
  createRouter,
  deepseek,
  gemini,
  ollama,
  openai,
  SwitchyardError,
  type ChatRequest,
  type ModelPricing,
  type Router,
  type UsageRecord,
} from '../../src/index.js';
import { machine } from '../lib/machine.js';
import type { FromVendor, ToVendor } from './fake-vendor.js';
import { replyText, type BilledCall } from './wire.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

const QUICK = flag('quick');
const N = Number(option('requests') ?? (QUICK ? 3_000 : 20_000));
const CONCURRENCY = Number(option('concurrency') ?? 64);
const SEED = Number(option('seed') ?? 1);
const FAULTS = !flag('no-faults');
const CAPPED = 'capped';
const CAPPED_LIMIT_USD = 2;
/** The same price on every model: $100 / $200 per 1M tokens, so that a few thousand small requests cost dollars. */
const PRICING: ModelPricing = { input: 100, output: 200 };
/** A driver-side watchdog: a request unanswered this long is a hang. */
const HANG_MS = 60_000;

type Outcome =
  { kind: 'served'; truncated: boolean } | { kind: 'failed'; code: string } | { kind: 'untyped'; error: string } | { kind: 'hang' };

interface Sent {
  id: string;
  mode: 'chat' | 'stream';
  tenant: string;
  outcome: Outcome;
}

function startVendor(): Promise<{
  url: string;
  report: () => Promise<{ calls: BilledCall[]; faults: Record<string, number> }>;
  stop: () => void;
}> {
  const child = fork(join(HERE, 'fake-vendor.ts'), [], {
    execArgv: process.execArgv.filter((a) => a !== '--expose-gc'),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends FromVendor['type']>(type: T): Promise<Extract<FromVendor, { type: T }>> =>
    new Promise((resolve) => {
      const on = (m: FromVendor): void => {
        if (m.type !== type) return;
        child.off('message', on);
        resolve(m as Extract<FromVendor, { type: T }>);
      };
      child.on('message', on);
    });
  const ready = next('ready');
  child.send({ type: 'start', seed: SEED, faults: FAULTS } satisfies ToVendor);
  return ready.then(({ url }) => ({
    url,
    report: async () => {
      const billed = next('billed');
      child.send({ type: 'report' } satisfies ToVendor);
      const { calls, faults } = await billed;
      return { calls, faults };
    },
    stop: () => child.kill(),
  }));
}

function buildRouter(url: string): Router {
  const key = (v: string): string => `sk-chaos-${v}-0123456789abcdef`;
  return createRouter({
    providers: {
      openai: openai({ apiKey: key('openai'), baseURL: `${url}/openai/v1` }),
      deepseek: deepseek({ apiKey: key('deepseek'), baseURL: `${url}/deepseek` }),
      anthropic: anthropic({ apiKey: key('anthropic'), baseURL: `${url}/anthropic` }),
      gemini: gemini({ apiKey: key('gemini'), baseURL: `${url}/gemini` }),
      ollama: ollama({ baseURL: `${url}/ollama` }),
    },
    models: {
      gpt: { provider: 'openai', model: 'gpt-4o-mini', pricing: PRICING },
      ds: { provider: 'deepseek', model: 'deepseek-reasoner', pricing: PRICING },
      claude: { provider: 'anthropic', model: 'claude-haiku-4-5', pricing: PRICING },
      gem: { provider: 'gemini', model: 'gemini-2.5-flash', pricing: PRICING },
      llama: { provider: 'ollama', model: 'llama3.1:8b', pricing: PRICING },
    },
    strategy: { type: 'load-balance', mode: 'round-robin' },
    retry: { retries: 2, minDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 100, attemptTimeoutMs: 8_000 },
    circuitBreaker: { failureThreshold: 10, cooldownMs: 300 },
    streamRecovery: { mode: 'buffer', chars: 100_000 },
    budgets: [{ scope: { tenant: CAPPED }, period: 'day', limitUsd: CAPPED_LIMIT_USD, onExceed: 'block' }],
    timeoutMs: 30_000,
    // Keep every record: the reconciliation reads them all back (the default keeps the newest 10,000).
    ledger: { maxRecords: 1_000_000 },
  });
}

async function one(router: Router, i: number): Promise<Sent> {
  const id = `c${i}`;
  const mode = i % 2 === 0 ? 'chat' : 'stream';
  const tenant = i % 10 === 3 ? CAPPED : `t${i % 7}`;
  const request: ChatRequest = {
    messages: [{ role: 'user', content: `Say hello [req:${id}]` }],
    tenant,
    tags: [id],
    params: { maxTokens: 200 },
  };
  const expected = replyText(id);
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), HANG_MS);
  });
  const call = async (): Promise<Outcome> => {
    try {
      let text = '';
      if (mode === 'chat') text = (await router.chat(request)).text;
      else {
        let finished = false;
        for await (const ev of router.stream(request)) {
          if (ev.type === 'text-delta') text += ev.delta;
          else if (ev.type === 'finish') finished = true;
        }
        if (!finished) return { kind: 'untyped', error: 'a stream ended without finish and without an error' };
      }
      return { kind: 'served', truncated: text !== expected };
    } catch (error) {
      if (SwitchyardError.isInstance(error) && !/non-switchyard error/.test(error.message)) return { kind: 'failed', code: error.code };
      return { kind: 'untyped', error: error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error) };
    }
  };
  const outcome = await Promise.race([call(), hang.then((): Outcome => ({ kind: 'hang' }))]);
  clearTimeout(timer);
  return { id, mode, tenant, outcome };
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const heapMiB = (): number => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

interface Reconciliation {
  exact: number;
  lost: number;
  lostTokens: number;
  /** Lost requests by the faults their billed calls went through. */
  lostBy: Record<string, number>;
  over: number;
  overTokens: number;
  phantom: number;
  estimatedInsteadOfBilled: number;
  estimatedUnbilled: number;
  missingRequestRecord: number;
  duplicateRequestRecord: number;
  examples: string[];
}

function reconcile(sent: Sent[], calls: BilledCall[], records: UsageRecord[]): Reconciliation {
  const billed = new Map<string, { input: number; output: number; calls: string[]; faults: string[] }>();
  for (const c of calls) {
    const b = billed.get(c.id) ?? { input: 0, output: 0, calls: [], faults: [] };
    b.faults.push(`${c.stream ? 'stream' : 'chat'} ${c.fault}`);
    b.input += c.input;
    b.output += c.output;
    b.calls.push(`${c.vendor}${c.stream ? ' stream' : ''} #${c.attempt} ${c.fault}`);
    billed.set(c.id, b);
  }
  const byId = new Map<string, UsageRecord[]>();
  for (const r of records) for (const tag of r.tags ?? []) byId.set(tag, [...(byId.get(tag) ?? []), r]);
  const out: Reconciliation = {
    exact: 0,
    lost: 0,
    lostTokens: 0,
    lostBy: {},
    over: 0,
    overTokens: 0,
    phantom: 0,
    estimatedInsteadOfBilled: 0,
    estimatedUnbilled: 0,
    missingRequestRecord: 0,
    duplicateRequestRecord: 0,
    examples: [],
  };
  const example = (s: string): void => {
    if (out.examples.length < 12) out.examples.push(s);
  };
  for (const s of sent) {
    const b = billed.get(s.id) ?? { input: 0, output: 0, calls: [], faults: [] };
    const recs = byId.get(s.id) ?? [];
    const requestRecords = recs.filter((r) => r.kind === 'request').length;
    if (requestRecords === 0) {
      out.missingRequestRecord++;
      example(`${s.id} (${s.mode}, ${s.outcome.kind}): no request record`);
    } else if (requestRecords > 1) {
      out.duplicateRequestRecord++;
      example(`${s.id} (${s.mode}): ${requestRecords} request records`);
    }
    const real = recs.filter((r) => !r.estimated);
    const estimated = recs.filter((r) => r.estimated && r.tokens.total > 0);
    const input = real.reduce((n, r) => n + r.tokens.input, 0);
    const output = real.reduce((n, r) => n + r.tokens.output, 0);
    const billedTotal = b.input + b.output;
    if (estimated.length > 0) {
      if (billedTotal > 0) {
        out.estimatedInsteadOfBilled++;
        example(
          `${s.id} (${s.mode}, ${s.outcome.kind}): vendor billed ${b.input}+${b.output}, ledger has an estimate (${estimated.map((r) => `${r.kind} ${r.tokens.input}+${r.tokens.output}`).join(', ')})`,
        );
      } else out.estimatedUnbilled++;
    }
    if (input === b.input && output === b.output) out.exact++;
    else if (billedTotal === 0) {
      out.phantom++;
      example(`${s.id} (${s.mode}, ${s.outcome.kind}): vendor billed nothing, ledger has ${input}+${output}`);
    } else if (input + output < billedTotal) {
      out.lost++;
      out.lostTokens += billedTotal - input - output;
      // What the billed calls of a lost request went through (a billed call after a fault is the likely loss).
      const cause = b.faults.filter((f) => !f.endsWith(' ok')).join(' + ') || `${s.mode}: only clean calls (one abandoned by the client)`;
      out.lostBy[cause] = (out.lostBy[cause] ?? 0) + 1;
      if (estimated.length === 0)
        example(
          `${s.id} (${s.mode}, ${s.outcome.kind}): vendor billed ${b.input}+${b.output} [${b.calls.join('; ')}], ledger has ${input}+${output}`,
        );
    } else {
      out.over++;
      out.overTokens += input + output - billedTotal;
      example(
        `${s.id} (${s.mode}, ${s.outcome.kind}): vendor billed ${b.input}+${b.output}, ledger has ${input}+${output} (${recs.map((r) => r.kind).join(', ')})`,
      );
    }
  }
  return out;
}

const pct = (n: number, of: number): string => (of === 0 ? '-' : `${((100 * n) / of).toFixed(2)}%`);

async function main(): Promise<void> {
  const unhandled: string[] = [];
  process.on('unhandledRejection', (reason) =>
    unhandled.push(reason instanceof Error ? `${reason.constructor.name}: ${reason.message}` : String(reason)),
  );
  const m = machine();
  const vendor = await startVendor();
  const router = buildRouter(vendor.url);
  // Warm-up outside the count: the first call of each adapter loads its SDK, which takes seconds on a loaded
  // machine; 64 first calls at once would all spend their attempt deadline waiting for the same import.
  for (const model of ['gpt', 'ds', 'claude', 'gem', 'llama']) {
    await router.chat({ model, messages: [{ role: 'user', content: `warm up [req:warm-${model}]` }] }).catch(() => undefined);
  }
  const sent: Sent[] = new Array<Sent>(N);
  let next = 0;
  let done = 0;
  let heapWarm = 0;
  const warmAt = Math.max(1, Math.floor(N / 10));
  const t0 = Date.now();
  const worker = async (): Promise<void> => {
    for (let i = next++; i < N; i = next++) {
      sent[i] = await one(router, i);
      if (++done === warmAt) heapWarm = heapMiB();
      if (!QUICK && done % 2_000 === 0) process.stdout.write(`  ${done}/${N}\n`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (Date.now() - t0) / 1000;
  const heapEnd = heapMiB();
  const records = await router.costs.records();
  const { calls, faults } = await vendor.report();
  await router.close();
  vendor.stop();

  const served = sent.filter((s) => s.outcome.kind === 'served');
  const truncated = served.filter((s) => s.outcome.kind === 'served' && s.outcome.truncated);
  const untyped = sent.filter((s) => s.outcome.kind === 'untyped');
  const hangs = sent.filter((s) => s.outcome.kind === 'hang');
  const failures: Record<string, number> = {};
  for (const s of sent) if (s.outcome.kind === 'failed') failures[s.outcome.code] = (failures[s.outcome.code] ?? 0) + 1;
  const uncapped = sent.filter((s) => s.tenant !== CAPPED);
  const servedOf = (list: Sent[], mode: 'chat' | 'stream'): string => {
    const of = list.filter((s) => s.mode === mode);
    return `${pct(of.filter((s) => s.outcome.kind === 'served').length, of.length)} of ${of.length}`;
  };
  const r = reconcile(sent, calls, records);

  const cappedIds = new Set(sent.filter((s) => s.tenant === CAPPED).map((s) => s.id));
  const cappedBilledMicros = calls
    .filter((c) => cappedIds.has(c.id))
    .reduce(
      (n, c) => n + computeCost({ inputTokens: c.input, outputTokens: c.output, totalTokens: c.input + c.output }, PRICING).totalMicros,
      0,
    );
  const cappedLedgerMicros = records.filter((x) => x.tenant === CAPPED).reduce((n, x) => n + x.costMicros, 0);
  const limitMicros = CAPPED_LIMIT_USD * 1_000_000;
  const budgetBlocked = sent.filter(
    (s) => s.tenant === CAPPED && s.outcome.kind === 'failed' && s.outcome.code === 'budget-exceeded',
  ).length;

  const vendorCalls = Object.values(faults).reduce((a, b) => a + b, 0);
  const lines = [
    `chaos ${QUICK ? 'quick' : 'full'}: ${N} requests (chat and stream alternating), ${CONCURRENCY} in flight, seed ${SEED}, faults ${FAULTS ? 'on' : 'off'}`,
    `machine: ${m.nproc} x ${m.cpuModel}, Node ${m.node}, load ${m.loadavg.map((x) => x.toFixed(1)).join(' ')}, ${m.date}${m.gitCommit ? `, commit ${m.gitCommit}` : ''}`,
    `time: ${seconds.toFixed(1)} s (${(N / seconds).toFixed(0)} requests/s)`,
    `vendor calls: ${vendorCalls}; faults injected: ${Object.entries(faults)
      .sort()
      .map(([k, v]) => `${k} ${v} (${pct(v, vendorCalls)})`)
      .join(', ')}`,
    `served (tenants without a budget): chat ${servedOf(uncapped, 'chat')}, stream ${servedOf(uncapped, 'stream')}; all requests ${pct(served.length, N)}`,
    `failures by code: ${
      Object.entries(failures)
        .sort()
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }`,
    `truncated successes (text differs from what the vendor sent): ${truncated.length}`,
    `untyped errors: ${untyped.length}; hangs (> ${HANG_MS / 1000} s): ${hangs.length}; unhandled rejections: ${unhandled.length}`,
    `ledger vs vendor billing, per request: exact ${r.exact}, lost ${r.lost} (${r.lostTokens} tokens), over-recorded (double) ${r.over} (${r.overTokens} tokens), phantom ${r.phantom}`,
    `  lost, by the faults of the vendor calls that billed: ${
      Object.entries(r.lostBy)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }`,
    `  estimated where the vendor billed real usage: ${r.estimatedInsteadOfBilled}; estimated where it billed nothing: ${r.estimatedUnbilled}`,
    `  request records: missing ${r.missingRequestRecord}, duplicated ${r.duplicateRequestRecord}; records total ${records.length}, vendor billed calls ${calls.length}`,
    `budget (tenant ${CAPPED}, $${CAPPED_LIMIT_USD}/day, block): vendor billed $${(cappedBilledMicros / 1e6).toFixed(6)}, ledger $${(cappedLedgerMicros / 1e6).toFixed(6)}, overshoot $${(Math.max(0, cappedBilledMicros - limitMicros) / 1e6).toFixed(6)}; ${budgetBlocked} requests blocked`,
    `heap: ${heapWarm.toFixed(1)} MiB after ${warmAt} requests, ${heapEnd.toFixed(1)} MiB after ${N} (growth ${(heapEnd - heapWarm).toFixed(1)} MiB, ${(((heapEnd - heapWarm) * 2 ** 20) / Math.max(1, N - warmAt)).toFixed(0)} bytes/request; the ledger keeps every record)`,
  ];
  for (const u of [
    ...untyped.slice(0, 5).map((s) => `untyped ${s.id} (${s.mode}): ${(s.outcome as { error: string }).error}`),
    ...unhandled.slice(0, 5),
  ])
    lines.push(`  ${u}`);
  for (const t of truncated.slice(0, 5)) lines.push(`  truncated ${t.id} (${t.mode})`);
  for (const e of r.examples) lines.push(`  ${e}`);
  process.stdout.write(`${lines.join('\n')}\n`);

  const json = option('json');
  if (json) {
    writeFileSync(
      json,
      JSON.stringify(
        {
          machine: m,
          n: N,
          concurrency: CONCURRENCY,
          seed: SEED,
          seconds,
          faults,
          failures,
          served: served.length,
          truncated: truncated.length,
          untyped: untyped.length,
          hangs: hangs.length,
          unhandled: unhandled.length,
          reconciliation: r,
          budget: { cappedBilledMicros, cappedLedgerMicros, limitMicros },
          heap: { heapWarm, heapEnd },
        },
        null,
        2,
      ),
    );
  }
  const bad = truncated.length + r.lost + r.missingRequestRecord + untyped.length + hangs.length + unhandled.length;
  if (QUICK && bad > 0) {
    process.stdout.write(
      `chaos --quick: FAILED (truncated ${truncated.length}, lost ${r.lost}, missing request records ${r.missingRequestRecord}, untyped ${untyped.length}, hangs ${hangs.length}, unhandled ${unhandled.length})\n`,
    );
    process.exitCode = 1;
  }
}

await main();
