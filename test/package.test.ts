import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'switchyard-pack-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The published tarball must work for both module systems, with no provider SDK installed.
describe('npm pack', () => {
  it('installs into an empty folder; import and require of switchyard and switchyard/testing work', async () => {
    await run('npm', ['run', 'build'], { cwd: root, timeout: 120_000 });
    const { stdout } = await run('npm', ['pack', '--pack-destination', dir, '--json'], { cwd: root, timeout: 60_000 });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    const app = join(dir, 'app');
    await run('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, filename)], { cwd: app, timeout: 120_000 });

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
router.chat({ messages: [{ role: 'user', content: 'hi' }] }).then((r) => console.log(r.text, typeof mockProvider));`,
    );
    const esm = await run('node', ['esm.mjs'], { cwd: app });
    expect(esm.stdout.trim()).toBe('esm ok function');
    const cjs = await run('node', ['cjs.cjs'], { cwd: app });
    expect(cjs.stdout.trim()).toBe('cjs ok function');
  }, 300_000);
});
