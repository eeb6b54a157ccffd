/** The floor: a direct call with the official `openai` SDK (the same client switchyard's adapter builds). */
import OpenAI from 'openai';
import { API_KEY, PROMPT, type BenchClient, type ClientFactory } from './types.js';
import { rootVersion } from '../lib/peer.js';

export function directClient(origin: string, fetchImpl?: typeof globalThis.fetch): OpenAI {
  return new OpenAI({ apiKey: API_KEY, baseURL: `${origin}/v1`, maxRetries: 0, logLevel: 'off', ...(fetchImpl && { fetch: fetchImpl }) });
}

export function sdkCalls(client: OpenAI, model: string): Pick<BenchClient, 'chat' | 'stream'> {
  return {
    async chat() {
      const r = await client.chat.completions.create({ model, messages: [{ role: 'user', content: PROMPT }] });
      return r.choices[0]?.message.content ?? '';
    },
    async stream(onFirst) {
      const s = await client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: PROMPT }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let first = true;
      for await (const chunk of s) {
        const d = chunk.choices[0]?.delta.content;
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

export const create: ClientFactory = async ({ origin, model }) => ({
  notes: [`openai@${rootVersion('openai')} (root devDependency), maxRetries 0, global fetch`],
  ...sdkCalls(directClient(origin), model),
});
