import type { ChatRequest } from '../../core/request.js';
import { publicClassification, type Classification } from './classify/index.js';
import type { LanguageCondition, RouteCondition, RouteRule } from '../config/options.js';

function oneOf<T extends string>(expected: T | T[] | undefined, actual: T | undefined): boolean {
  if (expected === undefined) return true;
  if (actual === undefined) return false;
  return typeof expected === 'string' ? expected === actual : expected.includes(actual);
}

/** Whether a detected language (with its script) answers to one condition tag. */
function languageIs(e: LanguageCondition, language: string, script: string | undefined): boolean {
  if (e === language) return true;
  return language === 'zh' && ((e === 'zh-Hans' && script === 'simplified') || (e === 'zh-Hant' && script === 'traditional'));
}

function languageMatches(expected: LanguageCondition | LanguageCondition[], c: Classification): boolean {
  const { language, script } = c.language;
  if (typeof expected === 'string') return languageIs(expected, language, script);
  for (const e of expected) if (languageIs(e, language, script)) return true;
  return false;
}

/** The request carries every one of these tags. */
function hasTags(expected: string[], actual: string[] | undefined): boolean {
  for (const t of expected) if (!(actual?.includes(t) ?? false)) return false;
  return true;
}

function matchesCondition(when: RouteCondition, request: Readonly<ChatRequest>, c: Classification): boolean {
  return (
    oneOf(when.agent, request.agent) &&
    oneOf(when.tenant, request.tenant) &&
    oneOf(when.user, request.user) &&
    oneOf(when.task, request.task) &&
    (when.tags === undefined || hasTags(when.tags, request.tags)) &&
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
      ok =
        typeof when === 'function'
          ? when(request, publicClassification(classification)) === true
          : matchesCondition(when, request, classification);
    } catch {
      ok = false;
    }
    if (ok) return i;
  }
  return -1;
}
