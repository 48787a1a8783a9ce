// [Note: the one hard line of the architecture]
// The server never holds a key or a plaintext byte, so it must never import the crypto
// package, not even transitively through the protocol package. The crypto package stays
// pure (no app code), and the protocol package is shared by both ends without crypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === 'node_modules') continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|tsx|js|mjs|cjs|json)$/.test(name)) out.push(p);
    }
  };
  walk(join(root, dir));
  return out;
}

/** Matches a static, dynamic, side-effect or require import of @obscura/<names>. */
const importPattern = (names: string) =>
  new RegExp(`(from\\s+|import\\s*\\(\\s*|require\\s*\\(\\s*|^\\s*import\\s+)['"]@obscura/(${names})(['"/])`, 'm');

/** Files under `dir` that import or depend on a package matching `names`. */
function importers(dir: string, names: string): string[] {
  const imports = importPattern(names);
  return sources(dir)
    .filter((f) => {
      const text = readFileSync(f, 'utf8');
      if (f.endsWith('package.json')) {
        const pkg = JSON.parse(text) as Record<string, Record<string, string> | undefined>;
        const deps = { ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies };
        return Object.keys(deps).some((d) => new RegExp(`^@obscura/(${names})$`).test(d));
      }
      return !f.endsWith('.json') && imports.test(text);
    })
    .map((f) => relative(root, f));
}

test('apps/server never imports @obscura/crypto or the SDK (source, tests or package.json), not even by relative path', () => {
  assert.deepEqual(importers('apps/server', 'crypto|sdk'), []);
  const byPath = /(from\s+|import\s*\(\s*)['"][^'"]*packages\/(crypto|sdk)\//;
  assert.deepEqual(sources('apps/server').filter((f) => byPath.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f)), []);
});

test('packages/protocol imports neither crypto, sdk nor server', () => {
  assert.deepEqual(importers('packages/protocol', 'crypto|sdk|server'), []);
});

test('packages/crypto imports no other workspace package', () => {
  assert.deepEqual(importers('packages/crypto', 'protocol|sdk|server|cli'), []);
});

test('packages/sdk never imports the server', () => {
  assert.deepEqual(importers('packages/sdk', 'server'), []);
});

test('the import check itself catches static, dynamic and require imports', () => {
  // guard against a regex that silently matches nothing
  const probe = importPattern('crypto');
  assert.ok(probe.test(`import { x } from '@obscura/crypto';`));
  assert.ok(probe.test(`const m = await import("@obscura/crypto/node");`));
  assert.ok(probe.test(`import '@obscura/crypto';`));
  assert.ok(!probe.test(`const name = '@obscura/crypto';`));
});
