import type { ProviderMetadata, ToolCallPart } from './messages.js';
import type { ChatResponse, RouteInfo, Warning } from './response.js';
import type { Cost, FinishReason, Usage } from './usage.js';
import type { SwitchyardError } from './errors.js';

/** What an adapter's `stream()` yields. The router turns these into {@link StreamEvent}s. */
export type ProviderStreamPart =
  | { type: 'stream-start'; warnings: Warning[] }
  | { type: 'response-metadata'; id?: string; modelId?: string }
  | { type: 'text-delta'; delta: string }
  | { type: 'reasoning-delta'; delta: string; signature?: string; providerMetadata?: ProviderMetadata }
  | { type: 'tool-call-delta'; toolCallId: string; toolName: string; argsDelta: string }
  | { type: 'tool-call'; toolCall: ToolCallPart }
  | {
      type: 'finish';
      finishReason: FinishReason;
      rawFinishReason?: string;
      usage?: Usage;
      providerMetadata?: ProviderMetadata;
    };

/** Events of `router.stream()`: the same sequence whatever the provider. */
export type StreamEvent =
  | { type: 'start'; requestId: string; model: string; provider: string; warnings: Warning[] }
  | { type: 'text-delta'; delta: string }
  | { type: 'reasoning-delta'; delta: string }
  | { type: 'tool-call-delta'; toolCallId: string; toolName: string; argsDelta: string }
  | { type: 'tool-call'; toolCall: ToolCallPart }
  /**
   * The stream failed after deltas were delivered (`streamRecovery: 'error'`): what arrived so far.
   * The iteration then ends by throwing `error`.
   */
  | { type: 'error'; error: SwitchyardError; partial: { text: string; usage: Usage; cost: Cost }; route: RouteInfo }
  | {
      type: 'finish';
      finishReason: FinishReason;
      rawFinishReason?: string;
      usage: Usage;
      cost: Cost;
      route: RouteInfo;
      /** The whole response, assembled from the stream. */
      response: ChatResponse;
    };

export type StreamEventType = StreamEvent['type'];
