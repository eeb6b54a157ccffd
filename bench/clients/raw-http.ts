/** The floor's floor: one keep-alive `node:http` request, body read and JSON-parsed. */
import { Agent, request, type IncomingMessage } from 'node:http';
import { API_KEY, PROMPT, type ClientFactory } from './types.js';

interface Completion {
  choices: Array<{ message?: { content?: string | null }; delta?: { content?: string | null } }>;
}

export const create: ClientFactory = async ({ origin, model }) => {
  const url = new URL(origin);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const post = (
    stream: boolean,
    onData: (res: IncomingMessage, done: (v: string) => void, fail: (e: Error) => void) => void,
  ): Promise<string> =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({
        model,
        messages: [{ role: 'user', content: PROMPT }],
        ...(stream && { stream: true, stream_options: { include_usage: true } }),
      });
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/v1/chat/completions',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${API_KEY}` },
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`HTTP ${res.statusCode}`));
            return;
          }
          onData(res, resolve, reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  return {
    notes: ['node:http with a keep-alive Agent; JSON.parse of the body; SSE split on blank lines'],
    chat: () =>
      post(false, (res, done, fail) => {
        let raw = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (raw += c));
        res.on('end', () => {
          try {
            done((JSON.parse(raw) as Completion).choices[0]?.message?.content ?? '');
          } catch (e) {
            fail(e as Error);
          }
        });
      }),
    stream: (onFirst) =>
      post(true, (res, done, fail) => {
        let buf = '';
        let text = '';
        let first = true;
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const frame = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (!frame.startsWith('data: ') || frame === 'data: [DONE]') continue;
            try {
              const d = (JSON.parse(frame.slice(6)) as Completion).choices[0]?.delta?.content;
              if (d) {
                if (first) {
                  first = false;
                  onFirst();
                }
                text += d;
              }
            } catch (e) {
              fail(e as Error);
            }
          }
        });
        res.on('end', () => done(text));
      }),
  };
};
