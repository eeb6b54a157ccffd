/** An API key, or a function that returns the current one (called when a client is created). */
export type ApiKey = string | (() => string | Promise<string>);

/** Core options every adapter factory accepts. */
export interface BaseProviderOptions<Client = never> {
  apiKey?: ApiKey;
  /** The vendor's API root (whatever the SDK calls it). */
  baseURL?: string;
  /** Extra HTTP headers on every call. */
  headers?: Record<string, string>;
  /** A custom fetch implementation, passed to the SDK. */
  fetch?: typeof globalThis.fetch;
  /** A ready client of the vendor's official SDK; the other connection options are then ignored. */
  client?: Client;
}
