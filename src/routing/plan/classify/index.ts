import type { ChatRequest } from '../../../core/request.js';
import { estimateComplexity, latestUserText, type ComplexityResult } from './complexity.js';
import { detectLanguage, type LanguageResult } from './language.js';

export type { Complexity, ComplexityResult } from './complexity.js';
export type { ChineseScript, Language, LanguageResult } from './language.js';

/** What `router.classify()` returns and routes match on. */
export interface Classification {
  language: LanguageResult;
  complexity: ComplexityResult;
}

type Classified = Pick<ChatRequest, 'messages' | 'tools' | 'system'>;

/** Language of the latest user turn (falling back to the system prompt) and complexity of the request. */
export function classify(request: Classified): Classification {
  return { language: detectLanguage(latestUserText(request) || request.system || ''), complexity: estimateComplexity(request) };
}

/**
 * The classification computed on first access of each field (a request whose routes never look at
 * language or complexity never pays for detecting them), as a class with its getters on the
 * prototype: cheap to create, for the router's own reads. What user code sees (route predicates,
 * custom strategies) is `view()`, whose getters are own enumerable properties.
 */
export class LazyClassification implements Classification {
  #language: LanguageResult | undefined;
  #complexity: ComplexityResult | undefined;
  #view: Classification | undefined;

  constructor(private readonly request: Classified) {}

  get language(): LanguageResult {
    return (this.#language ??= detectLanguage(latestUserText(this.request) || this.request.system || ''));
  }

  get complexity(): ComplexityResult {
    return (this.#complexity ??= estimateComplexity(this.request));
  }

  view(): Classification {
    if (this.#view) return this.#view;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the view's getters read this instance's memoised fields
    const inner = this;
    return (this.#view = {
      get language() {
        return inner.language;
      },
      get complexity() {
        return inner.complexity;
      },
    });
  }
}

/** The object to hand to user code: a LazyClassification's view, anything else as it is. */
export function publicClassification(c: Classification): Classification {
  return c instanceof LazyClassification ? c.view() : c;
}
