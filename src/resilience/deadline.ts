/**
 * One AbortSignal per request that fires on the caller's abort or on the request deadline,
 * and remembers which of the two it was. Uses setTimeout (not AbortSignal.timeout) so that
 * fake timers in tests control it.
 */
export interface RequestSignal {
  /** Undefined when the request has neither a caller signal nor a deadline (nothing can abort it). */
  readonly signal: AbortSignal | undefined;
  /** Why the signal fired, if it did. */
  readonly reason: 'abort' | 'timeout' | undefined;
  dispose(): void;
}

/** For requests with neither a caller signal nor a deadline: no AbortController, no listeners. */
const NEVER: RequestSignal = { signal: undefined, reason: undefined, dispose: () => undefined };

export function requestSignal(caller: AbortSignal | undefined, timeoutMs: number | undefined): RequestSignal {
  if (caller === undefined && timeoutMs === undefined) return NEVER;
  const controller = new AbortController();
  let reason: 'abort' | 'timeout' | undefined;
  const onAbort = () => {
    reason ??= 'abort';
    controller.abort(caller?.reason);
  };
  if (caller?.aborted) onAbort();
  else caller?.addEventListener('abort', onAbort, { once: true });
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          reason ??= 'timeout';
          controller.abort(new Error(`deadline of ${timeoutMs} ms exceeded`));
        }, timeoutMs);
  return {
    signal: controller.signal,
    get reason() {
      return reason;
    },
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    },
  };
}
