/**
 * A ready client of `@anthropic-ai/sdk` (`new Anthropic({ ... })`), described by members every
 * version in the peer range has. Structural on purpose: the public type declarations of switchyard
 * never import the SDK, so an app that does not install it still type-checks.
 */
export interface AnthropicClientLike {
  readonly baseURL: string;
  readonly messages: object;
}
