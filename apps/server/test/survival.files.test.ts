// Survival of uploads when the server stops half-way or its storage fills up (issue 15 (a), (b);
// docs/reliability.md): no pending file without its parts, orphaned blobs removed at start-up,
// a full disk answered 507 "the server's disk is full" with nothing half-visible, and recovery.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, rmdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobKeys, StorageFullError, type BlobKey, type BlobStore } from '../src/blob/blob-store.ts';
import { DiskBlobStore } from '../src/blob/disk-blob-store.ts';
import { S3BlobStore } from '../src/blob/s3-blob-store.ts';
import { openDatabase } from '../src/db/index.ts';
import { startS3 } from '../../../test/support/s3.ts';
import { blob, signedState } from './album-helpers.ts';
import { call, chargeOf, fakeFile, makeTestApp, putBlock, signup, uploadFile, type TestApp } from './helpers.ts';

const FULL_MESSAGE = /^the server's disk is full: .*; ask the administrator to free space, then /;

/** An error as node's fs raises it when the file system is full. */
const enospc = (syscall = 'write') => Object.assign(new Error(`ENOSPC: no space left on device, ${syscall}`), { code: 'ENOSPC', errno: -28, syscall });

/** What the disk store holds for a file (temp files included). */
async function storedFor(t: TestApp, fileId: string): Promise<string[]> {
  try {
    return (await readdir(join(t.dir, 'blobs', 'files', fileId.slice(0, 2), fileId))).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Replaces `store.put` while `fn` runs (the app holds the same store object). */
async function withPut<T>(store: BlobStore, put: BlobStore['put'], fn: () => Promise<T>): Promise<T> {
  const original = store.put;
  store.put = put;
  try {
    return await fn();
  } finally {
    store.put = original;
  }
}

const used = async (t: TestApp, token: string): Promise<number> => (await call(t.app, 'me', { token })).json().storage.usedBytes;
const lookup = async (t: TestApp, token: string, hash: string) =>
  (await call(t.app, 'libraryLookup', { token, body: { contentHashes: [hash] } })).json().matches as unknown[];

/** Mounts a tmpfs of `size` on a new folder; undefined when this process may not mount (not root, in a container). */
function mountTmpfs(size: string): string | undefined {
  const dir = join(tmpdir(), `obscura-tmpfs-${randomUUID().slice(0, 8)}`);
  try {
    execFileSync('mkdir', ['-p', dir]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return dir;
  } catch {
    execFileSync('rmdir', [dir]);
    return undefined;
  }
}
const unmount = async (dir: string) => { execFileSync('umount', [dir]); await rmdir(dir); };

describe('no pending file without its parts (a server stopped during createFile)', () => {
  let t: TestApp;
  before(async () => { t = await makeTestApp(); });
  after(() => t.close());

  test('while the thumbnails are being stored the file does not exist yet: a stop at that moment leaves nothing to resume', async () => {
    const a = await signup(t.app);
    const f = fakeFile([700, 300]);
    const id = f.body.fileId;
    // The large thumbnail's put hangs: this is the moment a kill -9 would hit.
    let reached!: () => void;
    const atLargeThumbnail = new Promise<void>((r) => { reached = r; });
    let release!: () => void;
    const released = new Promise<void>((r) => { release = r; });
    const original = t.blobs.put.bind(t.blobs);
    const created = await withPut(t.blobs, async (key, source, opts) => {
      if (key === blobKeys.thumbnail(id, 'large')) {
        reached();
        await released;
      }
      return original(key, source, opts);
    }, async () => {
      const pending = call(t.app, 'createFile', { token: a.token, body: f.body });
      await atLargeThumbnail;
      // Nothing a backup could find and resume: no lookup match, no upload status, no complete.
      assert.deepEqual(await lookup(t, a.token, f.body.contentHash), []);
      assert.equal((await call(t.app, 'uploadStatus', { token: a.token, params: { fileId: id } })).statusCode, 404);
      assert.equal((await call(t.app, 'completeFile', { token: a.token, params: { fileId: id } })).statusCode, 404);
      assert.equal(await used(t, a.token), 0, 'no quota held yet');
      release();
      return pending;
    });
    // positive control: once the thumbnails are stored the file exists and completes
    assert.equal(created.statusCode, 200, created.body);
    assert.equal((await lookup(t, a.token, f.body.contentHash)).length, 1);
    for (const [i, b] of f.blocks.entries()) assert.equal((await putBlock(t.app, a.token, id, i, b)).statusCode, 200);
    assert.equal((await call(t.app, 'completeFile', { token: a.token, params: { fileId: id } })).statusCode, 200);
  });

  test('a store failing on the second thumbnail: 500, no pending file, no blob, no quota held', async () => {
    const a = await signup(t.app);
    const f = fakeFile();
    const id = f.body.fileId;
    const original = t.blobs.put.bind(t.blobs);
    const r = await withPut(t.blobs, async (key, source, opts) => {
      if (key === blobKeys.thumbnail(id, 'large')) throw new Error('the disk went away');
      return original(key, source, opts);
    }, () => call(t.app, 'createFile', { token: a.token, body: f.body }));
    assert.equal(r.statusCode, 500, r.body);
    assert.equal((await call(t.app, 'uploadStatus', { token: a.token, params: { fileId: id } })).statusCode, 404);
    assert.deepEqual(await storedFor(t, id), [], 'the small thumbnail was removed again');
    assert.equal(await used(t, a.token), 0);
    // the same id can be created afterwards (nothing of it is left)
    assert.equal((await call(t.app, 'createFile', { token: a.token, body: f.body })).statusCode, 200);
  });

  test('a refused create (quota) removes the thumbnails it stored first', async () => {
    const small = await makeTestApp({ quotaBytes: 1000 });
    try {
      const a = await signup(small.app);
      const f = fakeFile([5000]);
      const r = await call(small.app, 'createFile', { token: a.token, body: f.body });
      assert.equal(r.statusCode, 413, r.body);
      assert.deepEqual(await storedFor(small, f.body.fileId), []);
    } finally {
      await small.close();
    }
  });

  test('a create racing an existing file of the same id leaves that file its thumbnails', async () => {
    const a = await signup(t.app);
    const f = await uploadFile(t.app, a.token, fakeFile());
    const again = await call(t.app, 'createFile', { token: a.token, body: { ...fakeFile().body, fileId: f.body.fileId } });
    assert.equal(again.statusCode, 409, again.body);
    const thumb = await call(t.app, 'getThumbnail', { token: a.token, params: { fileId: f.body.fileId, size: 'large' } });
    assert.equal(thumb.statusCode, 200);
    assert.deepEqual(thumb.rawPayload, f.thumbLarge, 'the refused create did not overwrite it');
  });

  test('a pending file left without its large thumbnail (by an older server) is discarded at complete, quota refunded', async () => {
    const a = await signup(t.app);
    const f = fakeFile([400, 100]);
    const id = f.body.fileId;
    assert.equal((await call(t.app, 'createFile', { token: a.token, body: f.body })).statusCode, 200);
    await t.blobs.delete([blobKeys.thumbnail(id, 'large')]); // the state a kill between the two writes used to leave
    for (const [i, b] of f.blocks.entries()) assert.equal((await putBlock(t.app, a.token, id, i, b)).statusCode, 200);
    const done = await call(t.app, 'completeFile', { token: a.token, params: { fileId: id } });
    assert.equal(done.statusCode, 409, done.body);
    assert.match(done.json().error.message, /^cannot complete file [0-9a-f]{8}…: its large thumbnail is missing on the server, so this unfinished upload was discarded; create the file again$/);
    // discarded: a re-run finds nothing to resume and uploads afresh
    assert.equal((await call(t.app, 'uploadStatus', { token: a.token, params: { fileId: id } })).statusCode, 404);
    assert.deepEqual(await lookup(t, a.token, f.body.contentHash), []);
    assert.equal(await used(t, a.token), 0);
    assert.deepEqual(await storedFor(t, id), []);
    assert.ok(t.logger.errors.some((l) => l.includes(`pending file ${id} has no large thumbnail`)), t.logger.errors.join('\n'));
  });
});

describe('a full disk: 507 "the server\'s disk is full", nothing half-visible, recovery', () => {
  let t: TestApp;
  before(async () => { t = await makeTestApp(); });
  after(() => t.close());

  test('createFile: 507 when a thumbnail cannot be stored (ENOSPC, EDQUOT, StorageFullError); no file, no blob, no quota', async () => {
    const a = await signup(t.app);
    const failures: [string, (key: BlobKey) => Error][] = [
      ['ENOSPC on the large thumbnail', () => enospc()],
      ['EDQUOT on the small thumbnail', () => Object.assign(new Error('EDQUOT: disk quota exceeded, write'), { code: 'EDQUOT' })],
      ['a store that says so itself', (key) => new StorageFullError(`no space left to store ${key} (ENOSPC)`)],
    ];
    for (const [what, error] of failures) {
      const f = fakeFile();
      const id = f.body.fileId;
      const original = t.blobs.put.bind(t.blobs);
      const r = await withPut(t.blobs, async (key, source, opts) => {
        const small = key === blobKeys.thumbnail(id, 'small');
        if (what.includes('small') ? small : !small) throw error(key);
        return original(key, source, opts);
      }, () => call(t.app, 'createFile', { token: a.token, body: f.body }));
      assert.equal(r.statusCode, 507, `${what}: ${r.body}`);
      assert.equal(r.json().error.code, 'storage-full');
      assert.equal(r.json().error.message, `the server's disk is full: nothing was stored of file ${id.slice(0, 8)}…; ask the administrator to free space, then run the backup again`);
      assert.equal((await call(t.app, 'uploadStatus', { token: a.token, params: { fileId: id } })).statusCode, 404, what);
      assert.deepEqual(await lookup(t, a.token, f.body.contentHash), [], what);
      assert.deepEqual(await storedFor(t, id), [], what);
    }
    assert.equal(await used(t, a.token), 0);
    assert.ok(t.logger.errors.some((l) => /^POST \/api\/files refused: the server's storage is full \(/.test(l)), t.logger.errors.join('\n'));
  });

  test('putBlock: 507 while full, the block is not marked stored; once space returns the upload resumes and downloads intact', async () => {
    const a = await signup(t.app);
    const f = fakeFile([900, 600, 300]);
    const id = f.body.fileId;
    assert.equal((await call(t.app, 'createFile', { token: a.token, body: f.body })).statusCode, 200);
    assert.equal((await putBlock(t.app, a.token, id, 0, f.blocks[0]!)).statusCode, 200);
    const refused = await withPut(t.blobs, async () => { throw enospc(); }, async () => [
      await putBlock(t.app, a.token, id, 1, f.blocks[1]!),
      await putBlock(t.app, a.token, id, 2, f.blocks[2]!), // keeps refusing cleanly
    ]);
    for (const r of refused) {
      assert.equal(r.statusCode, 507, r.body);
      assert.match(r.json().error.message, FULL_MESSAGE);
    }
    assert.equal(refused[0]!.json().error.message,
      `the server's disk is full: block 1 of file ${id.slice(0, 8)}… was not stored; ask the administrator to free space, then run the backup again (it resumes where it stopped)`);
    const status = await call(t.app, 'uploadStatus', { token: a.token, params: { fileId: id } });
    assert.deepEqual(status.json().storedBlocks, [0], 'only what was stored is reported stored');
    assert.equal((await call(t.app, 'completeFile', { token: a.token, params: { fileId: id } })).statusCode, 409, 'cannot complete with blocks missing');
    assert.deepEqual((await call(t.app, 'libraryChanges', { token: a.token })).json().items, [], 'not in the library feed');
    assert.deepEqual(await storedFor(t, id), ['b0', 't-large', 't-small'], 'no temp file, no partial block');

    // space is back: resume the missing blocks, complete, download byte-identical
    for (const i of [1, 2]) assert.equal((await putBlock(t.app, a.token, id, i, f.blocks[i]!)).statusCode, 200);
    assert.equal((await call(t.app, 'completeFile', { token: a.token, params: { fileId: id } })).statusCode, 200);
    for (const [i, b] of f.blocks.entries()) {
      const got = await call(t.app, 'getBlock', { token: a.token, params: { fileId: id, index: i } });
      assert.deepEqual(got.rawPayload, b, `block ${i}`);
    }
    assert.equal(await used(t, a.token), chargeOf(f));
  });

  test('the database disk full (SQLITE_FULL, PostgreSQL 53100): 507 on uploads and on any other route; nothing stored', async () => {
    const a = await signup(t.app);
    const f = fakeFile();
    const tx = t.db.tx.bind(t.db);
    const fullDb = (code: string) => async () => { throw Object.assign(new Error('database or disk is full'), { code }); };
    for (const code of ['SQLITE_FULL', '53100']) {
      t.db.tx = fullDb(code);
      try {
        const r = await call(t.app, 'createFile', { token: a.token, body: f.body });
        assert.equal(r.statusCode, 507, r.body);
        assert.match(r.json().error.message, /^the server's disk is full: nothing was stored of file .*then run the backup again$/);
        assert.deepEqual(await storedFor(t, f.body.fileId), [], 'its thumbnails were removed');
        const album = await call(t.app, 'createAlbum', { token: a.token, body: { albumId: randomUUID(), metadataB64: blob(40), sealedKeyB64: blob(), state: signedState(1) } });
        assert.equal(album.statusCode, 507, album.body);
        assert.equal(album.json().error.message, "the server's disk is full: the request was not carried out; ask the administrator to free space, then try again");
      } finally {
        t.db.tx = tx;
      }
    }
    // completing: the database refuses the last step, the file stays pending with its blocks
    const g = fakeFile([200]);
    assert.equal((await call(t.app, 'createFile', { token: a.token, body: g.body })).statusCode, 200);
    assert.equal((await putBlock(t.app, a.token, g.body.fileId, 0, g.blocks[0]!)).statusCode, 200);
    t.db.tx = fullDb('SQLITE_FULL');
    const done = await call(t.app, 'completeFile', { token: a.token, params: { fileId: g.body.fileId } }).finally(() => { t.db.tx = tx; });
    assert.equal(done.statusCode, 507, done.body);
    assert.equal(done.json().error.message, `the server's disk is full: file ${g.body.fileId.slice(0, 8)}… was not completed; ask the administrator to free space, then run the backup again (it resumes where it stopped)`);
    assert.deepEqual((await call(t.app, 'uploadStatus', { token: a.token, params: { fileId: g.body.fileId } })).json(), { fileId: g.body.fileId, status: 'pending', blockCount: 1, storedBlocks: [0] });
    assert.equal((await call(t.app, 'completeFile', { token: a.token, params: { fileId: g.body.fileId } })).statusCode, 200);

    assert.equal((await call(t.app, 'createFile', { token: a.token, body: f.body })).statusCode, 200, 'works again once there is room');
    assert.deepEqual((await call(t.app, 'listAlbums', { token: a.token })).json().albums, [], 'no album was half-created');
  });
});

describe('the stores themselves when full', () => {
  test('disk store on a full tmpfs: StorageFullError, no temp file, no short blob; works again once enlarged', async (ctx) => {
    const dir = mountTmpfs('1m');
    if (!dir) return ctx.skip('cannot mount a tmpfs here (needs root and mount permission)');
    try {
      const store = new DiskBlobStore(join(dir, 'blobs'));
      const id = randomUUID();
      const big = randomBytes(1536 * 1024);
      const key = blobKeys.block(id, 0);
      await assert.rejects(store.put(key, big, { maxBytes: big.length }), (e: Error) => {
        assert.ok(e instanceof StorageFullError, `${e.name}: ${e.message}`);
        assert.match(e.message, /^no space left to store files\/.+\/b0 \(ENOSPC\)$/);
        return true;
      });
      assert.equal(await store.exists(key), false, 'no partial blob');
      assert.deepEqual(await readdir(join(dir, 'blobs', 'files', id.slice(0, 2), id)), [], 'the temp file was removed');
      // fill the disk almost completely, then a blob that fits only in part: never kept short
      await writeFile(join(dir, 'filler'), Buffer.alloc(900 * 1024));
      const part = randomBytes(200 * 1024);
      await assert.rejects(store.put(key, part, { maxBytes: part.length }), StorageFullError);
      assert.equal(await store.exists(key), false);
      execFileSync('mount', ['-o', 'remount,size=4m', dir]);
      await store.put(key, big, { maxBytes: big.length });
      const got = await store.get(key);
      const chunks: Buffer[] = [];
      for await (const c of got!.stream) chunks.push(c as Buffer);
      assert.deepEqual(Buffer.concat(chunks), big);
    } finally {
      await unmount(dir);
    }
  });

  test('SQLite on a full tmpfs: the transaction fails with SQLITE_FULL (not "cannot rollback"), and works again once enlarged', async (ctx) => {
    const dir = mountTmpfs('2m');
    if (!dir) return ctx.skip('cannot mount a tmpfs here (needs root and mount permission)');
    try {
      const db = await openDatabase({ kind: 'sqlite', file: join(dir, 'obscura.db') });
      try {
        await writeFile(join(dir, 'filler'), Buffer.alloc(2 * 1024 * 1024)).catch(() => {}); // fills what is left
        const value = randomBytes(200 * 1024).toString('hex');
        await assert.rejects(db.tx((r) => r.settings.getOrInsert('survival-test', value)), (e: NodeJS.ErrnoException) => {
          assert.equal(e.code, 'SQLITE_FULL', `${e.code}: ${e.message}`);
          return true;
        });
        assert.equal(await db.repos.settings.get('survival-test'), undefined, 'rolled back');
        execFileSync('mount', ['-o', 'remount,size=8m', dir]);
        assert.equal(await db.tx((r) => r.settings.getOrInsert('survival-test', value)), value);
      } finally {
        await db.close();
      }
    } finally {
      await unmount(dir);
    }
  });
});

describe('[Note: orphaned blobs] what a stopped run left is removed at the next start', () => {
  let t: TestApp;
  before(async () => { t = await makeTestApp(); });
  after(() => t.close());

  test('disk store: orphans and temp files written before the start go; files with a row, and anything newer, stay', async () => {
    const a = await signup(t.app);
    const kept = await uploadFile(t.app, a.token, fakeFile([300]));
    const blobs = join(t.dir, 'blobs');
    const dirOf = (id: string) => join(blobs, 'files', id.slice(0, 2), id);
    const start = Date.now();
    const before = new Date(start - 60_000);
    const after_ = new Date(start + 60_000);
    // a create stopped after its thumbnails (no row), and a block write stopped half-way in a live file
    const orphan = randomUUID();
    for (const size of ['small', 'large'] as const) await t.blobs.put(blobKeys.thumbnail(orphan, size), randomBytes(50), { maxBytes: 50 });
    for (const n of ['t-small', 't-large']) await utimes(join(dirOf(orphan), n), before, before);
    await writeFile(join(dirOf(kept.body.fileId), '.tmp-0123456789abcdef'), randomBytes(100));
    await utimes(join(dirOf(kept.body.fileId), '.tmp-0123456789abcdef'), before, before);
    // a create in progress since the start (no row yet): left alone
    const fresh = randomUUID();
    await t.blobs.put(blobKeys.thumbnail(fresh, 'small'), randomBytes(50), { maxBytes: 50 });
    await utimes(join(dirOf(fresh), 't-small'), after_, after_);
    // stray names in the tree are not the store's: left alone
    await mkdir(join(blobs, 'files', 'zz'), { recursive: true });

    const removed = await t.app.services.files.collectOrphans(start);
    assert.deepEqual(removed, { files: 1, blobs: 3 });
    assert.equal(await t.blobs.exists(blobKeys.thumbnail(orphan, 'small')), false);
    await assert.rejects(readdir(dirOf(orphan)), { code: 'ENOENT' }, 'its folder went too');
    assert.deepEqual((await readdir(dirOf(kept.body.fileId))).sort(), ['b0', 't-large', 't-small']);
    assert.equal(await t.blobs.exists(blobKeys.thumbnail(fresh, 'small')), true);
    // the file with a row is whole
    const got = await call(t.app, 'getBlock', { token: a.token, params: { fileId: kept.body.fileId, index: 0 } });
    assert.deepEqual(got.rawPayload, kept.blocks[0]);
    assert.deepEqual(await t.app.services.files.collectOrphans(start), { files: 0, blobs: 0 }, 'nothing more the second time');
    await rm(join(blobs, 'files', 'zz'), { recursive: true });
  });

  test('S3 store: list names every blob with its file id (what the start-up check walks)', async () => {
    const s3 = await startS3();
    const store = S3BlobStore.fromSettings({
      bucket: s3.bucket, endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, prefix: 'obscura/',
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    try {
      const ids = [randomUUID(), randomUUID()].sort();
      for (const id of ids) {
        await store.put(blobKeys.thumbnail(id, 'small'), randomBytes(10), { maxBytes: 10 });
        await store.put(blobKeys.block(id, 0), randomBytes(10), { maxBytes: 10 });
      }
      const listed: { key: string; fileId: string; unfinished: boolean; recent: boolean }[] = [];
      for await (const b of store.list()) listed.push({ key: b.key, fileId: b.fileId, unfinished: b.unfinished, recent: b.modifiedAt >= Date.now() - 60_000 });
      assert.deepEqual(listed, ids.flatMap((id) => [
        { key: blobKeys.block(id, 0), fileId: id, unfinished: false, recent: true },
        { key: blobKeys.thumbnail(id, 'small'), fileId: id, unfinished: false, recent: true },
      ]));
    } finally {
      store.destroy();
      await s3.stop();
    }
  });
});
