/** The signal one try runs under: the request's, plus the try's own deadline when `attemptTimeoutMs` is set. */
export interface TrySignal {
  signal: AbortSignal | undefined;
  /** True when the try's own deadline fired (not the request's signal). */
  timedOut(): boolean;
  /**
   * Stops the try's deadline. The signal keeps following the request's signal, so a stream opened
   * under it still ends on the caller's abort or the request deadline.
   */
  stop(): void;
}

export function trySignal(request: AbortSignal | undefined, attemptTimeoutMs: number | undefined): TrySignal {
  if (attemptTimeoutMs === undefined) return { signal: request, timedOut: () => false, stop: () => undefined };
  const own = new AbortController();
  // setTimeout, not AbortSignal.timeout: fake timers in tests control it.
  const timer = setTimeout(() => own.abort(new Error(`attempt deadline of ${attemptTimeoutMs} ms exceeded`)), attemptTimeoutMs);
  return {
    signal: request ? AbortSignal.any([request, own.signal]) : own.signal,
    timedOut: () => own.signal.aborted && request?.aborted !== true,
    stop: () => clearTimeout(timer),
  };
}
