import type { FinishReason, Cost, Usage } from '../core/usage.js';
import type { RouteInfo } from '../core/response.js';
import type { Message, ToolCallPart } from '../core/messages.js';
import type { RoutingContext } from '../core/request.js';
import type { SwitchyardError } from '../core/errors.js';
import type { BudgetAlert } from '../accounting/budgets/types.js';
import type { StoreStatusEvent } from '../state/shared.js';

export type RequestKind = 'chat' | 'stream';

/** Every event the router emits, by name, with its payload. */
export interface RouterEvents {
  /** A request was validated and its candidates ordered; nothing called yet. */
  request: {
    requestId: string;
    kind: RequestKind;
    context: RoutingContext;
    candidates: string[];
    strategy: string;
    routeIndex?: number;
    /** Only with the router option `eventContent: true`: what the request asked. */
    content?: { system?: string; messages: ReadonlyArray<Message> };
  };
  /** One try at one model ended. */
  attempt: {
    requestId: string;
    kind: RequestKind;
    model: string;
    provider: string;
    try: number;
    ok: boolean;
    latencyMs: number;
    error?: SwitchyardError;
    context: RoutingContext;
    /** Streams, on the serving attempt: ms from the call to the first chunk. */
    ttftMs?: number;
  };
  /** The router moves on from a failed model to the next candidate. */
  fallback: { requestId: string; kind: RequestKind; from: string; to: string; error: SwitchyardError; context: RoutingContext };
  /** A request succeeded (for streams: after the `finish` event). */
  response: {
    requestId: string;
    kind: RequestKind;
    route: RouteInfo;
    usage: Usage;
    cost: Cost;
    finishReason: FinishReason;
    latencyMs: number;
    /** Only with the router option `eventContent: true`: the answer. */
    content?: { text: string; toolCalls: ReadonlyArray<ToolCallPart> };
  };
  /** A request failed for good; `error` is what the caller receives. */
  error: { requestId: string; kind: RequestKind; error: SwitchyardError; route?: RouteInfo; context: RoutingContext };
  /** A circuit breaker changed state. */
  breaker: {
    model: string;
    provider: string;
    from: 'closed' | 'open' | 'half-open';
    to: 'closed' | 'open' | 'half-open';
    reason: string;
    at: number;
    /** With a shared store: the transition was made by another process and learned here. */
    remote?: true;
  };
  /** An emergency control was used (disable, enable, force, unforce, reset). */
  control: {
    action: 'disable' | 'enable' | 'force' | 'unforce' | 'reset-breaker' | 'tenant-set' | 'tenant-remove';
    target: string;
    tenant?: string;
    actor?: string;
    at: number;
    /** With a shared store: the action was taken in another process and learned here (its audit entry is that process's). */
    remote?: true;
  };
  /**
   * A request waited in a local rate limiter's line before its call (`overflow: 'queue'`, or the
   * last candidate), emitted when the wait ended: `admitted` (the call goes out) or not (the
   * request's deadline or abort, the router closing). A call admitted at once emits nothing.
   */
  'rate-limit-wait': { model: string; provider: string; waitedMs: number; admitted: boolean; at: number };
  /** The usage ledger's store failed to take a record (e.g. a shared store is down); the request is unaffected. */
  'ledger-error': { error: unknown; record: unknown };
  /** The audit log could not write an entry (a sink failed, a redaction function threw); the request is unaffected. */
  'audit-error': { error: Error };
  /** A budget crossed an alert threshold (default 90% and 100%), once per period each, or refused a request. */
  'budget-alert': BudgetAlert;
  /** A model served a request without any known price (no `pricing` and not in the catalog): its cost is reported as 0 with `priced: false`. Once per model. */
  'unpriced-model': { model: string; provider: string; providerModel: string };
  /**
   * The router's store changed health (Redis; the memory and SQLite stores never emit): `unavailable`
   * (with the error) on the first failure or a lost connection, `available` (with `downMs`) when it
   * answers again, `degraded` each time a `fail-open` admission was answered without it.
   */
  store: StoreStatusEvent;
  /** A listener threw. Reported here so the host can log it; the request is not affected. */
  'listener-error': { event: keyof RouterEvents; error: unknown };
}

export type RouterEventName = keyof RouterEvents;
export type Listener<K extends RouterEventName> = (payload: RouterEvents[K]) => void;
export type Unsubscribe = () => void;

/** A small typed emitter. Emitting with no listeners costs one map lookup. */
export class EventBus {
  readonly #listeners = new Map<RouterEventName, Set<(payload: never) => void>>();

  on<K extends RouterEventName>(name: K, listener: Listener<K>): Unsubscribe {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => {
      set.delete(listener as (payload: never) => void);
    };
  }

  has(name: RouterEventName): boolean {
    const set = this.#listeners.get(name);
    return set !== undefined && set.size > 0;
  }

  /** Calls each listener; a throwing listener is reported as `listener-error` and never breaks the caller. */
  emit<K extends RouterEventName>(name: K, payload: RouterEvents[K]): void {
    const set = this.#listeners.get(name);
    if (!set || set.size === 0) return;
    for (const listener of [...set]) {
      try {
        const result: unknown = (listener as Listener<K>)(payload);
        // An async listener's rejection must not become an unhandled rejection in the host.
        if (result instanceof Promise) result.catch((error: unknown) => this.#failed(name, error));
      } catch (error) {
        this.#failed(name, error);
      }
    }
  }

  #failed(name: RouterEventName, error: unknown): void {
    if (name !== 'listener-error') this.emit('listener-error', { event: name, error });
  }

  clear(): void {
    this.#listeners.clear();
  }
}
