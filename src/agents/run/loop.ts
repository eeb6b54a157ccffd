import { AllAttemptsFailedError, InvalidRequestError, InvalidResponseError, type SwitchyardError } from '../../core/errors.js';
import type { Message } from '../../core/messages.js';
import type { ChatRequest } from '../../core/request.js';
import type { AttemptRecord, ChatResponse, RouteInfo } from '../../core/response.js';
import type { StreamEvent } from '../../core/stream.js';
import type { Cost, FinishReason, Usage } from '../../core/usage.js';
import {
  addCost,
  addUsage,
  agentId,
  attemptsOf,
  consumableOnce,
  lastValue,
  candidatesFor,
  mayTryNext,
  zeroCost,
  ZERO_USAGE,
  type AgentHost,
} from '../host.js';
import { handleCall, prepareTools, toResultPart, unansweredCalls, withResults, type PendingToolCall, type Prepared } from './execute.js';
import type { ApprovalDecision, StopCondition, ToolResultInfo, ToolSet, TypedToolCall } from './tools.js';

/** A paused run to continue: its conversation and the model it ran on (tried first again). */
export interface RunResume {
  messages: Message[];
  model?: string;
}

/** `router.run()` input: a chat request plus tools, a step bound and a stop condition. */
export interface RunRequest<TOOLS extends ToolSet = ToolSet> extends Omit<ChatRequest, 'tools' | 'messages' | 'responseFormat'> {
  /** The conversation (not needed with `resume`). */
  messages?: Message[];
  tools: TOOLS;
  /** Most model calls in one run on one model. Default 10. */
  maxSteps?: number;
  /** Stops after a step when one of these returns true (see `stepCountIs`, `hasToolCall`). */
  stopWhen?: StopCondition | StopCondition[];
  /** Continue a run that stopped with `status: 'needs-approval'` (or `tool-calls` whose results are appended to its messages). */
  resume?: RunResume;
  /** Decisions on pending calls by `toolCallId`: approved calls are executed, denied ones answered with an error result. */
  approvals?: Record<string, ApprovalDecision>;
}

/** One model call of a run and the tool calls it led to. */
export interface RunStep<TOOLS extends ToolSet = ToolSet> {
  /** 0-based, over the whole call (abandoned steps included). */
  index: number;
  model: string;
  text: string;
  /** Tool calls with inputs typed from the tools' schemas (validated input where it validated). */
  toolCalls: Array<TypedToolCall<TOOLS>>;
  toolResults: ToolResultInfo[];
  finishReason: FinishReason;
  usage: Usage;
  cost: Cost;
  route: RouteInfo;
  response: ChatResponse;
  /** True when the step's model failed later and the run restarted on the next candidate (its cost still counts). */
  abandoned: boolean;
}

/** The run left a model after it failed; everything restarted on the next candidate. */
export interface RunRestart {
  model: string;
  error: SwitchyardError;
  /** Steps that model had completed, now abandoned. */
  abandonedSteps: number;
}

export type RunStatus =
  /** The model answered without tool calls. */
  | 'done'
  /** `maxSteps` reached while the model still called tools. */
  | 'max-steps'
  /** A `stopWhen` condition held. */
  | 'stopped'
  /** Calls wait for approval (`pending`); resume with `approvals`. */
  | 'needs-approval'
  /** Calls to tools without `execute` (`pending`): append their results to `messages` and resume. */
  | 'tool-calls';

export interface RunResult<TOOLS extends ToolSet = ToolSet> {
  status: RunStatus;
  /** The last step's text. */
  text: string;
  /** The model that ran the (last, successful) loop. */
  model?: string;
  steps: Array<RunStep<TOOLS>>;
  /** The whole conversation: the input, every assistant turn and tool result of the run that finished. */
  messages: Message[];
  pending: PendingToolCall[];
  /** Results of calls decided by `approvals` when resuming. */
  resumed: ToolResultInfo[];
  restarts: RunRestart[];
  /** Summed over every step, abandoned ones included. */
  usage: Usage;
  cost: Cost;
  finishReason?: FinishReason;
  /** The last step's response. */
  response?: ChatResponse;
  /** The `session` every step carried (the request's, or a generated `run_…`): cost records of the run share it. */
  session: string;
}

export type RunStreamEvent<TOOLS extends ToolSet = ToolSet> =
  | { type: 'step-start'; step: number; model: string }
  /** The router's own stream events of the step (`start`, `text-delta`, `tool-call`, `finish`...). */
  | { type: 'stream'; step: number; event: StreamEvent }
  /** A tool call's result (`step` is absent for calls decided when resuming). */
  | { type: 'tool-result'; step?: number; result: ToolResultInfo }
  | { type: 'step-finish'; step: RunStep<TOOLS> }
  | { type: 'restart'; from: string; error: SwitchyardError; abandonedSteps: number }
  | { type: 'finish'; result: RunResult<TOOLS> };

/** What `router.streamRun()` returns: iterate it for events, or await `result()`. */
export interface RunStream<TOOLS extends ToolSet = ToolSet> extends AsyncIterable<RunStreamEvent<TOOLS>> {
  result(): Promise<RunResult<TOOLS>>;
}

function checkRun(request: RunRequest): { maxSteps: number; stops: StopCondition[]; start: Message[] } {
  const maxSteps = request.maxSteps ?? 10;
  if (!Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > 1000) {
    throw new InvalidRequestError({ path: 'maxSteps', message: 'Invalid request: maxSteps: an integer from 1 to 1000' });
  }
  if (typeof request.tools !== 'object' || request.tools === null)
    throw new InvalidRequestError({ path: 'tools', message: 'Invalid request: tools: an object of tools by name' });
  const start = request.resume?.messages ?? request.messages;
  if (!Array.isArray(start))
    throw new InvalidRequestError({ path: 'messages', message: 'Invalid request: messages: required (or resume)' });
  const stops = request.stopWhen === undefined ? [] : Array.isArray(request.stopWhen) ? request.stopWhen : [request.stopWhen];
  return { maxSteps, stops, start };
}

async function* stepCall<TOOLS extends ToolSet>(
  host: AgentHost,
  request: ChatRequest,
  streaming: boolean,
  step: number,
): AsyncGenerator<RunStreamEvent<TOOLS>, ChatResponse> {
  if (!streaming) return await host.chat(request);
  for await (const event of host.stream(request)) {
    yield { type: 'stream', step, event };
    if (event.type === 'finish') return event.response;
  }
  throw new InvalidResponseError({
    message: 'The stream ended without a finish event',
    ...(request.model !== undefined && { model: request.model }),
  });
}

/** Calls left without a result when the run begins: decided by `approvals`, or still pending. */
async function resolveStart(prepared: Prepared, request: RunRequest, start: Message[]) {
  const { calls, assistantIndex } = unansweredCalls(start);
  const results: ToolResultInfo[] = [];
  const pending: PendingToolCall[] = [];
  for (const call of calls) {
    const context = {
      toolCallId: call.toolCallId,
      messages: start.slice(0, assistantIndex + 1),
      step: -1,
      ...(request.signal && { signal: request.signal }),
    };
    const outcome = await handleCall(prepared, call, context, request.approvals?.[call.toolCallId]);
    if (outcome.kind === 'done') results.push(outcome.result);
    else pending.push(outcome.call);
  }
  return { messages: withResults(start, assistantIndex, results.map(toResultPart)), results, pending };
}

/** The one loop behind `run()` and `streamRun()`. */
async function* runEvents<TOOLS extends ToolSet>(
  host: AgentHost,
  request: RunRequest<TOOLS>,
  streaming: boolean,
): AsyncGenerator<RunStreamEvent<TOOLS>, RunResult<TOOLS>> {
  const { maxSteps, stops, start } = checkRun(request);
  const { definitions, prepared } = prepareTools(request.tools);
  const { tools: _t, maxSteps: _m, stopWhen: _s, resume, approvals: _a, messages: _msg, ...base } = request;
  const session = request.session ?? agentId('run');
  const steps: Array<RunStep<TOOLS>> = [];
  const restarts: RunRestart[] = [];
  const failures: AttemptRecord[] = [];
  let usage = ZERO_USAGE;
  let cost = zeroCost();

  const begun = await resolveStart(prepared, request, start);
  for (const result of begun.results) yield { type: 'tool-result', result };
  const finish = (status: RunStatus, messages: Message[], pending: PendingToolCall[], model?: string): RunResult<TOOLS> => {
    const last = steps[steps.length - 1];
    const out: RunResult<TOOLS> = {
      status,
      text: last?.text ?? '',
      steps,
      messages,
      pending,
      resumed: begun.results,
      restarts,
      usage,
      cost,
      session,
    };
    if (model !== undefined) out.model = model;
    if (last) {
      out.finishReason = last.finishReason;
      out.response = last.response;
    }
    return out;
  };
  if (begun.pending.length > 0) {
    const result = finish(
      begun.pending.some((p) => p.reason === 'approval') ? 'needs-approval' : 'tool-calls',
      begun.messages,
      begun.pending,
      resume?.model,
    );
    yield { type: 'finish', result };
    return result;
  }

  const candidates = candidatesFor(
    host,
    { ...base, messages: begun.messages, tools: definitions },
    streaming ? 'stream' : 'chat',
    resume?.model,
  );
  for (const model of candidates) {
    let messages = begun.messages;
    const mine: Array<RunStep<TOOLS>> = [];
    try {
      for (;;) {
        const index = steps.length;
        yield { type: 'step-start', step: index, model };
        const response = yield* stepCall<TOOLS>(host, { ...base, model, session, messages, tools: definitions }, streaming, index);
        messages = [...messages, { role: 'assistant', content: response.content }];
        const results: ToolResultInfo[] = [];
        const pending: PendingToolCall[] = [];
        for (const call of response.toolCalls) {
          const context = { toolCallId: call.toolCallId, messages, step: index, ...(request.signal && { signal: request.signal }) };
          const outcome = await handleCall(prepared, call, context);
          if (outcome.kind === 'done') {
            results.push(outcome.result);
            yield { type: 'tool-result', step: index, result: outcome.result };
          } else pending.push(outcome.call);
        }
        messages = withResults(messages, messages.length - 1, results.map(toResultPart));
        const inputs = new Map<string, unknown>([...results, ...pending].map((r) => [r.toolCallId, r.input]));
        const step: RunStep<TOOLS> = {
          index,
          model,
          text: response.text,
          toolCalls: response.toolCalls.map(
            (c) => ({ toolCallId: c.toolCallId, toolName: c.toolName, input: inputs.get(c.toolCallId) ?? c.args }) as TypedToolCall<TOOLS>,
          ),
          toolResults: results,
          finishReason: response.finishReason,
          usage: response.usage,
          cost: response.cost,
          route: response.route,
          response,
          abandoned: false,
        };
        steps.push(step);
        mine.push(step);
        usage = addUsage(usage, response.usage);
        cost = addCost(cost, response.cost);
        yield { type: 'step-finish', step };
        let status: RunStatus | undefined;
        if (response.toolCalls.length === 0) status = 'done';
        else if (pending.length > 0) status = pending.some((p) => p.reason === 'approval') ? 'needs-approval' : 'tool-calls';
        else if (stops.some((stop) => stop({ steps: mine }))) status = 'stopped';
        else if (mine.length >= maxSteps) status = 'max-steps';
        if (status !== undefined) {
          const result = finish(status, messages, pending, model);
          yield { type: 'finish', result };
          return result;
        }
      }
    } catch (error) {
      if (!mayTryNext(error)) throw error;
      for (const s of mine) s.abandoned = true;
      failures.push(...attemptsOf(error, model));
      restarts.push({ model, error, abandonedSteps: mine.length });
      yield { type: 'restart', from: model, error, abandonedSteps: mine.length };
    }
  }
  throw new AllAttemptsFailedError(failures, {
    message: `The run failed on every candidate (${candidates.join(', ')}): ${restarts.map((r) => `${r.model}: ${r.error.message}`).join('; ')}`,
  });
}

/** `router.run()`: the tool loop to its end (or a pause), every step with route, usage and cost. */
export async function runTools<TOOLS extends ToolSet>(host: AgentHost, request: RunRequest<TOOLS>): Promise<RunResult<TOOLS>> {
  return lastValue(runEvents(host, request, false));
}

/** `router.streamRun()`: the same loop, each step streamed. */
export function streamRun<TOOLS extends ToolSet>(host: AgentHost, request: RunRequest<TOOLS>): RunStream<TOOLS> {
  checkRun(request);
  prepareTools(request.tools);
  return consumableOnce('A run stream', () => runEvents(host, request, true));
}
