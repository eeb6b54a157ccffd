import type { z } from 'zod';
import { AllAttemptsFailedError, InvalidRequestError, InvalidResponseError, type SwitchyardError } from '../../core/errors.js';
import type { Message } from '../../core/messages.js';
import type { ChatRequest } from '../../core/request.js';
import type { AttemptRecord, ChatResponse } from '../../core/response.js';
import type { Cost, Usage } from '../../core/usage.js';
import {
  addCost,
  addUsage,
  attemptsOf,
  consumableOnce,
  lastValue,
  candidatesFor,
  mayTryNext,
  zeroCost,
  ZERO_USAGE,
  type AgentHost,
} from '../host.js';
import { ObjectValidationError, type ObjectTry } from './errors.js';
import { chooseMode, type ObjectMode } from './mode.js';
import { parsePartialJson } from './parse-json.js';
import { repairPrompt, resolveSchema, schemaInstruction, type ObjectSchema, type ResolvedSchema } from './schema.js';

/** `router.object()` / `router.streamObject()` input: a chat request whose answer must match `schema`. */
export interface ObjectRequest<S extends ObjectSchema = ObjectSchema> extends Omit<ChatRequest, 'responseFormat' | 'tools' | 'toolChoice'> {
  /** A zod schema (the result is typed from it), or a JSON Schema object (type the call: `router.object<T>(...)`). */
  schema: S;
  /** Name of the schema on the wire (OpenAI `json_schema.name`, Anthropic's tool name). Default `response`. */
  schemaName?: string;
  schemaDescription?: string;
  /** `auto` (default): native structured output where the provider kind has it, else `prompt`. */
  mode?: ObjectMode;
  /** Re-asks of the same model with the validation issues before moving to the next candidate. Default 1. */
  maxRepairs?: number;
}

export interface ObjectResult<T> {
  /** The validated object. */
  object: T;
  /**
   * The response that produced it. Its `route.attempts` holds every try of the call in order: failed
   * vendor attempts, answers that failed validation (`errorClass: 'ObjectValidationError'`), then the valid one;
   * `route.candidates` is the list the call walked and `route.fallbackUsed` whether it left the first.
   */
  response: ChatResponse;
  /** Every try with its raw text and issues. */
  tries: ObjectTry[];
  /** Summed over every try (repairs and abandoned candidates included). */
  usage: Usage;
  cost: Cost;
}

/** A partial object while it streams: every field optional, at every depth. */
export type DeepPartial<T> = T extends readonly (infer U)[]
  ? DeepPartial<U>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export type ObjectStreamEvent<T> =
  /** A try begins (a new model, or a repair): partial objects of an earlier try are void. */
  | { type: 'try-start'; model: string; mode: 'native' | 'prompt'; repair: boolean }
  /** The object parsed so far from the answer's text. */
  | { type: 'partial'; partial: DeepPartial<T>; text: string }
  /** The answer did not validate; a repair or the next candidate follows. */
  | { type: 'invalid'; model: string; issues: ReadonlyArray<z.core.$ZodIssue>; text: string }
  /** The model failed (after the router's retries); the next candidate follows. */
  | { type: 'model-error'; model: string; error: SwitchyardError }
  /** The validated whole; the last event. */
  | { type: 'object'; object: T; result: ObjectResult<T> };

/** What `router.streamObject()` returns: iterate it for events, or await `result()`. */
export interface ObjectStream<T> extends AsyncIterable<ObjectStreamEvent<T>> {
  /** Consumes the stream; resolves with the validated result or rejects like `router.object()`. */
  result(): Promise<ObjectResult<T>>;
}

interface Tally {
  tries: ObjectTry[];
  attempts: AttemptRecord[];
  usage: Usage;
  cost: Cost;
}

/** Adds a call's attempts to the whole list, numbering `try` per model across the call's requests. */
function record(tally: Tally, attempts: ReadonlyArray<AttemptRecord>): void {
  for (const attempt of attempts) {
    const before = tally.attempts.filter((a) => a.model === attempt.model).length;
    tally.attempts.push({ ...attempt, try: before + 1 });
  }
}

function checkOptions(request: ObjectRequest): number {
  const maxRepairs = request.maxRepairs ?? 1;
  if (!Number.isInteger(maxRepairs) || maxRepairs < 0 || maxRepairs > 10) {
    throw new InvalidRequestError({ path: 'maxRepairs', message: 'Invalid request: maxRepairs: an integer from 0 to 10' });
  }
  if (request.mode !== undefined && !['auto', 'native', 'prompt'].includes(request.mode)) {
    throw new InvalidRequestError({
      path: 'mode',
      message: `Invalid request: mode: "auto", "native" or "prompt", got ${JSON.stringify(request.mode)}`,
    });
  }
  return maxRepairs;
}

/** The chat request for one try at one model. */
function tryRequest(
  request: ObjectRequest,
  schema: ResolvedSchema<unknown>,
  model: string,
  mode: 'native' | 'prompt',
  jsonMode: boolean,
  messages: Message[],
): ChatRequest {
  const { schema: _s, schemaName, schemaDescription, mode: _m, maxRepairs: _r, ...chat } = request;
  if (mode === 'native') {
    return {
      ...chat,
      model,
      messages,
      responseFormat: {
        type: 'json-schema',
        schema: schema.json,
        name: schemaName ?? 'response',
        ...(schemaDescription !== undefined && { description: schemaDescription }),
      },
    };
  }
  return {
    ...chat,
    model,
    messages,
    system: [chat.system, schemaInstruction(schema.json, schemaDescription)].filter((s) => s !== undefined && s !== '').join('\n\n'),
    // JSON mode where the model may have it (a model declared `json: false` would be filtered out by it).
    ...(jsonMode && { responseFormat: { type: 'json' } }),
  };
}

/** An adapter refused the schema as native structured output (a local InvalidRequestError at `responseFormat…`) while `mode` was chosen automatically. */
function nativeRefused(error: unknown, mode: 'native' | 'prompt', asked: ObjectMode | undefined): error is SwitchyardError {
  return (
    mode === 'native' &&
    (asked ?? 'auto') === 'auto' &&
    InvalidRequestError.isInstance(error) &&
    (error.path?.startsWith('responseFormat') ?? false)
  );
}

/** One answer: streamed (partials yielded) or not. Returns the response. */
async function* answer<T>(host: AgentHost, request: ChatRequest, streaming: boolean): AsyncGenerator<ObjectStreamEvent<T>, ChatResponse> {
  if (!streaming) return await host.chat(request);
  let text = '';
  let last = '';
  for await (const event of host.stream(request)) {
    if (event.type === 'text-delta') {
      text += event.delta;
      const partial = parsePartialJson(text);
      if (partial !== undefined) {
        const json = JSON.stringify(partial.value);
        if (json !== last) {
          last = json;
          yield { type: 'partial', partial: partial.value as DeepPartial<T>, text };
        }
      }
    } else if (event.type === 'finish') return event.response;
  }
  throw new InvalidResponseError({
    message: 'The stream ended without a finish event',
    ...(request.model !== undefined && { model: request.model }),
  });
}

/** The one loop behind `object()` and `streamObject()`: candidates in order, each with bounded repairs. */
async function* objectEvents<T>(
  host: AgentHost,
  request: ObjectRequest,
  streaming: boolean,
): AsyncGenerator<ObjectStreamEvent<T>, ObjectResult<T>> {
  const maxRepairs = checkOptions(request);
  const schema = resolveSchema<T>(request.schema);
  const { schema: _s, schemaName: _n, schemaDescription: _d, mode: _m, maxRepairs: _r, ...base } = request;
  const candidates = candidatesFor(host, base, streaming ? 'stream' : 'chat');
  const tally: Tally = { tries: [], attempts: [], usage: ZERO_USAGE, cost: zeroCost() };
  let lastInvalid: { issues: ReadonlyArray<z.core.$ZodIssue>; text: string; model: string; provider: string } | undefined;
  let lastError: SwitchyardError | undefined;

  for (const model of candidates) {
    const described = host.describe(model, request.tenant);
    let mode = chooseMode(request.mode ?? 'auto', described);
    const jsonMode = described?.capabilities?.json !== false;
    let messages = request.messages;
    for (let repair = 0; repair <= maxRepairs; repair++) {
      yield { type: 'try-start', model, mode, repair: repair > 0 };
      let response: ChatResponse;
      try {
        response = yield* answer<T>(
          host,
          tryRequest(request, schema as ResolvedSchema<unknown>, model, mode, jsonMode, messages),
          streaming,
        );
      } catch (error) {
        if (nativeRefused(error, mode, request.mode)) {
          // The adapter cannot express this schema natively (e.g. a map for Gemini): the same model, in prompt mode.
          record(tally, attemptsOf(error, model));
          tally.tries.push({ model, mode, repair: repair > 0, ok: false, error });
          yield { type: 'model-error', model, error };
          mode = 'prompt';
          repair--;
          continue;
        }
        if (!mayTryNext(error)) throw error;
        lastError = error;
        record(tally, attemptsOf(error, model));
        tally.tries.push({ model, mode, repair: repair > 0, ok: false, error });
        yield { type: 'model-error', model, error };
        break;
      }
      tally.usage = addUsage(tally.usage, response.usage);
      tally.cost = addCost(tally.cost, response.cost);
      const { provider } = response.route;
      const checked = schema.check(response.text);
      if (checked.ok) {
        record(tally, response.route.attempts);
        tally.tries.push({ model, provider, mode, repair: repair > 0, ok: true, text: response.text });
        const route = { ...response.route, attempts: tally.attempts, candidates, fallbackUsed: model !== candidates[0] };
        const result: ObjectResult<T> = {
          object: checked.value,
          response: { ...response, route },
          tries: tally.tries,
          usage: tally.usage,
          cost: tally.cost,
        };
        yield { type: 'object', object: checked.value, result };
        return result;
      }
      const invalid = new ObjectValidationError({ issues: checked.issues, text: response.text, provider, model });
      // The vendor call succeeded but its answer did not: recorded as a failed try.
      const served = response.route.attempts;
      const last = served[served.length - 1];
      record(tally, [
        ...served.slice(0, -1),
        {
          ...(last ?? { model, provider, try: 1, latencyMs: response.latencyMs }),
          ok: false,
          error: invalid,
          errorClass: 'ObjectValidationError',
        },
      ]);
      tally.tries.push({ model, provider, mode, repair: repair > 0, ok: false, text: response.text, issues: checked.issues });
      lastInvalid = { issues: checked.issues, text: response.text, model, provider };
      yield { type: 'invalid', model, issues: checked.issues, text: response.text };
      // (Some vendors refuse an empty assistant turn.)
      messages = [
        ...request.messages,
        { role: 'assistant', content: response.text || '(empty answer)' },
        { role: 'user', content: repairPrompt(checked.issues) },
      ];
    }
  }
  if (lastInvalid) throw new ObjectValidationError({ ...lastInvalid, tries: tally.tries, attempts: tally.attempts });
  throw tally.attempts.length > 1 || !lastError ? new AllAttemptsFailedError(tally.attempts) : lastError;
}

/** `router.object()`: the validated object, typed from the schema. */
export async function generateObject<T>(host: AgentHost, request: ObjectRequest): Promise<ObjectResult<T>> {
  return lastValue(objectEvents<T>(host, request, false));
}

/** `router.streamObject()`: partial objects as they parse, then the validated whole. */
export function streamObject<T>(host: AgentHost, request: ObjectRequest): ObjectStream<T> {
  // Bad options throw here, at once, like `router.stream()`.
  checkOptions(request);
  resolveSchema(request.schema);
  return consumableOnce('An object stream', () => objectEvents<T>(host, request, true));
}
