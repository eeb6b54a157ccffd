/** switchyard clients: the router in front of its own `openai` adapter, against the same mock. */
import type { ChatRequest, Router } from '../../src/index.js';
import {
  benchRequest,
  buildRouter,
  describe,
  initSwitchyard,
  manyModels,
  manyRoutes,
  openaiProviders,
  realisticExtras,
  type BuiltRouter,
} from '../lib/switchyard-config.js';
import type { BenchClient, ClientContext } from './types.js';
import { undiciFetch } from './transport.js';

function calls(router: Router, request: ChatRequest): Pick<BenchClient, 'chat' | 'stream'> {
  return {
    async chat() {
      return (await router.chat(request)).text;
    },
    async stream(onFirst) {
      let text = '';
      let first = true;
      for await (const ev of router.stream(request)) {
        if (ev.type === 'text-delta') {
          if (first) {
            first = false;
            onFirst();
          }
          text += ev.delta;
        }
      }
      return text;
    },
  };
}

function client(b: BuiltRouter, config: string, wanted?: string): BenchClient {
  const notes: string[] = [];
  if (b.rejected.length) notes.push(`not available at run time (dropped): ${b.rejected.join('; ')}`);
  if (wanted !== undefined && b.strategy !== wanted)
    notes.push(`strategy "${wanted}" not accepted by createRouter: measured with "${b.strategy}" instead`);
  return {
    notes,
    config,
    ...calls(b.router, benchRequest()),
    close: () => b.router.close(),
  };
}

export interface Variant {
  /** Models, routes and provider instances. */
  models: number;
  routes: number;
  providers: number;
  strategy?: string;
  /** Turn on every option the router accepts and subscribe to every event. */
  realistic: boolean;
  transport?: 'undici';
}

/** The router of a variant over OpenAI providers at `ctx.origin` (call `initSwitchyard()` first). */
export function variantRouter(ctx: ClientContext, v: Variant, fetchImpl?: typeof globalThis.fetch): BuiltRouter {
  const providers = openaiProviders(ctx.origin, v.providers, fetchImpl);
  const names = Object.keys(providers);
  // Model m00 is the mock's healthy model; the others are distinct vendor ids (all healthy, never reached by fallback).
  const models = manyModels(v.models, names, (i) => (i === 0 ? ctx.model : `${ctx.model}-alt${i}`));
  const modelNames = Object.keys(models);
  const routes = v.routes > 0 ? manyRoutes(v.routes, modelNames) : undefined;
  return buildRouter({ providers, models, ...(routes && { routes }) }, v.realistic ? realisticExtras(names) : {}, {
    events: v.realistic,
    ...(v.strategy !== undefined && { strategy: v.strategy }),
  });
}

export async function createVariant(ctx: ClientContext, v: Variant): Promise<BenchClient> {
  const sy = await initSwitchyard();
  const fetchImpl = v.transport === 'undici' ? await undiciFetch() : undefined;
  const b = variantRouter(ctx, v, fetchImpl);
  // Check that the first candidate is the healthy model for fallback-ordered configurations.
  const decision = b.router.explain(benchRequest());
  const c = client(
    b,
    describe(b, v.models, v.routes) +
      (v.realistic ? '' : ' (bare: no extras, no listeners)') +
      (v.transport ? `, transport=${v.transport}` : ''),
    v.strategy,
  );
  c.notes.push(`switchyard from ${sy.source}`);
  c.notes.push(`explain(): first candidates ${decision.candidates.slice(0, 3).join(', ')} by ${decision.strategy}`);
  return c;
}
