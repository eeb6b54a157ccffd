/** `switchyard/testing`: mock providers for unit tests of agent code. */
export { mockProvider } from './providers/mock/index.js';
export type {
  MockProvider,
  MockProviderOptions,
  MockReply,
  MockFailure,
  MockErrorKind,
  MockCall,
  MockToolCall,
  MockReplyFunction,
} from './providers/mock/index.js';
