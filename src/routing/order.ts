import type { SkippedCandidateInfo } from '../core/response.js';
import type { GroupNode, ModelNode, RouteNode } from './compile.js';
import type { Candidate, StrategyInput } from './options.js';
import { fallbackStrategy } from './strategies/fallback.js';

export interface OrderContext {
  /** Whether a leaf may be tried. */
  ok(leaf: ModelNode): boolean;
  /** The input for a built-in or a user's (`custom`) strategy; its `sequence` is set before each call. */
  strategyInput(custom: boolean): StrategyInput;
  /** Per group: how many requests it has ordered (round-robin state). */
  sequences: Map<string, number>;
  skipped: SkippedCandidateInfo[];
}

/**
 * Orders a routing tree into the flat list of candidates to try: each group's strategy orders
 * its children (a nested group is represented by its first candidate, with the group's weight),
 * then the children's lists are concatenated. A model reached twice is tried once.
 */
export function orderTree(node: RouteNode, ctx: OrderContext): Candidate[] {
  if (node.kind === 'model') return ctx.ok(node) ? [node.candidate] : [];
  if (node.flat) return orderFlat(node, node.flat, ctx);
  const reps: Candidate[] = [];
  const lists: Candidate[][] = [];
  for (const child of node.children) {
    if (child.kind === 'model') {
      if (ctx.ok(child)) {
        reps.push(child.candidate);
        lists.push([child.candidate]);
      }
      continue;
    }
    const list = orderTree(child, ctx);
    if (list.length === 0) continue;
    reps.push({ ...list[0]!, weight: child.weight });
    lists.push(list);
  }
  if (reps.length === 0) return [];
  const ordered = runStrategy(node, reps, ctx);
  if (ordered.length < reps.length) reportDropped(node, reps, lists, ordered, ctx);
  const at = new Map<Candidate, number>();
  reps.forEach((rep, i) => at.set(rep, i));
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const rep of ordered) {
    for (const c of lists[at.get(rep)!] ?? []) {
      if (!seen.has(c.model)) {
        seen.add(c.model);
        out.push(c);
      }
    }
  }
  return out;
}

/**
 * A group of models only: its eligible candidates (checked in configured order, a copy of the
 * precomputed list when all pass), ordered. `use` lists have no duplicates (checked at
 * createRouter), so the strategy's order is the answer.
 */
function orderFlat(node: GroupNode, flat: NonNullable<GroupNode['flat']>, ctx: OrderContext): Candidate[] {
  const { nodes, candidates } = flat;
  const n = nodes.length;
  let i = 0;
  while (i < n && ctx.ok(nodes[i]!)) i++;
  let reps: Candidate[];
  if (i === n) reps = candidates.slice();
  else {
    reps = candidates.slice(0, i);
    for (i++; i < n; i++) if (ctx.ok(nodes[i]!)) reps.push(nodes[i]!.candidate);
    if (reps.length === 0) return [];
  }
  const ordered = runStrategy(node, reps, ctx);
  if (ordered.length < reps.length) reportDropped(node, reps, reps.map((c) => [c]), ordered, ctx);
  return ordered;
}

/** Counts the group's sequence and calls its strategy (the built-in fallback keeps `reps`, a fresh array, as it is). */
function runStrategy(node: GroupNode, reps: Candidate[], ctx: OrderContext): Candidate[] {
  const sequence = ctx.sequences.get(node.name) ?? 0;
  ctx.sequences.set(node.name, sequence + 1);
  if (node.order === fallbackStrategy) return reps;
  // One input object per plan, its sequence set per group (never spread: that would run its lazy getters).
  const input = ctx.strategyInput(node.custom);
  input.sequence = sequence;
  return node.order(reps, input);
}

/** What a strategy dropped is reported, not silently lost. */
function reportDropped(node: GroupNode, reps: Candidate[], lists: Candidate[][], ordered: Candidate[], ctx: OrderContext): void {
  const kept = new Set(ordered);
  reps.forEach((rep, i) => {
    if (kept.has(rep)) return;
    for (const c of lists[i]!) {
      if (!ctx.skipped.some((s) => s.model === c.model)) ctx.skipped.push({ model: c.model, reason: 'dropped-by-strategy', detail: `strategy "${node.strategy}" of "${node.name}"` });
    }
  });
}
