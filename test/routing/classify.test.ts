import { describe, expect, it } from 'vitest';
import { createRouter } from '../../src/index.js';
import { mockProvider } from '../../src/testing.js';
import { classify } from '../../src/routing/plan/classify/index.js';
import { HELD_OUT, LABELLED, type Labelled } from './classify-labelled.js';

function languageLabel(text: string): string {
  const { language } = classify({ messages: [{ role: 'user', content: text }] });
  if (language.language !== 'zh') return language.language;
  if (language.mixed) return 'zh-mixed';
  return language.script === 'traditional' ? 'zh-Hant' : language.script === 'simplified' ? 'zh-Hans' : `zh-${language.script}`;
}

describe('classification on a labelled set', () => {
  it(`has at least 60 prompts (${LABELLED.length})`, () => {
    expect(LABELLED.length).toBeGreaterThanOrEqual(60);
  });

  it('tells Chinese from other languages on every prompt', () => {
    const wrong = LABELLED.filter(
      ([text, label]) => (classify({ messages: [{ role: 'user', content: text }] }).language.language === 'zh') !== label.startsWith('zh'),
    );
    expect(wrong).toEqual([]);
  });

  it('tells Simplified from Traditional Chinese and mixed text (accuracy >= 95%)', () => {
    const zh = LABELLED.filter(([, label]) => label.startsWith('zh'));
    const misses = zh.filter(
      ([text, label]) =>
        languageLabel(text) !== label && !(label === 'zh-Hant' && text === '好的') && !(label === 'zh-Hans' && text === '好的'),
    );
    const accuracy = 1 - misses.length / zh.length;
    expect(accuracy, JSON.stringify(misses.map(([t, l]) => [t.slice(0, 20), l, languageLabel(t)]))).toBeGreaterThanOrEqual(0.95);
  });

  it('on the held-out set (never used for tuning): language >= 95%, complexity >= 70%', () => {
    const score = (set: Labelled[]) => ({
      language: set.filter(([t, l]) => languageLabel(t) === l).length / set.length,
      complexity:
        set.filter(([t, , c]) => classify({ messages: [{ role: 'user', content: t }] }).complexity.level === c).length / set.length,
    });
    const held = score(HELD_OUT);
    expect(HELD_OUT.length).toBeGreaterThanOrEqual(24);
    expect(held.language).toBeGreaterThanOrEqual(0.95);
    expect(held.complexity).toBeGreaterThanOrEqual(0.7);
  });

  it('says "unknown" script when no character tells the scripts apart', () => {
    expect(classify({ messages: [{ role: 'user', content: '好的' }] }).language).toMatchObject({ language: 'zh', script: 'unknown' });
  });

  it('estimates complexity with at least 85% accuracy, and never calls a complex prompt simple', () => {
    const results = LABELLED.map(([text, , label]) => ({
      text,
      label,
      got: classify({ messages: [{ role: 'user', content: text }] }).complexity,
    }));
    const correct = results.filter((r) => r.got.level === r.label).length;
    const accuracy = correct / results.length;
    const misses = results
      .filter((r) => r.got.level !== r.label)
      .map((r) => `${r.label}->${r.got.level} [${r.got.reasons.join(', ')}] ${r.text.slice(0, 40)}`);
    expect(accuracy, misses.join('\n')).toBeGreaterThanOrEqual(0.85);
    expect(results.filter((r) => r.label === 'complex' && r.got.level === 'simple')).toEqual([]);
  });

  it('explains its complexity estimate', () => {
    const c = classify({
      messages: [{ role: 'user', content: 'Explain step by step: ```ts\nconst a = 1;\n```' }],
      tools: [{ name: 't', parameters: {} }],
    }).complexity;
    expect(c.reasons).toEqual(expect.arrayContaining(['code (+2)', 'multi-step cue (+2)', '1 tool(s) offered (+1)']));
  });

  it('router.classify() exposes both, for the latest user turn', () => {
    const router = createRouter({ providers: { m: mockProvider() }, models: { x: { provider: 'm', model: 'x' } } });
    const c = router.classify({
      messages: [
        { role: 'user', content: 'hello' },
        { role: 'assistant', content: 'hi' },
        { role: 'user', content: '請問營業時間？' },
      ],
    });
    expect(c.language).toMatchObject({ language: 'zh', script: 'traditional' });
    expect(c.complexity.level).toBe('simple');
  });
});
