import { ConfigError } from '../../core/errors.js';
import type { SkippedCandidate } from '../../core/response.js';
import type { Candidate, StrategyInput } from '../config/options.js';
import type { GroupNode, RouteNode } from './compile.js';

/** What the order stage reads besides the tree: the filter's verdict and the strategies' input. */
export interface OrderInput {
  /** Model aliases the filter let through. */
  eligible: ReadonlySet<string>;
  /** The strategy input of this request, without `sequence` (set per group). */
  /** What every strategy of the tree reads; `sequence` is set per group (see runStrategy). */
  strategyInput: StrategyInput;
  /** Per group: how many requests it has ordered (round-robin state, kept by the scope). */
  sequences: Map<string, number>;
}

export interface Ordered {
  candidates: Candidate[];
  /** Candidates a strategy dropped. */
  skipped: SkippedCandidate[];
}

/**
 * Orders a routing tree into the flat list of candidates to try: each group's strategy orders
 * its eligible children (a nested group is represented by its first candidate, with the group's
 * weight), then the children's lists are concatenated. A model reached twice is tried once.
 */
export function orderTree(node: RouteNode, input: OrderInput): Ordered {
  const skipped: SkippedCandidate[] = [];
  const candidates = orderNode(node, input, skipped);
  return { candidates, skipped };
}

function orderNode(node: RouteNode, input: OrderInput, skipped: SkippedCandidate[]): Candidate[] {
  if (node.kind === 'model') return input.eligible.has(node.name) ? [node.candidate] : [];
  // Each child as its representative, with the list it stands for (in the children's order).
  const listOf = new Map<Candidate, Candidate[]>();
  for (const child of node.children) {
    const list = orderNode(child, input, skipped);
    if (list.length > 0) listOf.set(child.kind === 'model' ? list[0]! : { ...list[0]!, weight: child.weight }, list);
  }
  if (listOf.size === 0) return [];
  const ordered = runStrategy(node, [...listOf.keys()], input);
  // By model alias: a model reached twice is tried once, where it first comes.
  const out = new Map<string, Candidate>();
  for (const rep of ordered) for (const c of listOf.get(rep) ?? []) if (!out.has(c.model)) out.set(c.model, c);
  // What a strategy dropped is reported, not silently lost.
  const kept = new Set(ordered);
  for (const [rep, list] of listOf) {
    if (kept.has(rep)) continue;
    for (const c of list) {
      if (!out.has(c.model) && !skipped.some((s) => s.model === c.model)) {
        skipped.push({ model: c.model, reason: 'dropped-by-strategy', detail: `strategy "${node.strategy}" of "${node.name}"` });
      }
    }
  }
  return [...out.values()];
}

/**
 * Counts the group's sequence (round-robin) and calls its strategy. A strategy function of the
 * user's that throws or returns something other than an array is a `ConfigError` naming the group
 * (the thrown error is its `cause`; its message is not repeated, it may hold anything).
 */
function runStrategy(node: GroupNode, reps: Candidate[], input: OrderInput): Candidate[] {
  const sequence = input.sequences.get(node.name) ?? 0;
  input.sequences.set(node.name, sequence + 1);
  const path = `strategy of "${node.name}"`;
  let ordered: unknown;
  try {
    ordered = node.order(reps, { ...input.strategyInput, sequence });
  } catch (error) {
    const what = error instanceof Error ? error.name : typeof error;
    throw new ConfigError([{ path, message: `the strategy function "${node.strategy}" threw (${what})` }], { cause: error });
  }
  if (!Array.isArray(ordered)) {
    const got = ordered === null ? 'null' : typeof ordered;
    throw new ConfigError([
      { path, message: `the strategy function "${node.strategy}" must return an array of the candidates it was given, got ${got}` },
    ]);
  }
  return ordered as Candidate[];
}
