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

function importers(dir: string, pkg: RegExp): string[] {
  return sources(dir)
    .filter((f) => pkg.test(readFileSync(f, 'utf8')))
    .map((f) => relative(root, f));
}

test('apps/server never imports @obscura/crypto (source or package.json)', () => {
  assert.deepEqual(importers('apps/server', /['"]@obscura\/crypto(['"/])/), []);
});

test('packages/protocol imports neither crypto, sdk nor server', () => {
  assert.deepEqual(importers('packages/protocol', /['"]@obscura\/(crypto|sdk|server)(['"/])/), []);
});

test('packages/crypto imports no other workspace package', () => {
  assert.deepEqual(importers('packages/crypto', /['"]@obscura\/(protocol|sdk|server|cli)(['"/])/), []);
});

test('packages/sdk never imports the server', () => {
  assert.deepEqual(importers('packages/sdk', /['"]@obscura\/server(['"/])/), []);
});
