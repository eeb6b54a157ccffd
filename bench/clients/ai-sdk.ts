/** Peer: Vercel AI SDK `generateText` / `streamText` with `@ai-sdk/openai` (Chat Completions endpoint). */
import { peer, peerVersion } from '../lib/peer.js';
import { API_KEY, PROMPT, type ClientFactory } from './types.js';

interface AiModule {
  generateText(opts: Record<string, unknown>): Promise<{ text: string }>;
  streamText(opts: Record<string, unknown>): { textStream: AsyncIterable<string> };
}
interface AiOpenAIModule {
  createOpenAI(opts: Record<string, unknown>): { chat(model: string): unknown };
}

export const create: ClientFactory = async ({ origin, model }) => {
  const ai = await peer<AiModule>('ai');
  const { createOpenAI } = await peer<AiOpenAIModule>('@ai-sdk/openai');
  // The AI SDK prints warnings through this global hook; keep stdout clean.
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  const provider = createOpenAI({ apiKey: API_KEY, baseURL: `${origin}/v1` });
  const m = provider.chat(model);
  const messages = [{ role: 'user', content: PROMPT }];
  return {
    notes: [
      `ai@${peerVersion('ai')} + @ai-sdk/openai@${peerVersion('@ai-sdk/openai')} (.chat() model: Chat Completions), maxRetries 0; ai@7/@ai-sdk/openai@4 need Node >= 22, so the Node-20 majors are pinned`,
    ],
    async chat() {
      return (await ai.generateText({ model: m, messages, maxRetries: 0 })).text;
    },
    async stream(onFirst) {
      const r = ai.streamText({ model: m, messages, maxRetries: 0 });
      let text = '';
      let first = true;
      for await (const d of r.textStream) {
        if (d) {
          if (first) {
            first = false;
            onFirst();
          }
          text += d;
        }
      }
      return text;
    },
  };
};
