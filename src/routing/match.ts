import type { ChatRequest } from '../core/request.js';
import type { RouteCondition, RouteRule } from './options.js';

function oneOf(expected: string | string[] | undefined, actual: string | undefined): boolean {
  if (expected === undefined) return true;
  if (actual === undefined) return false;
  return typeof expected === 'string' ? expected === actual : expected.includes(actual);
}

function matchesCondition(when: RouteCondition, request: Readonly<ChatRequest>): boolean {
  return (
    oneOf(when.agent, request.agent) &&
    oneOf(when.tenant, request.tenant) &&
    oneOf(when.user, request.user) &&
    (when.tags === undefined || when.tags.every((t) => request.tags?.includes(t) ?? false))
  );
}

/** Index of the first route whose condition holds, or -1. A throwing predicate does not match. */
export function matchRoute(routes: ReadonlyArray<RouteRule>, request: Readonly<ChatRequest>): number {
  for (let i = 0; i < routes.length; i++) {
    const when = routes[i]!.when;
    let ok: boolean;
    try {
      ok = typeof when === 'function' ? when(request) === true : matchesCondition(when, request);
    } catch {
      ok = false;
    }
    if (ok) return i;
  }
  return -1;
}
