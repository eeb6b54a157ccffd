export { agentMethods } from './router-methods.js';
export type { AgentMethods } from './router-methods.js';
export type { AgentHost, ModelDescription } from './host.js';
export { ObjectValidationError } from './object/errors.js';
export type { ObjectTry, ObjectValidationErrorOptions } from './object/errors.js';
export type { ObjectRequest, ObjectResult, ObjectStream, ObjectStreamEvent, DeepPartial } from './object/object.js';
export type { ObjectMode } from './object/mode.js';
export type { ObjectSchema } from './object/schema.js';
export { tool, stepCountIs, hasToolCall } from './run/tools.js';
export type {
  AgentTool,
  ToolSet,
  ToolContext,
  ToolInput,
  ToolOutput,
  TypedToolCall,
  ToolResultInfo,
  ApprovalDecision,
  StopCondition,
} from './run/tools.js';
export type { PendingToolCall } from './run/execute.js';
export type { RunRequest, RunResult, RunStep, RunRestart, RunStatus, RunStream, RunStreamEvent, RunResume } from './run/loop.js';
