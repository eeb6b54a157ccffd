import { resolveModelInfo } from '../../catalog/resolve.js';
import type { Candidate, ModelConfig, RouteRule, RouterOptions, StrategyFunction, StrategySpec } from '../config/options.js';
import { resolveStrategy } from './strategies/index.js';

/** A model leaf. */
export interface ModelNode {
  kind: 'model';
  name: string;
  candidate: Candidate;
}

/** A named group of nodes ordered by its own strategy. */
export interface GroupNode {
  kind: 'group';
  name: string;
  weight: number;
  strategy: string;
  order: StrategyFunction;
  children: RouteNode[];
}

/** A node of the routing tree: a model, or a named group of nodes ordered by its own strategy. */
export type RouteNode = ModelNode | GroupNode;

export interface CompiledRoute {
  index: number;
  rule: RouteRule;
  root: GroupNode;
}

/** The options turned into the structures the pipeline walks, once per router. */
export interface CompiledRouting {
  candidates: ReadonlyMap<string, Candidate>;
  /** Model alias -> its leaf (shared by every tree that uses it). */
  leaves: ReadonlyMap<string, ModelNode>;
  routes: CompiledRoute[];
  /** `routes[i].rule`, in one array for matching. */
  rules: RouteRule[];
  /** Every model in declaration order under the default strategy. */
  defaultRoot: GroupNode;
}

/**
 * A model's config with the catalog filling what the user left out: price, context window, max
 * output, tier, strengths, and the capabilities the catalog knows (never a default guess: an
 * unknown model keeps unknown capabilities, which filters do not hold against it).
 */
export function effectiveConfig(config: ModelConfig, providerKind: string, path: string): ModelConfig {
  const info = resolveModelInfo(config, providerKind, path);
  const out: ModelConfig = { ...config };
  if (out.pricing === undefined && info.pricing !== undefined) out.pricing = info.pricing;
  if (out.contextWindow === undefined && info.contextWindow !== undefined) out.contextWindow = info.contextWindow;
  if (out.maxOutputTokens === undefined && info.maxOutputTokens !== undefined) out.maxOutputTokens = info.maxOutputTokens;
  if (out.tier === undefined && info.tier !== undefined) out.tier = info.tier;
  if (out.strengths === undefined && info.strengths.length > 0) out.strengths = [...info.strengths];
  const known = info.catalogEntry?.capabilities;
  if (known) out.capabilities = { ...known, ...config.capabilities };
  return out;
}

export function compileRouting(options: RouterOptions): CompiledRouting {
  const candidates = new Map<string, Candidate>();
  for (const [alias, given] of Object.entries(options.models)) {
    const config = effectiveConfig(given, options.providers[given.provider]!.kind, `models.${alias}`);
    candidates.set(alias, { model: alias, provider: config.provider, providerModel: config.model, config, weight: config.weight ?? 1 });
  }
  const leaves = new Map<string, ModelNode>();
  for (const candidate of candidates.values()) leaves.set(candidate.model, { kind: 'model', name: candidate.model, candidate });
  const groups = options.groups ?? {};
  // Groups are built on demand and shared; cycles were rejected by the config schema.
  const built = new Map<string, GroupNode>();
  const node = (name: string): RouteNode => {
    const leaf = leaves.get(name);
    if (leaf) return leaf;
    const cached = built.get(name);
    if (cached) return cached;
    const g = groups[name]!;
    const group = makeGroup(name, g.use.map(node), g.strategy ?? 'fallback', g.weight ?? 1);
    built.set(name, group);
    return group;
  };
  const defaultSpec: StrategySpec = options.strategy ?? 'fallback';
  const routes = (options.routes ?? []).map((rule, index) => ({
    index,
    rule,
    root: makeGroup(rule.name ?? `routes[${index}]`, rule.use.map(node), rule.strategy ?? defaultSpec, 1),
  }));
  return {
    candidates,
    leaves,
    routes,
    rules: routes.map((r) => r.rule),
    defaultRoot: makeGroup('default', [...candidates.keys()].map(node), defaultSpec, 1),
  };
}

function makeGroup(name: string, children: RouteNode[], spec: StrategySpec, weight: number): GroupNode {
  const { name: strategy, order } = resolveStrategy(spec);
  return { kind: 'group', name, weight, strategy, order, children };
}
