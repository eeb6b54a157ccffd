import { ConfigError } from '../core/errors.js';
import type { ChatRequest } from '../core/request.js';
import type { ChatResponse } from '../core/response.js';
import type { StreamEvent } from '../core/stream.js';
import { convertCall, type SwitchyardDefaults } from './convert-call.js';
import { StreamMapper } from './map-stream.js';
import { mapContent, mapFinishReason, mapUsage, mapWarnings, routeMetadata } from './map-result.js';
import type { SpecCallOptions, SpecGenerateResult, SpecStreamPart, SpecStreamResult } from './spec-types.js';

/** What the adapter needs of a router: its public `chat` and `stream`. */
export interface RouterLike {
  chat(request: ChatRequest): Promise<ChatResponse>;
  stream(request: ChatRequest): AsyncIterable<StreamEvent>;
}

/** `v3`: the LanguageModelV3 specification of `ai` 6 (`ai` 7 accepts it too); `v4`: LanguageModelV4 of `ai` 7 (Node 22+). */
export type SpecificationVersion = 'v3' | 'v4';

export interface SwitchyardModelSettings<V extends SpecificationVersion = 'v3'> {
  /** The specification the model implements. Default `v3` (works with `ai` 6 and 7). */
  specificationVersion?: V;
  /** Routing context and request fields applied to every call; `providerOptions.switchyard` overrides them per call. */
  defaults?: SwitchyardDefaults;
}

/** A switchyard router as an AI SDK language model. */
export interface SwitchyardLanguageModel<V extends SpecificationVersion = 'v3'> {
  readonly specificationVersion: V;
  readonly provider: 'switchyard';
  /** `auto` (the router decides) or the model alias every call is forced to. */
  readonly modelId: string;
  /** URLs are never downloaded by the AI SDK: each vendor adapter gets the URL as it is. */
  readonly supportedUrls: Record<string, RegExp[]>;
  doGenerate(options: SpecCallOptions): Promise<SpecGenerateResult>;
  doStream(options: SpecCallOptions): Promise<SpecStreamResult>;
}

export const AUTO = 'auto';

function checkRuntime(version: SpecificationVersion): void {
  if (version !== 'v3' && version !== 'v4') {
    throw new ConfigError([{ path: 'specificationVersion', message: `"v3" (ai 6 and 7) or "v4" (ai 7), got ${JSON.stringify(version)}` }]);
  }
  const major = Number(process.versions.node.split('.')[0]);
  if (version === 'v4' && major < 22) {
    throw new ConfigError([
      {
        path: 'specificationVersion',
        message: `"v4" is the specification of ai 7, which needs Node 22 or newer (this is Node ${process.versions.node}); use "v3" with ai 6`,
      },
    ]);
  }
}

export function createModel<V extends SpecificationVersion>(
  router: RouterLike,
  modelId: string,
  settings: SwitchyardModelSettings<V>,
): SwitchyardLanguageModel<V> {
  const specificationVersion = (settings.specificationVersion ?? 'v3') as V;
  checkRuntime(specificationVersion);
  const defaults = settings.defaults ?? {};
  const forced = modelId === AUTO ? undefined : modelId;
  return {
    specificationVersion,
    provider: 'switchyard',
    modelId,
    supportedUrls: { '*/*': [/^https?:\/\//] },

    async doGenerate(options) {
      const { request, warnings } = convertCall(options, forced, defaults);
      const response = await router.chat(request);
      return {
        content: mapContent(response),
        finishReason: mapFinishReason(response.finishReason, response.rawFinishReason),
        usage: mapUsage(response.usage),
        providerMetadata: routeMetadata(response),
        request: { body: undefined },
        response: { id: response.providerResponseId ?? response.id, modelId: response.route.providerModel, timestamp: new Date() },
        warnings: [...warnings, ...mapWarnings(response.warnings)],
      };
    },

    async doStream(options) {
      const { request, warnings } = convertCall(options, forced, defaults);
      const mapper = new StreamMapper(warnings);
      const iterator = router.stream(request)[Symbol.asyncIterator]();
      // Wait for the first event: a request that cannot be served at all rejects here, like a failed HTTP call.
      const first = await iterator.next();
      let pending: SpecStreamPart[] = first.done ? [] : mapper.map(first.value);
      let done = first.done === true;
      const stream = new ReadableStream<SpecStreamPart>({
        async pull(controller) {
          for (;;) {
            if (pending.length > 0) {
              for (const part of pending) controller.enqueue(part);
              pending = [];
              return;
            }
            if (done) {
              controller.close();
              return;
            }
            try {
              const next = await iterator.next();
              if (next.done) done = true;
              else pending = mapper.map(next.value);
            } catch (error) {
              controller.enqueue({ type: 'error', error });
              controller.close();
              done = true;
              return;
            }
          }
        },
        async cancel() {
          await iterator.return?.();
        },
      });
      return { stream, request: { body: undefined } };
    },
  };
}
