import fc from 'fast-check';
import { expect } from 'vitest';

/**
 * Arbitrary damage to a valid value, for properties of checks that must never accept what a schema
 * refuses: up to three fields (or the root) replaced with right and wrong types, null, non-finite
 * numbers and non-plain objects, or deleted.
 */

/** Values a field may be replaced with. */
const junk = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string({ maxLength: 3 }),
  fc.integer({ min: -2, max: 5 }),
  fc.constantFrom(1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.constant(new Date(0)),
  fc.constant([{ id: 'c', function: { name: 'f', arguments: '{}' } }]),
  fc.constant({ cached_tokens: 'x' }),
  fc.constantFrom({ type: 'text', text: 1 }, { type: 'thinking', thinking: 'x', signature: 2 }, { type: 'server_tool_use' }, { type: 'redacted_thinking' }),
);

/** Every path to a value inside `v` (objects and arrays), the root included. */
function paths(v: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  const out = [at];
  if (typeof v === 'object' && v !== null) for (const [k, child] of Object.entries(v)) out.push(...paths(child, [...at, Array.isArray(v) ? Number(k) : k]));
  return out;
}

/** `v` (deep-copied) with up to three values replaced, or deleted; the root itself may be replaced. */
export function mutated<T>(base: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.tuple(base, fc.array(fc.tuple(fc.nat(), junk, fc.boolean()), { maxLength: 3 })).map(([v, edits]) => {
    let root: unknown = structuredClone(v);
    for (const [pick, value, del] of edits) {
      const all = paths(root);
      const path = all[pick % all.length]!;
      const fresh: unknown = structuredClone(value); // a shared object placed twice could make a cycle
      if (path.length === 0) {
        root = fresh;
        continue;
      }
      let parent = root as Record<string | number, unknown>;
      for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
      const last = path[path.length - 1]!;
      if (del && !Array.isArray(parent)) delete parent[last];
      else parent[last] = fresh;
    }
    return root;
  });
}


interface Schema {
  safeParse(v: unknown): { success: true; data: unknown } | { success: false };
}

/**
 * The property every fast check must hold: over damaged `values`, whatever `check` passes, `schema`
 * passes too; `sameRead` then compares what the adapter makes of the value and of the schema's
 * copy. Both sides must be exercised (`minProven` passed, `minRefused` refused).
 */
export function holdsToSchema(values: fc.Arbitrary<unknown>, check: (v: unknown) => boolean, schema: Schema, options: { sameRead?: (value: unknown, parsed: unknown) => void; minProven?: number; minRefused?: number; numRuns?: number } = {}): void {
  let proven = 0;
  let refused = 0;
  fc.assert(
    fc.property(values, (v) => {
      if (!check(v)) {
        refused++;
        return;
      }
      proven++;
      const parsed = schema.safeParse(v);
      expect(parsed.success).toBe(true);
      if (parsed.success) options.sameRead?.(v, parsed.data);
    }),
    { numRuns: options.numRuns ?? 3_000 },
  );
  expect(proven).toBeGreaterThan(options.minProven ?? 300);
  expect(refused).toBeGreaterThan(options.minRefused ?? 300);
}

/** What an adapter's `convertResponse` makes of a body (or the error it throws), without the fields that hold the body itself. */
export function readOf<R extends { raw?: unknown; usage: { raw?: unknown } }>(convert: () => R): (Omit<R, 'raw' | 'usage'> & { usage: Omit<R['usage'], 'raw'> }) | { threw: string } {
  try {
    const { raw: _raw, usage, ...rest } = convert();
    const { raw: _usageRaw, ...u } = usage;
    return { ...rest, usage: u as Omit<R['usage'], 'raw'> };
  } catch (error) {
    return { threw: String(error) };
  }
}
