import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { call, chargeOf, fakeFile, makeTestApp, putBlock, signup, uploadFile, type TestApp } from './helpers.ts';

describe('library', () => {
  let t: TestApp;
  before(async () => { t = await makeTestApp(); });
  after(() => t.close());

  test('change feed: pages by cursor, each item complete enough to index without more requests', async () => {
    const a = await signup(t.app, undefined, undefined, 'Feed Owner');
    const files = [];
    for (let i = 0; i < 5; i++) files.push(await uploadFile(t.app, a.token, fakeFile([50 + i])));

    const p1 = (await call(t.app, 'libraryChanges', { token: a.token, query: 'since=0&limit=2' })).json();
    assert.equal(p1.items.length, 2);
    assert.equal(p1.hasMore, true);
    const p2 = (await call(t.app, 'libraryChanges', { token: a.token, query: `since=${p1.nextSince}&limit=2` })).json();
    const p3 = (await call(t.app, 'libraryChanges', { token: a.token, query: `since=${p2.nextSince}&limit=2` })).json();
    assert.equal(p3.items.length, 1);
    assert.equal(p3.hasMore, false);
    const all = [...p1.items, ...p2.items, ...p3.items];
    assert.deepEqual(all.map((i: { fileId: string }) => i.fileId), files.map((f) => f.body.fileId));
    const seqs = all.map((i: { seq: number }) => i.seq);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
    const first = all[0];
    assert.equal(first.state, 'active');
    assert.equal(first.wrappedKeyB64, files[0]!.body.wrappedKeyB64);
    assert.equal(first.metadataB64, files[0]!.body.metadataB64);
    assert.equal(first.manifestB64, files[0]!.body.manifestB64);
    assert.equal(first.signatureB64, files[0]!.body.signatureB64);
    assert.equal(first.encryptedSize, 50);
    assert.equal(first.contentHash, files[0]!.body.contentHash);
    assert.deepEqual(first.uploader, { id: a.session.user.id, email: a.email, displayName: 'Feed Owner', ed25519PublicKeyB64: a.session.user.ed25519PublicKeyB64 });
    // Nothing new past the end.
    const end = (await call(t.app, 'libraryChanges', { token: a.token, query: `since=${p3.nextSince}` })).json();
    assert.deepEqual(end, { items: [], nextSince: p3.nextSince, hasMore: false });
  });

  test('lookup finds complete and pending files by keyed hash, so an interrupted backup resumes the same file', async () => {
    const a = await signup(t.app);
    const done = await uploadFile(t.app, a.token);
    const pending = fakeFile([10, 10]);
    await call(t.app, 'createFile', { token: a.token, body: pending.body });
    await putBlock(t.app, a.token, pending.body.fileId, 0, pending.blocks[0]!);
    const unknown = 'f'.repeat(64);
    const r = await call(t.app, 'libraryLookup', { token: a.token, body: { contentHashes: [done.body.contentHash, pending.body.contentHash, unknown] } });
    assert.equal(r.statusCode, 200);
    const byHash = new Map(r.json().matches.map((m: { contentHash: string }) => [m.contentHash, m]));
    assert.deepEqual(byHash.get(done.body.contentHash), { contentHash: done.body.contentHash, fileId: done.body.fileId, status: 'complete', state: 'active' });
    assert.deepEqual(byHash.get(pending.body.contentHash), { contentHash: pending.body.contentHash, fileId: pending.body.fileId, status: 'pending', state: 'active' });
    assert.equal(byHash.has(unknown), false);
    // Another account's identical hash tells nothing.
    const b = await signup(t.app);
    assert.deepEqual((await call(t.app, 'libraryLookup', { token: b.token, body: { contentHashes: [done.body.contentHash] } })).json().matches, []);
  });

  test('trash and restore move items and show up in the feed; unknown ids change nothing', async () => {
    const a = await signup(t.app);
    const f1 = await uploadFile(t.app, a.token);
    const f2 = await uploadFile(t.app, a.token);
    const cursor = (await call(t.app, 'libraryChanges', { token: a.token })).json().nextSince;

    const tr = await call(t.app, 'libraryTrash', { token: a.token, body: { fileIds: [f1.body.fileId, f2.body.fileId] } });
    assert.deepEqual(tr.json(), { changed: 2 });
    assert.deepEqual((await call(t.app, 'libraryTrash', { token: a.token, body: { fileIds: [f1.body.fileId] } })).json(), { changed: 0 });
    const feed = (await call(t.app, 'libraryChanges', { token: a.token, query: `since=${cursor}` })).json();
    assert.deepEqual(feed.items.map((i: { fileId: string; state: string }) => [i.fileId, i.state]), [[f1.body.fileId, 'trashed'], [f2.body.fileId, 'trashed']]);
    // Trashed files stay readable (the trash view shows them).
    assert.equal((await call(t.app, 'getFile', { token: a.token, params: { fileId: f1.body.fileId } })).statusCode, 200);

    const bad = await call(t.app, 'libraryRestore', { token: a.token, body: { fileIds: [f1.body.fileId, '00000000-0000-4000-8000-000000000000'] } });
    assert.equal(bad.statusCode, 404);
    assert.match(bad.json().error.message, /00000000… not in your library; nothing was changed/);
    const still = (await call(t.app, 'libraryChanges', { token: a.token, query: `since=${feed.nextSince}` })).json();
    assert.deepEqual(still.items, []);

    assert.deepEqual((await call(t.app, 'libraryRestore', { token: a.token, body: { fileIds: [f1.body.fileId] } })).json(), { changed: 1 });
    const after = (await call(t.app, 'libraryChanges', { token: a.token, query: `since=${feed.nextSince}` })).json();
    assert.deepEqual(after.items.map((i: { state: string }) => i.state), ['active']);
  });

  test('delete for good frees quota, deletes the ciphertext and leaves a tombstone in the feed', async () => {
    const a = await signup(t.app);
    const keep = await uploadFile(t.app, a.token);
    const gone = await uploadFile(t.app, a.token, fakeFile([700, 300]));
    const used = (await call(t.app, 'me', { token: a.token })).json().storage.usedBytes;
    assert.equal(used, chargeOf(keep) + chargeOf(gone));
    const cursor = (await call(t.app, 'libraryChanges', { token: a.token })).json().nextSince;
    const folder = join(t.dir, 'blobs', 'files', gone.body.fileId.slice(0, 2), gone.body.fileId);
    assert.deepEqual((await readdir(folder)).sort(), ['b0', 'b1', 't-large', 't-small']);

    const d = await call(t.app, 'libraryDelete', { token: a.token, body: { fileIds: [gone.body.fileId] } });
    assert.deepEqual(d.json(), { changed: 1 });
    assert.equal((await call(t.app, 'me', { token: a.token })).json().storage.usedBytes, chargeOf(keep));
    await assert.rejects(readdir(folder), { code: 'ENOENT' });
    const feed = (await call(t.app, 'libraryChanges', { token: a.token, query: `since=${cursor}` })).json();
    assert.equal(feed.items.length, 1);
    assert.deepEqual(Object.keys(feed.items[0]).sort(), ['fileId', 'seq', 'state']);
    assert.equal(feed.items[0].state, 'deleted');
    assert.equal((await call(t.app, 'getFile', { token: a.token, params: { fileId: gone.body.fileId } })).statusCode, 404);
    assert.equal((await call(t.app, 'libraryDelete', { token: a.token, body: { fileIds: [gone.body.fileId] } })).statusCode, 404);
    assert.deepEqual((await call(t.app, 'libraryLookup', { token: a.token, body: { contentHashes: [gone.body.contentHash] } })).json().matches, []);
    // The other file is intact.
    assert.equal((await call(t.app, 'getBlock', { token: a.token, params: { fileId: keep.body.fileId, index: 0 } })).statusCode, 200);
  });

  test('deleting a pending upload refunds its reservation', async () => {
    const a = await signup(t.app);
    const f = fakeFile([1000]);
    await call(t.app, 'createFile', { token: a.token, body: f.body });
    assert.equal((await call(t.app, 'me', { token: a.token })).json().storage.usedBytes, chargeOf(f));
    assert.deepEqual((await call(t.app, 'libraryDelete', { token: a.token, body: { fileIds: [f.body.fileId] } })).json(), { changed: 1 });
    assert.equal((await call(t.app, 'me', { token: a.token })).json().storage.usedBytes, 0);
  });
});
