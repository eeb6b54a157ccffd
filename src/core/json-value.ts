import { z } from 'zod';

/**
 * The one check for JSON-ish user data (tool-call arguments, tool results, JSON Schemas, provider
 * options, provider metadata): a bounded, cycle-safe walk that never recurses, so a cyclic object,
 * a BigInt or a 20,000-deep value is an issue with its path rather than a TypeError or RangeError
 * later in `JSON.stringify`.
 */

/** Deeper values are refused: no vendor accepts them and every JSON encoder on the way would have to recurse that far. */
export const MAX_JSON_DEPTH = 64;

export interface JsonIssue {
  path: PropertyKey[];
  message: string;
}

function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** What a value is, for a message; never calls the value's own `toString`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return `"${v.length > 40 ? `${v.slice(0, 40)}...` : v}"`;
    case 'number':
    case 'boolean':
      return String(v);
    case 'bigint':
      return 'a BigInt';
    case 'object': {
      const proto: unknown = Object.getPrototypeOf(v);
      const ctor: unknown = proto === null || proto === Object.prototype ? undefined : (proto as { constructor?: unknown }).constructor;
      const ctorName: unknown = typeof ctor === 'function' ? (ctor as { name?: unknown }).name : undefined;
      return typeof ctorName === 'string' && ctorName !== '' ? `a ${ctorName}` : 'an object';
    }
    default:
      return `a ${typeof v}`;
  }
}

/**
 * Issues of a value that must be plain JSON: strings, finite numbers, booleans, null, arrays and plain
 * objects, at most MAX_JSON_DEPTH deep, without cycles. `undefined` is allowed as an object member
 * (JSON drops it). Shared (non-cyclic) references are fine. Stops after `maxIssues` issues.
 */
export function jsonIssues(value: unknown, maxIssues = 5): JsonIssue[] {
  const issues: JsonIssue[] = [];
  // Depth-first with an explicit stack; `open` holds the objects on the current path (cycle detection).
  type Frame = { value: unknown; path: PropertyKey[]; exit?: object };
  const stack: Frame[] = [{ value, path: [] }];
  const open = new Set<object>();
  while (stack.length > 0 && issues.length < maxIssues) {
    const frame = stack.pop()!;
    if (frame.exit !== undefined) {
      open.delete(frame.exit);
      continue;
    }
    const { value: v, path } = frame;
    switch (typeof v) {
      case 'string':
      case 'boolean':
        continue;
      case 'number':
        if (!Number.isFinite(v)) issues.push({ path, message: `must be a finite number, got ${String(v)}` });
        continue;
      case 'object':
        break;
      default:
        issues.push({ path, message: `must be JSON: ${describeValue(v)} cannot be sent` });
        continue;
    }
    if (v === null) continue;
    if (open.has(v)) {
      issues.push({ path, message: 'must be JSON: the value contains itself (a cycle)' });
      continue;
    }
    if (path.length >= MAX_JSON_DEPTH) {
      issues.push({ path, message: `must be JSON at most ${MAX_JSON_DEPTH} levels deep` });
      continue;
    }
    const array = Array.isArray(v);
    if (!array && !isPlainObject(v)) {
      issues.push({ path, message: `must be JSON: ${describeValue(v)} is not a plain object` });
      continue;
    }
    open.add(v);
    stack.push({ value: undefined, path, exit: v });
    if (array) {
      for (let i = v.length - 1; i >= 0; i--) {
        const item: unknown = v[i];
        if (item === undefined) issues.push({ path: [...path, i], message: 'must be JSON: undefined in an array' });
        else stack.push({ value: item, path: [...path, i] });
      }
    } else {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i]!;
        if (item !== undefined) stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return issues.slice(0, maxIssues);
}

/** Adds the JSON issues of `value` to a zod context (paths relative to the value). */
export function addJsonIssues(value: unknown, ctx: z.RefinementCtx): void {
  for (const issue of jsonIssues(value)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
}

/** A zod schema for any JSON value (see `jsonIssues`). */
export const jsonValue = z.unknown().superRefine(addJsonIssues);
