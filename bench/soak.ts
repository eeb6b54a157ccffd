/**
 * Soak: N requests through one router (realistic 5-model fallback configuration) against the mock,
 * 64 in flight, one in ten streamed, stopped early (and said so) if it exceeds its time cap. Records RSS / heap after warm-up and every 10%, after a forced GC.
 */
import { benchRequest, buildRouter, initSwitchyard, manyModels, openaiProviders, realisticExtras } from './lib/switchyard-config.js';
import { fmt, table } from './lib/stats.js';

export interface SoakResult {
  /** Planned request count. */
  requests: number;
  /** Requests that ran (fewer than planned when the time cap stopped the soak). */
  completed: number;
  timeCapped: boolean;
  concurrency: number;
  errors: number;
  firstError?: string;
  seconds: number;
  reqPerSec: number;
  config: string;
  samples: Array<{ done: number; rssMB: number; heapUsedMB: number }>;
  /** Requests done when the after-warm-up sample was taken. */
  warmupRequests: number;
  rssAfterWarmupMB: number;
  rssEndMB: number;
  heapAfterWarmupMB: number;
  heapEndMB: number;
  eventCounts: Record<string, number>;
}

const gc = (globalThis as { gc?: () => void }).gc;
const mem = (done: number): { done: number; rssMB: number; heapUsedMB: number } => {
  gc?.();
  const m = process.memoryUsage();
  return { done, rssMB: Math.round((m.rss / 1048576) * 10) / 10, heapUsedMB: Math.round((m.heapUsed / 1048576) * 10) / 10 };
};

export async function soak(
  origin: string,
  model: string,
  n: number,
  concurrency: number,
  maxMs = Infinity,
): Promise<{ result: SoakResult; text: string }> {
  await initSwitchyard();
  const providers = openaiProviders(origin, 5);
  const names = Object.keys(providers);
  const models = manyModels(5, names, (i) => (i === 0 ? model : `${model}-alt${i}`));
  const b = buildRouter({ providers, models }, realisticExtras(names), { events: true, strategy: 'fallback' });
  const warm = Math.min(2_000, Math.round(n / 10));
  const step = Math.max(1, Math.round(n / 10));
  const samples: SoakResult['samples'] = [];
  let next = 0;
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  let warmSample: SoakResult['samples'][number] | undefined;
  const t0 = performance.now();
  const stopAt = t0 + maxMs;
  // Also sample by time, so that a soak stopped by its cap still shows how memory evolved.
  const sampleEveryMs = Number.isFinite(maxMs) ? maxMs / 10 : Infinity;
  let lastSampleAt = t0;
  const lane = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= n || performance.now() > stopAt) return;
      // Distinct sessions/users over time, as a long-lived host sees them.
      const req = benchRequest({ user: `u-${i % 5000}`, session: `s-${i % 20000}` });
      try {
        if (i % 10 === 9) {
          for await (const _ of b.router.stream(req)) {
            // drain
          }
        } else {
          await b.router.chat(req);
        }
      } catch (e) {
        errors++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
      done++;
      if (done === warm) {
        warmSample = mem(done);
        lastSampleAt = performance.now();
      } else if (done % step === 0 || (done > warm && performance.now() - lastSampleAt > sampleEveryMs)) {
        samples.push(mem(done));
        lastSampleAt = performance.now();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = (performance.now() - t0) / 1000;
  const end = mem(done);
  await b.router.close();
  const w = warmSample ?? samples[0] ?? end;
  const result: SoakResult = {
    requests: n,
    completed: done,
    timeCapped: done < n,
    concurrency,
    errors,
    ...(firstError !== undefined && { firstError }),
    seconds,
    reqPerSec: done / seconds,
    config: `fallback x5, ${b.accepted.filter((k) => k !== 'strategy').join(', ')}, events`,
    samples,
    warmupRequests: w.done,
    rssAfterWarmupMB: w.rssMB,
    rssEndMB: end.rssMB,
    heapAfterWarmupMB: w.heapUsedMB,
    heapEndMB: end.heapUsedMB,
    eventCounts: b.eventCounts,
  };
  const text = [
    `config: ${result.config}; ${fmt(done)}${done < n ? ` of ${fmt(n)} planned (TIME CAP reached)` : ''} requests in ${seconds.toFixed(1)} s (${fmt(result.reqPerSec)} req/s), ${errors} errors${firstError ? ` (first: ${firstError})` : ''}`,
    table(
      ['point', 'requests done', 'RSS MB', 'heap used MB (after GC)'],
      [
        ['after warm-up', fmt(w.done), w.rssMB.toFixed(1), w.heapUsedMB.toFixed(1)],
        ...samples.map((s) => ['', fmt(s.done), s.rssMB.toFixed(1), s.heapUsedMB.toFixed(1)]),
        ['end', fmt(done), end.rssMB.toFixed(1), end.heapUsedMB.toFixed(1)],
      ],
    ),
  ].join('\n');
  return { result, text };
}

if (process.send) {
  process.once('message', (m: { origin: string; model: string; n: number; concurrency: number; maxMs: number }) => {
    soak(m.origin, m.model, m.n, m.concurrency, m.maxMs).then(
      ({ result, text }) => process.send!({ type: 'soak', result, text }, () => process.exit(0)),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  });
}
