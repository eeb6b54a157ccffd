// Router
export { createRouter } from './routing/router.js';
export type { Router, RouteDecision } from './routing/router.js';
export type { ChatStream } from './routing/stream.js';
export type {
  RouterOptions,
  ModelConfig,
  RouteRule,
  RouteCondition,
  Strategy,
  StrategyName,
  StrategyFunction,
  StrategyInput,
  Candidate,
  RetryOptions,
  FallbackOptions,
} from './routing/options.js';
export { validateConfig } from './routing/validate-config.js';

// Contract types
export type {
  Message,
  MessageRole,
  SystemMessage,
  UserMessage,
  AssistantMessage,
  ToolMessage,
  ContentPart,
  UserContentPart,
  AssistantContentPart,
  TextPart,
  ImagePart,
  ToolCallPart,
  ToolResultPart,
  ReasoningPart,
  ProviderMetadata,
} from './core/messages.js';
export type { ChatRequest, GenerationParams, ResponseFormat, RoutingContext, ProviderOptions, ProviderRequest, ProviderCallOptions } from './core/request.js';
export type { ChatResponse, ProviderResponse, RouteInfo, AttemptRecord, Warning } from './core/response.js';
export type { StreamEvent, StreamEventType, ProviderStreamPart } from './core/stream.js';
export type { Usage, Cost, FinishReason } from './core/usage.js';
export type { ToolDefinition, ToolChoice, ToolParameters, NormalizedTool, JSONSchema, JSONValue } from './core/tools.js';
export type { ModelInfo, ModelCapabilities, ModelPricing, ModelTier } from './core/model.js';
export type { LLMProvider, ProviderKind, CredentialCheck } from './core/provider.js';
export type { RouterEvents, RouterEventName, Listener, Unsubscribe, RequestKind } from './observability/events.js';

// Errors
export {
  SwitchyardError,
  RateLimitError,
  AuthenticationError,
  PermissionError,
  InvalidRequestError,
  ContextLengthError,
  ContentFilterError,
  TimeoutError,
  AbortError,
  ProviderUnavailableError,
  InvalidResponseError,
  NotFoundError,
  BudgetExceededError,
  NoRouteError,
  AllAttemptsFailedError,
  ConfigError,
} from './core/errors.js';
export type { ErrorCode, ErrorOptions, ConfigIssue, SkippedCandidate } from './core/errors.js';

// Helpers for adapter authors
export { errorFromStatus, parseRetryAfter } from './core/error-mapping.js';
export { estimateTextTokens, estimateRequestTokens } from './core/tokens.js';

// Mock providers (also at 'switchyard/testing')
export { mockProvider } from './providers/mock/index.js';
export type { MockProvider, MockProviderOptions, MockReply, MockFailure, MockErrorKind, MockCall, MockToolCall, MockReplyFunction } from './providers/mock/index.js';
