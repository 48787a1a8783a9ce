import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BlobMismatchError, BlobTooLargeError, blobKeys } from '../src/blob/blob-store.ts';
import { DiskBlobStore } from '../src/blob/disk-blob-store.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const chunked = (b: Buffer, n = 1000) => Readable.from((function* () { for (let i = 0; i < b.length; i += n) yield b.subarray(i, i + n); })());
async function collect(r: Readable): Promise<Buffer> { const parts: Buffer[] = []; for await (const c of r) parts.push(c as Buffer); return Buffer.concat(parts); }

describe('disk blob store', () => {
  let dir: string;
  let store: DiskBlobStore;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'obscura-blobs-')); store = new DiskBlobStore(dir); });
  after(() => rm(dir, { recursive: true, force: true }));

  test('streams in, computes size and SHA-256, streams out', async () => {
    const data = randomBytes(12_345);
    const key = blobKeys.block(randomUUID(), 0);
    assert.deepEqual(await store.put(key, chunked(data), { maxBytes: 20_000 }), { size: data.length, sha256Hex: sha(data) });
    const got = await store.get(key);
    assert.equal(got?.size, data.length);
    assert.deepEqual(await collect(got!.stream), data);
    assert.equal(await store.exists(key), true);
  });

  test('too large or mismatching: refused, nothing kept (not even a temp file), an old blob survives', async () => {
    const fileId = randomUUID();
    const key = blobKeys.block(fileId, 1);
    const old = randomBytes(100);
    await store.put(key, old, { maxBytes: 100 });
    await assert.rejects(store.put(key, chunked(randomBytes(5000), 100), { maxBytes: 4000 }), BlobTooLargeError);
    const other = randomBytes(100);
    await assert.rejects(store.put(key, other, { maxBytes: 100, expect: { size: 100, sha256Hex: sha(old) } }), BlobMismatchError);
    assert.deepEqual(await collect((await store.get(key))!.stream), old);
    const folder = join(dir, 'files', fileId.slice(0, 2), fileId);
    assert.deepEqual(await readdir(folder), ['b1']);
  });

  test('delete removes blobs and their empty folder; missing keys are fine', async () => {
    const fileId = randomUUID();
    await store.put(blobKeys.thumbnail(fileId, 'small'), randomBytes(10), { maxBytes: 10 });
    await store.delete(blobKeys.allOfFile(fileId, 3));
    assert.equal(await store.get(blobKeys.thumbnail(fileId, 'small')), null);
    await assert.rejects(readdir(join(dir, 'files', fileId.slice(0, 2), fileId)), { code: 'ENOENT' });
  });

  test('keys are built from ids only: anything that is not a UUID is refused', () => {
    assert.throws(() => blobKeys.block('../../etc/passwd', 0), /not a UUID/);
    assert.throws(() => blobKeys.block(randomUUID(), -1), /bad block index/);
    assert.match(blobKeys.block('3B241101-E2BB-4255-8CAF-4136C566A962', 2), /^files\/3b\/3b241101-e2bb-4255-8caf-4136c566a962\/b2$/);
  });
});
