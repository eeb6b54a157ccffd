export { mockProvider, type MockProvider } from './mock-provider.js';
export type { MockCall, MockErrorKind, MockFailure, MockProviderOptions, MockReply, MockReplyFunction, MockToolCall } from './types.js';
