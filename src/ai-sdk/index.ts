/**
 * `switchyard/ai-sdk`: a switchyard router as a Vercel AI SDK language model, so that `generateText`,
 * `streamText`, `generateObject` and the AI SDK's tool loop are routed, retried, fallen back and costed.
 * No import of `ai` happens here: the model implements the specification structurally.
 */
import {
  AUTO,
  createModel,
  type RouterLike,
  type SpecificationVersion,
  type SwitchyardLanguageModel,
  type SwitchyardModelSettings,
} from './model.js';

/** Call it for a model: `switchyard()` (the router decides) or `switchyard('gpt-mini')` (always that alias). */
export interface SwitchyardProvider<V extends SpecificationVersion = 'v3'> {
  (modelId?: string): SwitchyardLanguageModel<V>;
  languageModel(modelId?: string): SwitchyardLanguageModel<V>;
}

/** A provider over `router`. Routing context per call: `providerOptions: { switchyard: { tenant, agent, session, ... } }`. */
export function createSwitchyard<V extends SpecificationVersion = 'v3'>(
  router: RouterLike,
  settings: SwitchyardModelSettings<V> = {},
): SwitchyardProvider<V> {
  const make = (modelId: string = AUTO) => createModel(router, modelId, settings);
  // Checks the settings at once (a v4 provider on Node 20 fails here, not at the first call).
  make();
  return Object.assign((modelId?: string) => make(modelId), { languageModel: (modelId?: string) => make(modelId) });
}

export type { RouterLike, SpecificationVersion, SwitchyardLanguageModel, SwitchyardModelSettings } from './model.js';
export type { SwitchyardCallOptions, SwitchyardDefaults } from './convert-call.js';
export type {
  SpecCallOptions,
  SpecGenerateResult,
  SpecStreamResult,
  SpecStreamPart,
  SpecContent,
  SpecUsage,
  SpecFinishReason,
  SpecWarning,
  SpecMessage,
} from './spec-types.js';
