import { describe, expect, it } from 'vitest';
import { readNdjsonLines } from '../../src/providers/ollama/ndjson.js';

function streamOf(pieces: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const p of pieces) controller.enqueue(p);
      controller.close();
    },
  });
}

async function lines(pieces: Uint8Array[], signal?: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  for await (const l of readNdjsonLines(streamOf(pieces), signal)) out.push(l);
  return out;
}

const enc = new TextEncoder();

describe('readNdjsonLines', () => {
  const body = enc.encode('{"a":"你好"}\r\n\n{"b":"🚀 ok"}\n  \n{"c":"末行"}');
  const expected = ['{"a":"你好"}', '{"b":"🚀 ok"}', '{"c":"末行"}'];

  it('splits on \\n, drops \\r and blank lines, keeps a last line without newline', async () => {
    expect(await lines([body])).toEqual(expected);
  });

  it('gives the same lines when the body arrives one byte at a time (every UTF-8 character split)', async () => {
    const bytes = Array.from(body, (b) => Uint8Array.of(b));
    expect(await lines(bytes)).toEqual(expected);
  });

  it('gives the same lines for every single cut position', async () => {
    for (let cut = 1; cut < body.length; cut++) {
      expect(await lines([body.subarray(0, cut), body.subarray(cut)])).toEqual(expected);
    }
  });

  it('throws the signal reason when aborted on a stream that never ends, and cancels the body', async () => {
    let cancelled: unknown;
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(enc.encode('{"x":1}\n'));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const controller = new AbortController();
    const seen: string[] = [];
    const run = (async () => {
      for await (const l of readNdjsonLines(stalled, controller.signal)) {
        seen.push(l);
        setTimeout(() => controller.abort(new Error('stop now')), 10);
      }
    })();
    await expect(run).rejects.toThrow('stop now');
    expect(seen).toEqual(['{"x":1}']);
    expect(cancelled).toBeDefined();
  });

  it('cancels the body when the consumer stops early', async () => {
    let cancelled = false;
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(enc.encode('{"x":1}\n{"x":2}\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const l of readNdjsonLines(source)) {
      expect(l).toBe('{"x":1}');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
