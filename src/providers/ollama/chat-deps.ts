import type { OllamaDefaults } from './build-chat-body.js';
import type { OllamaHttp } from './http.js';

/** What `chat()` and `stream()` share: the transport, the factory defaults and the instance name. */
export interface ChatDeps {
  http: OllamaHttp;
  defaults: OllamaDefaults;
  provider: string;
}
