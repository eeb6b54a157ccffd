/**
 * Builds the switchyard configurations the bench measures. The "realistic" configuration turns on
 * every option the router accepts at run time: the candidate options below are offered to
 * `createRouter`, and any top-level key it rejects with a ConfigError (because it does not exist
 * yet) is dropped and reported. So the bench picks up the breaker, rate limiter, budgets and new
 * strategies as soon as they land, and labels honestly what it could not turn on.
 *
 * To add an option: add it to `realisticExtras()`. To add a strategy: list it in STRATEGIES.
 */
import type { LLMProvider, Router, RouterEventName, RouterOptions, ChatRequest } from '../../src/index.js';
import { API_KEY, PROMPT } from '../clients/types.js';
import { loadSwitchyard, type Switchyard } from './sy.js';

let SY: Switchyard | undefined;

/** Loads switchyard (the bundle or src/, see lib/sy.ts); call once before the functions below. */
export async function initSwitchyard(): Promise<Switchyard> {
  SY = await loadSwitchyard();
  return SY;
}

function sy(): Switchyard {
  if (!SY) throw new Error('initSwitchyard() was not called');
  return SY;
}

export const STRATEGIES = ['cost', 'capability', 'load-balance'] as const;

/** The request every switchyard client sends: routing context included (session too: pinning is on), as agent code would. */
export function benchRequest(extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    messages: [{ role: 'user', content: PROMPT }],
    tenant: 'acme',
    user: 'u-7',
    agent: 'product-expert',
    session: 'conv-42',
    ...extra,
  };
}

/** `count` OpenAI provider instances on the mock (like several keys / vendors of one wire format). */
export function openaiProviders(origin: string, count: number, fetchImpl?: typeof globalThis.fetch): Record<string, LLMProvider> {
  const out: Record<string, LLMProvider> = {};
  for (let i = 0; i < count; i++) {
    const name = count === 1 ? 'gpt' : `gpt${i}`;
    out[name] = sy().openai.openai({ apiKey: API_KEY, baseURL: `${origin}/v1`, name, ...(fetchImpl && { fetch: fetchImpl }) });
  }
  return out;
}

const TIERS = ['economy', 'standard', 'premium'] as const;

/** `n` models spread over the given providers, with pricing, capabilities, windows and tiers. */
export function manyModels(n: number, providerNames: string[], vendorModel: (i: number) => string): RouterOptions['models'] {
  const models: RouterOptions['models'] = {};
  for (let i = 0; i < n; i++) {
    models[`m${String(i).padStart(2, '0')}`] = {
      provider: providerNames[i % providerNames.length]!,
      model: vendorModel(i),
      pricing: { input: 0.1 + ((i * 7) % 13) * 0.35, output: 0.4 + ((i * 5) % 11) * 1.2 },
      capabilities: { tools: i % 3 !== 2, vision: i % 2 === 0, json: true, reasoning: i % 5 === 0, streaming: true },
      contextWindow: 32_000 * (1 + (i % 8)),
      maxOutputTokens: 8_192,
      tier: TIERS[i % 3]!,
    };
  }
  return models;
}

/** `n` routes on agent/tenant/tags; none matches benchRequest(), so every one is checked and the default strategy runs over all models. */
export function manyRoutes(n: number, modelNames: string[]): NonNullable<RouterOptions['routes']> {
  const routes: NonNullable<RouterOptions['routes']> = [];
  for (let i = 0; i < n; i++) {
    const use = [modelNames[i % modelNames.length]!, modelNames[(i + 3) % modelNames.length]!, modelNames[(i + 7) % modelNames.length]!];
    const when =
      i % 3 === 0
        ? { agent: [`agent-${i}`, `agent-${i}b`] }
        : i % 3 === 1
          ? { tenant: `tenant-${i}`, agent: 'product-expert' }
          : { tags: [`tag-${i}`, 'urgent'] };
    routes.push({ name: `route-${i}`, when, use: [...new Set(use)] });
  }
  return routes;
}

/** Options offered on top of providers/models/routes: whatever the router accepts stays on. */
export function realisticExtras(providerNames: string[]): Record<string, unknown> {
  const rateLimits: Record<string, unknown> = {};
  // Limits that never bind in the bench (64 in flight), so the limiter's bookkeeping is measured, not its waiting.
  for (const p of providerNames) rateLimits[p] = { rpm: 10_000_000, tpm: 10_000_000_000, maxConcurrent: 1_000 };
  return {
    retry: { retries: 2 },
    circuitBreaker: { failureThreshold: 5, cooldownMs: 30_000 },
    rateLimits,
    budgets: [{ scope: { tenant: 'acme' }, period: 'day', limitUsd: 1_000_000_000, onExceed: 'downgrade' }],
  };
}

/** Every event name the router has or is planned to have; subscribing to an unknown name is harmless. */
const EVENT_NAMES = [
  'request',
  'attempt',
  'fallback',
  'response',
  'error',
  'retry',
  'circuit-open',
  'circuit-half-open',
  'circuit-close',
  'budget-alert',
  'budget-exceeded',
  'rate-limited',
  'listener-error',
];

export interface BuiltRouter {
  router: Router;
  /** Top-level options that stayed on. */
  accepted: string[];
  /** What was offered and refused, with the router's reason. */
  rejected: string[];
  /** The strategy actually used (may differ from the one asked for). */
  strategy: string;
  /** Count of events received, by name (keeps listeners from being optimised away). */
  eventCounts: Record<string, number>;
}

/**
 * createRouter(base + extras + strategy), dropping whatever the router rejects as unknown.
 * `events: true` subscribes a cheap listener to every event name.
 */
export function buildRouter(
  base: RouterOptions,
  extras: Record<string, unknown>,
  opts: { strategy?: string; events?: boolean } = {},
): BuiltRouter {
  const offered: Record<string, unknown> = { ...extras };
  if (opts.strategy !== undefined) offered.strategy = opts.strategy;
  const rejected: string[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const router = sy().index.createRouter({ ...base, ...offered } as unknown as RouterOptions);
      const eventCounts: Record<string, number> = {};
      if (opts.events) {
        for (const name of EVENT_NAMES) {
          eventCounts[name] = 0;
          router.on(name as RouterEventName, () => {
            eventCounts[name]!++;
          });
        }
      }
      return {
        router,
        accepted: Object.keys(offered),
        rejected,
        strategy: (offered.strategy as string | undefined) ?? base.strategy?.toString() ?? 'fallback',
        eventCounts,
      };
    } catch (error) {
      if (!sy().index.ConfigError.isInstance(error)) throw error;
      const drop = new Set<string>();
      for (const issue of error.issues) {
        const top = issue.path.split(/[.[]/)[0] ?? '';
        if (top in offered) drop.add(top);
        else if (issue.path === '' || issue.path === '(root)') {
          // zod reports unknown keys at the root: "Unrecognized key(s) ..." names them in the message.
          for (const k of Object.keys(offered))
            if (issue.message.includes(`"${k}"`) || issue.message.includes(`'${k}'`) || issue.message.includes(k)) drop.add(k);
        }
      }
      if (drop.size === 0) throw error;
      for (const k of drop) {
        const why = error.issues.filter((i) => i.path.startsWith(k) || i.message.includes(k)).map((i) => i.message)[0] ?? 'rejected';
        rejected.push(`${k}: ${why.split('\n')[0]}`);
        delete offered[k];
      }
    }
  }
  throw new Error('buildRouter: could not converge on an accepted configuration');
}

/** A readable one-liner of what a built router runs with. */
export function describe(b: BuiltRouter, models: number, routes: number): string {
  const on = b.accepted.filter((k) => k !== 'strategy');
  return `strategy=${b.strategy}, ${models} models, ${routes} routes${on.length ? `, ${on.join(', ')}` : ''}${Object.keys(b.eventCounts).length ? ', events' : ''}`;
}

/** For micro-benchmarks: `n` mock providers' models and `r` routes, realistic extras on. */
export function microRouter(nModels: number, nRoutes: number, strategy?: string): BuiltRouter {
  const providers: Record<string, LLMProvider> = {};
  for (let i = 0; i < 5; i++) providers[`p${i}`] = sy().testing.mockProvider({ name: `p${i}`, reply: 'hello' });
  const models = manyModels(nModels, Object.keys(providers), (i) => `vendor-model-${i}`);
  return buildRouter({ providers, models, routes: manyRoutes(nRoutes, Object.keys(models)) }, realisticExtras(Object.keys(providers)), {
    events: true,
    ...(strategy !== undefined && { strategy }),
  });
}
