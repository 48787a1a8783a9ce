// The web app's routes (src/http/web-app.ts): index.html for every app page and deep link, with
// the security headers ([Note: web security headers]); hashed assets cached for good; the
// service worker always revalidated; the API untouched; and without a build, a page that says
// how to make one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as opaque from '@serenity-kit/opaque';
import { buildApp, type ObscuraApp } from '../src/app.ts';
import { DiskBlobStore } from '../src/blob/disk-blob-store.ts';
import { openDatabase } from '../src/db/index.ts';
import { ManualClock } from '../src/ports/clock.ts';
import { MemoryLogger } from '../src/ports/logger.ts';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';

async function appWith(webDir: string | undefined): Promise<{ app: ObscuraApp; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'obscura-webapp-'));
  await opaque.ready;
  const db = await openDatabase({ kind: 'sqlite', file: join(dir, 'obscura.db') });
  const app = await buildApp({
    db, blobs: new DiskBlobStore(join(dir, 'blobs')), clock: new ManualClock(), logger: new MemoryLogger(),
    opaqueServerSetup: opaque.server.createSetup(), ...(webDir ? { webDir } : {}),
  });
  return { app, close: async () => { await app.close(); await db.close(); await rm(dir, { recursive: true, force: true }); } };
}

function assertSecurityHeaders(headers: Record<string, unknown>, what: string) {
  const csp = String(headers['content-security-policy'] ?? '');
  assert.match(csp, /connect-src 'self'/, `${what}: connect-src`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: frame-ancestors`);
  const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
  // Only this origin's files, and WebAssembly compiled from them (OPAQUE, Argon2): no inline, eval, or other origins.
  assert.deepEqual(scriptSrc.trim().split(/\s+/).sort(), ["'self'", "'wasm-unsafe-eval'"], `${what}: script-src`);
  assert.doesNotMatch(csp, /style-src[^;]*unsafe-inline/, `${what}: no inline styles in HTML`);
  assert.match(csp, /worker-src 'self'/, `${what}: workers (crypto, service worker) from this origin only`);
  assert.equal(headers['referrer-policy'], 'no-referrer', `${what}: referrer`);
  assert.equal(headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
}

describe('web app served by the server', () => {
  let webDir: string;
  let t: { app: ObscuraApp; close(): Promise<void> };
  before(async () => {
    webDir = await mkdtemp(join(tmpdir(), 'obscura-webdir-'));
    await mkdir(join(webDir, 'assets'));
    await writeFile(join(webDir, 'index.html'), INDEX);
    await writeFile(join(webDir, 'assets/index-abc123.js'), 'console.log("app")');
    await writeFile(join(webDir, 'assets/index-def456.css'), 'body{}');
    await writeFile(join(webDir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
    await writeFile(join(webDir, 'manifest.webmanifest'), JSON.stringify({ name: 'Obscura', start_url: '/photos', icons: [] }));
    t = await appWith(webDir);
  });
  after(async () => { await t.close(); await rm(webDir, { recursive: true, force: true }); });

  test('/ and every deep link serve index.html with the security headers, never cached stale', async () => {
    const deep = ['/', '/photos', '/albums/x', '/albums/0b9f3c4e-1234-4d5e-8f00-123456789abc', '/s/3b241101-e2bb-4255-8caf-4136c566a962',
      '/shared', '/shared-with-me', '/settings', '/trash', '/login', '/signup', '/recover', '/invitations/abc', '/photos?x=1', '/index.html'];
    for (const url of deep) {
      const r = await t.app.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 200, url);
      assert.equal(r.body, INDEX, url);
      assert.match(String(r.headers['content-type']), /^text\/html/, url);
      assert.equal(r.headers['cache-control'], 'no-cache', `${url}: a new build shows on the next visit`);
      assertSecurityHeaders(r.headers, url);
    }
  });

  test('hashed assets are cached for good; the service worker and manifest are revalidated', async () => {
    const js = await t.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    assert.equal(js.statusCode, 200);
    assert.match(String(js.headers['content-type']), /^text\/javascript/);
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assertSecurityHeaders(js.headers, 'asset');
    const css = await t.app.inject({ method: 'GET', url: '/assets/index-def456.css' });
    assert.match(String(css.headers['content-type']), /^text\/css/);
    assert.equal(css.headers['cache-control'], 'public, max-age=31536000, immutable');

    const sw = await t.app.inject({ method: 'GET', url: '/sw.js' });
    assert.equal(sw.statusCode, 200);
    assert.match(String(sw.headers['content-type']), /^text\/javascript/);
    assert.equal(sw.headers['cache-control'], 'no-cache');
    assert.equal(sw.headers['service-worker-allowed'], '/');
    const manifest = await t.app.inject({ method: 'GET', url: '/manifest.webmanifest' });
    assert.equal(manifest.statusCode, 200);
    assert.match(String(manifest.headers['content-type']), /^application\/manifest\+json/);
    assert.equal(manifest.headers['cache-control'], 'no-cache');
    assert.equal(manifest.json().start_url, '/photos');
  });

  test('the API stays the API: unknown /api paths are JSON 404s, JSON routes still answer', async () => {
    for (const url of ['/api/nope', '/api', '/api/albums/x/nope', '/api/nope?x=%E0%A4']) {
      const r = await t.app.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 404, url);
      assert.match(String(r.headers['content-type']), /^application\/json/, url);
      assert.equal(r.json().error.code, 'not-found', url);
      assert.notEqual(r.body, INDEX);
    }
    const post = await t.app.inject({ method: 'POST', url: '/api/nope', payload: {} });
    assert.equal(post.statusCode, 404);
    assert.equal(post.json().error.code, 'not-found');
    const me = await t.app.inject({ method: 'GET', url: '/api/me' });
    assert.equal(me.statusCode, 401);
    assert.equal(me.json().error.code, 'unauthorized');
    const openapi = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(openapi.statusCode, 200);
    assert.ok(openapi.json().paths, 'the OpenAPI document');
  });

  test('other paths are plain 404s (not the app), and a malformed address is a 400', async () => {
    const missingAsset = await t.app.inject({ method: 'GET', url: '/assets/gone-000.js' });
    assert.equal(missingAsset.statusCode, 404);
    assert.notEqual(missingAsset.body, INDEX);
    const other = await t.app.inject({ method: 'GET', url: '/wp-login.php' });
    assert.equal(other.statusCode, 404);
    assertSecurityHeaders(other.headers, '404');
    const bad = await t.app.inject({ method: 'GET', url: '/photos/%E0%A4%A' });
    assert.equal(bad.statusCode, 400);
  });
});

describe('web app not built', () => {
  test('/ explains how to build it; the API still works', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'obscura-nobuild-'));
    const t = await appWith(empty);
    try {
      for (const url of ['/', '/photos', '/albums/x']) {
        const r = await t.app.inject({ method: 'GET', url });
        assert.equal(r.statusCode, 503, url);
        assert.match(r.body, /npm run build:web/, url);
        assert.doesNotMatch(r.body, /<script/i, url);
        assertSecurityHeaders(r.headers, url);
      }
      const api = await t.app.inject({ method: 'GET', url: '/api/nope' });
      assert.equal(api.statusCode, 404);
      assert.equal(api.json().error.code, 'not-found');
    } finally {
      await t.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});
