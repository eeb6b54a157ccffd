/**
 * Sealed configuration secrets and a hash-chained audit log, end to end: seal a config for storage,
 * open it at start-up, route requests through mock providers, audit every request and control
 * action to a JSON Lines file, then verify the file and show that tampering is detected.
 * No API keys, no network: `npx tsx examples/audit-and-secrets.ts`.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRouter } from '../src/index.js';
import { mockProvider } from '../src/testing.js';
import { generateSealKey, openSecrets, sealSecrets, SealedConfigError } from '../src/security/index.js';
import { auditHeads, jsonlFileSink, readAuditFile, verifyAuditLog } from '../src/index.js';

// 1. Seal the credentials of a plain configuration (what you would commit or store at rest).
const plain = {
  providers: {
    gpt: { apiKey: 'sk-example-0000111122223333444455556666', baseURL: 'https://api.openai.com/v1' },
    proxy: { baseURL: 'https://llm-proxy.internal', headers: { Authorization: 'Bearer example-proxy-token-abcdef', 'X-Team': 'support' } },
  },
  tenants: { acme: { apiKey: 'acme-byok-example-9876543210', budgetUsd: 25 } },
};
const key = generateSealKey(); // in production: from a secret manager / KMS, never next to the sealed file
const sealed = sealSecrets(plain, key);
const sealedJson = JSON.stringify(sealed, null, 2);
assert.ok(!sealedJson.includes('sk-example'));
console.log('sealed apiKey field:', JSON.stringify(sealed.providers.gpt.apiKey));
console.log('still readable:     ', sealed.providers.proxy.baseURL, sealed.providers.proxy.headers['X-Team']);

// 2. Open it at start-up. A wrong key or a tampered field fails with the field's path, never the key.
const opened = openSecrets(sealed, key);
assert.deepEqual(opened, plain);
try {
  openSecrets(JSON.parse(sealedJson), generateSealKey());
} catch (error) {
  if (!SealedConfigError.isInstance(error)) throw error;
  console.log('wrong key:', error.reason, 'at', error.path);
}
const moved = structuredClone(sealed);
moved.providers.gpt.apiKey = sealed.tenants.acme.apiKey; // a sealed value moved to another field
try {
  openSecrets(moved, key);
} catch (error) {
  if (!SealedConfigError.isInstance(error)) throw error;
  console.log('moved value:', error.reason, 'at', error.path);
}

// 3. The router's audit log on a JSON Lines file: every request and control action, chained per tenant.
const dir = await mkdtemp(join(tmpdir(), 'switchyard-example-'));
const file = join(dir, 'audit.jsonl');

const router = createRouter({
  providers: {
    primary: mockProvider({ name: 'primary', failFirst: { times: 1, with: 503 }, reply: 'Refund issued.' }),
    backup: mockProvider({ name: 'backup', reply: 'Backup answer.' }),
  },
  models: {
    fast: { provider: 'primary', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 } },
    safe: { provider: 'backup', model: 'claude-haiku-4-5', pricing: { input: 1, output: 5 } },
  },
  strategy: 'fallback',
  retry: { retries: 0 },
  audit: { sink: jsonlFileSink(file), content: 'hash' }, // keep SHA-256 of prompts/completions, never the text
});
router.on('audit-error', (e) => console.log('audit sink problem (request unaffected):', e.error.message));

const messages = [{ role: 'user' as const, content: 'Please refund order 4411.' }];
for (const tenant of ['acme', 'globex', 'acme']) await router.chat({ messages, tenant, user: 'u-7', agent: 'support' });
router.disable('primary', { actor: 'alice@ops' });
router.tenants.set('initech', { denyModels: ['fast'] }, { actor: 'alice@ops' });

await router.close(); // resolves once every audit entry is written and fsynced (at most `closeTimeoutMs`, default 10 s)

// 4. A deploy restarts the process: the new router continues the chains of the same file with `resume`.
const restarted = createRouter({
  providers: { backup: mockProvider({ name: 'backup', reply: 'After the restart.' }) },
  models: { safe: { provider: 'backup', model: 'claude-haiku-4-5', pricing: { input: 1, output: 5 } } },
  audit: { sink: jsonlFileSink(file), content: 'hash', resume: auditHeads(await readAuditFile(file)), closeTimeoutMs: 5_000 },
});
await restarted.chat({ messages, tenant: 'acme', user: 'u-7', agent: 'support' });
const heads = restarted.audit!.heads();
await restarted.close();

// 5. Verify the file; then tamper with one entry and see where the chain breaks.
const entries = await readAuditFile(file);
console.log(`audit file: ${entries.length} entries, verify:`, JSON.stringify(verifyAuditLog(entries, { heads })));
const first = entries[0] as { type: string; tenant: string | null; model?: string; fallbackUsed?: boolean; attempts?: unknown[] };
console.log(
  'first entry:',
  first.type,
  first.tenant,
  first.model,
  'fallbackUsed:',
  first.fallbackUsed,
  'attempts:',
  first.attempts?.length,
);
const tampered = structuredClone(entries) as Array<Record<string, unknown>>;
(tampered[1] as { latencyMs?: number }).latencyMs = 1;
console.log('after editing entry 1:', JSON.stringify(verifyAuditLog(tampered)));
console.log('after removing the last entry:', JSON.stringify(verifyAuditLog(entries.slice(0, -1), { heads })));

await rm(dir, { recursive: true, force: true });
