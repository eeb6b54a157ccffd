import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRouter, InvalidResponseError, RateLimitError } from '../../src/index.js';
import { openai } from '../../src/providers/openai/index.js';
import { EventStreamReader, type EventSourceMessage } from '../../src/providers/shared/event-stream.js';
import { API_KEY, useLoopback } from './openai/helpers.js';

const enc = new TextEncoder();

/** A body delivered in the given byte pieces; records whether it was read to its end or cancelled. */
function body(pieces: Uint8Array[]) {
  const seen = { pulledToEnd: false, cancelled: false };
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < pieces.length) controller.enqueue(pieces[i++]!);
      else {
        seen.pulledToEnd = true;
        controller.close();
      }
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { stream, seen };
}

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    if (p > from) out.push(bytes.subarray(from, p));
    from = Math.max(from, p);
  }
  return out;
}

async function readAll(reader: EventStreamReader): Promise<EventSourceMessage[]> {
  const out: EventSourceMessage[] = [];
  for (let batch = await reader.next(); batch !== undefined; batch = await reader.next()) {
    expect(batch.length).toBeGreaterThan(0);
    out.push(...batch);
  }
  return out;
}

const WIRE =
  '\uFEFFdata: {"text":"你好，世界"}\n\n' +
  ': keep-alive comment\r\n' +
  'event: delta\r\ndata: {"text":"第二段 🚀"}\r\n\r\n' +
  'data: line one\rdata: line two\r\r' +
  'id: 7\ndata: [DONE]\n\n';

const EXPECTED = [
  { data: '{"text":"你好，世界"}' },
  { event: 'delta', data: '{"text":"第二段 🚀"}' },
  { data: 'line one\nline two' },
  { id: '7', data: '[DONE]' },
];

describe('EventStreamReader', () => {
  it('parses events with any line ending, comments, multi-line data, ids and a BOM', async () => {
    const events = await readAll(new EventStreamReader(body([enc.encode(WIRE)]).stream));
    expect(events.map(({ event, data, id }) => ({ ...(event !== undefined && { event }), ...(id !== undefined && { id }), data }))).toEqual(
      EXPECTED,
    );
  });

  it('gives the same events wherever the network splits the bytes (inside UTF-8 characters too)', async () => {
    const bytes = enc.encode(WIRE);
    const whole = await readAll(new EventStreamReader(body([bytes]).stream));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 40 }), async (cuts) => {
        const events = await readAll(new EventStreamReader(body(split(bytes, cuts)).stream));
        expect(events).toEqual(whole);
      }),
      { numRuns: 200 },
    );
    // Every byte on its own.
    const bytewise = await readAll(new EventStreamReader(body([...bytes].map((b) => Uint8Array.of(b))).stream));
    expect(bytewise).toEqual(whole);
  });

  it('drops an event the body ends before completing', async () => {
    const events = await readAll(new EventStreamReader(body([enc.encode('data: a\n\ndata: cut')]).stream));
    expect(events.map((e) => e.data)).toEqual(['a']);
  });

  it('release() reads the rest of the body (connection reusable); cancel() cancels it', async () => {
    const kept = body([enc.encode('data: a\n\n'), enc.encode('data: tail\n\n'), enc.encode(': bye\n\n')]);
    const reader = new EventStreamReader(kept.stream);
    expect((await reader.next())?.map((e) => e.data)).toEqual(['a']);
    reader.release();
    await new Promise((r) => setTimeout(r, 10));
    expect(kept.seen).toEqual({ pulledToEnd: true, cancelled: false });

    const dropped = body([enc.encode('data: a\n\n'), enc.encode('data: tail\n\n')]);
    const other = new EventStreamReader(dropped.stream);
    await other.next();
    other.cancel();
    other.release(); // no effect once cancelled
    await new Promise((r) => setTimeout(r, 10));
    expect(dropped.seen.cancelled).toBe(true);
  });

  it('rejects with the read error of the body', async () => {
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(enc.encode('data: a\n\n'));
        controller.error(new TypeError('terminated'));
      },
    });
    const reader = new EventStreamReader(failing);
    await expect(reader.next()).rejects.toThrow('terminated');
  });
});

describe('OpenAI streams read through EventStreamReader, end to end', () => {
  const lb = useLoopback();
  const frame = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
  const delta = (content: string, finish: string | null = null) =>
    frame({ id: 'chatcmpl-zh', model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content }, finish_reason: finish }] });

  /** Writes the body three bytes at a time, each write flushed on its own, so characters are split across reads. */
  function sendInPieces(wire: string) {
    lb.current.handle(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      const bytes = Buffer.from(wire, 'utf8');
      for (let i = 0; i < bytes.length; i += 3) {
        res.write(bytes.subarray(i, i + 3));
        await new Promise((r) => setImmediate(r));
      }
      res.end();
    });
  }

  const router = () =>
    createRouter({
      providers: { gpt: openai({ apiKey: API_KEY, baseURL: `${lb.current.url}/v1` }) },
      models: { m: { provider: 'gpt', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 } } },
      retry: { retries: 0 },
    });

  it('Chinese text split inside characters arrives whole; comments are ignored; usage and cost are read', async () => {
    sendInPieces(
      ': OPENROUTER PROCESSING\n\n' +
        delta('您好！') +
        delta('我是客服助手，') +
        delta('请问有什么可以帮您？', 'stop') +
        frame({
          id: 'chatcmpl-zh',
          model: 'gpt-4o-mini',
          choices: [],
          usage: { prompt_tokens: 20, completion_tokens: 12, total_tokens: 32 },
        }) +
        'data: [DONE]\n\n',
    );
    const r = router();
    let text = '';
    let deltas = 0;
    let finish: unknown;
    for await (const ev of r.stream({ messages: [{ role: 'user', content: '你好' }] })) {
      if (ev.type === 'text-delta') {
        text += ev.delta;
        deltas++;
      }
      if (ev.type === 'finish') finish = ev;
    }
    expect(text).toBe('您好！我是客服助手，请问有什么可以帮您？');
    expect(deltas).toBe(3);
    expect(finish).toMatchObject({
      finishReason: 'stop',
      usage: { inputTokens: 20, outputTokens: 12 },
      cost: { priced: true, totalMicros: 10 },
    });
    await r.close();
  });

  it('an `error` event after some text is a typed error (rate limit from its type), with the attempt recorded', async () => {
    sendInPieces(
      delta('部分') +
        `event: error\ndata: ${JSON.stringify({ error: { message: 'Rate limit reached', type: 'rate_limit_exceeded', code: null } })}\n\n`,
    );
    const r = router();
    const seen: string[] = [];
    const error = await (async () => {
      try {
        for await (const ev of r.stream({ messages: [{ role: 'user', content: '你好' }] })) seen.push(ev.type);
      } catch (e) {
        return e;
      }
    })();
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      vendorCode: 'rate_limit_exceeded',
      route: { attempts: [{ model: 'm', ok: false }] },
    });
    expect(seen).toContain('text-delta');
    await r.close();
  });

  it('a body that ends without [DONE] or finish_reason is an error, not a silent success', async () => {
    sendInPieces(delta('半句'));
    const r = router();
    const error = await (async () => {
      try {
        for await (const ev of r.stream({ messages: [{ role: 'user', content: '你好' }] })) void ev;
      } catch (e) {
        return e;
      }
    })();
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('ended without a finish_reason');
    await r.close();
  });
});
