/**
 * Small, self-contained wire bodies for the loopback mock (shapes follow the recorded fixtures in
 * ../shared/fixtures, but nothing here reads that folder: the bench runs without it).
 */

/** Text of the answer; streams split it into `chunks` deltas. */
const WORDS = 'The quick brown fox jumps over the lazy dog while the router decides which provider answers next'.split(' ');

export function deltas(chunks: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < chunks; i++) out.push((i === 0 ? '' : ' ') + WORDS[i % WORDS.length]!);
  return out;
}

const CREATED = 1_750_000_000;

// ---------- OpenAI Chat Completions ----------
export function openaiJson(model: string, chunks: number): string {
  return JSON.stringify({
    id: 'chatcmpl-bench0001',
    object: 'chat.completion',
    created: CREATED,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: deltas(chunks).join(''), refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: 12,
      completion_tokens: chunks,
      total_tokens: 12 + chunks,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_bench',
  });
}

/** SSE events (each a full `data: ...\n\n` frame), ending with `[DONE]`. */
export function openaiSse(model: string, chunks: number): string[] {
  const base = {
    id: 'chatcmpl-bench0001',
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
    service_tier: 'default',
    system_fingerprint: 'fp_bench',
  };
  const frames: string[] = [];
  const push = (o: unknown): void => {
    frames.push(`data: ${JSON.stringify(o)}\n\n`);
  };
  push({
    ...base,
    choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }],
    usage: null,
  });
  for (const d of deltas(chunks))
    push({ ...base, choices: [{ index: 0, delta: { content: d }, logprobs: null, finish_reason: null }], usage: null });
  push({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], usage: null });
  push({
    ...base,
    choices: [],
    usage: {
      prompt_tokens: 12,
      completion_tokens: chunks,
      total_tokens: 12 + chunks,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
  });
  frames.push('data: [DONE]\n\n');
  return frames;
}

// ---------- Anthropic Messages ----------
export function anthropicJson(model: string, chunks: number): string {
  return JSON.stringify({
    id: 'msg_bench0001',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text: deltas(chunks).join('') }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: 12,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: chunks,
      service_tier: 'standard',
    },
  });
}

export function anthropicSse(model: string, chunks: number): string[] {
  const frames: string[] = [];
  const push = (o: { type: string }): void => {
    frames.push(`event: ${o.type}\ndata: ${JSON.stringify(o)}\n\n`);
  };
  push({
    type: 'message_start',
    message: {
      id: 'msg_bench0001',
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
    },
  } as { type: string });
  push({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } as { type: string });
  push({ type: 'ping' });
  for (const d of deltas(chunks))
    push({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: d } } as { type: string });
  push({ type: 'content_block_stop', index: 0 } as { type: string });
  push({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: chunks } } as {
    type: string;
  });
  push({ type: 'message_stop' });
  return frames;
}

// ---------- Gemini generateContent ----------
function geminiChunk(text: string, model: string, done: boolean, outTokens: number): unknown {
  return {
    candidates: [{ content: { parts: [{ text }], role: 'model' }, ...(done && { finishReason: 'STOP' }), index: 0 }],
    usageMetadata: { promptTokenCount: 12, candidatesTokenCount: outTokens, totalTokenCount: 12 + outTokens },
    modelVersion: model,
    responseId: 'bench0001',
  };
}

export function geminiJson(model: string, chunks: number): string {
  return JSON.stringify(geminiChunk(deltas(chunks).join(''), model, true, chunks));
}

export function geminiSse(model: string, chunks: number): string[] {
  const ds = deltas(chunks);
  return ds.map((d, i) => `data: ${JSON.stringify(geminiChunk(d, model, i === ds.length - 1, i + 1))}\r\n\r\n`);
}
