/**
 * A ready client of the `openai` SDK (`new OpenAI({ ... })`, or `new AzureOpenAI({ ... })`),
 * described by members every version in the peer range has. Structural on purpose: the public
 * type declarations of switchyard never import the SDK, so an app that does not install `openai`
 * still type-checks. `provider.client()` gives this type back; cast it to `OpenAI` for the SDK's
 * own methods (`(await provider.client()) as OpenAI`).
 */
export interface OpenAIClientLike {
  readonly baseURL: string;
  readonly chat: { readonly completions: object };
}
