/**
 * A customer-support agent with switchyard alone: a `lookupOrder` tool run by `router.run()`, a typed
 * `refundDecision` from `router.object()`, a refund that needs a human's approval, all served through
 * fallback between two vendors (offline mock vendors here; swap in `openai(...)`, `anthropic(...)`).
 * The same agent through the Vercel AI SDK: examples/support-agent-ai-sdk.ts.
 */
import assert from 'node:assert/strict';
import { z } from 'zod';
import { createRouter, hasToolCall, ObjectValidationError, stepCountIs, tool } from '../src/index.js';
import { type MockReply } from '../src/testing.js';
import { type ProviderRequest } from '../src/provider.js';
import { mockProvider } from '../src/testing.js';

const orders: Record<string, { item: string; totalUsd: number; status: string }> = {
  'A-1001': { item: 'kettle', totalUsd: 39.5, status: 'delivered damaged' },
};

/**
 * A scripted "model" that behaves like a support LLM: asks for the order, then answers; for a
 * structured request it returns the decision as JSON. `breakAt`: the call numbers that fail with a 503.
 */
function supportVendor(name: string, breakAt: number[] = []) {
  let calls = 0;
  const brain = (request: ProviderRequest): MockReply => {
    calls++;
    if (breakAt.includes(calls)) return { fail: 503 };
    const last = request.messages[request.messages.length - 1]!;
    if (request.responseFormat !== undefined && request.responseFormat.type !== 'text') {
      return JSON.stringify({ approve: true, amountUsd: 39.5, reason: `${name}: the kettle arrived damaged` });
    }
    if (last.role === 'tool') {
      const result = last.content[0]!;
      if (result.toolName === 'lookupOrder') return { toolCalls: [{ name: 'issueRefund', args: { orderId: 'A-1001', amountUsd: 39.5 } }] };
      return `(${name}) Done: ${JSON.stringify(result.result)}`;
    }
    return { toolCalls: [{ name: 'lookupOrder', args: { orderId: 'A-1001' } }] };
  };
  return mockProvider({ name, reply: brain });
}

const primary = supportVendor('primary', [2]); // its second call fails: the run falls back as a whole
const secondary = supportVendor('secondary');
const router = createRouter({
  providers: { primary, secondary },
  models: {
    'gpt-mini': { provider: 'primary', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 } },
    'claude-haiku': { provider: 'secondary', model: 'claude-haiku-4-5', pricing: { input: 1, output: 5 } },
  },
  retry: { retries: 0 },
});

const refundLog: string[] = [];
const tools = {
  lookupOrder: tool({
    description: 'Looks up an order by its id',
    input: z.object({ orderId: z.string() }),
    // `orderId` is typed string here, from the zod schema.
    execute: ({ orderId }) => orders[orderId] ?? { error: `no order ${orderId}` },
  }),
  issueRefund: tool({
    description: 'Refunds an order',
    input: z.object({ orderId: z.string(), amountUsd: z.number().positive() }),
    needsApproval: ({ amountUsd }) => amountUsd > 20, // above $20 a human decides
    execute: ({ orderId, amountUsd }) => {
      refundLog.push(`${orderId}: $${amountUsd}`);
      return { refunded: amountUsd };
    },
  }),
};
const messages = [{ role: 'user' as const, content: 'My kettle from order A-1001 arrived broken. Can I get my money back?' }];
const context = { tenant: 'acme', agent: 'support' };

// 1. The tool loop: step 1 on gpt-mini looks the order up, step 2 fails on its vendor, so the run
//    restarts on claude-haiku, which looks the order up again and asks to refund: that needs approval.
const paused = await router.run({ messages, tools, ...context });
assert.equal(paused.status, 'needs-approval');
console.log(
  '1. run paused:',
  paused.status,
  '| pending:',
  paused.pending.map((p) => `${p.toolName}(${JSON.stringify(p.input)})`).join(', '),
);
console.log(
  '   steps:',
  paused.steps.map((s) => `${s.model}${s.abandoned ? ' (abandoned)' : ''}: ${s.toolCalls.map((c) => c.toolName).join(', ')}`).join(' | '),
);
console.log('   restarts:', paused.restarts.map((r) => `${r.model} failed: ${r.error.message}`).join(', '));

// 2. A human approves; the run resumes on the same model and finishes.
const done = await router.run({ tools, ...context, resume: paused, approvals: { [paused.pending[0]!.toolCallId]: true } });
assert.equal(done.status, 'done');
assert.deepEqual(refundLog, ['A-1001: $39.5']);
console.log('2. resumed:', done.text, '| model:', done.model);

// 3. A typed refund decision (native structured output, validated with zod).
const refundDecision = z.object({ approve: z.boolean(), amountUsd: z.number().min(0), reason: z.string() });
const { object: decision, response } = await router.object({ messages, schema: refundDecision, schemaName: 'refundDecision', ...context });
// decision: { approve: boolean; amountUsd: number; reason: string }
console.log(
  `3. decision: approve=${decision.approve} amount=$${decision.amountUsd.toFixed(2)} (${decision.reason}) via ${response.route.model}`,
);

// 4. Partial objects while the decision streams.
let partials = 0;
for await (const event of router.streamObject({ messages, schema: refundDecision, ...context })) {
  if (event.type === 'partial') partials++;
  if (event.type === 'object') console.log(`4. streamed decision after ${partials} partial(s):`, JSON.stringify(event.object));
}

// 5. An answer that never validates ends in a typed error carrying the issues and the raw text.
const strict = z.object({ approve: z.boolean(), amountUsd: z.number().max(10), reason: z.string() });
const failure = await router.object({ messages, schema: strict, maxRepairs: 1, model: 'claude-haiku' }).catch((e: unknown) => e);
assert.ok(ObjectValidationError.isInstance(failure));
console.log(`5. ${failure.name}: ${failure.issues[0]!.path.join('.')}: ${failure.issues[0]!.message} (${failure.tries.length} tries)`);

// 6. The loop streamed, stopping after one step (or as soon as the model asks for a refund);
//    the schema in the prompt instead of the vendor's structured output (`mode: 'prompt'`);
//    and a JSON Schema instead of zod, typed by the call's type parameter.
const seen: string[] = [];
for await (const event of router.streamRun({
  messages,
  tools,
  stopWhen: [stepCountIs(1), hasToolCall('issueRefund')],
  model: 'claude-haiku',
  ...context,
})) {
  if (event.type === 'step-start') seen.push(`step ${event.step + 1}`);
  if (event.type === 'stream' && event.event.type === 'tool-call') seen.push(`calls ${event.event.toolCall.toolName}`);
  if (event.type === 'tool-result') seen.push(`${event.result.toolName}: ${event.result.status}`);
  if (event.type === 'finish') seen.push(`finish (${event.result.status})`);
}
console.log('6. streamRun:', seen.join(' -> '));
const prompted = await router.object({ messages, schema: refundDecision, mode: 'prompt', model: 'claude-haiku' });
const asJsonSchema = await router.object<{ approve: boolean }>({
  messages,
  schema: { type: 'object', properties: { approve: { type: 'boolean' } }, required: ['approve'] },
  model: 'claude-haiku',
});
console.log(
  `   mode: ${prompted.tries[0]!.mode}, approve=${prompted.object.approve}; with a JSON Schema: approve=${asJsonSchema.object.approve}`,
);

// 7. Every step of every run is in the ledger, the failed and abandoned ones included.
const records = await router.costs.records();
const spent = records.reduce((n, r) => n + r.costMicros, 0);
console.log(
  `7. ${records.length} calls recorded, ${records.filter((r) => r.outcome === 'error').length} failed, $${(spent / 1e6).toFixed(6)} in total`,
);
console.log(
  '   the first run (both models):',
  records
    .filter((r) => r.session === paused.session)
    .map((r) => `${r.model}:${r.outcome}`)
    .join(' '),
);
await router.close();
