/**
 * What the fake vendors say: the reply text and usage of a tagged request (deterministic, so the
 * driver knows what a complete answer is), and each vendor's wire format for it (JSON bodies,
 * SSE events, NDJSON lines). Shared by the fake-vendor process and the driver.
 */

export type Vendor = 'openai' | 'deepseek' | 'anthropic' | 'gemini' | 'ollama';
export const VENDORS: ReadonlyArray<Vendor> = ['openai', 'deepseek', 'anthropic', 'gemini', 'ollama'];

/** `[req:c123]` in the user's text ties every vendor call to the driver's request. */
export const TAG = /\[req:([a-z0-9-]+)\]/;

export function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The complete answer to request `id`: 5-44 words, one of them multi-byte (cuts may fall inside it). */
export function replyText(id: string): string {
  const n = 5 + (hash(id) % 40);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(i === 2 ? '你好' : `w${i}${id}`);
  return words.join(' ');
}

export interface Usage {
  input: number;
  output: number;
}

export function usageOf(id: string): Usage {
  return { input: 20 + (hash(`in${id}`) % 30), output: replyText(id).split(' ').length };
}

/** The reply cut in `parts` pieces (at character boundaries: the SDKs must rejoin them). */
export function pieces(text: string, parts = 6): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

const REASONING = 'thinking it over';

/** The whole-body answer (non-streaming). */
export function jsonBody(vendor: Vendor, id: string, model: string): unknown {
  const text = replyText(id);
  const u = usageOf(id);
  switch (vendor) {
    case 'openai':
    case 'deepseek':
      return {
        id: `chatcmpl-${id}`,
        object: 'chat.completion',
        created: 1_700_000_000,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text, ...(vendor === 'deepseek' && { reasoning_content: REASONING }) },
            finish_reason: 'stop',
            logprobs: null,
          },
        ],
        usage: { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output },
      };
    case 'anthropic':
      return {
        id: `msg_${id}`,
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'text', text }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: u.input, output_tokens: u.output },
      };
    case 'gemini':
      return {
        candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: u.input, candidatesTokenCount: u.output, totalTokenCount: u.input + u.output },
        modelVersion: model,
        responseId: id,
      };
    case 'ollama':
      return {
        model,
        created_at: '2025-01-01T00:00:00Z',
        message: { role: 'assistant', content: text },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: u.input,
        eval_count: u.output,
        total_duration: 1000,
      };
  }
}

/**
 * The streamed answer as wire frames, each a complete SSE event or NDJSON line. `usageAt` is the
 * index of the first frame after which the vendor has reported the whole usage (a cut after it is billed).
 */
export function streamFrames(vendor: Vendor, id: string, model: string): { frames: string[]; usageAt: number; contentType: string } {
  const text = replyText(id);
  const u = usageOf(id);
  const parts = pieces(text);
  const sse = (data: unknown, event?: string): string =>
    `${event === undefined ? '' : `event: ${event}\n`}data: ${JSON.stringify(data)}\n\n`;
  switch (vendor) {
    case 'openai':
    case 'deepseek': {
      const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
        sse({
          id: `chatcmpl-${id}`,
          object: 'chat.completion.chunk',
          created: 1_700_000_000,
          model,
          choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
        });
      const frames = [chunk({ role: 'assistant', content: '' })];
      if (vendor === 'deepseek') frames.push(chunk({ reasoning_content: REASONING }));
      for (const p of parts) frames.push(chunk({ content: p }));
      frames.push(chunk({}, 'stop'));
      frames.push(
        sse({
          id: `chatcmpl-${id}`,
          object: 'chat.completion.chunk',
          created: 1_700_000_000,
          model,
          choices: [],
          usage: { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output },
        }),
      );
      const usageAt = frames.length;
      frames.push('data: [DONE]\n\n');
      return { frames, usageAt, contentType: 'text/event-stream' };
    }
    case 'anthropic': {
      const frames = [
        sse(
          {
            type: 'message_start',
            message: {
              id: `msg_${id}`,
              type: 'message',
              role: 'assistant',
              model,
              content: [],
              stop_reason: null,
              stop_sequence: null,
              usage: { input_tokens: u.input, output_tokens: 1 },
            },
          },
          'message_start',
        ),
        sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
        ...parts.map((p) => sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } }, 'content_block_delta')),
        sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
        sse(
          { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: u.output } },
          'message_delta',
        ),
      ];
      const usageAt = frames.length;
      frames.push(sse({ type: 'message_stop' }, 'message_stop'));
      return { frames, usageAt, contentType: 'text/event-stream' };
    }
    case 'gemini': {
      const frames = parts.map((p, i) =>
        sse({
          candidates: [
            { content: { role: 'model', parts: [{ text: p }] }, index: 0, ...(i === parts.length - 1 && { finishReason: 'STOP' }) },
          ],
          ...(i === parts.length - 1 && {
            usageMetadata: { promptTokenCount: u.input, candidatesTokenCount: u.output, totalTokenCount: u.input + u.output },
          }),
          modelVersion: model,
          responseId: id,
        }),
      );
      return { frames, usageAt: frames.length, contentType: 'text/event-stream' };
    }
    case 'ollama': {
      const line = (v: unknown): string => `${JSON.stringify(v)}\n`;
      const frames = parts.map((p) =>
        line({ model, created_at: '2025-01-01T00:00:00Z', message: { role: 'assistant', content: p }, done: false }),
      );
      frames.push(
        line({
          model,
          created_at: '2025-01-01T00:00:00Z',
          message: { role: 'assistant', content: '' },
          done: true,
          done_reason: 'stop',
          prompt_eval_count: u.input,
          eval_count: u.output,
        }),
      );
      return { frames, usageAt: frames.length, contentType: 'application/x-ndjson' };
    }
  }
}

/** A vendor's error body for an HTTP status. */
export function errorBody(vendor: Vendor, status: number): unknown {
  const message = status === 429 ? 'Rate limit reached, slow down' : status === 529 ? 'Overloaded' : 'Internal server error';
  switch (vendor) {
    case 'openai':
    case 'deepseek':
      return { error: { message, type: status === 429 ? 'rate_limit_error' : 'server_error', code: null } };
    case 'anthropic':
      return {
        type: 'error',
        error: { type: status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : 'api_error', message },
      };
    case 'gemini':
      return {
        error: { code: status, message, status: status === 429 ? 'RESOURCE_EXHAUSTED' : status === 503 ? 'UNAVAILABLE' : 'INTERNAL' },
      };
    case 'ollama':
      return { error: message };
  }
}

/** A malformed frame in the vendor's stream format. */
export function malformedFrame(vendor: Vendor): string {
  if (vendor === 'ollama') return '{"model":"x","message":{"role":"assistant","content":\n';
  if (vendor === 'anthropic') return 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_\n\n';
  return 'data: {"choices":[{"index":0,"delta":{"content":"oops"\n\n';
}

/** What the fake vendor billed: one entry per call in which it reported usage. */
export interface BilledCall {
  id: string;
  vendor: Vendor;
  attempt: number;
  input: number;
  output: number;
  /** The fault drawn for this call (`ok`, or a fault after which the usage had already been sent). */
  fault: Fault;
  stream: boolean;
}

export type Fault = 'ok' | '429' | '500' | '503' | '529' | 'reset' | 'stall' | 'stall-mid' | 'cut' | 'malformed' | 'cut-after-usage';

/** Fault shares (per vendor call) in the full mix: about 30% faults. */
export const FAULT_MIX: ReadonlyArray<[Fault, number]> = [
  ['ok', 70],
  ['429', 5],
  ['500', 4],
  ['503', 3],
  ['529', 3],
  ['reset', 3],
  ['stall', 1],
  ['stall-mid', 1],
  ['cut', 4],
  ['malformed', 3],
  ['cut-after-usage', 3],
];

export function pickFault(r: number): Fault {
  const total = FAULT_MIX.reduce((s, [, w]) => s + w, 0);
  let x = r * total;
  for (const [f, w] of FAULT_MIX) {
    if (x < w) return f;
    x -= w;
  }
  return 'ok';
}
