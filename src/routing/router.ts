import type { ErrorCode } from '../core/errors.js';
import type { ChatRequest } from '../core/request.js';
import type { ChatResponse } from '../core/response.js';
import { EventBus, type Listener, type RouterEventName, type Unsubscribe } from '../observability/events.js';
import { resolveRetry } from '../resilience/retry.js';
import { runChat } from './chat.js';
import { assertValidConfig } from './config-schema.js';
import type { RouterCore } from './core.js';
import type { RouterOptions } from './options.js';
import { buildCandidates, contextOf, planRoute, type RoutePlan } from './plan.js';
import { validateRequest } from '../core/request-schema.js';
import { runStream, type ChatStream } from './stream.js';

export interface RouteDecision {
  /** Model aliases in the order they would be tried. */
  candidates: string[];
  strategy: string;
  routeIndex?: number;
  routeName?: string;
}

export interface Router {
  /** One completion, routed, retried and fallen back as configured. */
  chat(request: ChatRequest): Promise<ChatResponse>;
  /** A streamed completion: `for await (const ev of router.stream(req))`. A bad request throws here, at once. */
  stream(request: ChatRequest): ChatStream;
  /** The routing decision for a request, without calling any provider. */
  explain(request: ChatRequest): RouteDecision;
  /** Subscribes to a typed event; returns the function that unsubscribes. */
  on<K extends RouterEventName>(name: K, listener: Listener<K>): Unsubscribe;
  /** Stops timers and removes listeners. Requests in flight finish. */
  close(): Promise<void>;
}

function decision(plan: RoutePlan): RouteDecision {
  const out: RouteDecision = { candidates: plan.candidates.map((c) => c.model), strategy: plan.strategy };
  if (plan.routeIndex !== undefined) out.routeIndex = plan.routeIndex;
  if (plan.routeName !== undefined) out.routeName = plan.routeName;
  return out;
}

/**
 * Builds a router. The whole options object is validated first: every problem is reported at
 * once in a ConfigError with its path, never later at request time.
 */
export function createRouter(options: RouterOptions): Router {
  assertValidConfig(options);
  const core: RouterCore = {
    options,
    providers: { ...options.providers },
    candidates: buildCandidates(options),
    events: new EventBus(),
    retry: resolveRetry(options.retry),
    fallbackOn: new Set<ErrorCode>(options.fallback?.on ?? []),
  };
  return {
    chat: (request) => runChat(core, request),
    stream: (request) => runStream(core, request),
    explain(request) {
      const valid = validateRequest(request);
      return decision(planRoute(valid, contextOf(valid), core.options, core.candidates));
    },
    on: (name, listener) => core.events.on(name, listener),
    async close() {
      core.events.clear();
    },
  };
}
