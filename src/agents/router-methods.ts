import type { z } from 'zod';
import type { JSONSchema } from '../core/tools.js';
import type { AgentHost } from './host.js';
import { generateObject, streamObject, type ObjectRequest, type ObjectResult, type ObjectStream } from './object/object.js';
import { runTools, streamRun, type RunRequest, type RunResult, type RunStream } from './run/loop.js';
import type { ToolSet } from './run/tools.js';

/** The agent calls of a router: structured output and the tool loop (see docs/agents.md). */
export interface AgentMethods {
  /** An object validated against `schema` (typed from it), native structured output where the model has it, repaired and fallen back within bounds. */
  object<S extends z.ZodType>(request: ObjectRequest<S>): Promise<ObjectResult<z.output<S>>>;
  /** The same with a JSON Schema: type the call, `router.object<RefundDecision>({ schema: {...} })`. */
  object<T>(request: ObjectRequest<JSONSchema>): Promise<ObjectResult<T>>;
  /** Partial objects as they parse, then the validated whole. Bad options throw here, at once. */
  streamObject<S extends z.ZodType>(request: ObjectRequest<S>): ObjectStream<z.output<S>>;
  streamObject<T>(request: ObjectRequest<JSONSchema>): ObjectStream<T>;
  /** The tool loop: calls the model, executes its tool calls, feeds results back, until an answer, a stop condition or a pause. */
  run<TOOLS extends ToolSet>(request: RunRequest<TOOLS>): Promise<RunResult<TOOLS>>;
  /** The tool loop with each step streamed. */
  streamRun<TOOLS extends ToolSet>(request: RunRequest<TOOLS>): RunStream<TOOLS>;
}

/** The agent calls over a router's public `chat` / `stream` / `explain`. */
export function agentMethods(host: AgentHost): AgentMethods {
  return {
    object: (request: ObjectRequest) => generateObject<never>(host, request),
    streamObject: (request: ObjectRequest) => streamObject<never>(host, request),
    run: (request) => runTools(host, request),
    streamRun: (request) => streamRun(host, request),
  } as AgentMethods;
}
