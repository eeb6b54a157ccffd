import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, { import: { types: string; default: string }; require: { types: string; default: string } }>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional: boolean }>;
  devDependencies: Record<string, string>;
};
const tsup = readFileSync(join(root, 'tsup.config.ts'), 'utf8');

// The stores ship as their own entries, so that the main entry never loads ioredis or node:sqlite.
describe('switchyard/redis and switchyard/sqlite', () => {
  it.each(['redis', 'sqlite'])('%s is a subpath for import and require, built from src/state/%s', (name) => {
    expect(pkg.exports[`./${name}`]).toEqual({
      import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
      require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
    });
    expect(tsup).toContain(`${name}: 'src/state/${name}/index.ts'`);
  });

  it('ioredis is an optional peer, a dev dependency, and never bundled', () => {
    expect(pkg.peerDependencies.ioredis).toBeDefined();
    expect(pkg.peerDependenciesMeta.ioredis).toEqual({ optional: true });
    expect(pkg.devDependencies.ioredis).toBeDefined();
    expect(tsup).toMatch(/external: \[[^\]]*'ioredis'/);
  });

  it('the main entry does not import the Redis or SQLite stores', () => {
    const index = readFileSync(join(root, 'src', 'index.ts'), 'utf8');
    const state = readFileSync(join(root, 'src', 'state', 'index.ts'), 'utf8');
    for (const source of [index, state]) expect(source).not.toMatch(/redis\/|sqlite\/|ioredis/);
  });
});
