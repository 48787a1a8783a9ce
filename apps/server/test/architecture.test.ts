import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify from 'fastify';
import { routes } from '@obscura/protocol';
import { handlers, type Handlers, type Services } from '../src/http/handlers.ts';
import { registerRoutes } from '../src/http/register.ts';
import type { SessionService } from '../src/services/sessions.ts';

const root = new URL('..', import.meta.url).pathname;

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.ts')) out.push(join(e.parentPath, e.name));
  }
  return out;
}

test('the server never imports @obscura/crypto (it never holds a key or a plaintext byte)', async () => {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  assert.ok(!('@obscura/crypto' in { ...pkg.dependencies, ...pkg.devDependencies }), 'not a dependency');
  const offenders: string[] = [];
  for (const file of [...(await sources(join(root, 'src'))), ...(await sources(join(root, 'test')))]) {
    const src = await readFile(file, 'utf8');
    if (/from\s+['"]@obscura\/(crypto|sdk)(\/[^'"]*)?['"]|import\(\s*['"]@obscura\/(crypto|sdk)/.test(src) || /packages\/(crypto|sdk)\//.test(src)) offenders.push(file);
  }
  assert.deepEqual(offenders, []);
});

test('every route of the table has a handler, and registration refuses a missing one', async () => {
  const h = handlers({} as Services);
  assert.deepEqual(Object.keys(h).sort(), Object.keys(routes).sort());
  const { libraryLookup: _dropped, ...partial } = h;
  const app = Fastify();
  assert.throws(() => registerRoutes(app, partial as unknown as Handlers, {} as SessionService),
    /route libraryLookup \(POST \/api\/library\/lookup\) has no handler/);
  await app.close();
});
