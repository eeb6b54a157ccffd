/**
 * The support agent of examples/support-agent.ts, written with the Vercel AI SDK (`generateText` with
 * tools and `stopWhen`, `generateObject`, `streamText`) and switchyard as the model: every model call
 * is routed, retried, fallen back and costed by the router. Needs `ai` 6 or 7 installed.
 */
import assert from 'node:assert/strict';
import { generateObject, generateText, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import { createSwitchyard } from '../src/ai-sdk/index.js';
import { createRouter } from '../src/index.js';
import { type MockReply } from '../src/testing.js';
import { type ProviderRequest } from '../src/provider.js';
import { mockProvider } from '../src/testing.js';

const orders: Record<string, { item: string; totalUsd: number; status: string }> = {
  'A-1001': { item: 'kettle', totalUsd: 39.5, status: 'delivered damaged' },
};

/** The same scripted "support LLM" as in support-agent.ts; `breakAt`: call numbers that fail with a 503. */
function supportVendor(name: string, breakAt: number[] = []) {
  let calls = 0;
  const brain = (request: ProviderRequest): MockReply => {
    calls++;
    if (breakAt.includes(calls)) return { fail: 503 };
    const last = request.messages[request.messages.length - 1]!;
    if (request.responseFormat !== undefined && request.responseFormat.type !== 'text')
      return JSON.stringify({ approve: true, amountUsd: 39.5, reason: `${name}: the kettle arrived damaged` });
    if (last.role === 'tool')
      return `(${name}) Order A-1001 (${JSON.stringify(last.content[0]!.result)}): a refund of $39.50 is on its way.`;
    return { toolCalls: [{ name: 'lookupOrder', args: { orderId: 'A-1001' } }] };
  };
  return mockProvider({ name, reply: brain });
}

const router = createRouter({
  providers: { primary: supportVendor('primary', [1]), secondary: supportVendor('secondary') },
  models: {
    'gpt-mini': { provider: 'primary', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 } },
    'claude-haiku': { provider: 'secondary', model: 'claude-haiku-4-5', pricing: { input: 1, output: 5 } },
  },
  retry: { retries: 0 },
});
const switchyard = createSwitchyard(router);
// Routing context per call; `session` keeps every step of the AI SDK's tool loop on one model.
const providerOptions = { switchyard: { tenant: 'acme', agent: 'support', session: 'conv-42' } };
const prompt = 'My kettle from order A-1001 arrived broken. Can I get my money back?';

// 1. The AI SDK's tool loop, each step a routed call. The first call fails on gpt-mini, the router
//    falls back to claude-haiku, and the session pin keeps step 2 there.
const lookupOrder = tool({
  description: 'Looks up an order by its id',
  inputSchema: z.object({ orderId: z.string() }),
  execute: async ({ orderId }) => orders[orderId] ?? { error: `no order ${orderId}` },
});
const result = await generateText({ model: switchyard(), prompt, tools: { lookupOrder }, stopWhen: stepCountIs(5), providerOptions });
assert.equal(result.steps.length, 2);
console.log('1. generateText:', result.text);
for (const [i, step] of result.steps.entries()) {
  const route = step.providerMetadata?.switchyard;
  console.log(
    `   step ${i + 1}: ${step.finishReason} on ${String(route?.model)} (fallbackUsed: ${String(route?.fallbackUsed)}, $${String(route?.costUsd)})`,
  );
}

// 2. A typed refund decision: the schema goes to the vendor as native structured output.
const { object: decision } = await generateObject({
  model: switchyard(),
  schema: z.object({ approve: z.boolean(), amountUsd: z.number().min(0), reason: z.string() }),
  schemaName: 'refundDecision',
  prompt,
  providerOptions,
});
console.log(`2. generateObject: approve=${decision.approve} amount=$${decision.amountUsd.toFixed(2)} (${decision.reason})`);

// 3. Streaming, through the router's stream.
const stream = streamText({ model: switchyard('claude-haiku'), prompt, tools: { lookupOrder }, stopWhen: stepCountIs(3), providerOptions });
let chunks = 0;
for await (const _delta of stream.textStream) chunks++;
console.log(`3. streamText: ${chunks} text chunk(s), finish: ${await stream.finishReason}`);

// 4. The router's ledger: one record per call with its attempts (the first call's failed try on gpt-mini
//    included) and the routing context given through providerOptions.
const records = await router.costs.records();
console.log(
  '4. ledger:',
  records.map((r) => `${r.model}:${r.outcome}(${r.attempts})`).join(' '),
  '| tenant:',
  records[0]!.tenant,
  '| session:',
  records[0]!.session,
);
await router.close();
