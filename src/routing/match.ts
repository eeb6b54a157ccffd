import type { ChatRequest } from '../core/request.js';
import type { Classification } from './classify/index.js';
import type { LanguageCondition, RouteCondition, RouteRule } from './options.js';

function oneOf<T extends string>(expected: T | T[] | undefined, actual: T | undefined): boolean {
  if (expected === undefined) return true;
  if (actual === undefined) return false;
  return typeof expected === 'string' ? expected === actual : expected.includes(actual);
}

function languageMatches(expected: LanguageCondition | LanguageCondition[], c: Classification): boolean {
  const { language, script } = c.language;
  const tags: string[] = [language];
  if (language === 'zh' && script === 'simplified') tags.push('zh-Hans');
  if (language === 'zh' && script === 'traditional') tags.push('zh-Hant');
  return (typeof expected === 'string' ? [expected] : expected).some((e) => tags.includes(e));
}

function matchesCondition(when: RouteCondition, request: Readonly<ChatRequest>, c: Classification): boolean {
  return (
    oneOf(when.agent, request.agent) &&
    oneOf(when.tenant, request.tenant) &&
    oneOf(when.user, request.user) &&
    oneOf(when.task, request.task) &&
    (when.tags === undefined || when.tags.every((t) => request.tags?.includes(t) ?? false)) &&
    (when.language === undefined || languageMatches(when.language, c)) &&
    // Read the (lazy) complexity only when the route asks for it.
    (when.complexity === undefined || oneOf(when.complexity, c.complexity.level))
  );
}

/** Index of the first route whose condition holds, or -1. A throwing predicate does not match. */
export function matchRoute(routes: ReadonlyArray<RouteRule>, request: Readonly<ChatRequest>, classification: Classification): number {
  for (let i = 0; i < routes.length; i++) {
    const when = routes[i]!.when;
    let ok: boolean;
    try {
      ok = typeof when === 'function' ? when(request, classification) === true : matchesCondition(when, request, classification);
    } catch {
      ok = false;
    }
    if (ok) return i;
  }
  return -1;
}
