import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  BLOCK_CIPHERTEXT_MAX, BLOCK_PLAINTEXT_MAX, CreateFileBody, ERROR_CODES, ERROR_STATUS, MAX_BLOCKS_PER_FILE, recoverySignedMessage, routePath, routes,
  type RouteDef,
} from '../src/index.ts';

test('every route entry is well-formed: unique method+path, params match the path, binary routes are marked', () => {
  const seen = new Set<string>();
  for (const [name, def] of Object.entries(routes) as [string, RouteDef][]) {
    const key = `${def.method} ${def.path}`;
    assert.ok(!seen.has(key), `${name}: duplicate ${key}`);
    seen.add(key);
    assert.match(def.path, /^\/api\//, name);
    assert.ok(def.auth === 'none' || def.auth === 'session' || def.auth === 'link', name);
    const pathParams = [...def.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]).sort();
    const schemaParams = Object.keys((def.params as { properties?: object } | undefined)?.properties ?? {}).sort();
    assert.deepEqual(schemaParams, pathParams, `${name}: params schema matches the path`);
    if (def.binary === 'request') assert.equal(def.body, undefined, `${name}: binary request has no JSON body`);
    if (def.binary === 'response') assert.equal(def.response, undefined, `${name}: binary response has no JSON schema`);
    else assert.ok(def.response, `${name}: JSON response schema`);
    if (def.method === 'GET') assert.equal(def.body, undefined, `${name}: GET has no body`);
  }
});

test('constants: a 64 GiB file fits in the block limit; a block ciphertext is a 4 MiB block plus a small overhead', () => {
  assert.equal(BLOCK_PLAINTEXT_MAX, 4 * 1024 * 1024);
  assert.ok(BLOCK_CIPHERTEXT_MAX >= BLOCK_PLAINTEXT_MAX + 16 && BLOCK_CIPHERTEXT_MAX <= BLOCK_PLAINTEXT_MAX + 64);
  assert.equal(MAX_BLOCKS_PER_FILE, 16384);
  for (const c of ERROR_CODES) assert.ok(ERROR_STATUS[c] >= 400, c);
});

test('routePath fills and encodes parameters, and names the missing one', () => {
  assert.equal(routePath('getBlock', { fileId: 'abc', index: 3 }), '/api/files/abc/blocks/3');
  assert.equal(routePath('revokeSession', { sessionId: 'a/b' }), '/api/sessions/a%2Fb');
  assert.throws(() => routePath('getFile'), /missing path parameter "fileId"/);
});

test('base64 fields accept canonical base64 only, within their byte limit', () => {
  // Fastify's ajv knows these formats; TypeBox's checker needs them registered.
  FormatRegistry.Set('uuid', (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v));
  const ok = {
    fileId: '3b241101-e2bb-4255-8caf-4136c566a962', blockCount: 1, blocks: [{ size: 10, sha256Hex: 'a'.repeat(64) }], encryptedSize: 10,
    manifestB64: 'AAAA', signatureB64: 'AAAA', metadataB64: 'AA==', thumbnailSmallB64: 'AAA=', thumbnailLargeB64: 'AAAA',
    wrappedKeyB64: 'AAAA', contentHash: 'b'.repeat(64),
  };
  assert.equal(Value.Check(CreateFileBody, ok), true);
  for (const bad of ['A', 'AAA', 'AA=A', 'AA*A', '====']) {
    assert.equal(Value.Check(CreateFileBody, { ...ok, metadataB64: bad }), false, bad);
  }
  assert.equal(Value.Check(CreateFileBody, { ...ok, metadataB64: 'A'.repeat(4 * Math.ceil(64 * 1024 / 3) + 4) }), false, 'over 64 KiB');
});

test('the recovery message binds challenge, new record and envelope', () => {
  const m = (c: string, r: string, e: string) => new TextDecoder().decode(recoverySignedMessage({ challengeB64: c, registrationRecordB64: r, passwordEnvelopeB64: e }));
  assert.equal(m('c', 'r', 'e'), 'obscura-recovery-v1\nc\nr\ne');
  assert.notEqual(m('c', 'r', 'e'), m('c', 'r2', 'e'));
});
