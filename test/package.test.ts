import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'switchyard-pack-'));

let tarball: Promise<string> | undefined;
/** Builds and packs once for the whole file; the path of the tarball. */
function packed(): Promise<string> {
  tarball ??= (async () => {
    await run('npm', ['run', 'build'], { cwd: root, timeout: 300_000 });
    const { stdout } = await run('npm', ['pack', '--pack-destination', dir, '--json'], { cwd: root, timeout: 60_000 });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    return join(dir, filename);
  })();
  return tarball;
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The published tarball must work for both module systems, with no provider SDK installed.
describe('npm pack', () => {
  it('installs into an empty folder; import and require of switchyard, switchyard/testing and switchyard/transport work', async () => {
    const filename = await packed();
    const app = join(dir, 'app');
    await run('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', filename], { cwd: app, timeout: 120_000 });

    writeFileSync(
      join(app, 'esm.mjs'),
      `import { createRouter, RateLimitError } from 'switchyard';
import { mockProvider } from 'switchyard/testing';
const router = createRouter({ providers: { m: mockProvider({ reply: 'esm ok' }) }, models: { x: { provider: 'm', model: 'x' } } });
const res = await router.chat({ messages: [{ role: 'user', content: 'hi' }] });
console.log(res.text, typeof RateLimitError.isInstance);`,
    );
    writeFileSync(
      join(app, 'cjs.cjs'),
      `const { createRouter, mockProvider } = require('switchyard');
const testing = require('switchyard/testing');
const router = createRouter({ providers: { m: testing.mockProvider({ reply: 'cjs ok' }) }, models: { x: { provider: 'm', model: 'x' } } });
router.chat({ messages: [{ role: 'user', content: 'hi' }] }).then((r) => console.log(r.text, typeof testing.mockProvider, typeof mockProvider));`,
    );
    const esm = await run('node', ['esm.mjs'], { cwd: app });
    expect(esm.stdout.trim()).toBe('esm ok function');
    const cjs = await run('node', ['cjs.cjs'], { cwd: app });
    // Mocks live in switchyard/testing only: the app entry does not carry them.
    expect(cjs.stdout.trim()).toBe('cjs ok function undefined');

    // switchyard/transport resolves for both module systems; it needs the optional peer undici, which
    // the main entry never loads (esm.mjs and cjs.cjs above ran without it).
    writeFileSync(
      join(app, 'resolve.cjs'),
      `console.log(require.resolve('switchyard/transport').endsWith('transport.cjs'));
import('switchyard/transport').then(() => console.log('loaded'), (e) => console.log(e.code, String(e.message).includes('undici')));`,
    );
    writeFileSync(join(app, 'resolve.mjs'), `console.log(import.meta.resolve('switchyard/transport').endsWith('transport.js'));`);
    expect((await run('node', ['resolve.cjs'], { cwd: app })).stdout.trim()).toBe('true\nERR_MODULE_NOT_FOUND true');
    expect((await run('node', ['resolve.mjs'], { cwd: app })).stdout.trim()).toBe('true');
    // With undici installed (linked from this repository's devDependency: no network), both work end to end.
    await run('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--ignore-scripts', join(root, 'node_modules', 'undici')], {
      cwd: app,
      timeout: 120_000,
    });
    const serve = `const http = require('node:http');
const server = http.createServer((req, res) => res.end('transport ok')).listen(0, '127.0.0.1', async () => {
  const t = createTransport({ connections: 2 });
  const text = await (await t('http://127.0.0.1:' + server.address().port + '/')).text();
  await t.close();
  server.close();
  console.log(text, t.options.pipelining);
});`;
    writeFileSync(join(app, 'transport.cjs'), `const { createTransport } = require('switchyard/transport');\n${serve}`);
    writeFileSync(
      join(app, 'transport.mjs'),
      `import { createRequire } from 'node:module';\n` +
        `import { createTransport } from 'switchyard/transport';\n` +
        `const require = createRequire(import.meta.url);\n${serve}`,
    );
    expect((await run('node', ['transport.cjs'], { cwd: app })).stdout.trim()).toBe('transport ok 1');
    expect((await run('node', ['transport.mjs'], { cwd: app })).stdout.trim()).toBe('transport ok 1');
  }, 300_000);

  // The type declarations must not need an SDK the app did not install: an app with only `openai`
  // type-checks strictly, library declarations included (skipLibCheck: false), as ESM and as CJS.
  it('type-checks a strict app that has only openai installed (skipLibCheck: false)', async () => {
    const filename = await packed();
    const app = join(dir, 'typed-app');
    await run('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'typed-app', version: '1.0.0', private: true, type: 'module' }));
    // The tarball (its own dependencies from the npm cache), and openai and @types/node from this
    // repository's node_modules: no other network.
    const local = (name: string) => join(root, 'node_modules', name);
    const install = [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--ignore-scripts',
      filename,
      local('openai'),
      local('@types/node'),
    ];
    await run('npm', install, { cwd: app, timeout: 180_000 });
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          types: ['node'],
        },
        files: ['app.ts', 'app.cts'],
      }),
    );
    writeFileSync(
      join(app, 'app.ts'),
      `import OpenAI from 'openai';
import { anthropic, createRouter, gemini, openai, type ChatResponse, type OpenAIClientLike } from 'switchyard';
import { mockProvider } from 'switchyard/testing';
import type { LLMProvider, ProviderRequest } from 'switchyard/provider';

export const custom: Pick<LLMProvider, 'kind'> & { seen?: ProviderRequest } = { kind: 'mine' };
const client: OpenAIClientLike = new OpenAI({ apiKey: 'sk-typed-app-0000', baseURL: 'http://127.0.0.1:9/v1' });
const router = createRouter({
  providers: { gpt: openai({ client }), claude: anthropic({ apiKey: 'x-typed' }), gem: gemini({ apiKey: 'y-typed' }), mock: mockProvider({ reply: 'ok' }) },
  models: { small: { provider: 'mock', model: 'm' }, big: { provider: 'gpt', model: 'gpt-4o-mini' } },
});
const res: ChatResponse = await router.chat({ model: 'small', messages: [{ role: 'user', content: 'hi' }] });
const sdk = (await openai({ client }).client()) as OpenAI;
export const text: string = res.text + String(sdk.baseURL);
`,
    );
    writeFileSync(
      join(app, 'app.cts'),
      `import switchyard = require('switchyard');
import testing = require('switchyard/testing');
export const router = switchyard.createRouter({ providers: { m: testing.mockProvider({ reply: 'ok' }) }, models: { x: { provider: 'm', model: 'x' } } });
`,
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run('node', [tsc, '-p', app], { cwd: app, timeout: 180_000 }).then(
      () => ({ ok: true, out: '' }),
      (error: { stdout?: string; stderr?: string }) => ({ ok: false, out: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    expect(result.out).toBe('');
    expect(result.ok).toBe(true);
  }, 400_000);

  // Every subpath resolves for both module systems in an app without any optional peer; one that
  // needs a peer (an SDK, undici, ioredis, prom-client, @opentelemetry/api) either loads (it loads
  // the peer on first use) or fails naming that peer, never with an unrelated error.
  it('every subpath of package.json resolves and loads, or names the optional peer it needs', async () => {
    const filename = await packed();
    const app = join(dir, 'subpaths-app');
    await run('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'subpaths-app', version: '1.0.0', private: true }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', filename], {
      cwd: app,
      timeout: 180_000,
    });
    const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    const subpaths = Object.keys(exports)
      .filter((k) => k !== './package.json')
      .map((k) => k.replace(/^\./, 'switchyard'));
    expect(subpaths).toEqual(
      expect.arrayContaining([
        'switchyard',
        'switchyard/provider',
        'switchyard/testing',
        'switchyard/redis',
        'switchyard/sqlite',
        'switchyard/admin',
      ]),
    );
    const peers = /undici|ioredis|prom-client|@opentelemetry\/api|openai|@anthropic-ai\/sdk|@google\/genai|node:sqlite|ai\b/;
    for (const subpath of subpaths) {
      const esm = `import(${JSON.stringify(subpath)}).then(() => console.log('loaded'), (e) => console.log('failed', String(e.message)))`;
      const cjs = `try { require(${JSON.stringify(subpath)}); console.log('loaded') } catch (e) { console.log('failed', String(e.message)) }`;
      for (const [flag, code] of [
        ['--input-type=module', esm],
        ['--input-type=commonjs', cjs],
      ] as const) {
        const { stdout } = await run('node', [flag, '-e', code], { cwd: app, timeout: 60_000 });
        if (!stdout.startsWith('loaded')) expect(`${subpath}: ${stdout}`).toMatch(peers);
      }
    }
  }, 400_000);
});
