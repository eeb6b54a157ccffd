import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import { drainInBackground } from './drain.js';

export type { EventSourceMessage };

/**
 * Reads a `text/event-stream` body as batches of server-sent events: one batch per network read
 * that completes at least one event, so a consumer pays one async step per read rather than a
 * chain of async generators per event, as the SDKs' own stream readers make.
 * Parsing follows the WHATWG rules through `eventsource-parser` (any line ending, multi-line
 * `data`, comments, a BOM); bytes are decoded as UTF-8 across reads, so a character split between
 * two reads (common with Chinese text) is never mangled. An event left incomplete when the body
 * ends is dropped, as the specification says.
 */
export class EventStreamReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  readonly #parser: EventSourceParser;
  #batch: EventSourceMessage[] = [];
  #ended = false;
  #settled = false;

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
    this.#parser = createParser({
      onEvent: (event) => {
        this.#batch.push(event);
      },
    });
  }

  /** The next events, in order (never an empty array); `undefined` once the body has ended. Rejects with the body's read error. */
  async next(): Promise<EventSourceMessage[] | undefined> {
    while (!this.#ended) {
      const { done, value } = await this.#reader.read();
      if (done) {
        this.#ended = true;
        this.#settled = true;
        this.#parser.feed(this.#decoder.decode());
      } else {
        this.#parser.feed(this.#decoder.decode(value, { stream: true }));
      }
      if (this.#batch.length > 0) {
        const out = this.#batch;
        this.#batch = [];
        return out;
      }
    }
    return undefined;
  }

  /**
   * The consumer has what it needs (the vendor's end marker came): the rest of the body is read in
   * the background, so the HTTP body ends normally and its connection goes back to the pool
   * (cancelling it would close the socket, and the next call would pay a new connection).
   */
  release(): void {
    if (this.#settled) return;
    this.#settled = true;
    drainInBackground({ next: () => this.#reader.read() }, () => this.#cancelNow());
  }

  /** The consumer stopped early or failed: the body is cancelled (the connection is not reused). */
  cancel(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#cancelNow();
  }

  #cancelNow(): void {
    this.#reader.cancel().catch(() => undefined);
  }
}
