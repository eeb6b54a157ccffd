import type { StatsView } from '../config/options.js';
import type { FleetModelStats, FleetStatsLink } from './shared-stats.js';

interface ModelStats {
  latencyMs: number | undefined;
  ttftMs: number | undefined;
  /** When the newest latency / ttft sample arrived (the router's clock). */
  latencyAt: number;
  ttftAt: number;
  inFlight: number;
  requests: number;
  failures: number;
  /** Recent outcomes (true = failed), newest last, for the error rate. */
  recent: boolean[];
  lastError?: string;
}

const RECENT = 100;

/**
 * Learned per-model statistics: EWMA latency and time to first token, in-flight counts, error rate.
 *
 * With a `fleet` link (a shared store), every ended call is also counted for the fleet, and the
 * figures read by strategies combine both: this process's EWMA while its newest sample is fresh
 * (`fleet.freshMs`), else the fleet's mean over its window (so a process that has not called a model
 * lately, or was just started, uses what the other processes measured), else the local EWMA however
 * old. The error rate is the fleet's once it has calls in its window.
 */
export class RouterStats implements StatsView {
  readonly #models = new Map<string, ModelStats>();

  constructor(
    private readonly alpha = 0.2,
    private readonly fleet?: FleetStatsLink,
    private readonly now: () => number = Date.now,
  ) {}

  #get(model: string): ModelStats {
    let s = this.#models.get(model);
    if (!s)
      this.#models.set(
        model,
        (s = { latencyMs: undefined, ttftMs: undefined, latencyAt: 0, ttftAt: 0, inFlight: 0, requests: 0, failures: 0, recent: [] }),
      );
    return s;
  }

  latencyMs(model: string): number | undefined {
    const s = this.#models.get(model);
    if (!this.fleet || (s?.latencyMs !== undefined && this.now() - s.latencyAt <= this.fleet.freshMs)) return s?.latencyMs;
    return this.fleet.view(model)?.latencyMs ?? s?.latencyMs;
  }

  ttftMs(model: string): number | undefined {
    const s = this.#models.get(model);
    if (!this.fleet || (s?.ttftMs !== undefined && this.now() - s.ttftAt <= this.fleet.freshMs)) return s?.ttftMs;
    return this.fleet.view(model)?.ttftMs ?? s?.ttftMs;
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
    if (outcome.ok) {
      s.latencyMs = s.latencyMs === undefined ? outcome.latencyMs : s.latencyMs + this.alpha * (outcome.latencyMs - s.latencyMs);
      s.latencyAt = this.now();
      this.fleet?.record(model, { ok: true, latencyMs: outcome.latencyMs });
    } else {
      s.failures++;
      s.lastError = outcome.error;
      this.fleet?.record(model, { ok: false });
    }
  }

  firstToken(model: string, ttftMs: number): void {
    const s = this.#get(model);
    s.ttftMs = s.ttftMs === undefined ? ttftMs : s.ttftMs + this.alpha * (ttftMs - s.ttftMs);
    s.ttftAt = this.now();
    this.fleet?.firstToken(model, ttftMs);
  }

  snapshot(model: string): {
    latencyMs?: number;
    ttftMs?: number;
    inFlight: number;
    requests: number;
    failures: number;
    errorRate: number;
    lastError?: string;
    fleet?: FleetModelStats;
  } {
    const s = this.#models.get(model);
    const fleet = this.fleet?.view(model);
    const out: ReturnType<RouterStats['snapshot']> = {
      inFlight: s?.inFlight ?? 0,
      requests: s?.requests ?? 0,
      failures: s?.failures ?? 0,
      errorRate:
        fleet && fleet.requests > 0 ? fleet.errorRate : !s || s.recent.length === 0 ? 0 : s.recent.filter(Boolean).length / s.recent.length,
    };
    const latencyMs = this.latencyMs(model);
    const ttftMs = this.ttftMs(model);
    if (latencyMs !== undefined) out.latencyMs = latencyMs;
    if (ttftMs !== undefined) out.ttftMs = ttftMs;
    if (s?.lastError !== undefined) out.lastError = s.lastError;
    if (fleet) out.fleet = fleet;
    return out;
  }
}
