import type { ChatRequest, GenerationParams, ProviderRequest, RoutingContext } from '../../core/request.js';
import { toJSONSchema } from '../../core/tools.js';
import type { ModelConfig } from '../config/options.js';

/** The provider-facing part of a request (tools converted to JSON Schema once for all candidates). */
export function toProviderRequest(request: Readonly<ChatRequest>): ProviderRequest {
  const out: ProviderRequest = { messages: request.messages, params: request.params ?? {} };
  if (request.system !== undefined) out.system = request.system;
  if (request.tools) {
    out.tools = request.tools.map((t) => ({
      name: t.name,
      ...(t.description !== undefined && { description: t.description }),
      parameters: toJSONSchema(t.parameters),
    }));
  }
  if (request.toolChoice !== undefined) out.toolChoice = request.toolChoice;
  if (request.responseFormat) {
    const f = request.responseFormat;
    out.responseFormat = f.type === 'json-schema' ? { ...f, schema: toJSONSchema(f.schema) } : f;
  }
  if (request.providerOptions) out.providerOptions = request.providerOptions;
  return out;
}

/** Applies a model's default params under the request's own. */
export function forModel(request: ProviderRequest, config: Readonly<ModelConfig>): ProviderRequest {
  if (!config.params) return request;
  const params: GenerationParams = { ...config.params, ...request.params };
  return { ...request, params };
}

/** The routing context of a request: who asks, for what (tenant, user, agent, session, tags). */
export function contextOf(request: Readonly<ChatRequest>): RoutingContext {
  const ctx: RoutingContext = {};
  if (request.tenant !== undefined) ctx.tenant = request.tenant;
  if (request.user !== undefined) ctx.user = request.user;
  if (request.agent !== undefined) ctx.agent = request.agent;
  if (request.session !== undefined) ctx.session = request.session;
  if (request.tags !== undefined) ctx.tags = request.tags;
  return ctx;
}
