import type { SkippedCandidateInfo } from '../core/response.js';
import type { RouteNode } from './compile.js';
import type { Candidate, StrategyInput } from './options.js';

export interface OrderContext {
  /** Strategy input; `sequence` is set per group before each strategy call. */
  input: Omit<StrategyInput, 'sequence'> & { sequence?: number };
  /** Leaves allowed to be tried. */
  eligible: (c: Candidate) => boolean;
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
  if (node.kind === 'model') return ctx.eligible(node.candidate) ? [node.candidate] : [];
  const lists: Candidate[][] = [];
  const reps: Candidate[] = [];
  const byRep = new Map<Candidate, Candidate[]>();
  for (const child of node.children) {
    const list = orderTree(child, ctx);
    if (list.length === 0) continue;
    const rep = child.kind === 'model' ? child.candidate : { ...list[0]!, weight: child.weight };
    lists.push(list);
    reps.push(rep);
    byRep.set(rep, list);
  }
  if (reps.length === 0) return [];
  const sequence = ctx.sequences.get(node.name) ?? 0;
  ctx.sequences.set(node.name, sequence + 1);
  // One input object per plan, its sequence set per group (never spread: that would run its lazy getters).
  const input = ctx.input as StrategyInput;
  input.sequence = sequence;
  const ordered = node.order(reps, input);
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const rep of ordered) {
    for (const c of byRep.get(rep) ?? []) {
      if (!seen.has(c.model)) {
        seen.add(c.model);
        out.push(c);
      }
    }
  }
  // What the strategy dropped is reported, not silently lost.
  for (const rep of reps) {
    if (ordered.includes(rep)) continue;
    for (const c of byRep.get(rep)!) {
      if (!seen.has(c.model) && !ctx.skipped.some((s) => s.model === c.model)) ctx.skipped.push({ model: c.model, reason: 'dropped-by-strategy', detail: `strategy "${node.strategy}" of "${node.name}"` });
    }
  }
  return out;
}
