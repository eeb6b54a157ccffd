import { countChineseScript } from './chinese-script.js';

export type Language = 'zh' | 'ja' | 'ko' | 'en' | 'other';
export type ChineseScript = 'simplified' | 'traditional' | 'mixed' | 'unknown';

export interface LanguageResult {
  /** The dominant language of the text. */
  language: Language;
  /** For Chinese: which script. `unknown` when no script-specific character occurs. */
  script?: ChineseScript;
  /** True when a second language makes up a notable share (e.g. Chinese with English terms). */
  mixed: boolean;
  /** Share of letters per script family, for explanation. */
  shares: { han: number; kana: number; hangul: number; latin: number; other: number };
}

const LETTER = /\p{L}/u;

type Family = 'han' | 'kana' | 'hangul' | 'latin' | 'other' | undefined;

/** Script family of one code point (ranges, no regex: this runs per character). */
function family(cp: number): Family {
  if (cp < 0x80) return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) ? 'latin' : undefined;
  if ((cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0xf900 && cp <= 0xfaff)) return 'han';
  if (cp >= 0x3040 && cp <= 0x30ff) return 'kana';
  if ((cp >= 0xac00 && cp <= 0xd7af) || (cp >= 0x1100 && cp <= 0x11ff)) return 'hangul';
  if (cp >= 0xc0 && cp <= 0x24f) return 'latin';
  return LETTER.test(String.fromCodePoint(cp)) ? 'other' : undefined;
}

/**
 * Detects the language of a prompt by script: Chinese (and Simplified vs Traditional), Japanese
 * (kana), Korean (Hangul), English (Latin letters) or other. Han characters are weighted x2
 * against Latin letters, since one Han character carries about a word.
 */
export function detectLanguage(input: string): LanguageResult {
  // Code says nothing about the language the user speaks.
  const text = input.replace(/```[\s\S]*?(```|$)/g, ' ').replace(/`[^`\n]*`/g, ' ');
  let han = 0;
  let kana = 0;
  let hangul = 0;
  let latin = 0;
  let other = 0;
  for (const ch of text) {
    switch (family(ch.codePointAt(0)!)) {
      case 'han':
        han++;
        break;
      case 'kana':
        kana++;
        break;
      case 'hangul':
        hangul++;
        break;
      case 'latin':
        latin++;
        break;
      case 'other':
        other++;
        break;
      default:
        break;
    }
  }
  // Weigh by information: a CJK character is about a word, a Latin letter about a fifth of one.
  const weights = { han: han * 1, kana: kana * 0.7, hangul: hangul * 0.7, latin: latin / 5, other: other / 4 };
  const total = weights.han + weights.kana + weights.hangul + weights.latin + weights.other || 1;
  const shares = {
    han: weights.han / total,
    kana: weights.kana / total,
    hangul: weights.hangul / total,
    latin: weights.latin / total,
    other: weights.other / total,
  };
  let language: Language;
  if (total === 1 && han + kana + hangul + latin + other === 0) language = 'other';
  else if (kana > 0 && shares.kana + shares.han >= 0.4 && kana >= Math.max(2, han * 0.1)) language = 'ja';
  else if (shares.hangul >= 0.4) language = 'ko';
  else if (shares.han >= 0.3) language = 'zh';
  else if (shares.latin >= 0.5) language = 'en';
  else language = shares.han > shares.latin ? 'zh' : 'other';

  const sorted = Object.values(shares).sort((a, b) => b - a);
  const result: LanguageResult = { language, mixed: (sorted[1] ?? 0) >= 0.1, shares };
  if (language === 'zh') {
    const { simplified, traditional } = countChineseScript(text);
    result.script =
      simplified === 0 && traditional === 0
        ? 'unknown'
        : simplified > 0 && traditional > 0 && Math.min(simplified, traditional) / Math.max(simplified, traditional) >= 0.25
          ? 'mixed'
          : simplified >= traditional
            ? 'simplified'
            : 'traditional';
  }
  return result;
}
