import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../core/errors.js';
import { isLLMProvider } from '../core/provider.js';
import { formatPath, zodIssues } from '../core/zod-issues.js';
import type { RouterOptions } from './options.js';

const nonNegative = z.number().finite().nonnegative();
const positiveInt = z.number().int().positive();

const pricing = z.strictObject({
  input: nonNegative,
  output: nonNegative,
  cachedInput: nonNegative.optional(),
  cacheWrite: nonNegative.optional(),
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
  params: params.optional(),
});

const strategy = z.union([z.literal('fallback'), z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function')], {
  error: () => 'unknown strategy: expected "fallback" or a strategy function',
});

const stringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const route = z.strictObject({
  name: z.string().optional(),
  when: z.union([
    z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function'),
    z.strictObject({ agent: stringOrList.optional(), tenant: stringOrList.optional(), user: stringOrList.optional(), tags: z.array(z.string()).optional() }),
  ]),
  use: z.array(z.string().min(1)).min(1, 'a route must use at least one model'),
  strategy: strategy.optional(),
});

const errorCode = z.enum([
  'rate-limit', 'authentication', 'permission', 'invalid-request', 'context-length', 'content-filter',
  'timeout', 'provider-unavailable', 'not-found', 'invalid-response',
]);

export const routerOptionsSchema = z.strictObject({
  providers: z
    .record(z.string().min(1), z.custom((v) => isLLMProvider(v), { message: 'not a provider: expected the result of a provider factory such as openai({...})' }))
    .refine((r) => Object.keys(r).length > 0, 'at least one provider is required'),
  models: z.record(z.string().min(1), model).refine((r) => Object.keys(r).length > 0, 'at least one model is required'),
  strategy: strategy.optional(),
  routes: z.array(route).optional(),
  retry: z
    .strictObject({
      retries: z.number().int().min(0).max(20).optional(),
      minDelayMs: nonNegative.optional(),
      maxDelayMs: nonNegative.optional(),
      factor: z.number().min(1).max(10).optional(),
      jitter: z.boolean().optional(),
      maxRetryAfterMs: nonNegative.optional(),
    })
    .optional(),
  fallback: z.strictObject({ on: z.array(errorCode).optional() }).optional(),
  timeoutMs: positiveInt.optional(),
});

/** Checks that only make sense on a structurally valid object: names that refer to each other. */
function crossReferences(options: RouterOptions): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [alias, m] of Object.entries(options.models)) {
    if (!(m.provider in options.providers)) {
      issues.push({ path: formatPath(['models', alias, 'provider']), message: `unknown provider "${m.provider}" (known: ${Object.keys(options.providers).join(', ')})` });
    }
  }
  (options.routes ?? []).forEach((r, i) => {
    const seen = new Set<string>();
    r.use.forEach((alias, j) => {
      const path = formatPath(['routes', i, 'use', j]);
      if (!(alias in options.models)) issues.push({ path, message: `unknown model "${alias}"` });
      if (seen.has(alias)) issues.push({ path, message: `duplicate model "${alias}" in the same route` });
      seen.add(alias);
    });
  });
  if (options.retry?.minDelayMs !== undefined && options.retry.maxDelayMs !== undefined && options.retry.minDelayMs > options.retry.maxDelayMs) {
    issues.push({ path: 'retry.minDelayMs', message: 'must not exceed retry.maxDelayMs' });
  }
  return issues;
}

/** Every problem of an options object, each with its path. Empty when valid. */
export function configIssues(options: unknown): ConfigIssue[] {
  const parsed = routerOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    // Cross-reference checks still run on the parts that are readable, so that one pass lists everything.
    const partial = options as Partial<RouterOptions> | null;
    if (partial && typeof partial === 'object' && partial.providers && partial.models && typeof partial.models === 'object') {
      try {
        issues.push(...crossReferences({ routes: [], ...partial } as RouterOptions).filter((i) => !issues.some((j) => j.path === i.path)));
      } catch {
        // Too malformed to cross-check; the structural issues already say why.
      }
    }
    return issues;
  }
  return crossReferences(options as RouterOptions);
}

/** Throws one ConfigError listing every problem. */
export function assertValidConfig(options: unknown): asserts options is RouterOptions {
  const issues = configIssues(options);
  if (issues.length > 0) throw new ConfigError(issues);
}
