/// <reference types="node" />
// The worker boundary ([Note: the worker boundary], src/shared/rpc.ts): nothing that is or holds
// key material crosses from the worker to the page, every function the page can call is guarded,
// and no page code can hold a key because none imports the SDK or the crypto package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import * as Comlink from 'comlink';
import { BoundaryError, checkCrossing } from '../src/shared/rpc.ts';
import { guardApi, isGuarded, type ApiShape } from '../src/worker/guard.ts';

const srcDir = fileURLToPath(new URL('../src', import.meta.url));

const refuses = (value: unknown, what: RegExp) => assert.throws(() => checkCrossing(value), (e: unknown) => e instanceof BoundaryError && what.test(e.message));

test('checkCrossing refuses raw bytes in any form, anywhere', () => {
  refuses(new Uint8Array(4), /raw bytes/);
  refuses(new ArrayBuffer(8), /raw bytes/);
  refuses(new DataView(new ArrayBuffer(8)), /raw bytes/);
  refuses(new Float64Array(2), /raw bytes/);
  refuses(new SharedArrayBuffer(4), /raw bytes/);
  refuses({ photo: { name: 'a.jpg', thumbnail: new Uint8Array(3) } }, /result\.photo\.thumbnail holds raw bytes/);
  refuses([{ ok: 1 }, { key: new ArrayBuffer(1) }], /result\[1\]\.key/);
  refuses(new Map([['k', { deep: [new DataView(new ArrayBuffer(1))] }]]), /raw bytes/);
  refuses(new Set([new Uint8Array(1)]), /raw bytes/);
  refuses(new Map([[new Uint8Array(1), 'as a key']]), /raw bytes/);
});

test('checkCrossing refuses CryptoKeys, also nested, and live worker objects', async () => {
  assert.equal(typeof globalThis.CryptoKey, 'function', 'this Node has WebCrypto keys');
  const aes = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']) as CryptoKeyPair;
  refuses(aes, /CryptoKey/);
  refuses({ album: { id: 'x', key: aes } }, /result\.album\.key is a CryptoKey/);
  refuses([pair], /CryptoKey/);
  refuses({ keys: new Map([['sign', pair.privateKey]]) }, /CryptoKey/);
  refuses(Comlink.proxy({ secret: 'a worker object' }), /Comlink proxy/);
  refuses({ open: () => 'a function' }, /function/);
});

test('checkCrossing lets through what the page may hold: plain data, Blobs, dates, cycles', () => {
  const cyclic: Record<string, unknown> = { name: 'cycle' };
  cyclic.self = cyclic;
  const values: unknown[] = [
    null, undefined, 0, 'text', true, 12n,
    { fileId: 'f1', name: 'IMG_1.jpg', capturedAt: 1_700_000_000_000, uploader: { id: 'u', displayName: 'Ana' } },
    [1, 'two', { three: [3] }],
    new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' }),
    { thumbnail: new Blob(['x']), at: new Date(0) },
    new Map([['a', { b: 1 }]]), new Set(['x']),
    cyclic,
  ];
  for (const v of values) assert.doesNotThrow(() => checkCrossing(v));
});

/** A fake worker API shaped like the real one: modules of async functions. */
function fakeApi() {
  const calls: string[] = [];
  const api = {
    photos: {
      async timeline() { calls.push('timeline'); return [{ fileId: 'f1', name: 'a.jpg' }]; },
      async leakyThumbnail() { calls.push('leakyThumbnail'); return { fileId: 'f1', bytes: new Uint8Array([1, 2, 3]) }; },
      async leakyKey() { return { albumKey: await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt']) }; },
      async picture() { return new Blob(['jpeg bytes'], { type: 'image/jpeg' }); },
    },
    media: {
      async original(_id: string, onProgress: (done: unknown, total: number) => unknown) {
        await onProgress(1, 2);
        await onProgress(new Uint8Array(16), 2); // a slip: bytes handed to a page callback
        return new Blob(['done']);
      },
    },
    account: {
      count: 0,
      async bump(this: { count: number }) { this.count++; return this.count; },
      async refused() { throw Object.assign(new Error('this session was ended'), { status: 401 }); },
    },
    async ping() { return 'pong'; },
  };
  return { api, calls };
}

test('guardApi wraps every function of every module; a function returning bytes throws before anything crosses', async () => {
  const { api, calls } = fakeApi();
  const { count: _count, ...account } = api.account;
  const shaped = { ...api, account } satisfies ApiShape;
  const guarded = guardApi(shaped, checkCrossing);
  for (const [k, mod] of Object.entries(guarded)) {
    if (typeof mod === 'function') { assert.ok(isGuarded(mod), `${k} is guarded`); continue; }
    for (const [m, fn] of Object.entries(mod)) assert.ok(isGuarded(fn), `${k}.${m} is guarded`);
  }
  assert.deepEqual(await guarded.photos.timeline(), [{ fileId: 'f1', name: 'a.jpg' }]);
  assert.equal(await guarded.ping(), 'pong');
  assert.ok((await guarded.photos.picture()) instanceof Blob);
  await assert.rejects(guarded.photos.leakyThumbnail(), (e: unknown) => e instanceof BoundaryError && /photos\.leakyThumbnail\.bytes holds raw bytes/.test(e.message));
  assert.ok(calls.includes('leakyThumbnail'), 'the function ran; only its result was stopped');
  await assert.rejects(guarded.photos.leakyKey(), (e: unknown) => e instanceof BoundaryError && /CryptoKey/.test(e.message));
});

test('guardApi refuses to expose anything but functions', () => {
  const { api } = fakeApi();
  assert.throws(() => guardApi(api as unknown as ApiShape, checkCrossing), /account\.count is not a function/);
  assert.throws(() => guardApi({ version: 3 } as unknown as ApiShape, checkCrossing), /version is neither/);
});

test('guardApi checks what the worker hands to page callbacks, before the page is called', async () => {
  const { api } = fakeApi();
  const { count: _count, ...account } = api.account;
  const guarded = guardApi({ ...api, account }, checkCrossing);
  const seen: unknown[][] = [];
  const progress = (...a: unknown[]) => { seen.push(a); };
  await assert.rejects(guarded.media.original('f1', progress), (e: unknown) => e instanceof BoundaryError && /media\.original callback 1\(argument 0\) holds raw bytes/.test(e.message));
  assert.deepEqual(seen, [[1, 2]], 'the page saw the safe call only');
});

test('guardApi keeps each module as `this` and shows errors to onError before they cross', async () => {
  const mod = {
    async total() { return (await this.part()) + 1; },
    async part() { return 41; },
  };
  const g = guardApi({ mod }, checkCrossing);
  assert.equal(await g.mod.total(), 42);
  const { api } = fakeApi();
  const errors: string[] = [];
  const failing = guardApi({ account: { refused: api.account.refused } }, checkCrossing, {
    onError: (e, path) => { errors.push(`${path}: ${(e as Error).message}`); throw new Error('onError must never replace the error'); },
  });
  await assert.rejects(failing.account.refused(), /this session was ended/);
  assert.deepEqual(errors, ['account.refused: this session was ended']);
});

test('the real worker API, composed as worker/index.ts exposes it, has every function guarded', async () => {
  // Loads under Node: the modules touch IndexedDB, workers and canvases only when called.
  const { api } = await import('../src/worker/api.ts');
  const { guardedApi } = await import('../src/worker/guarded.ts');
  const modules = Object.keys(api);
  assert.ok(modules.length >= 8, `modules: ${modules.join(', ')}`);
  let count = 0;
  for (const [k, mod] of Object.entries(api)) {
    const exposed = (guardedApi as unknown as Record<string, Record<string, unknown>>)[k];
    assert.ok(exposed, `module ${k} is exposed`);
    assert.deepEqual(Object.keys(exposed).sort(), Object.keys(mod).sort(), `module ${k} exposes exactly its functions`);
    for (const m of Object.keys(mod)) { assert.ok(isGuarded(exposed[m]), `${k}.${m} is guarded`); count++; }
  }
  assert.ok(count > 20, `${count} functions checked`);
  // And a guarded call behaves: not logged in is an error in words, nothing crosses.
  await assert.rejects(guardedApi.account.me(), /not logged in/);
  // The entry point exposes that object and nothing else.
  const entry = readFileSync(join(srcDir, 'worker/index.ts'), 'utf8');
  assert.match(entry, /Comlink\.expose\(guardedApi\)/);
  assert.equal(entry.match(/Comlink\.expose\(/g)?.length, 1);
});

/** Every import of a module by the file, and whether it can bring a value (not only types). */
function importsOf(file: string): { spec: string; value: boolean }[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: { spec: string; value: boolean }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      let value = true; // `import 'x'` runs x
      if (c) {
        const named = c.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
        value = !c.isTypeOnly && (c.name !== undefined || (c.namedBindings !== undefined && (!named || named.some((e) => !e.isTypeOnly))));
      }
      out.push({ spec: node.moduleSpecifier.text, value });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      out.push({ spec: node.moduleSpecifier.text, value: !node.isTypeOnly && (!named || named.some((e) => !e.isTypeOnly)) });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      out.push({ spec: node.arguments[0].text, value: true });
    } else if (ts.isImportTypeNode(node)) {
      // `typeof import('x')` in a type: types only
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|tsx|mts)$/.test(name)) out.push(p);
  }
  return out;
}

test('the import scanner tells types from values', () => {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const self = importsOf(join(dir, 'boundary.test.ts'));
  assert.ok(self.some((i) => i.spec === '../src/worker/guard.ts' && i.value));
  assert.ok(self.some((i) => i.spec === '../src/worker/api.ts' && i.value), 'dynamic import() counts as a value');
  const pageClient = importsOf(join(srcDir, 'client/worker.ts'));
  assert.deepEqual(pageClient.find((i) => i.spec === '../worker/api.ts'), { spec: '../worker/api.ts', value: false });
});

test('no page code outside src/worker imports a value from the SDK, the crypto package or the worker', () => {
  // [Note: the worker boundary] The page never holds a key: the SDK and @obscura/crypto (which
  // make and use keys) are loaded only inside the worker. Page code may import their *types*.
  const workerDir = join(srcDir, 'worker') + sep;
  const offenders: string[] = [];
  const files = sourceFiles(srcDir).filter((f) => !f.startsWith(workerDir));
  assert.ok(files.length > 10, `${files.length} page files scanned`);
  for (const f of files) {
    for (const i of importsOf(f)) {
      if (!i.value) continue;
      const keyPackage = /^@obscura\/(sdk|crypto)(\/|$)/.test(i.spec);
      const workerModule = i.spec.startsWith('.') && join(f, '..', i.spec).startsWith(workerDir);
      if (keyPackage || workerModule) offenders.push(`${relative(srcDir, f)} imports a value from ${i.spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});
