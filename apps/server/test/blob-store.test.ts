// The BlobStore contract, run against every implementation: the local disk and S3 (s3rver,
// a fake S3 in this process). Then what is particular to each.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BlobMismatchError, BlobTooLargeError, blobKeys, type BlobKey, type BlobStore } from '../src/blob/blob-store.ts';
import { DiskBlobStore } from '../src/blob/disk-blob-store.ts';
import { S3BlobStore, describeS3, type S3Settings } from '../src/blob/s3-blob-store.ts';
import { startS3, type TestS3 } from '../../../test/support/s3.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const chunked = (b: Buffer, n = 1000) => Readable.from((function* () { for (let i = 0; i < b.length; i += n) yield b.subarray(i, i + n); })());
async function collect(r: Readable): Promise<Buffer> { const parts: Buffer[] = []; for await (const c of r) parts.push(c as Buffer); return Buffer.concat(parts); }
const MiB = 1024 * 1024;

interface Subject {
  store: BlobStore;
  /** Everything the backend holds for a file (stray temp files included), as names relative to the file. */
  storedFor(fileId: string): Promise<string[]>;
  close(): Promise<void>;
}

const s3Settings = (s3: TestS3, over: Partial<S3Settings> = {}): S3Settings => ({
  bucket: s3.bucket, endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, prefix: '',
  credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }, ...over,
});

const implementations: Record<string, () => Promise<Subject>> = {
  disk: async () => {
    const dir = await mkdtemp(join(tmpdir(), 'obscura-blobs-'));
    return {
      store: new DiskBlobStore(dir),
      storedFor: (fileId) => readdir(join(dir, 'files', fileId.slice(0, 2), fileId)).then((n) => n.sort(), (e) => {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }),
      close: () => rm(dir, { recursive: true, force: true }),
    };
  },
  s3: async () => {
    const s3 = await startS3();
    const prefix = 'obscura/';
    const store = S3BlobStore.fromSettings(s3Settings(s3, { prefix }));
    return {
      store,
      storedFor: async (fileId) => {
        const under = `${prefix}files/${fileId.slice(0, 2)}/${fileId}/`;
        return (await s3.listKeys(under)).map((k) => k.slice(under.length));
      },
      close: async () => { store.destroy(); await s3.stop(); },
    };
  },
};

for (const [name, make] of Object.entries(implementations)) {
  describe(`blob store contract: ${name}`, () => {
    let subject: Subject;
    let store: BlobStore;
    before(async () => { subject = await make(); store = subject.store; });
    after(() => subject.close());

    test('streams in, computes size and SHA-256, streams out', async () => {
      const data = randomBytes(12_345);
      const key = blobKeys.block(randomUUID(), 0);
      assert.deepEqual(await store.put(key, chunked(data), { maxBytes: 20_000 }), { size: data.length, sha256Hex: sha(data) });
      const got = await store.get(key);
      assert.equal(got?.size, data.length);
      assert.deepEqual(await collect(got!.stream), data);
      assert.equal(await store.exists(key), true);
    });

    test('a full block (4 MiB + 17 bytes) with its expected hash; bytes as well as streams', async () => {
      const fileId = randomUUID();
      const block = randomBytes(4 * MiB + 17);
      const expect = { size: block.length, sha256Hex: sha(block) };
      assert.deepEqual(await store.put(blobKeys.block(fileId, 0), chunked(block, 64 * 1024), { maxBytes: block.length, expect }), expect);
      const thumb = randomBytes(300);
      assert.deepEqual(await store.put(blobKeys.thumbnail(fileId, 'large'), thumb, { maxBytes: 300 }), { size: 300, sha256Hex: sha(thumb) });
      const got = await store.get(blobKeys.block(fileId, 0));
      assert.equal(got?.size, block.length);
      assert.equal(sha(await collect(got!.stream)), expect.sha256Hex);
      assert.deepEqual(await collect((await store.get(blobKeys.thumbnail(fileId, 'large')))!.stream), thumb);
      assert.deepEqual(await subject.storedFor(fileId), ['b0', 't-large']);
    });

    test('an empty blob is a blob', async () => {
      const key = blobKeys.block(randomUUID(), 0);
      assert.deepEqual(await store.put(key, new Uint8Array(0), { maxBytes: 10 }), { size: 0, sha256Hex: sha(new Uint8Array(0)) });
      const got = await store.get(key);
      assert.equal(got?.size, 0);
      assert.equal((await collect(got!.stream)).length, 0);
    });

    test('too large or mismatching: refused, nothing kept (not even a temp file), an old blob survives', async () => {
      const fileId = randomUUID();
      const key = blobKeys.block(fileId, 1);
      const old = randomBytes(100);
      await store.put(key, old, { maxBytes: 100 });
      await assert.rejects(store.put(key, chunked(randomBytes(5000), 100), { maxBytes: 4000 }), BlobTooLargeError);
      const other = randomBytes(100);
      await assert.rejects(store.put(key, other, { maxBytes: 100, expect: { size: 100, sha256Hex: sha(old) } }), BlobMismatchError);
      await assert.rejects(store.put(key, chunked(old.subarray(0, 99), 10), { maxBytes: 100, expect: { size: 100, sha256Hex: sha(old) } }),
        (e: unknown) => e instanceof BlobMismatchError && e.actual.size === 99);
      assert.deepEqual(await collect((await store.get(key))!.stream), old);
      assert.deepEqual(await subject.storedFor(fileId), ['b1']);

      // A refused first upload leaves no key at all.
      const fresh = blobKeys.block(fileId, 2);
      await assert.rejects(store.put(fresh, chunked(randomBytes(3000)), { maxBytes: 2000 }), BlobTooLargeError);
      await assert.rejects(store.put(fresh, randomBytes(10), { maxBytes: 10, expect: { size: 10, sha256Hex: sha(randomBytes(10)) } }), BlobMismatchError);
      assert.equal(await store.exists(fresh), false);
      assert.equal(await store.get(fresh), null);
      assert.deepEqual(await subject.storedFor(fileId), ['b1']);
    });

    test('a sender that fails half-way stores nothing', async () => {
      const key = blobKeys.block(randomUUID(), 0);
      const failing = Readable.from((async function* () { yield randomBytes(500); throw new Error('connection reset'); })());
      await assert.rejects(store.put(key, failing, { maxBytes: 1000 }), /connection reset/);
      assert.equal(await store.exists(key), false);
    });

    test('missing keys: get is null, exists is false', async () => {
      const key = blobKeys.thumbnail(randomUUID(), 'small');
      assert.equal(await store.get(key), null);
      assert.equal(await store.exists(key), false);
    });

    test('delete removes every blob of a file; missing keys are fine', async () => {
      const fileId = randomUUID();
      await store.put(blobKeys.thumbnail(fileId, 'small'), randomBytes(10), { maxBytes: 10 });
      await store.put(blobKeys.block(fileId, 1), randomBytes(10), { maxBytes: 10 });
      await store.delete(blobKeys.allOfFile(fileId, 3));
      assert.equal(await store.get(blobKeys.thumbnail(fileId, 'small')), null);
      assert.equal(await store.exists(blobKeys.block(fileId, 1)), false);
      assert.deepEqual(await subject.storedFor(fileId), []);
      await store.delete(blobKeys.allOfFile(fileId, 3));
      await store.delete([]);
    });

    test('delete of more keys than one S3 batch (1000)', async () => {
      const fileId = randomUUID();
      const keys: BlobKey[] = [blobKeys.thumbnail(fileId, 'small')];
      for (let i = 0; i < 1005; i++) keys.push(blobKeys.block(fileId, i));
      const stored = [0, 1, 999, 1000, 1004];
      await Promise.all(stored.map((i) => store.put(blobKeys.block(fileId, i), randomBytes(4), { maxBytes: 4 })));
      assert.equal((await subject.storedFor(fileId)).length, stored.length);
      await store.delete(keys);
      assert.deepEqual(await subject.storedFor(fileId), []);
    });
  });
}

describe('disk blob store', () => {
  test('delete also removes the emptied folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'obscura-blobs-'));
    try {
      const store = new DiskBlobStore(dir);
      const fileId = randomUUID();
      await store.put(blobKeys.thumbnail(fileId, 'small'), randomBytes(10), { maxBytes: 10 });
      await store.delete(blobKeys.allOfFile(fileId, 3));
      await assert.rejects(readdir(join(dir, 'files', fileId.slice(0, 2), fileId)), { code: 'ENOENT' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('S3 blob store', () => {
  let s3: TestS3;
  before(async () => { s3 = await startS3(); });
  after(() => s3.stop());

  test('keys go under the prefix, and only there', async () => {
    const store = S3BlobStore.fromSettings(s3Settings(s3, { prefix: 'tenant-a/' }));
    const fileId = randomUUID();
    try {
      await store.put(blobKeys.block(fileId, 0), randomBytes(8), { maxBytes: 8 });
      assert.deepEqual(await s3.listKeys(`tenant-a/files/${fileId.slice(0, 2)}/${fileId}/`), [`tenant-a/files/${fileId.slice(0, 2)}/${fileId}/b0`]);
      assert.deepEqual(await s3.listKeys('files/'), [], 'nothing outside the prefix');
      const other = S3BlobStore.fromSettings(s3Settings(s3, { prefix: 'tenant-b/' }));
      assert.equal(await other.exists(blobKeys.block(fileId, 0)), false, 'another prefix is another store');
      other.destroy();
    } finally {
      store.destroy();
    }
  });

  test('check(): passes for a usable bucket, says why otherwise (never quoting the secret)', async () => {
    const ok = S3BlobStore.fromSettings(s3Settings(s3));
    await ok.check(describeS3(s3Settings(s3)));
    ok.destroy();

    const missing = S3BlobStore.fromSettings(s3Settings(s3, { bucket: 'no-such-bucket' }));
    await assert.rejects(missing.check('x'), /S3 blob store x is not usable: the bucket does not exist/);
    missing.destroy();

    // s3rver checks the access key id (not SigV4 signatures): an unknown one is refused with 403.
    const secret = 'wrong-secret-value';
    const denied = S3BlobStore.fromSettings(s3Settings(s3, { credentials: { accessKeyId: 'NOT-A-KEY', secretAccessKey: secret } }));
    await assert.rejects(denied.check('x'), (e: unknown) => e instanceof Error && /access denied/.test(e.message) && !e.message.includes(secret));
    denied.destroy();

    const down = S3BlobStore.fromSettings(s3Settings(s3, { endpoint: 'http://127.0.0.1:1' }));
    await assert.rejects(down.check('x'), /S3 blob store x is not usable: .*ECONNREFUSED/);
    down.destroy();
  });

  test('describeS3 names bucket, prefix and endpoint, not credentials', () => {
    const settings = s3Settings(s3, { prefix: 'p/' });
    const d = describeS3(settings);
    assert.equal(d, `s3://${s3.bucket}/p/ at ${s3.endpoint}`);
    assert.equal(describeS3({ ...settings, endpoint: undefined, region: 'eu-west-3' }), `s3://${s3.bucket}/p/ at AWS eu-west-3`);
  });
});
