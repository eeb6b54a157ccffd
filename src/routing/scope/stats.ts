import type { StatsView } from '../config/options.js';

interface ModelStats {
  latencyMs: number | undefined;
  ttftMs: number | undefined;
  inFlight: number;
  requests: number;
  failures: number;
  /** Recent outcomes (true = failed), newest last, for the error rate. */
  recent: boolean[];
  lastError?: string;
}

const RECENT = 100;

/** Learned per-model statistics: EWMA latency and time to first token, in-flight counts, error rate. */
export class RouterStats implements StatsView {
  readonly #models = new Map<string, ModelStats>();

  constructor(private readonly alpha = 0.2) {}

  #get(model: string): ModelStats {
    let s = this.#models.get(model);
    if (!s) this.#models.set(model, (s = { latencyMs: undefined, ttftMs: undefined, inFlight: 0, requests: 0, failures: 0, recent: [] }));
    return s;
  }

  latencyMs(model: string): number | undefined {
    return this.#models.get(model)?.latencyMs;
  }

  ttftMs(model: string): number | undefined {
    return this.#models.get(model)?.ttftMs;
  }

  inFlight(model: string): number {
    return this.#models.get(model)?.inFlight ?? 0;
  }

  begin(model: string): void {
    this.#get(model).inFlight++;
  }

  /**
   * Ends a call: latency feeds the EWMA only for successes (a fast failure is not a fast model);
   * `ok: undefined` is a call the caller ended, counted neither way.
   */
  end(model: string, outcome: { ok: true; latencyMs: number } | { ok: false; error: string } | { ok: undefined }): void {
    const s = this.#get(model);
    s.inFlight = Math.max(0, s.inFlight - 1);
    if (outcome.ok === undefined) return;
    s.requests++;
    s.recent.push(!outcome.ok);
    if (s.recent.length > RECENT) s.recent.shift();
    if (outcome.ok)
      s.latencyMs = s.latencyMs === undefined ? outcome.latencyMs : s.latencyMs + this.alpha * (outcome.latencyMs - s.latencyMs);
    else {
      s.failures++;
      s.lastError = outcome.error;
    }
  }

  firstToken(model: string, ttftMs: number): void {
    const s = this.#get(model);
    s.ttftMs = s.ttftMs === undefined ? ttftMs : s.ttftMs + this.alpha * (ttftMs - s.ttftMs);
  }

  snapshot(model: string): {
    latencyMs?: number;
    ttftMs?: number;
    inFlight: number;
    requests: number;
    failures: number;
    errorRate: number;
    lastError?: string;
  } {
    const s = this.#models.get(model);
    if (!s) return { inFlight: 0, requests: 0, failures: 0, errorRate: 0 };
    const out: ReturnType<RouterStats['snapshot']> = {
      inFlight: s.inFlight,
      requests: s.requests,
      failures: s.failures,
      errorRate: s.recent.length === 0 ? 0 : s.recent.filter(Boolean).length / s.recent.length,
    };
    if (s.latencyMs !== undefined) out.latencyMs = s.latencyMs;
    if (s.ttftMs !== undefined) out.ttftMs = s.ttftMs;
    if (s.lastError !== undefined) out.lastError = s.lastError;
    return out;
  }
}
