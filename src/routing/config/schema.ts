import { z } from 'zod';
import { timeoutMsSchema } from '../../core/request-schema.js';
import { ConfigError, type ConfigIssue } from '../../core/errors.js';
import { isLLMProvider } from '../../core/provider.js';
import { formatPath, zodIssues } from '../../core/zod-issues.js';
import { budgetsSchema } from '../../accounting/budgets/schema.js';
import { MAX_PRICE_PER_MILLION } from '../../accounting/money.js';
import { configCrossReferences } from './references.js';
import { tenantIssues, type TenantConfig } from './tenants.js';
import type { RouterOptions } from './options.js';

const nonNegative = z.number().finite().nonnegative();
const price = nonNegative.max(MAX_PRICE_PER_MILLION, { message: `must be at most ${MAX_PRICE_PER_MILLION} USD per 1M tokens` });
const positiveInt = z.number().int().positive();
const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', { message: 'must be a function' });

const pricing = z.strictObject({
  input: price,
  output: price,
  cachedInput: price.optional(),
  cacheWrite: price.optional(),
});

const params = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().min(0).max(1).optional(),
  topK: positiveInt.optional(),
  maxTokens: positiveInt.optional(),
  stop: z.array(z.string()).optional(),
  frequencyPenalty: z.number().min(-2).max(2).optional(),
  presencePenalty: z.number().min(-2).max(2).optional(),
  seed: z.number().int().optional(),
});

const model = z.strictObject({
  provider: z.string().min(1),
  model: z.string().min(1),
  pricing: pricing.optional(),
  capabilities: z
    .strictObject({
      tools: z.boolean().optional(),
      vision: z.boolean().optional(),
      json: z.boolean().optional(),
      reasoning: z.boolean().optional(),
      streaming: z.boolean().optional(),
    })
    .optional(),
  contextWindow: positiveInt.optional(),
  maxOutputTokens: positiveInt.optional(),
  tier: z.enum(['economy', 'standard', 'premium']).optional(),
  strengths: z.array(z.string().min(1)).optional(),
  weight: nonNegative.optional(),
  params: params.optional(),
});

const STRATEGY_MESSAGE =
  'unknown strategy: expected "fallback", "cost", "capability", "load-balance", "latency", an options object with one of these as `type`, or a function';
const strategy = z.union(
  [
    z.enum(['fallback', 'cost', 'capability', 'load-balance', 'latency']),
    fn,
    z.strictObject({ type: z.literal('fallback') }),
    z.strictObject({ type: z.literal('cost'), expectedOutputTokens: positiveInt.optional() }),
    z.strictObject({ type: z.literal('capability'), task: z.string().min(1).optional() }),
    z.strictObject({ type: z.literal('load-balance'), mode: z.enum(['weighted', 'round-robin', 'least-in-flight']).optional() }),
    z.strictObject({ type: z.literal('latency'), metric: z.enum(['auto', 'latency', 'ttft']).optional() }),
  ],
  { error: () => STRATEGY_MESSAGE },
);

const stringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const language = z.enum(['zh', 'zh-Hans', 'zh-Hant', 'ja', 'ko', 'en', 'other']);
const complexity = z.enum(['simple', 'moderate', 'complex']);

const route = z.strictObject({
  name: z.string().optional(),
  when: z.union([
    fn,
    z.strictObject({
      agent: stringOrList.optional(),
      tenant: stringOrList.optional(),
      user: stringOrList.optional(),
      tags: z.array(z.string()).optional(),
      language: z.union([language, z.array(language).min(1)]).optional(),
      complexity: z.union([complexity, z.array(complexity).min(1)]).optional(),
      task: stringOrList.optional(),
    }),
  ]),
  use: z.array(z.string().min(1)).min(1, 'a route must use at least one model'),
  strategy: strategy.optional(),
});

const group = z.strictObject({
  use: z.array(z.string().min(1)).min(1, 'a group must use at least one model or group'),
  strategy: strategy.optional(),
  weight: nonNegative.optional(),
});

export const ERROR_CODES = [
  'rate-limit',
  'authentication',
  'permission',
  'invalid-request',
  'context-length',
  'content-filter',
  'timeout',
  'provider-unavailable',
  'not-found',
  'invalid-response',
  'circuit-open',
] as const;
const errorCode = z.enum(ERROR_CODES);

const rateLimit = z.strictObject({
  rpm: positiveInt.optional(),
  tpm: positiveInt.optional(),
  maxConcurrent: positiveInt.optional(),
  maxQueue: z.number().int().min(0).optional(),
  overflow: z.enum(['next', 'queue']).optional(),
});

const breaker = z.strictObject({
  failureThreshold: positiveInt.optional(),
  failureRate: z
    .strictObject({ threshold: z.number().gt(0).max(1), windowMs: positiveInt.optional(), minRequests: positiveInt.optional() })
    .optional(),
  cooldownMs: nonNegative.optional(),
  halfOpenProbes: positiveInt.optional(),
  countOn: z.array(errorCode).optional(),
});

const providerInstance = z.custom((v) => isLLMProvider(v), {
  message: 'not a provider: expected the result of a provider factory such as openai({...})',
});

export const tenantSchema = z.strictObject({
  providers: z.record(z.string().min(1), providerInstance).optional(),
  models: z.record(z.string().min(1), model).optional(),
  routes: z.array(route).optional(),
  strategy: strategy.optional(),
  budgets: budgetsSchema.optional(),
  allowModels: z.array(z.string().min(1)).optional(),
  denyModels: z.array(z.string().min(1)).optional(),
});

export const routerOptionsSchema = z.strictObject({
  providers: z.record(z.string().min(1), providerInstance).refine((r) => Object.keys(r).length > 0, 'at least one provider is required'),
  models: z.record(z.string().min(1), model).refine((r) => Object.keys(r).length > 0, 'at least one model is required'),
  groups: z.record(z.string().min(1), group).optional(),
  strategy: strategy.optional(),
  routes: z.array(route).optional(),
  retry: z
    .strictObject({
      retries: z.number().int().min(0).max(20).optional(),
      perError: z.partialRecord(errorCode, z.number().int().min(0).max(20)).optional(),
      minDelayMs: nonNegative.optional(),
      maxDelayMs: nonNegative.optional(),
      factor: z.number().min(1).max(10).optional(),
      jitter: z.boolean().optional(),
      maxRetryAfterMs: nonNegative.optional(),
      attemptTimeoutMs: timeoutMsSchema.optional(),
    })
    .optional(),
  fallback: z.strictObject({ on: z.array(errorCode).optional() }).optional(),
  circuitBreaker: z.union([z.literal(false), breaker]).optional(),
  rateLimits: z.record(z.string().min(1), rateLimit).optional(),
  sessions: z.union([z.literal(false), z.strictObject({ ttlMs: positiveInt.optional(), maxSessions: positiveInt.optional() })]).optional(),
  streamRecovery: z
    .union([
      z.literal('error'),
      z.strictObject({ mode: z.literal('error') }),
      z
        .strictObject({ mode: z.literal('buffer'), ms: nonNegative.optional(), chars: positiveInt.optional() })
        .refine((b) => b.ms !== undefined || b.chars !== undefined, 'a buffer needs `ms` or `chars`'),
    ])
    .optional(),
  degradeTo: z.string().min(1).optional(),
  timeoutMs: timeoutMsSchema.optional(),
  random: fn.optional(),
  latencyAlpha: z.number().gt(0).max(1).optional(),
  budgets: budgetsSchema.optional(),
  stopStreamOnBudget: z.boolean().optional(),
  budgetHoldLeaseMs: z.number().int().min(1_000).max(86_400_000).optional(),
  statsSyncMs: z.number().int().min(100).max(60_000).optional(),
  eventContent: z.boolean().optional(),
  ledger: z.strictObject({ maxRecords: positiveInt.optional(), maxAgeMs: positiveInt.optional() }).optional(),
  store: z
    .custom<object>(isSharedStore, {
      message: 'must be a SharedStore: memoryStore(), sqliteStore() from switchyard/sqlite or redisStore() from switchyard/redis',
    })
    .optional(),
  tenants: z.record(z.string().min(1, 'a tenant id must not be empty'), tenantSchema).optional(),
  tenantProviders: fn.optional(),
  audit: z
    .strictObject({
      sink: z.custom<object>((v) => typeof v === 'function' || (typeof v === 'object' && v !== null), {
        message: 'must be a function, a sink object or a list of them',
      }),
      content: z.union([z.enum(['exclude', 'include', 'hash']), fn]).optional(),
      hmacKey: z.union([z.string().min(1), z.instanceof(Uint8Array)]).optional(),
      resume: z
        .strictObject({
          logSeq: z.number().int().nonnegative(),
          chains: z.array(z.strictObject({ tenant: z.string().nullable(), seq: z.number().int().nonnegative(), hash: z.string().min(1) })),
        })
        .optional(),
      closeTimeoutMs: positiveInt.max(2 ** 31 - 1).optional(),
    })
    .optional(),
});

/** Every problem of an options object, each with its path. Empty when valid. */
export function configIssues(options: unknown): ConfigIssue[] {
  const parsed = routerOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    // Cross-reference checks still run on the parts that are readable, so that one pass lists everything.
    const partial = options as Partial<RouterOptions> | null;
    if (partial && typeof partial === 'object' && partial.providers && partial.models && typeof partial.models === 'object') {
      try {
        issues.push(...configCrossReferences(partial as RouterOptions).filter((i) => !issues.some((j) => j.path === i.path)));
      } catch {
        // Too malformed to cross-check; the structural issues already say why.
      }
    }
    return issues;
  }
  const base = options as RouterOptions;
  return [...configCrossReferences(base), ...Object.entries(base.tenants ?? {}).flatMap(([id, t]) => tenantIssues(base, id, t))];
}

/** The issues of one tenant configuration (for `router.tenants.set`), with paths under `tenants.<id>`. */
export function tenantConfigIssues(base: RouterOptions, id: unknown, tenant: unknown): ConfigIssue[] {
  if (typeof id !== 'string' || id.length === 0) return [{ path: 'tenants', message: 'a tenant id must be a non-empty string' }];
  const parsed = tenantSchema.safeParse(tenant);
  if (!parsed.success) return zodIssues(parsed.error, formatPath(['tenants', id]));
  return tenantIssues(base, id, tenant as TenantConfig);
}

/** Throws one ConfigError listing every problem. */
export function assertValidConfig(options: unknown): asserts options is RouterOptions {
  const issues = configIssues(options);
  if (issues.length > 0) throw new ConfigError(issues);
}

/** The methods the router calls on its store: a `SharedStore` (memory, SQLite, Redis or your own). */
const SHARED_STORE_METHODS = [
  'increment',
  'counters',
  'append',
  'range',
  'reserveHold',
  'settleHold',
  'releaseHold',
  'renewHold',
  'budgetUsage',
  'getVersioned',
  'compareAndSet',
  'subscribe',
];

function isSharedStore(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const store = v as Record<string, unknown>;
  return SHARED_STORE_METHODS.every((name) => typeof store[name] === 'function');
}
