import type { ChatRequest } from '../../core/request.js';
import { estimateComplexity, latestUserText, type ComplexityResult } from './complexity.js';
import { detectLanguage, type LanguageResult } from './language.js';

export type { Complexity, ComplexityResult } from './complexity.js';
export type { ChineseScript, Language, LanguageResult } from './language.js';

/** What `router.classify()` returns and routes match on. */
export interface Classification {
  language: LanguageResult;
  complexity: ComplexityResult;
}

/** Language of the latest user turn (falling back to the system prompt) and complexity of the request. */
export function classify(request: Pick<ChatRequest, 'messages' | 'tools' | 'system'>): Classification {
  return { language: detectLanguage(latestUserText(request) || request.system || ''), complexity: estimateComplexity(request) };
}

/**
 * The same, computed on first access of each field: a request whose routes never look at
 * language or complexity never pays for detecting them.
 */
export function lazyClassification(request: Pick<ChatRequest, 'messages' | 'tools' | 'system'>): Classification {
  let language: LanguageResult | undefined;
  let complexity: ComplexityResult | undefined;
  return {
    get language() {
      return (language ??= detectLanguage(latestUserText(request) || request.system || ''));
    },
    get complexity() {
      return (complexity ??= estimateComplexity(request));
    },
  };
}
