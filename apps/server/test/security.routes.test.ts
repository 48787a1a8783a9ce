import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BLOCK_CIPHERTEXT_MAX, routePath, routes, type RouteName } from '@obscura/protocol';
import { call, fakeFile, makeTestApp, putBlock, signup, uploadFile, type TestApp } from './helpers.ts';

const names = Object.keys(routes) as RouteName[];
const sampleParams = { fileId: '3b241101-e2bb-4255-8caf-4136c566a962', index: 0, size: 'small', sessionId: '3b241101-e2bb-4255-8caf-4136c566a962',
  albumId: '3b241101-e2bb-4255-8caf-4136c566a962', userId: '3b241101-e2bb-4255-8caf-4136c566a962', invitationId: '3b241101-e2bb-4255-8caf-4136c566a962', linkId: '3b241101-e2bb-4255-8caf-4136c566a962' };

describe('access control', () => {
  let t: TestApp;
  before(async () => { t = await makeTestApp(); });
  after(() => t.close());

  test('every session route answers 401 to anonymous callers and to bad tokens', async () => {
    const sessionRoutes = names.filter((n) => routes[n].auth === 'session');
    assert.ok(sessionRoutes.length >= 15);
    for (const n of sessionRoutes) {
      for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: `Bearer ${'A'.repeat(43)}` }, { authorization: 'Basic abc' }]) {
        const r = await t.app.inject({ method: routes[n].method, url: routePath(n, sampleParams), headers, payload: routes[n].method === 'GET' ? undefined : {} });
        assert.equal(r.statusCode, 401, `${n} with ${JSON.stringify(headers)}`);
        assert.equal(r.json().error.code, 'unauthorized');
      }
    }
  });

  test("user B gets 404 on every route touching user A's file, exactly as for an id that does not exist", async () => {
    const a = await signup(t.app);
    const b = await signup(t.app);
    const done = await uploadFile(t.app, a.token);
    const pending = fakeFile([10]);
    await call(t.app, 'createFile', { token: a.token, body: pending.body });
    const missing = '00000000-0000-4000-8000-000000000001';
    for (const fileId of [done.body.fileId, pending.body.fileId, missing]) {
      const attempts = [
        await call(t.app, 'getFile', { token: b.token, params: { fileId } }),
        await call(t.app, 'getBlock', { token: b.token, params: { fileId, index: 0 } }),
        await call(t.app, 'getThumbnail', { token: b.token, params: { fileId, size: 'small' } }),
        await call(t.app, 'getThumbnail', { token: b.token, params: { fileId, size: 'large' } }),
        await call(t.app, 'uploadStatus', { token: b.token, params: { fileId } }),
        await call(t.app, 'completeFile', { token: b.token, params: { fileId } }),
        await putBlock(t.app, b.token, fileId, 0, pending.blocks[0]!),
        await call(t.app, 'libraryTrash', { token: b.token, body: { fileIds: [fileId] } }),
        await call(t.app, 'libraryRestore', { token: b.token, body: { fileIds: [fileId] } }),
        await call(t.app, 'libraryDelete', { token: b.token, body: { fileIds: [fileId] } }),
      ];
      for (const r of attempts) {
        assert.equal(r.statusCode, 404, `${fileId}: ${r.body}`);
        assert.equal(r.json().error.code, 'not-found');
        assert.ok(!r.body.includes(a.session.user.id), 'no hint of the owner');
      }
    }
    // A's file is untouched by B's attempts.
    assert.equal((await call(t.app, 'getFile', { token: a.token, params: { fileId: done.body.fileId } })).json().status, 'complete');
    assert.deepEqual((await call(t.app, 'uploadStatus', { token: a.token, params: { fileId: pending.body.fileId } })).json().storedBlocks, []);
  });
});

describe('bad input never causes a 5xx', () => {
  let t: TestApp;
  let token: string;
  before(async () => { t = await makeTestApp(); token = (await signup(t.app)).token; });
  after(() => t.close());

  test('malformed base64, bad UUIDs, wrong types and missing fields are 400 with a readable message', async () => {
    const f = fakeFile();
    const cases: [string, object][] = [
      ['base64', { ...f.body, metadataB64: 'not*base64!' }],
      ['base64 padding', { ...f.body, wrappedKeyB64: 'abc' }],
      ['uuid', { ...f.body, fileId: 'not-a-uuid' }],
      ['hash', { ...f.body, blocks: [{ size: 10, sha256Hex: 'xyz' }] }],
      ['type', { ...f.body, blockCount: 'two' }],
      ['missing', { fileId: f.body.fileId }],
      ['negative', { ...f.body, blocks: [{ size: -1, sha256Hex: 'a'.repeat(64) }] }],
      ['block too big', { ...f.body, blocks: [{ size: BLOCK_CIPHERTEXT_MAX + 1, sha256Hex: 'a'.repeat(64) }] }],
    ];
    for (const [what, body] of cases) {
      const r = await call(t.app, 'createFile', { token, body });
      assert.equal(r.statusCode, 400, `${what}: ${r.body}`);
      assert.equal(r.json().error.code, 'bad-request');
      assert.match(r.json().error.message, /^invalid request: body/);
    }
    const p = await call(t.app, 'getFile', { token, params: { fileId: 'nope' } });
    assert.equal(p.statusCode, 400);
    assert.match(p.json().error.message, /params\/fileId must match format "uuid"/);
    const q = await call(t.app, 'libraryChanges', { token, query: 'since=-4&limit=abc' });
    assert.equal(q.statusCode, 400);
  });

  test('oversized and wrongly typed bodies', async () => {
    const big = await t.app.inject({ method: 'POST', url: '/api/library/lookup', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: `{"contentHashes":["${'a'.repeat(2 * 1024 * 1024)}"]}` });
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().error.code, 'payload-too-large');
    const xml = await t.app.inject({ method: 'POST', url: '/api/auth/login/start', headers: { 'content-type': 'application/xml' }, payload: '<x/>' });
    assert.equal(xml.statusCode, 415);
    assert.equal(xml.json().error.code, 'unsupported-media-type');
    const broken = await t.app.inject({ method: 'POST', url: '/api/auth/login/start', headers: { 'content-type': 'application/json' }, payload: '{"email": ' });
    assert.equal(broken.statusCode, 400);
    const unknown = await t.app.inject({ method: 'GET', url: '/api/nothing-here' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.code, 'not-found');
  });

  test('fuzz: random bodies and params on every route stay below 500', async () => {
    const garbage = (): unknown => {
      const pick = randomBytes(1)[0]! % 9;
      switch (pick) {
        case 0: return randomBytes(40).toString('base64');
        case 1: return { fileIds: [randomBytes(8).toString('hex')] };
        case 2: return { email: 'a@b.c', registrationRequestB64: randomBytes(30).toString('base64url'), startLoginRequestB64: randomBytes(96).toString('base64url') };
        case 3: return [1, 2, 3];
        case 4: return { contentHashes: ['0'.repeat(64)], fileIds: ['3b241101-e2bb-4255-8caf-4136c566a962'] };
        case 7: return { epoch: 1, metadataB64: 'AAAA', items: [{ fileId: '3b241101-e2bb-4255-8caf-4136c566a962', wrappedKeyB64: 'AAAA', contentHash: '0'.repeat(64) }], emails: ['nobody@example.org'], rotation: { epoch: 2, metadataB64: 'AAAA', sealedKeys: [{ userId: '3b241101-e2bb-4255-8caf-4136c566a962', sealedB64: 'AAAA' }] }, invites: [{ userId: '3b241101-e2bb-4255-8caf-4136c566a962', role: 'editor', sealedKeys: [{ epoch: 1, sealedB64: 'AAAA' }] }], albumId: '3b241101-e2bb-4255-8caf-4136c566a962', sealedKeyB64: 'AAAA', role: 'viewer' };
        case 5: return { loginId: '3b241101-e2bb-4255-8caf-4136c566a962', finishLoginRequestB64: 'AAAA', recoveryId: '3b241101-e2bb-4255-8caf-4136c566a962', signatureB64: randomBytes(64).toString('base64'), registrationRecordB64: randomBytes(192).toString('base64url'), passwordEnvelopeB64: 'AAAA' };
        case 6: return null;
        case 8:
        default: return { nested: { deep: randomBytes(4).toString('hex') }, n: -1e308 };
      }
    };
    const params = () => ({
      fileId: randomBytes(1)[0]! % 2 ? '3b241101-e2bb-4255-8caf-4136c566a962' : `../${randomBytes(3).toString('hex')}`,
      index: randomBytes(1)[0]! % 2 ? -1 : 99999999, size: randomBytes(1)[0]! % 2 ? 'small' : 'huge', sessionId: 'x%00y',
      albumId: randomBytes(1)[0]! % 2 ? '3b241101-e2bb-4255-8caf-4136c566a962' : 'x%00y', userId: randomBytes(4).toString('hex'),
      invitationId: randomBytes(1)[0]! % 2 ? '3b241101-e2bb-4255-8caf-4136c566a962' : '..',
      linkId: randomBytes(1)[0]! % 2 ? '3b241101-e2bb-4255-8caf-4136c566a962' : 'x%00y',
    });
    // Logging out or changing the password would end the fuzzing session early.
    const fuzzed = names.filter((n) => n !== 'logout' && n !== 'passwordChangeFinish');
    for (let round = 0; round < 6; round++) {
      for (const n of fuzzed) {
        const def = routes[n];
        const body = garbage();
        const r = await t.app.inject({
          method: def.method, url: routePath(n, params()) + (round % 2 ? '?since=x&limit=-1' : ''),
          headers: { authorization: `Bearer ${token}`, ...(def.method !== 'GET' && body !== undefined ? { 'content-type': round === 3 ? 'application/octet-stream' : 'application/json' } : {}) },
          ...(def.method !== 'GET' ? { payload: round === 3 ? randomBytes(100) : JSON.stringify(body) } : {}),
        });
        assert.ok(r.statusCode < 500, `${n} round ${round}: ${r.statusCode} ${r.body}`);
        assert.equal(typeof r.json().error?.message === 'string' || r.statusCode < 300, true, `${n}: ${r.body}`);
      }
    }
    assert.deepEqual(t.logger.errors, []);
  });

  test('request log lines carry method, path, status and time, never tokens or query strings', async () => {
    const { token } = await signup(t.app);
    t.logger.lines.length = 0;
    await call(t.app, 'libraryChanges', { token, query: 'since=0&limit=5' });
    assert.equal(t.logger.lines.length, 1);
    assert.match(t.logger.lines[0]!, /^GET \/api\/library\/changes 200 \d+ms$/);
    assert.ok(!t.logger.lines.some((l) => l.includes(token)));
  });
});
