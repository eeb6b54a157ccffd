import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { inspect } from 'node:util';
import { agentMethods, type AgentMethods } from '../agents/router-methods.js';
import type { CostsApi } from '../accounting/reports/costs-api.js';
import type { CredentialCheck } from '../core/provider.js';
import { InvalidRequestError, TimeoutError, type ConfigError } from '../core/errors.js';
import type { ChatRequest, RoutingContext } from '../core/request.js';
import type { BudgetStatusReport } from '../accounting/budgets/types.js';
import type { ChatResponse, SkippedCandidate } from '../core/response.js';
import { validateRequest } from '../core/request-schema.js';
import { AuditLogError, createAuditLog, type AuditLog, type AuditLogStats } from '../observability/audit/audit-log.js';
import type { AuditHeads } from '../observability/audit/types.js';
import { auditFromControl } from '../observability/audit/from-events.js';
import { EventBus, type Listener, type RouterEventName, type RouterEvents, type Unsubscribe } from '../observability/events.js';
import { RateLimits } from '../resilience/rate-limit.js';
import { sharedPins } from './scope/sessions.js';
import { sharedStats } from './scope/shared-stats.js';
import { RequestAccounting } from '../accounting/request-accounting.js';
import { buildScope, type SharedParts } from './scope/scope.js';
import { runChat } from './request/chat.js';
import { classify, type Classification } from './plan/classify/index.js';
import { assertValidConfig } from './config/schema.js';
import { applyControl, Controls, FirstRead, SharedControls, type ControlChange } from './scope/controls.js';
import { SharedTenants, storedTenant, unshareableIssues, type StoredTenant } from './config/shared-tenants.js';
import { healthOf, type RouterHealth } from './scope/health.js';
import type { RouterOptions, TypedRouterOptions } from './config/options.js';
import { planRoute } from './plan/plan.js';
import { classifyRequest } from './request/pipeline.js';
import { runStream, type ChatStream } from './request/stream.js';
import { TenantRegistry } from './config/tenant-registry.js';
import { memoryStore } from '../state/memory-store.js';
import { BreakerPool } from '../resilience/breaker/pool.js';
import { SharedBreakers } from '../resilience/breaker/shared.js';
import { breakerRegister } from '../state/breaker-state.js';
import type { TenantConfig } from './config/tenants.js';

/** The routing decision for a request, as a value: nothing is called to compute it. */
export interface RouteDecision {
  /** Model aliases in the order they would be tried. */
  candidates: string[];
  strategy: string;
  routeIndex?: number;
  routeName?: string;
  /** Candidates passed over, with why. */
  skipped: SkippedCandidate[];
  /** The session's pinned model, when it leads the list. */
  pinned?: string;
  /** The `degradeTo` model, when it was added as the last resort. */
  degradeTo?: string;
  classification: Classification;
}

/** Who did it, for the `control` event and the audit log. */
export interface ControlOptions {
  actor?: string;
}

export interface BudgetsApi {
  /**
   * Every budget that counts this context (`{ tenant }`, `{ tenant, user }`...; `{}` for the global
   * ones): spent, held and remaining now, with its period. Reads the store, so a fleet sees one figure.
   */
  status(context?: Pick<RoutingContext, 'tenant' | 'user' | 'agent' | 'tags'>): Promise<BudgetStatusReport[]>;
}

export interface TenantsApi {
  /** Adds or replaces a tenant at runtime, validated like `createRouter()` options. */
  set(id: string, config: TenantConfig, options?: ControlOptions): void;
  remove(id: string, options?: ControlOptions): boolean;
  get(id: string): TenantConfig | undefined;
  list(): string[];
}

/**
 * A name written as a literal must be one of `Known`; a value typed as plain `string` (built at
 * runtime) is checked when the call runs.
 */
export type KnownName<Name extends string, Known extends string> = string extends Name ? Name : [Name] extends [Known] ? Name : Known;

/** A request whose `model`, when written as a literal, must be one of `Known`. */
export type RequestFor<Name extends string, Known extends string> = ChatRequest<Name> & { model?: KnownName<Name, Known> };

/**
 * A router. `Provider` and `Model` are the names of its providers and model aliases, inferred by
 * `createRouter` from its options: a misspelt name in `request.model`, `disable()` or `force()`
 * is a compile error. (Tenants added at runtime bring models the compiler cannot know: use
 * `Router` without arguments, or options typed as `RouterOptions`, for those.) Includes the agent calls
 * `object`, `streamObject`, `run` and `streamRun` (src/agents/).
 */
export interface Router<Provider extends string = string, Model extends string = string> extends AgentMethods {
  /** Usage and cost reports: `summary`, `records`, `export`, `compare`, `forecast`. */
  readonly costs: CostsApi;
  /** Tenants: their own keys, models, routes, strategy, budgets and allow/deny lists. */
  readonly tenants: TenantsApi;
  /** Budget spend, holds and headroom. */
  readonly budgets: BudgetsApi;
  /** With the `audit` option: where each tenant's chain ends (keep it to detect truncation) and write counts. */
  readonly audit: { heads(): AuditHeads; stats(): AuditLogStats } | undefined;
  /** One completion, routed, retried and fallen back as configured. */
  chat<Name extends string = Model>(request: RequestFor<Name, Model>): Promise<ChatResponse>;
  /** A streamed completion: `for await (const ev of router.stream(req))`. A bad request throws here, at once. */
  stream<Name extends string = Model>(request: RequestFor<Name, Model>): ChatStream;
  /** The routing decision for a request, without calling any provider. */
  explain<Name extends string = Model>(request: RequestFor<Name, Model>, kind?: 'chat' | 'stream'): RouteDecision;
  /** Language (Chinese Simplified/Traditional...) and complexity of a request. */
  classify(request: Pick<ChatRequest, 'messages' | 'tools' | 'system'>): Classification;
  /** Per model and per provider (of a tenant's scope, or the default one): breaker state, latency, error rate, controls. */
  health(options?: { tenant?: string }): RouterHealth;
  /** Calls every provider's `validateCredentials()` at once, each bounded by `timeoutMs` (default 10 s). */
  testConnections(options?: { tenant?: string; timeoutMs?: number }): Promise<Record<string, CredentialCheck>>;
  /** Takes a model alias or a provider name out of rotation at once. */
  disable<Name extends string>(target: KnownName<Name, Provider | Model>, options?: ControlOptions): void;
  enable<Name extends string>(target: KnownName<Name, Provider | Model>, options?: ControlOptions): void;
  /** Sends every request (of `tenant`, or of everyone) to one model until `unforce`. */
  force<Name extends string>(model: KnownName<Name, Model>, options?: ControlOptions & { tenant?: string }): void;
  unforce(options?: ControlOptions & { tenant?: string }): void;
  /** Closes a model's circuit breaker by hand (in every scope). */
  resetBreaker<Name extends string>(model: KnownName<Name, Model>, options?: ControlOptions): void;
  /** Subscribes to a typed event; returns the function that unsubscribes. */
  on<K extends RouterEventName>(name: K, listener: Listener<K>): Unsubscribe;
  /** Flushes the audit log, stops rate-limiter timers and removes listeners. */
  close(): Promise<void>;
}

/**
 * Builds a router. The whole options object is validated first: every problem is reported at
 * once in a ConfigError with its path, never later at request time.
 */
export function createRouter<
  Provider extends string,
  Model extends string,
  Group extends string = never,
  ModelProvider extends string = never,
  Used extends string = never,
  TenantModel extends string = never,
>(typed: TypedRouterOptions<Provider, Model, Group, ModelProvider, Used, TenantModel>): Router<Provider, Model | TenantModel> {
  const options = typed as unknown as RouterOptions;
  assertValidConfig(options);
  const now = () => Date.now();
  const events = new EventBus();
  const audit: AuditLog | undefined = options.audit
    ? createAuditLog({
        sink: options.audit.sink,
        ...(options.audit.content !== undefined && { content: options.audit.content }),
        ...(options.audit.hmacKey !== undefined && { hmacKey: options.audit.hmacKey }),
        ...(options.audit.resume !== undefined && { resume: options.audit.resume }),
        onError: (error) => events.emit('audit-error', { error }),
      })
    : undefined;
  // One store for the router's whole life: rebuilding a tenant or the budgets never starts from an empty one.
  const store = options.store ?? memoryStore();
  // The store's own health, as router events (the store stays the caller's: the router never closes it).
  const stopStatus = store.onStatus((e) => events.emit('store', e));
  // A shared store (SQLite, Redis) shares breakers and emergency controls with every process on it; memory keeps them here.
  const fleet = store.kind === 'memory' ? undefined : store;
  const breakerOptions = options.circuitBreaker === false ? undefined : (options.circuitBreaker ?? {});
  const sharedBreakers =
    fleet && breakerOptions
      ? new SharedBreakers({
          register: breakerRegister(fleet),
          // Who holds a half-open probe: this router in this process.
          owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
          probeLeaseMs: breakerOptions.cooldownMs ?? 30_000,
          now,
        })
      : undefined;
  const breakers =
    breakerOptions && new BreakerPool(breakerOptions, now, sharedBreakers && { breakers: sharedBreakers, nameOf: (i) => nameOf(i) });
  const shared: SharedParts = {
    events,
    breakers,
    controls: new Controls(),
    accounting: new RequestAccounting({ ...options, store }, events, audit),
    pins: sharedPins(store),
    // On a shared store, latency and error statistics are counted there and read back every `statsSyncMs`.
    stats: sharedStats(store, options.statsSyncMs, now),
    now,
  };
  // On a shared store (SQLite, Redis) the limits are counted there, for every process on it.
  const limits = new RateLimits(options.rateLimits, now, store);
  const tenants = new TenantRegistry(options, shared, limits, buildScope(options, shared, limits));
  const { controls } = shared;
  /** A provider instance's name in every process with this configuration: its own, or its tenant's and its own (tenants in order). */
  const nameOf = (instance: object): string | undefined => {
    for (const [name, p] of Object.entries(options.providers)) if (p === instance) return encodeURIComponent(name);
    for (const id of tenants.list().sort()) {
      for (const [name, p] of Object.entries(tenants.get(id)?.providers ?? {}))
        if (p === instance) return `${encodeURIComponent(id)}/${encodeURIComponent(name)}`;
    }
    return undefined;
  };
  /** Whether a model can be forced for a tenant here (a tenant this process cannot build has none). */
  const forceable = (tenant: string | undefined, model: string) =>
    !tenants.unbuildable(tenant) && tenants.scopeFor(tenant).routing.candidates.has(model);
  const sharedControls =
    fleet &&
    new SharedControls(fleet, controls, {
      // A model forced by a process with another configuration is ignored here rather than refusing every request.
      accept: (s) => ({
        disabled: s.disabled,
        forced: Object.fromEntries(Object.entries(s.forced).filter(([t, m]) => forceable(t || undefined, m))),
      }),
      // Learned from another process: the event here, with `remote: true`; the audit entry was written where it was called.
      onRemote: (changes) => {
        for (const c of changes) {
          const target = c.action === 'force' ? c.model : c.action === 'unforce' ? (c.tenant ?? '*') : c.target;
          const tenant = c.action === 'force' || c.action === 'unforce' ? c.tenant : undefined;
          events.emit('control', { action: c.action, target, ...(tenant !== undefined && { tenant }), remote: true, at: now() });
        }
      },
    });
  // Tenants set or removed at runtime by any process on the store; their registers win over `options.tenants` (docs/tenants.md).
  const sharedTenants =
    fleet &&
    new SharedTenants(fleet, {
      onChange: (id: string, value: StoredTenant, initial: boolean) => {
        tenants.applyStored(id, value, options.tenantProviders);
        sharedControls?.reapply();
        if (initial) return;
        const action = 'removed' in value ? 'tenant-remove' : 'tenant-set';
        events.emit('control', {
          action,
          target: id,
          tenant: id,
          ...(value.actor !== undefined && { actor: value.actor }),
          remote: true,
          at: now(),
        });
      },
    });
  const change = (c: ControlChange) => (sharedControls ? sharedControls.change(c) : applyControl(controls, c));
  // Before the first request: the breakers of the default targets and the controls in force, as the store has them.
  if (sharedBreakers) for (const c of tenants.defaultScope.routing.candidates.values()) tenants.defaultScope.guards.breakerOf(c);
  const ready = new FirstRead([sharedBreakers?.settled(), sharedControls?.settled(), sharedTenants?.settled(), shared.stats?.settled()]);
  /** A request of a tenant this process cannot build: refused with its ConfigError and an `error` event, never served by the defaults. */
  const unbuildable = (request: ChatRequest | undefined, kind: 'chat' | 'stream'): ConfigError | undefined => {
    const tenant = typeof request === 'object' && request !== null && typeof request.tenant === 'string' ? request.tenant : undefined;
    const error = tenants.unbuildable(tenant);
    if (error) events.emit('error', { requestId: randomUUID(), kind, error, context: { tenant } });
    return error;
  };

  const control = (payload: Omit<RouterEvents['control'], 'at'>) => {
    const event = { ...payload, at: now() };
    audit?.control(auditFromControl(event));
    events.emit('control', event);
  };
  const knownTarget = (target: string, what: string) => {
    if (typeof target !== 'string' || (!Object.hasOwn(options.models, target) && !Object.hasOwn(options.providers, target))) {
      throw new InvalidRequestError({ path: 'target', message: `${what}: unknown model or provider "${target}"` });
    }
  };
  const actorOf = (o: ControlOptions) => (o.actor !== undefined ? { actor: o.actor } : {});

  const router: Router<Provider, Model | TenantModel> = {
    costs: shared.accounting.costs,
    budgets: {
      async status(context = {}) {
        const engine = shared.accounting.budgets;
        if (!engine) return [];
        return (await engine.status({ ...context })).map(({ budget, instance, spentMicros, reservedMicros, remainingMicros }) => ({
          ...budget,
          ...(instance ? { instance } : {}),
          spentMicros,
          heldMicros: reservedMicros,
          remainingMicros,
        }));
      },
    },
    audit: audit ? { heads: () => audit.heads(), stats: () => audit.stats() } : undefined,
    tenants: {
      set(id, config, o = {}) {
        // On a shared store: only data, and the tenant's own providers by name (built in each process by `tenantProviders`).
        tenants.set(id, config, (c) => (sharedTenants ? unshareableIssues(id, c, options.tenantProviders !== undefined) : []));
        sharedTenants?.write(id, storedTenant(config, o.actor));
        control({ action: 'tenant-set', target: id, tenant: id, ...actorOf(o) });
      },
      remove(id, o = {}) {
        const had = tenants.remove(id);
        if (had) {
          sharedTenants?.write(id, { removed: true, ...(o.actor !== undefined && { actor: o.actor }) });
          control({ action: 'tenant-remove', target: id, tenant: id, ...actorOf(o) });
        }
        return had;
      },
      get: (id) => tenants.get(id),
      list: () => tenants.list(),
    },
    chat: (request) =>
      ready.run(() => {
        const refused = unbuildable(request, 'chat');
        return refused ? Promise.reject(refused) : runChat(tenants.scopeFor(request?.tenant), request);
      }),
    stream: (request) =>
      ready.stream(
        () => {
          const refused = unbuildable(request, 'stream');
          if (refused) throw refused;
          return runStream(tenants.scopeFor(request?.tenant), request);
        },
        () => void validateRequest(request),
      ),
    // Agent calls: built on the public chat/stream/explain only; `describe` tells them a model's provider kind.
    ...agentMethods({
      chat: (request) => router.chat(request),
      stream: (request) => router.stream(request),
      explain: (request, kind) => router.explain(request, kind),
      describe(model, tenant) {
        const scope = tenants.scopeFor(tenant);
        const config = scope.options.models[model];
        const provider = config && scope.providers[config.provider];
        return provider ? { kind: provider.kind, ...(config.capabilities && { capabilities: config.capabilities }) } : undefined;
      },
    }),
    explain(request, kind = 'chat') {
      const valid = validateRequest(request);
      const classified = classifyRequest(valid, kind);
      const plan = planRoute(tenants.scopeFor(valid.tenant), classified);
      const lazy = classified.classification;
      const out = { candidates: plan.candidates.map((c) => c.model), strategy: plan.strategy, skipped: plan.skipped } as RouteDecision;
      // Computed on first read: deciding a route must not pay for a classification nobody reads.
      let classification: Classification | undefined;
      Object.defineProperty(out, 'classification', {
        enumerable: true,
        get: () => (classification ??= { language: lazy.language, complexity: lazy.complexity }),
      });
      if (plan.routeIndex !== undefined) out.routeIndex = plan.routeIndex;
      if (plan.routeName !== undefined) out.routeName = plan.routeName;
      if (plan.pinned !== undefined) out.pinned = plan.pinned;
      if (plan.degradeTo !== undefined) out.degradeTo = plan.degradeTo;
      return out;
    },
    classify: (request) => classify(request),
    health(o = {}) {
      const scope = tenants.scopeFor(o.tenant);
      return healthOf(scope.options, scope.guards, controls);
    },
    async testConnections(o = {}) {
      const scope = tenants.scopeFor(o.tenant);
      const timeoutMs = o.timeoutMs ?? 10_000;
      const entries = await Promise.all(
        Object.entries(scope.providers).map(async ([name, provider]): Promise<[string, CredentialCheck]> => {
          const started = performance.now();
          const controller = new AbortController();
          let timer: ReturnType<typeof setTimeout> | undefined;
          const deadline = new Promise<CredentialCheck>((resolve) => {
            timer = setTimeout(() => {
              controller.abort();
              resolve({
                ok: false,
                latencyMs: performance.now() - started,
                error: new TimeoutError({
                  provider: name,
                  timeoutMs,
                  message: `validateCredentials of "${name}" timed out after ${timeoutMs} ms`,
                }),
              });
            }, timeoutMs);
          });
          try {
            return [name, await Promise.race([provider.validateCredentials({ signal: controller.signal }), deadline])];
          } finally {
            clearTimeout(timer);
          }
        }),
      );
      return Object.fromEntries(entries);
    },
    disable(target, o = {}) {
      knownTarget(target, 'disable');
      change({ action: 'disable', target });
      control({ action: 'disable', target, ...actorOf(o) });
    },
    enable(target, o = {}) {
      knownTarget(target, 'enable');
      change({ action: 'enable', target });
      control({ action: 'enable', target, ...actorOf(o) });
    },
    force(model, o = {}) {
      const scope = tenants.scopeFor(o.tenant);
      if (typeof model !== 'string' || !scope.routing.candidates.has(model))
        throw new InvalidRequestError({ path: 'model', message: `force: unknown model "${model}"` });
      change({ action: 'force', model, tenant: o.tenant });
      control({ action: 'force', target: model, ...(o.tenant !== undefined && { tenant: o.tenant }), ...actorOf(o) });
    },
    unforce(o = {}) {
      change({ action: 'unforce', tenant: o.tenant });
      control({ action: 'unforce', target: o.tenant ?? '*', ...(o.tenant !== undefined && { tenant: o.tenant }), ...actorOf(o) });
    },
    resetBreaker(model, o = {}) {
      if (typeof model !== 'string' || !tenants.defaultScope.routing.candidates.has(model))
        throw new InvalidRequestError({ path: 'model', message: `resetBreaker: unknown model "${model}"` });
      for (const scope of [tenants.defaultScope, ...tenants.list().map((t) => tenants.scopeFor(t))]) {
        const candidate = scope.routing.candidates.get(model);
        if (candidate) scope.guards.breakerOf(candidate)?.reset();
      }
      control({ action: 'reset-breaker', target: model, ...actorOf(o) });
    },
    on: (name, listener) => events.on(name, listener),
    async close() {
      stopStatus();
      await shared.accounting.flush();
      await limits.close();
      await Promise.all([
        sharedBreakers?.close(),
        sharedControls?.close(),
        sharedTenants?.close(),
        shared.pins?.flush(),
        shared.stats?.close(),
      ]);
      if (audit) await closeAudit(audit, options.audit?.closeTimeoutMs ?? 10_000, events);
      events.clear();
    },
  };
  // Printing the router (logs, debuggers) shows its shape, never a key or a client.
  const summary = () => ({ providers: Object.keys(options.providers), models: Object.keys(options.models), tenants: tenants.list() });
  Object.defineProperties(router, {
    toJSON: { value: summary, enumerable: false },
    [inspect.custom]: { value: () => `Router ${inspect(summary())}`, enumerable: false },
  });
  return router;
}

/** Closes the audit log, waiting at most `timeoutMs` for its sinks: a sink that never settles must not hang shutdown. */
async function closeAudit(audit: AuditLog, timeoutMs: number, events: EventBus): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([audit.close().then(() => 'closed' as const), timedOut]);
    if (outcome === 'timeout') {
      const { recorded, written } = audit.stats();
      const message = `The audit sinks did not finish within ${timeoutMs} ms of close(); ${recorded - written} entries may be unwritten`;
      events.emit('audit-error', { error: new AuditLogError(message, 'close-timeout') });
    }
  } finally {
    clearTimeout(timer);
  }
}
