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
  let flat = true;
  const reps: Candidate[] = [];
  const lists: Candidate[][] = [];
  for (const child of node.children) {
    if (child.kind === 'model') {
      if (ctx.eligible(child.candidate)) {
        reps.push(child.candidate);
        lists.push([child.candidate]);
      }
      continue;
    }
    flat = false;
    const list = orderTree(child, ctx);
    if (list.length === 0) continue;
    reps.push({ ...list[0]!, weight: child.weight });
    lists.push(list);
  }
  if (reps.length === 0) return [];
  const sequence = ctx.sequences.get(node.name) ?? 0;
  ctx.sequences.set(node.name, sequence + 1);
  // One input object per plan, its sequence set per group (never spread: that would run its lazy getters).
  const input = ctx.input as StrategyInput;
  input.sequence = sequence;
  const ordered = node.order(reps, input);
  if (ordered.length < reps.length) reportDropped(node, reps, lists, ordered, ctx);
  // Only models below: use lists have no duplicates (checked at createRouter), so the order is the answer.
  if (flat) return ordered;
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

/** What a strategy dropped is reported, not silently lost. */
function reportDropped(node: RouteNode & { kind: 'group' }, reps: Candidate[], lists: Candidate[][], ordered: Candidate[], ctx: OrderContext): void {
  const kept = new Set(ordered);
  reps.forEach((rep, i) => {
    if (kept.has(rep)) return;
    for (const c of lists[i]!) {
      if (!ctx.skipped.some((s) => s.model === c.model)) ctx.skipped.push({ model: c.model, reason: 'dropped-by-strategy', detail: `strategy "${node.strategy}" of "${node.name}"` });
    }
  });
}
