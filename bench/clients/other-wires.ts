/**
 * The Anthropic and Gemini wire formats: each official SDK called directly (the floor of its group)
 * and switchyard's adapter for it behind a one-model router with the realistic configuration.
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import type { LLMProvider } from '../../src/index.js';
import { rootVersion } from '../lib/peer.js';
import {
  benchRequest,
  buildRouter,
  describe,
  initSwitchyard,
  manyModels,
  realisticExtras,
  type BuiltRouter,
} from '../lib/switchyard-config.js';
import { API_KEY, PROMPT, type BenchClient, type ClientFactory } from './types.js';

// Not a real model id: the SDK prints deprecation notices for some real ones.
export const ANTHROPIC_MODEL = 'claude-sonnet-bench';
export const GEMINI_MODEL = 'gemini-2.5-flash';

const onFirstOf = (onFirst: () => void): ((d: string | undefined) => string) => {
  let first = true;
  return (d) => {
    if (!d) return '';
    if (first) {
      first = false;
      onFirst();
    }
    return d;
  };
};

/** The Anthropic SDK as the floor calls it (`fetch`: bench/micro-sdk.ts answers from memory). */
export function anthropicSdk(origin: string, fetchImpl?: typeof globalThis.fetch): Anthropic {
  return new Anthropic({ apiKey: API_KEY, baseURL: origin, maxRetries: 0, ...(fetchImpl && { fetch: fetchImpl }) });
}

/** The @google/genai SDK as the floor calls it (`fetch`: bench/micro-sdk.ts answers from memory). */
export function geminiSdk(origin: string, fetchImpl?: typeof globalThis.fetch): GoogleGenAI {
  return new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: origin, ...(fetchImpl && { fetch: fetchImpl }) } });
}

export const anthropicMessages = [{ role: 'user' as const, content: PROMPT }];

export const anthropicDirect: ClientFactory = async ({ origin }) => {
  const client = anthropicSdk(origin);
  const messages = [{ role: 'user' as const, content: PROMPT }];
  return {
    notes: [`@anthropic-ai/sdk@${rootVersion('@anthropic-ai/sdk')} (root devDependency), maxRetries 0`],
    async chat() {
      const r = await client.messages.create({ model: ANTHROPIC_MODEL, max_tokens: 1024, messages });
      const b = r.content[0];
      return b?.type === 'text' ? b.text : '';
    },
    async stream(onFirst) {
      const s = await client.messages.create({ model: ANTHROPIC_MODEL, max_tokens: 1024, messages, stream: true });
      const take = onFirstOf(onFirst);
      let text = '';
      for await (const ev of s) if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += take(ev.delta.text);
      return text;
    },
  };
};

export const geminiDirect: ClientFactory = async ({ origin }) => {
  const ai = geminiSdk(origin);
  return {
    notes: [`@google/genai@${rootVersion('@google/genai')} (root devDependency)`],
    async chat() {
      return (await ai.models.generateContent({ model: GEMINI_MODEL, contents: PROMPT })).text ?? '';
    },
    async stream(onFirst) {
      const take = onFirstOf(onFirst);
      let text = '';
      for await (const c of await ai.models.generateContentStream({ model: GEMINI_MODEL, contents: PROMPT })) text += take(c.text);
      return text;
    },
  };
};

/** The realistic one-model router over one provider (the `sy-anthropic` / `sy-gemini` configuration). */
export function oneModelRouter(provider: LLMProvider, vendorModel: string): BuiltRouter {
  return buildRouter({ providers: { p: provider }, models: manyModels(1, ['p'], () => vendorModel) }, realisticExtras(['p']), {
    events: true,
  });
}

/** switchyard's adapter for a wire, as the loopback clients build it (`fetch`: bench/micro-sdk.ts). */
export async function wireProvider(
  wire: 'anthropic' | 'gemini',
  origin: string,
  fetchImpl?: typeof globalThis.fetch,
): Promise<LLMProvider> {
  const sy = await initSwitchyard();
  const options = { apiKey: API_KEY, baseURL: origin, ...(fetchImpl && { fetch: fetchImpl }) };
  if (wire === 'anthropic') return sy.anthropic.anthropic(options);
  // The Gemini adapter is loaded on demand: while it is being written, a failure here only drops this client.
  const { gemini } = await sy.gemini();
  return gemini(options);
}

async function routerOver(provider: LLMProvider, vendorModel: string): Promise<BenchClient> {
  const b = oneModelRouter(provider, vendorModel);
  const request = benchRequest();
  const notes = b.rejected.length ? [`not available at run time (dropped): ${b.rejected.join('; ')}`] : [];
  return {
    notes,
    config: describe(b, 1, 0),
    async chat() {
      return (await b.router.chat(request)).text;
    },
    async stream(onFirst) {
      const take = onFirstOf(onFirst);
      let text = '';
      for await (const ev of b.router.stream(request)) if (ev.type === 'text-delta') text += take(ev.delta);
      return text;
    },
    close: () => b.router.close(),
  };
}

export const anthropicRouter: ClientFactory = async ({ origin }) => routerOver(await wireProvider('anthropic', origin), ANTHROPIC_MODEL);

export const geminiRouter: ClientFactory = async ({ origin }) => routerOver(await wireProvider('gemini', origin), GEMINI_MODEL);
