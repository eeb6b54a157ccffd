import { sleep, waitForAbort } from '../../core/abort.js';
import { AbortError, AuthenticationError, ProviderUnavailableError, SwitchyardError } from '../../core/errors.js';
import type { ModelInfo } from '../../core/model.js';
import type { CredentialCheck, LLMProvider } from '../../core/provider.js';
import type { ProviderCallOptions, ProviderRequest } from '../../core/request.js';
import type { ProviderResponse } from '../../core/response.js';
import type { ProviderStreamPart } from '../../core/stream.js';
import { estimateRequestTokens } from '../../core/tokens.js';
import { describeProvider, withDescription } from '../shared/describe.js';
import { createKeySource, keyForCall } from '../shared/key-source.js';
import { failureToError } from './failure.js';
import { seededRandom } from './random.js';
import { defaultReply, replyContent, resolveReply, type ResolvedReply } from './reply.js';
import type { MockCall, MockProviderOptions, MockReply } from './types.js';

export interface MockProvider extends LLMProvider {
  readonly kind: 'mock';
  readonly name: string;
  /** Every call made to this provider, in order. */
  readonly calls: ReadonlyArray<MockCall>;
  /** Calls not yet ended (useful to assert concurrency limits). */
  readonly inFlight: number;
  /** The largest number of calls that were in flight at once. */
  readonly maxInFlight: number;
  /** Forgets recorded calls and restarts the reply script and PRNG. */
  reset(): void;
  /** Re-resolves `options.apiKey` (see {@link MockProviderOptions.apiKey}). */
  rotateCredentials(): Promise<'rotated' | 'unchanged' | 'unsupported'>;
}

/**
 * A provider for tests: scripted replies, failures, latency and streams, with every call
 * recorded. It maps failures exactly as the real adapters do, so router behaviour seen with
 * it is the behaviour seen in production.
 */
export function mockProvider(options: MockProviderOptions = {}): MockProvider {
  const name = options.name ?? 'mock';
  const calls: MockCall[] = [];
  let random = seededRandom(options.seed ?? 1);
  let failRandom = seededRandom(options.failRate?.seed ?? options.seed ?? 1);
  let scriptIndex = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const keys = createKeySource(options.apiKey);
  const rejected = new Set(options.rejectKeys ?? []);

  async function nextReply(request: ProviderRequest, call: MockCall): Promise<MockReply> {
    const n = call.index;
    if (options.failFirst && n < options.failFirst.times) return { fail: options.failFirst.with };
    if (options.failRate && failRandom() < options.failRate.probability) return { fail: options.failRate.with };
    const script = options.reply;
    if (script === undefined) return defaultReply(request);
    if (typeof script === 'function') return script(request, call);
    if (!Array.isArray(script)) return script;
    if (script.length === 0) return defaultReply(request);
    const i = scriptIndex++;
    const entry = options.cycle ? script[i % script.length]! : script[Math.min(i, script.length - 1)]!;
    return typeof entry === 'function' ? entry(request, call) : entry;
  }

  function latency(reply: ResolvedReply | undefined): number {
    if (reply?.latencyMs !== undefined) return reply.latencyMs;
    const l = options.latencyMs;
    if (l === undefined) return 0;
    if (typeof l === 'number') return l;
    return l.min + Math.floor(random() * (l.max - l.min + 1));
  }

  function begin(method: 'chat' | 'stream', request: ProviderRequest, callOptions: ProviderCallOptions): MockCall {
    const call: MockCall = { index: calls.length, method, model: callOptions.model, request, options: callOptions, outcome: 'pending' };
    calls.push(call);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return call;
  }

  function end(call: MockCall, error?: unknown): void {
    inFlight--;
    if (error === undefined) {
      call.outcome = 'ok';
      return;
    }
    const typed = SwitchyardError.isInstance(error)
      ? error
      : new ProviderUnavailableError({ provider: name, model: call.model, cause: error });
    call.outcome = AbortError.isInstance(typed) ? 'aborted' : 'error';
    call.error = typed;
  }

  /** Runs the script up to a ready reply: failures throw, hangs wait for abort, latency elapses. */
  async function prepare(request: ProviderRequest, call: MockCall): Promise<ResolvedReply> {
    const { signal } = call.options;
    if (signal?.aborted) throw new AbortError({ provider: name, model: call.model });
    if (keys.type !== 'none') {
      const key = await keyForCall(keys, { provider: name, model: call.model, required: false });
      if (key !== undefined) call.apiKey = key;
      if (key !== undefined && rejected.has(key)) {
        throw new AuthenticationError({ provider: name, model: call.model, statusCode: 401, message: 'mock: the API key was rejected' });
      }
    }
    const script = await nextReply(request, call);
    if (typeof script === 'object' && 'hang' in script) await waitForAbort(signal);
    if (typeof script === 'object' && 'fail' in script) {
      const wait = latency(undefined);
      if (wait > 0) await sleep(wait, signal);
      throw failureToError(script.fail, name, call.model);
    }
    const reply = resolveReply(script as Exclude<MockReply, { fail: unknown } | { hang: true }>, request, options.usage !== 'none');
    const wait = latency(reply);
    if (wait > 0) await sleep(wait, signal);
    return reply;
  }

  const provider: MockProvider = {
    kind: 'mock',
    name,
    get calls() {
      return calls;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    reset() {
      calls.length = 0;
      scriptIndex = 0;
      maxInFlight = inFlight;
      random = seededRandom(options.seed ?? 1);
      failRandom = seededRandom(options.failRate?.seed ?? options.seed ?? 1);
    },

    async chat(request, callOptions): Promise<ProviderResponse> {
      const call = begin('chat', request, callOptions);
      try {
        const reply = await prepare(request, call);
        end(call);
        return {
          id: reply.id,
          modelId: callOptions.model,
          content: replyContent(reply),
          finishReason: reply.finishReason,
          rawFinishReason: reply.rawFinishReason,
          usage: reply.usage,
          warnings: [],
          raw: { mock: true, reply },
        };
      } catch (error) {
        end(call, error);
        throw error;
      }
    },

    stream(request, callOptions): AsyncIterable<ProviderStreamPart> {
      return {
        [Symbol.asyncIterator]: () => streamReply(request, callOptions)[Symbol.asyncIterator](),
      };
    },

    async countTokens(request) {
      return estimateRequestTokens(request);
    },

    async listModels(): Promise<ModelInfo[]> {
      return (options.models ?? ['mock-model']).map((m) => (typeof m === 'string' ? { id: m, provider: name } : m));
    },

    rotateCredentials() {
      return keys.rotate();
    },

    async validateCredentials(): Promise<CredentialCheck> {
      if (options.credentialsValid === false) {
        return { ok: false, latencyMs: 0, error: new AuthenticationError({ provider: name, message: 'mock: invalid credentials' }) };
      }
      return { ok: true, latencyMs: 0 };
    },
  };

  async function* streamReply(request: ProviderRequest, callOptions: ProviderCallOptions): AsyncGenerator<ProviderStreamPart> {
    const call = begin('stream', request, callOptions);
    const { signal } = callOptions;
    const gap = options.chunkDelayMs ?? 0;
    let emitted = 0;
    let ended = false;
    // Content events count toward cutAfterChunks / truncateAfterChunks.
    const content = function* (reply: ResolvedReply): Generator<ProviderStreamPart> {
      for (const delta of reply.reasoning ? [reply.reasoning] : []) yield { type: 'reasoning-delta', delta };
      for (const delta of reply.chunks) yield { type: 'text-delta', delta };
      for (const c of reply.toolCalls) {
        const json = JSON.stringify(c.args ?? {});
        const half = Math.ceil(json.length / 2);
        yield { type: 'tool-call-delta', toolCallId: c.toolCallId, toolName: c.toolName, argsDelta: json.slice(0, half) };
        yield { type: 'tool-call-delta', toolCallId: c.toolCallId, toolName: c.toolName, argsDelta: json.slice(half) };
        yield { type: 'tool-call', toolCall: c };
      }
    };
    try {
      const reply = await prepare(request, call);
      yield { type: 'stream-start', warnings: [] };
      yield { type: 'response-metadata', id: reply.id, modelId: callOptions.model };
      for (const part of content(reply)) {
        if (reply.cutAfterChunks !== undefined && emitted >= reply.cutAfterChunks) {
          throw new ProviderUnavailableError({ provider: name, model: call.model, message: 'mock: connection reset mid-stream' });
        }
        if (reply.truncateAfterChunks !== undefined && emitted >= reply.truncateAfterChunks) {
          ended = true;
          end(call);
          return;
        }
        if (gap > 0) await sleep(gap, signal);
        else if (signal?.aborted) throw new AbortError({ provider: name, model: call.model });
        emitted++;
        yield part;
      }
      yield {
        type: 'finish',
        finishReason: reply.finishReason,
        rawFinishReason: reply.rawFinishReason,
        ...(options.usage !== 'none' && { usage: reply.usage }),
      };
      ended = true;
      end(call);
    } catch (error) {
      ended = true;
      end(call, error);
      throw error;
    } finally {
      // The consumer stopped early (break / return): the call ends as aborted.
      if (!ended) end(call, new AbortError({ provider: name, model: call.model }));
    }
  }

  return withDescription(provider, describeProvider({ kind: 'mock', name, apiKey: options.apiKey }));
}
