import type { ChatRequest } from '../../../core/request.js';
import { estimateTextTokens } from '../../../core/tokens.js';

export type Complexity = 'simple' | 'moderate' | 'complex';

export interface ComplexityResult {
  level: Complexity;
  /** Points from the signals below; `simple` < 2 <= `moderate` < 5 <= `complex`. */
  score: number;
  /** Each signal that added points, e.g. `code (+2)`. */
  reasons: string[];
}

/** Cue families: each pattern that matches is one distinct cue. English, Simplified and Traditional. */
const ANALYTICAL = [
  /\b(compare|comparison)\b|比较|比較|对比|對比/i,
  /\banaly[sz](e|is)\b|分析/i,
  /\b(evaluate|assess)\b|评估|評估/i,
  /\b(design|architect(ure)?)\b|设计|設計|架构|架構/i,
  /\b(plan|strateg(y|ies))\b|规划|規劃|方案|策略/i,
  /\b(refactor|optimi[sz]e)\b|优化|優化|重构|重構/i,
  /\btrade-?offs?\b|\bpros and cons\b|权衡|權衡|利弊/i,
  /\b(estimate|calculat(e|ion))\b|估算|计算|計算/i,
];
const REASONING = [/\b(prove|proof)\b|证明|證明/i, /\bderive\b|推导|推導/i];
const SEQUENCE = [
  /\bstep[- ]by[- ]step\b|一步一步|逐步|步骤|步驟/i,
  /\bfirst\b[\s\S]{0,300}\b(then|next|finally)\b|首先[\s\S]{0,120}(然后|然後|其次|最后|最後)/i,
  /,\s*then\b|\band then\b|\bthen (derive|define|write|explain|compare)\b|然后|然後|并且再|並且再/i,
];
const WRITING = /\b(write|draft|summari[sz]e|rewrite|compose)\b|写一|寫一|撰写|撰寫|总结|總結|摘要|回复|回覆/i;
const TROUBLESHOOT = /\b(error|exception|stack ?trace|debug|bug|crash(es)?|throws?)\b|报错|報錯|出错|出錯|崩溃|崩潰/i;
const CODE = /```|\bfunction\s+\w+\s*\(|\b(def|class|import|SELECT|const|let|return)\b[^\n]*[;:{(=]|=>/;
const QUESTION = /[?？]/g;
const ENUMERATED = /(?:^|\s)(?:\d+[.)、]|[-*•])\s+\S/gm;

export function latestUserText(request: Pick<ChatRequest, 'messages'>): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const m = request.messages[i]!;
    if (m.role !== 'user') continue;
    return typeof m.content === 'string' ? m.content : m.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
  }
  return '';
}

/**
 * An explainable complexity estimate of the latest user turn (plus tools and context size):
 * length, number of questions, code, analytical / reasoning / multi-step cues, enumerated
 * sub-tasks, writing and troubleshooting requests each add points, listed in `reasons`.
 */
export function estimateComplexity(request: Pick<ChatRequest, 'messages' | 'tools'>): ComplexityResult {
  const text = latestUserText(request);
  const reasons: string[] = [];
  let score = 0;
  const add = (points: number, why: string) => {
    if (points <= 0) return;
    score += points;
    reasons.push(`${why} (+${points})`);
  };
  const tokens = estimateTextTokens(text);
  add(tokens > 600 ? 4 : tokens > 150 ? 3 : tokens > 60 ? 2 : tokens > 25 ? 1 : 0, `prompt of ~${tokens} tokens`);
  const questions = text.match(QUESTION)?.length ?? 0;
  add(questions >= 3 ? 2 : questions === 2 ? 1 : 0, `${questions} questions`);
  if (CODE.test(text)) add(2, 'code');
  const analytical = ANALYTICAL.filter((re) => re.test(text)).length;
  add(analytical === 0 ? 0 : Math.min(2 + (analytical - 1), 4), `${analytical} analytical cue(s)`);
  const reasoning = REASONING.filter((re) => re.test(text)).length;
  add(reasoning === 0 ? 0 : 3 + (reasoning - 1), `${reasoning} reasoning cue(s)`);
  if (SEQUENCE.some((re) => re.test(text))) add(2, 'multi-step cue');
  if ((text.match(ENUMERATED)?.length ?? 0) >= 3) add(2, 'enumerated sub-tasks');
  if (WRITING.test(text)) add(1, 'writing request');
  if (TROUBLESHOOT.test(text)) add(2, 'troubleshooting');
  if (request.tools && request.tools.length > 0) add(1, `${request.tools.length} tool(s) offered`);
  if (request.messages.length > 10) add(1, `${request.messages.length} messages of context`);
  const level: Complexity = score >= 5 ? 'complex' : score >= 2 ? 'moderate' : 'simple';
  return { level, score, reasons };
}
