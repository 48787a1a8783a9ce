import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BLOCK_CIPHERTEXT_MAX } from '@obscura/protocol';
import { PENDING_IDLE_MS } from '../src/services/quota.ts';
import { call, chargeOf, fakeFile, makeTestApp, putBlock, sha256Hex, signup, uploadFile, type TestApp } from './helpers.ts';

async function blobFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(join(dir, 'blobs'), { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name);
  } catch { return []; }
}

describe('upload, resume, complete, download', () => {
  let t: TestApp;
  before(async () => { t = await makeTestApp(); });
  after(() => t.close());

  test('a created file is pending, invisible in the feed, and its quota is reserved at once', async () => {
    const a = await signup(t.app);
    const f = fakeFile([2000, 1000, 10]);
    const c = await call(t.app, 'createFile', { token: a.token, body: f.body });
    assert.equal(c.statusCode, 200, c.body);
    assert.deepEqual(c.json(), { fileId: f.body.fileId, status: 'pending', blockCount: 3, storedBlocks: [] });
    assert.equal((await call(t.app, 'me', { token: a.token })).json().storage.usedBytes, chargeOf(f));
    const feed = await call(t.app, 'libraryChanges', { token: a.token });
    assert.deepEqual(feed.json().items, []);
  });

  test('resume: upload status lists stored blocks; re-sending a block is idempotent; complete needs every block', async () => {
    const a = await signup(t.app);
    const f = fakeFile([300, 200, 100]);
    await call(t.app, 'createFile', { token: a.token, body: f.body });
    const id = f.body.fileId;
    assert.equal((await putBlock(t.app, a.token, id, 2, f.blocks[2]!)).statusCode, 200);
    assert.equal((await putBlock(t.app, a.token, id, 0, f.blocks[0]!)).statusCode, 200);
    const again = await putBlock(t.app, a.token, id, 0, f.blocks[0]!);
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json(), { index: 0, size: 300 });
    assert.deepEqual((await call(t.app, 'uploadStatus', { token: a.token, params: { fileId: id } })).json().storedBlocks, [0, 2]);

    const early = await call(t.app, 'completeFile', { token: a.token, params: { fileId: id } });
    assert.equal(early.statusCode, 409);
    assert.match(early.json().error.message, /1 of 3 blocks are missing \(first missing: 1\)/);

    assert.equal((await putBlock(t.app, a.token, id, 1, f.blocks[1]!)).statusCode, 200);
    const done = await call(t.app, 'completeFile', { token: a.token, params: { fileId: id } });
    assert.equal(done.statusCode, 200);
    assert.equal(done.json().status, 'complete');
    assert.deepEqual(done.json().storedBlocks, [0, 1, 2]);
    // Completing again is harmless; blocks of a complete file cannot change.
    assert.equal((await call(t.app, 'completeFile', { token: a.token, params: { fileId: id } })).statusCode, 200);
    assert.equal((await putBlock(t.app, a.token, id, 1, f.blocks[1]!)).statusCode, 409);
  });

  test('a block whose bytes do not match the declared SHA-256 or size is refused and not kept', async () => {
    const a = await signup(t.app);
    const f = fakeFile([400]);
    await call(t.app, 'createFile', { token: a.token, body: f.body });
    const before = await blobFiles(t.dir);
    const bad = Buffer.from(f.blocks[0]!); bad[7]! ^= 1;
    const r = await putBlock(t.app, a.token, f.body.fileId, 0, bad);
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().error.code, 'hash-mismatch');
    assert.match(r.json().error.message, new RegExp(`^block 0 of file ${f.body.fileId.slice(0, 8)}…: SHA-256 does not match the hash declared at creation$`));
    const short = await putBlock(t.app, a.token, f.body.fileId, 0, f.blocks[0]!.subarray(0, 100));
    assert.equal(short.statusCode, 400);
    assert.match(short.json().error.message, /100 bytes received, 400 declared/);
    const long = await putBlock(t.app, a.token, f.body.fileId, 0, Buffer.concat([f.blocks[0]!, Buffer.alloc(5)]));
    assert.equal(long.statusCode, 413);
    assert.equal(long.json().error.code, 'payload-too-large');
    assert.deepEqual(await blobFiles(t.dir), before, 'no block file and no temp file left behind');
    assert.deepEqual((await call(t.app, 'uploadStatus', { token: a.token, params: { fileId: f.body.fileId } })).json().storedBlocks, []);
  });

  test('blocks must be application/octet-stream and within the declared range', async () => {
    const a = await signup(t.app);
    const f = fakeFile([10]);
    await call(t.app, 'createFile', { token: a.token, body: f.body });
    const json = await call(t.app, 'putBlock', { token: a.token, params: { fileId: f.body.fileId, index: 0 }, body: { x: 1 } });
    assert.equal(json.statusCode, 415);
    assert.equal(json.json().error.code, 'unsupported-media-type');
    const out = await putBlock(t.app, a.token, f.body.fileId, 5, f.blocks[0]!);
    assert.equal(out.statusCode, 400);
    assert.match(out.json().error.message, /out of range: file .* has 1 blocks/);
  });

  test('download: file info carries what a client needs; blocks and thumbnails come back byte-identical', async () => {
    const a = await signup(t.app, undefined, undefined, 'Uploader Ann');
    const f = await uploadFile(t.app, a.token, fakeFile([1234, 99]));
    const info = await call(t.app, 'getFile', { token: a.token, params: { fileId: f.body.fileId } });
    assert.equal(info.statusCode, 200);
    const i = info.json();
    assert.equal(i.status, 'complete');
    assert.deepEqual(i.blocks, f.body.blocks);
    assert.equal(i.manifestB64, f.body.manifestB64);
    assert.equal(i.signatureB64, f.body.signatureB64);
    assert.equal(i.metadataB64, f.body.metadataB64);
    assert.equal(i.wrappedKeyB64, f.body.wrappedKeyB64);
    assert.deepEqual(i.uploader, { id: a.session.user.id, email: a.email, displayName: 'Uploader Ann', ed25519PublicKeyB64: a.session.user.ed25519PublicKeyB64 });
    assert.equal(i.thumbnailSmallSize, f.thumbSmall.length);
    for (const [idx, b] of f.blocks.entries()) {
      const r = await call(t.app, 'getBlock', { token: a.token, params: { fileId: f.body.fileId, index: idx } });
      assert.equal(r.statusCode, 200);
      assert.equal(r.headers['content-type'], 'application/octet-stream');
      assert.equal(sha256Hex(r.rawPayload), sha256Hex(b));
    }
    const small = await call(t.app, 'getThumbnail', { token: a.token, params: { fileId: f.body.fileId, size: 'small' } });
    assert.deepEqual(small.rawPayload, f.thumbSmall);
    const large = await call(t.app, 'getThumbnail', { token: a.token, params: { fileId: f.body.fileId, size: 'large' } });
    assert.deepEqual(large.rawPayload, f.thumbLarge);
    assert.equal((await call(t.app, 'getBlock', { token: a.token, params: { fileId: f.body.fileId, index: 2 } })).statusCode, 404);
  });

  test('a file id can only be created once', async () => {
    const a = await signup(t.app);
    const f = fakeFile();
    assert.equal((await call(t.app, 'createFile', { token: a.token, body: f.body })).statusCode, 200);
    const again = await call(t.app, 'createFile', { token: a.token, body: f.body });
    assert.equal(again.statusCode, 409);
  });

  test('declarations must add up', async () => {
    const a = await signup(t.app);
    const f = fakeFile([10, 20]);
    const r1 = await call(t.app, 'createFile', { token: a.token, body: { ...f.body, blockCount: 3 } });
    assert.equal(r1.statusCode, 400);
    assert.match(r1.json().error.message, /blockCount is 3 but 2 blocks were declared/);
    const r2 = await call(t.app, 'createFile', { token: a.token, body: { ...f.body, encryptedSize: 31 } });
    assert.equal(r2.statusCode, 400);
    assert.match(r2.json().error.message, /add up to 30 bytes/);
  });
});

describe('quota', () => {
  let t: TestApp;
  before(async () => { t = await makeTestApp({ quotaBytes: 10_000 }); });
  after(() => t.close());

  test('over quota is refused before any byte is stored, with used and allowed in the message', async () => {
    const a = await signup(t.app);
    const first = await uploadFile(t.app, a.token, fakeFile([4000]));
    const used = chargeOf(first);
    const blobsBefore = await blobFiles(t.dir);
    const big = fakeFile([9000]);
    const r = await call(t.app, 'createFile', { token: a.token, body: big.body });
    assert.equal(r.statusCode, 413);
    assert.equal(r.json().error.code, 'quota-exceeded');
    assert.equal(r.json().error.message, 'storage full: 4.4 KiB of 9.8 KiB used, this file needs 9.3 KiB');
    assert.deepEqual(await blobFiles(t.dir), blobsBefore);
    assert.equal((await t.db.kysely.selectFrom('files').select('id').where('id', '=', big.body.fileId).execute()).length, 0);
    assert.equal((await call(t.app, 'me', { token: a.token })).json().storage.usedBytes, used);
  });

  test('the sweeper removes uploads with no new block for an hour: blobs deleted, quota refunded', async () => {
    const a = await signup(t.app);
    const f = fakeFile([500, 500]);
    await call(t.app, 'createFile', { token: a.token, body: f.body });
    await putBlock(t.app, a.token, f.body.fileId, 0, f.blocks[0]!);
    const done = await uploadFile(t.app, a.token, fakeFile([100]));
    assert.equal((await call(t.app, 'me', { token: a.token })).json().storage.usedBytes, chargeOf(f) + chargeOf(done));

    t.clock.advance(PENDING_IDLE_MS - 1000);
    assert.equal((await t.app.services.sweeper.sweep()).pendingFilesRemoved, 0);
    t.clock.advance(2000);
    assert.equal((await t.app.services.sweeper.sweep()).pendingFilesRemoved, 1);
    assert.equal((await call(t.app, 'me', { token: a.token })).json().storage.usedBytes, chargeOf(done));
    assert.equal((await call(t.app, 'uploadStatus', { token: a.token, params: { fileId: f.body.fileId } })).statusCode, 404);
    const lookup = await call(t.app, 'libraryLookup', { token: a.token, body: { contentHashes: [f.body.contentHash] } });
    assert.deepEqual(lookup.json().matches, []);
    const dirs = await readdir(join(t.dir, 'blobs', 'files', f.body.fileId.slice(0, 2))).catch(() => [] as string[]);
    assert.ok(!dirs.includes(f.body.fileId), 'the file folder is gone');
    // The completed file is untouched.
    assert.equal((await call(t.app, 'getBlock', { token: a.token, params: { fileId: done.body.fileId, index: 0 } })).statusCode, 200);
  });
});

describe('big blocks stream through', () => {
  let t: TestApp;
  before(async () => { t = await makeTestApp(); });
  after(() => t.close());

  test('a block of the largest allowed size is accepted and returned intact', async () => {
    const a = await signup(t.app);
    const f = await uploadFile(t.app, a.token, fakeFile([BLOCK_CIPHERTEXT_MAX]));
    const r = await call(t.app, 'getBlock', { token: a.token, params: { fileId: f.body.fileId, index: 0 } });
    assert.equal(r.rawPayload.length, BLOCK_CIPHERTEXT_MAX);
    assert.equal(sha256Hex(r.rawPayload), f.body.blocks[0]!.sha256Hex);
  });
});
