/**
 * `switchyard`: what applications use. Adapter and store authors import from `switchyard/provider`;
 * tests of agent code take the mock providers from `switchyard/testing`.
 */
// Router
export { createRouter } from './routing/router.js';
export type { Router, RouteDecision, KnownName, RequestFor } from './routing/router.js';
export type { ChatStream } from './routing/request/stream.js';
export type { ControlOptions } from './routing/router.js';
export type {
  RouterOptions,
  TypedRouterOptions,
  ModelConfig,
  GroupConfig,
  RouteRule,
  RouteCondition,
  LanguageCondition,
  StrategySpec,
  StrategyName,
  StrategyFunction,
  StrategyInput,
  StatsView,
  Candidate,
  RetryOptions,
  FallbackOptions,
  SessionOptions,
  StreamRecovery,
} from './routing/config/options.js';
export type {
  Classification,
  Complexity,
  ComplexityResult,
  ChineseScript,
  Language,
  LanguageResult,
} from './routing/plan/classify/index.js';
export type { RouterHealth, ModelHealth, ProviderHealth } from './routing/scope/health.js';
export type { FleetModelStats } from './routing/scope/shared-stats.js';
export type { BreakerOptions, BreakerState, BreakerStateName, FailureRateOptions } from './resilience/breaker/types.js';
export type { RateLimitOptions } from './resilience/rate-limit.js';
export { validateConfig } from './routing/config/validate.js';

// Agents: structured output and the tool loop (router.object / streamObject / run / streamRun)
export { ObjectValidationError, tool, stepCountIs, hasToolCall } from './agents/index.js';
export type {
  AgentMethods,
  ObjectRequest,
  ObjectResult,
  ObjectStream,
  ObjectStreamEvent,
  ObjectTry,
  ObjectMode,
  ObjectSchema,
  DeepPartial,
  AgentTool,
  ToolSet,
  ToolContext,
  ToolInput,
  ToolOutput,
  TypedToolCall,
  ToolResultInfo,
  ApprovalDecision,
  StopCondition,
  PendingToolCall,
  RunRequest,
  RunResult,
  RunStep,
  RunRestart,
  RunStatus,
  RunStream,
  RunStreamEvent,
  RunResume,
} from './agents/index.js';

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
export type { ChatRequest, GenerationParams, ResponseFormat, RoutingContext, ProviderOptions } from './core/request.js';
export type { ChatResponse, RouteInfo, AttemptRecord, Warning, SkipReason, SkippedCandidate } from './core/response.js';
export type { StreamEvent, StreamEventType } from './core/stream.js';
export type { Usage, Cost, FinishReason } from './core/usage.js';
export type { ToolDefinition, ToolChoice, ToolParameters, JSONSchema, JSONValue } from './core/tools.js';
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
  CircuitOpenError,
} from './core/errors.js';
export type { ErrorCode, ErrorOptions, ConfigIssue } from './core/errors.js';

// Catalog, cost accounting, ledger reports and budgets
export { catalog, lookupModel, resolveModelInfo } from './catalog/index.js';
export type { CatalogEntry, CatalogPricing, ModelCatalog, ModelStrength, ResolvedModelInfo, PricingSource } from './catalog/index.js';
export { computeCost } from './accounting/cost.js';
export type {
  CostsApi,
  SummaryQuery,
  SummaryRow,
  CostSummary,
  RecordsQuery,
  UsageFilter,
  SummaryKey,
  ExportQuery,
  ExportFormat,
  CompareQuery,
  CompareResult,
  CompareRow,
  ForecastQuery,
  Forecast,
  ForecastPeriod,
} from './accounting/index.js';
export type { UsageRecord, RecordKind, RecordTokens } from './accounting/index.js';
export type {
  BudgetConfig,
  BudgetScope,
  BudgetPeriod,
  BudgetAction,
  BudgetAlert,
  BudgetRef,
  BudgetStatusReport,
} from './accounting/index.js';
export { memoryStore, StoreUnavailableError } from './state/index.js';
export type {
  SharedStore,
  StoreKind,
  StoreStatusEvent,
  StoreErrorPolicy,
  StoreErrorPolicyOption,
  MemoryStoreOptions,
} from './state/index.js';

// Tenants, secrets and audit
export type { TenantConfig } from './routing/config/tenants.js';
export type { TenantProvidersOption } from './routing/config/options.js';
export type { TenantsApi, BudgetsApi } from './routing/router.js';
export type { AuditOptions } from './routing/config/options.js';
export { sealSecrets, openSecrets, generateSealKey, isSealedValue, SealedConfigError } from './security/index.js';
export type { Sealed, SealedValue, SealKey, SealOptions, OpenOptions, SealedConfigIssue, SealedConfigReason } from './security/index.js';
export { verifyAuditLog, auditHeads, readAuditFile, memorySink, jsonlFileSink, AuditLogError } from './observability/audit/index.js';
export type {
  AuditEntry,
  AuditRequestEntry,
  AuditControlEntry,
  AuditControlAction,
  AuditContentPolicy,
  AuditRedactor,
  AuditSink,
  AuditSinkOption,
  AuditVerification,
  VerifyAuditOptions,
  AuditHeads,
  JsonlFileSink,
  JsonlFileSinkOptions,
  MemoryAuditSink,
} from './observability/audit/index.js';

// Provider adapters (each loads its vendor SDK, an optional peer dependency, on first use)
export { openai } from './providers/openai/index.js';
export type {
  OpenAIProvider,
  OpenAIProviderOptions,
  OpenAIModelId,
  OpenAIChatProvider,
  OpenAIChatKind,
  OpenAIChatQuirks,
  QuirksOption,
} from './providers/openai/index.js';
export type { OpenAIClientLike } from './providers/openai/index.js';
export { openaiCompatible } from './providers/openai-compatible/index.js';
export type { OpenAICompatibleProvider, OpenAICompatibleProviderOptions } from './providers/openai-compatible/index.js';
export { deepseek } from './providers/deepseek/index.js';
export type { DeepSeekProvider, DeepSeekProviderOptions, DeepSeekModelId } from './providers/deepseek/index.js';
export { anthropic } from './providers/anthropic/index.js';
export type { AnthropicProvider, AnthropicProviderOptions, AnthropicClientLike } from './providers/anthropic/index.js';
export { gemini } from './providers/gemini/index.js';
export type {
  GeminiProvider,
  GeminiProviderOptions,
  GeminiRequestOptions,
  GeminiSchemaMode,
  PromptBlockedBehavior,
  GenAIClientLike,
  GenerativeAIClientLike,
} from './providers/gemini/index.js';
export { ollama } from './providers/ollama/index.js';
export type {
  OllamaProvider,
  OllamaProviderOptions,
  OllamaCallOptions,
  OllamaModelOptions,
  OllamaThink,
} from './providers/ollama/index.js';
export type { ApiKey } from './providers/shared/options.js';
export { apiKeyFromEnv, apiKeyFromEnvVar, ollamaBaseURLFromEnv, API_KEY_ENV } from './providers/shared/credentials.js';
export type { EnvKeyKind } from './providers/shared/credentials.js';
