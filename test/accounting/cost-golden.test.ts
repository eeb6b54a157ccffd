import { describe, expect, it } from 'vitest';
import { computeCost } from '../../src/accounting/cost.js';
import { resolveModelInfo } from '../../src/catalog/index.js';
import type { Usage } from '../../src/core/usage.js';
import { readFixtureJson } from '../helpers/fixtures.js';

// Vendor usage blocks -> unified usage, written out here (the adapters do the same) so that each
// golden figure below can be checked by hand from the fixture's own numbers.
interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
  prompt_cache_hit_tokens?: number;
}
interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}
interface GeminiUsage {
  promptTokenCount: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
}

function fromOpenAI(u: OpenAIUsage): Usage {
  return {
    inputTokens: u.prompt_tokens,
    outputTokens: u.completion_tokens,
    totalTokens: u.prompt_tokens + u.completion_tokens,
    cachedInputTokens: u.prompt_tokens_details?.cached_tokens ?? u.prompt_cache_hit_tokens ?? 0,
    reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}
function fromAnthropic(u: AnthropicUsage): Usage {
  const read = u.cache_read_input_tokens ?? 0;
  const write = u.cache_creation_input_tokens ?? 0;
  const input = u.input_tokens + read + write; // Anthropic reports the three apart
  return {
    inputTokens: input,
    outputTokens: u.output_tokens,
    totalTokens: input + u.output_tokens,
    cachedInputTokens: read,
    cacheWriteTokens: write,
  };
}
function fromGemini(u: GeminiUsage): Usage {
  const out = (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0); // thinking is billed as output
  return {
    inputTokens: u.promptTokenCount,
    outputTokens: out,
    totalTokens: u.promptTokenCount + out,
    cachedInputTokens: u.cachedContentTokenCount ?? 0,
    reasoningTokens: u.thoughtsTokenCount ?? 0,
  };
}

function costOf(kind: string, model: string, usage: Usage) {
  return computeCost(usage, resolveModelInfo({ model }, kind).pricing);
}

describe('golden costs from recorded vendor usage', () => {
  it('OpenAI gpt-4.1-nano (openai-text.json): 16 in, 363 out', () => {
    const body = readFixtureJson<{ model: string; usage: OpenAIUsage }>('openai/openai-text.json');
    expect(body.model).toBe('gpt-4.1-nano-2025-04-14');
    // $0.10/M in: 16 x 0.10 = 1.6 -> 2 micros; $0.40/M out: 363 x 0.40 = 145.2 -> 145 micros.
    expect(costOf('openai', body.model, fromOpenAI(body.usage))).toMatchObject({
      inputMicros: 2,
      outputMicros: 145,
      totalMicros: 147,
      totalUsd: 0.000147,
      priced: true,
    });
  });

  it('DeepSeek reasoner (deepseek-reasoning.json): reasoning tokens billed as output', () => {
    const body = readFixtureJson<{ model: string; usage: OpenAIUsage }>('deepseek/deepseek-reasoning.json');
    const usage = fromOpenAI(body.usage);
    expect(usage.reasoningTokens).toBe(315);
    // 18 x 0.28 = 5.04 -> 5; 345 (315 of them reasoning) x 0.42 = 144.9 -> 145.
    expect(costOf('deepseek', body.model, usage)).toMatchObject({ inputMicros: 5, outputMicros: 145, totalMicros: 150 });
  });

  it('DeepSeek reasoner with a prompt-cache hit (deepseek-tool-call.json)', () => {
    const body = readFixtureJson<{ model: string; usage: OpenAIUsage }>('deepseek/deepseek-tool-call.json');
    expect(body.usage.prompt_cache_hit_tokens).toBe(320);
    // miss 19 x 0.28 = 5.32, hit 320 x 0.028 = 8.96 -> 14.28 -> 14; 92 x 0.42 = 38.64 -> 39.
    expect(costOf('deepseek', body.model, fromOpenAI(body.usage))).toMatchObject({ inputMicros: 14, outputMicros: 39, totalMicros: 53 });
  });

  it('DeepSeek chat (deepseek-text.json)', () => {
    const body = readFixtureJson<{ model: string; usage: OpenAIUsage }>('deepseek/deepseek-text.json');
    // 13 x 0.28 = 3.64 -> 4; 300 x 0.42 = 126.
    expect(costOf('deepseek', body.model, fromOpenAI(body.usage))).toMatchObject({ inputMicros: 4, outputMicros: 126, totalMicros: 130 });
  });

  it('Anthropic Sonnet 4.5 and Haiku 4.5 (dated snapshots in the response)', () => {
    const text = readFixtureJson<{ model: string; usage: AnthropicUsage }>('anthropic/anthropic-text.json');
    expect(text.model).toBe('claude-sonnet-4-5-20250929');
    // 12 x 3 = 36; 29 x 15 = 435.
    expect(costOf('anthropic', text.model, fromAnthropic(text.usage))).toMatchObject({
      inputMicros: 36,
      outputMicros: 435,
      totalMicros: 471,
    });
    const thinking = readFixtureJson<{ model: string; usage: AnthropicUsage }>('anthropic/anthropic-clear-thinking.1.json');
    // 69 x 3 = 207; 33 x 15 = 495.
    expect(costOf('anthropic', thinking.model, fromAnthropic(thinking.usage))).toMatchObject({ totalMicros: 702 });
    const haiku = readFixtureJson<{ model: string; usage: AnthropicUsage }>('anthropic/anthropic-json-other-tool.1.json');
    // 843 x 1 = 843; 28 x 5 = 140.
    expect(costOf('anthropic', haiku.model, fromAnthropic(haiku.usage))).toMatchObject({
      inputMicros: 843,
      outputMicros: 140,
      totalMicros: 983,
    });
  });

  it('Anthropic cache reads and writes (the fixture usage block, cache fields EDITED: no recording has non-zero cache tokens)', () => {
    const text = readFixtureJson<{ model: string; usage: AnthropicUsage }>('anthropic/anthropic-text.json');
    const usage = fromAnthropic({ ...text.usage, cache_creation_input_tokens: 2_048, cache_read_input_tokens: 10_000 });
    expect(usage.inputTokens).toBe(12_060);
    // plain 12 x 3 = 36; read 10,000 x 0.30 = 3,000; write 2,048 x 3.75 = 7,680 -> 10,716; out 29 x 15 = 435.
    expect(costOf('anthropic', text.model, usage)).toMatchObject({ inputMicros: 10_716, outputMicros: 435, totalMicros: 11_151 });
  });

  it('Gemini 2.5 Pro thinking (thoughtsTokenCount billed as output), half-up rounding', () => {
    const body = readFixtureJson<{ modelVersion: string; usageMetadata: GeminiUsage }>(
      'gemini/unary-success-thinking-function-call-thought-summary-signature.json',
    );
    expect(body.modelVersion).toBe('gemini-2.5-pro');
    // 38 x 1.25 = 47.5 -> 48 (half up); (8 + 501 thoughts) x 10 = 5,090.
    expect(costOf('gemini', body.modelVersion, fromGemini(body.usageMetadata))).toMatchObject({
      inputMicros: 48,
      outputMicros: 5_090,
      totalMicros: 5_138,
    });
  });

  it('Gemini 2.0 Flash (unary-success-basic-reply-short.json)', () => {
    const body = readFixtureJson<{ modelVersion: string; usageMetadata: GeminiUsage }>('gemini/unary-success-basic-reply-short.json');
    // 7 x 0.10 = 0.7 -> 1; 22 x 0.40 = 8.8 -> 9.
    expect(costOf('gemini', body.modelVersion, fromGemini(body.usageMetadata))).toMatchObject({
      inputMicros: 1,
      outputMicros: 9,
      totalMicros: 10,
    });
  });

  it('models not in the catalog (gemini-3-pro-preview, claude-3-opus) are unpriced, not free', () => {
    const g = readFixtureJson<{ modelVersion: string; usageMetadata: GeminiUsage }>('gemini/google-text.json');
    expect(costOf('gemini', g.modelVersion, fromGemini(g.usageMetadata))).toMatchObject({ priced: false, totalMicros: 0 });
    const a = readFixtureJson<{ model: string; usage: AnthropicUsage }>('anthropic/anthropic-tool-no-args.json');
    expect(costOf('anthropic', a.model, fromAnthropic(a.usage)).priced).toBe(false);
  });
});

describe('long-context tiers', () => {
  it('Gemini 2.5 Pro over 200k prompt tokens uses the higher rates', () => {
    const usage = { inputTokens: 250_000, outputTokens: 1_000, totalTokens: 251_000 };
    // 250,000 x 2.50 = 625,000; 1,000 x 15 = 15,000.
    expect(costOf('gemini', 'gemini-2.5-pro', usage)).toMatchObject({ inputMicros: 625_000, outputMicros: 15_000, totalMicros: 640_000 });
    // At exactly 200k the base tier applies: 200,000 x 1.25 = 250,000.
    expect(costOf('gemini', 'gemini-2.5-pro', { ...usage, inputTokens: 200_000 }).inputMicros).toBe(250_000);
  });
});
