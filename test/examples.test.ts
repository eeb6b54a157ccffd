import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts'));
const tsx = join(root, 'node_modules', '.bin', 'tsx');

// Every example runs in the suite, so the documentation never rots.
describe('examples/', () => {
  it('has examples', () => {
    expect(examples).toContain('quickstart.ts');
  });

  it.each(examples)(
    '%s runs to the end without error',
    async (file) => {
      const { stdout, stderr } = await run(tsx, [join('examples', file)], { cwd: root, timeout: 60_000 });
      expect(stderr.replace(/npm warn.*\n?/g, '')).toBe('');
      expect(stdout.length).toBeGreaterThan(0);
    },
    60_000,
  );

  it('quickstart shows a fallback and the route', async () => {
    const { stdout } = await run(tsx, ['examples/quickstart.ts'], { cwd: root, timeout: 60_000 });
    expect(stdout).toContain('fallback: fast-model -> backup-model');
    expect(stdout).toContain('served by backup-model via backup (fallbackUsed: true)');
  }, 60_000);

  it('transport serves both adapters over the tuned transport and releases its sockets', async () => {
    const { stdout } = await run(tsx, ['examples/transport.ts'], { cwd: root, timeout: 60_000 });
    expect(stdout).toContain('gpt:    Hello from GPT');
    expect(stdout).toContain('claude: Hello from Claude');
    expect(stdout).toContain('stream: Streamed over undici');
    expect(stdout).toContain('closed; sockets left in the pool: 0');
  }, 60_000);
});
