/** Peer: LangChain.js `ChatOpenAI`, plain and as a 5-model `withFallbacks` chain whose first model is healthy. */
import { peer, peerVersion } from '../lib/peer.js';
import { API_KEY, PROMPT, type BenchClient, type ClientContext } from './types.js';

interface MessageChunk {
  content: unknown;
}
interface Runnable {
  invoke(input: unknown): Promise<MessageChunk>;
  stream(input: unknown): Promise<AsyncIterable<MessageChunk>>;
}
interface ChatModel extends Runnable {
  withFallbacks(opts: { fallbacks: Runnable[] }): Runnable;
}
interface LangChainOpenAI {
  ChatOpenAI: new (opts: Record<string, unknown>) => ChatModel;
}

function textOf(content: unknown): string {
  return typeof content === 'string' ? content : '';
}

export async function createLangChain({ origin, model }: ClientContext, fallbacks: boolean): Promise<BenchClient> {
  // No tracing: LangSmith would make network calls.
  delete process.env.LANGCHAIN_TRACING_V2;
  delete process.env.LANGSMITH_TRACING;
  const { ChatOpenAI } = await peer<LangChainOpenAI>('@langchain/openai');
  const make = (m: string): ChatModel =>
    new ChatOpenAI({ model: m, apiKey: API_KEY, configuration: { baseURL: `${origin}/v1` }, maxRetries: 0, streamUsage: true });
  const primary = make(model);
  const runnable: Runnable = fallbacks ? primary.withFallbacks({ fallbacks: [1, 2, 3, 4].map((i) => make(`${model}-alt${i}`)) }) : primary;
  const input = [{ role: 'user', content: PROMPT }];
  return {
    notes: [
      `@langchain/openai@${peerVersion('@langchain/openai')} + @langchain/core@${peerVersion('@langchain/core')}, maxRetries 0; @langchain/openai@1 needs Node >= 22, so 0.6 is pinned`,
    ],
    config: fallbacks ? 'ChatOpenAI.withFallbacks (5 models, first healthy)' : 'ChatOpenAI',
    async chat() {
      return textOf((await runnable.invoke(input)).content);
    },
    async stream(onFirst) {
      let text = '';
      let first = true;
      for await (const chunk of await runnable.stream(input)) {
        const d = textOf(chunk.content);
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
}
