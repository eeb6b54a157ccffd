/**
 * Every measured client, by id. Add a client here (and a file in this folder) to have it measured:
 * the orchestrator runs each in its own process, interleaved in rounds with the others.
 */
import type { ClientFactory } from './types.js';
import type { Variant } from './switchyard.js';

export type Group = 'floor' | 'switchyard' | 'peer' | 'transport' | 'other-wire';

export interface ClientSpec {
  id: string;
  label: string;
  group: Group;
  /** Needs bench/node_modules (peers, undici). */
  benchDeps?: boolean;
  /** Also run with --quick. */
  quick?: boolean;
  /** The client its overhead is measured against (default FLOOR, the direct openai SDK). */
  floor?: string;
  /** switchyard clients: the router configuration measured (also used in process by micro-sdk.ts). */
  variant?: Variant;
  load(): Promise<ClientFactory>;
}

/** A switchyard client: the variant it measures, and its loader. */
const variant = (v: Variant): Pick<ClientSpec, 'variant' | 'load'> => ({
  variant: v,
  load: async () => {
    const { createVariant } = await import('./switchyard.js');
    return (ctx) => createVariant(ctx, v);
  },
});

/** The floor every overhead is measured against. */
export const FLOOR = 'openai-sdk';
/** The floor's client measured again as if it were another client (an A/A control). */
export const AA_CONTROL = 'openai-sdk-aa';

export const CLIENTS: ClientSpec[] = [
  {
    id: 'openai-sdk',
    label: 'openai SDK direct (floor)',
    group: 'floor',
    quick: true,
    load: async () => (await import('./openai-sdk.js')).create,
  },
  // The floor's client again, in its own process: the run's own noise between two identical clients.
  { id: AA_CONTROL, label: 'openai SDK direct, A/A control', group: 'floor', load: async () => (await import('./openai-sdk.js')).create },
  { id: 'raw-http', label: 'raw node:http', group: 'floor', quick: true, load: async () => (await import('./raw-http.js')).create },
  {
    id: 'sy-bare',
    label: 'switchyard 1 model, bare',
    group: 'switchyard',
    ...variant({ models: 1, routes: 0, providers: 1, realistic: false }),
  },
  {
    id: 'sy-one',
    label: 'switchyard 1 model',
    group: 'switchyard',
    quick: true,
    ...variant({ models: 1, routes: 0, providers: 1, realistic: true }),
  },
  {
    id: 'sy-fallback5',
    label: 'switchyard fallback x5',
    group: 'switchyard',
    quick: true,
    ...variant({ models: 5, routes: 0, providers: 5, realistic: true, strategy: 'fallback' }),
  },
  {
    id: 'sy-cost',
    label: 'switchyard cost 20m/10r',
    group: 'switchyard',
    ...variant({ models: 20, routes: 10, providers: 4, realistic: true, strategy: 'cost' }),
  },
  {
    id: 'sy-capability',
    label: 'switchyard capability 20m/10r',
    group: 'switchyard',
    ...variant({ models: 20, routes: 10, providers: 4, realistic: true, strategy: 'capability' }),
  },
  {
    id: 'sy-load-balance',
    label: 'switchyard load-balance 20m/10r',
    group: 'switchyard',
    quick: true,
    ...variant({ models: 20, routes: 10, providers: 4, realistic: true, strategy: 'load-balance' }),
  },
  {
    id: 'ai-sdk',
    label: 'Vercel AI SDK',
    group: 'peer',
    benchDeps: true,
    quick: true,
    load: async () => (await import('./ai-sdk.js')).create,
  },
  {
    id: 'langchain',
    label: 'LangChain ChatOpenAI',
    group: 'peer',
    benchDeps: true,
    quick: true,
    load: async () => (ctx) => import('./langchain.js').then((m) => m.createLangChain(ctx, false)),
  },
  {
    id: 'langchain-fb',
    label: 'LangChain withFallbacks x5',
    group: 'peer',
    benchDeps: true,
    load: async () => (ctx) => import('./langchain.js').then((m) => m.createLangChain(ctx, true)),
  },
  {
    id: 'openai-sdk-undici',
    label: 'openai SDK + undici Agent',
    group: 'transport',
    benchDeps: true,
    load: async () => {
      const [{ directClient, sdkCalls }, { undiciFetch, undiciNote }] = await Promise.all([
        import('./openai-sdk.js'),
        import('./transport.js'),
      ]);
      return async ({ origin, model }) => ({ notes: [undiciNote()], ...sdkCalls(directClient(origin, await undiciFetch()), model) });
    },
  },
  {
    id: 'anthropic-sdk',
    label: 'anthropic SDK direct',
    group: 'other-wire',
    floor: 'anthropic-sdk',
    load: async () => (await import('./other-wires.js')).anthropicDirect,
  },
  {
    id: 'sy-anthropic',
    label: 'switchyard anthropic 1 model',
    group: 'other-wire',
    floor: 'anthropic-sdk',
    load: async () => (await import('./other-wires.js')).anthropicRouter,
  },
  {
    id: 'gemini-sdk',
    label: '@google/genai direct',
    group: 'other-wire',
    floor: 'gemini-sdk',
    load: async () => (await import('./other-wires.js')).geminiDirect,
  },
  {
    id: 'sy-gemini',
    label: 'switchyard gemini 1 model',
    group: 'other-wire',
    floor: 'gemini-sdk',
    load: async () => (await import('./other-wires.js')).geminiRouter,
  },
  {
    id: 'openai-sdk-undici-pipe',
    label: 'openai SDK + undici pipelining 8',
    group: 'transport',
    benchDeps: true,
    load: async () => {
      const [{ directClient, sdkCalls }, { undiciFetch }, { peerVersion }] = await Promise.all([
        import('./openai-sdk.js'),
        import('./transport.js'),
        import('../lib/peer.js'),
      ]);
      return async ({ origin, model }) => ({
        notes: [
          `undici@${peerVersion('undici')} fetch + Agent(keepAlive 60 s, 128 connections, pipelining 8): requests may queue behind another on one socket`,
        ],
        ...sdkCalls(directClient(origin, await undiciFetch({ pipelining: 8 })), model),
      });
    },
  },
  {
    id: 'sy-one-undici',
    label: 'switchyard 1 model + undici',
    group: 'transport',
    benchDeps: true,
    ...variant({ models: 1, routes: 0, providers: 1, realistic: true, transport: 'undici' }),
  },
];
