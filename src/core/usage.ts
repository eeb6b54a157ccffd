/** Token usage. Vendors' own numbers are kept in `raw` for debugging. */
export interface Usage {
  /** All input tokens, cached ones included. */
  inputTokens: number;
  /** All output tokens, reasoning tokens included. */
  outputTokens: number;
  totalTokens: number;
  /** Input tokens read from the vendor's prompt cache (a subset of `inputTokens`). */
  cachedInputTokens?: number;
  /** Input tokens written to the vendor's prompt cache (a subset of `inputTokens`). */
  cacheWriteTokens?: number;
  /** Reasoning tokens (a subset of `outputTokens`). */
  reasoningTokens?: number;
  /** True when the vendor reported nothing and the numbers are our estimate. */
  estimated?: boolean;
  raw?: unknown;
}

export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

/** Cost of a request. Exact integer micro-dollars; USD fields are derived from them. */
export interface Cost {
  inputMicros: number;
  outputMicros: number;
  totalMicros: number;
  inputUsd: number;
  outputUsd: number;
  totalUsd: number;
  /** False when the model has no known price: the figures are then 0 and must not be trusted. */
  priced: boolean;
  /** True when computed from estimated usage. */
  estimated: boolean;
}
