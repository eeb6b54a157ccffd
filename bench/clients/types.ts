/** What every measured client implements. One client lives in one child process. */
export interface ClientContext {
  /** Mock root, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  origin: string;
  /** Vendor model id sent to the mock. */
  model: string;
}

export interface BenchClient {
  /** One non-streaming completion; resolves with the answer's text (checked once after warm-up). */
  chat(): Promise<string>;
  /** One streamed completion; calls `onFirstToken` at the first text delta; resolves with the whole text. */
  stream(onFirstToken: () => void): Promise<string>;
  /** Anything the reader must know about this client at run time (versions, what was unavailable). */
  notes: string[];
  /** Short description of what the configuration turned on, e.g. `strategy=cost, breaker, ...`. */
  config?: string;
  close?(): Promise<void>;
}

export type ClientFactory = (ctx: ClientContext) => Promise<BenchClient>;

export const PROMPT = 'Say hello to the benchmark.';
export const API_KEY = 'sk-bench-not-a-real-key';
