import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkBlob, signManifest, verifyManifest, type ManifestInput } from '../src/manifest.ts';
import { decryptMetadata, decryptThumbnail, encryptMetadata, encryptThumbnail, type FileMetadata } from '../src/file-blobs.ts';
import { BLOCK_SIZE } from '../src/file.ts';
import { newFileKey, newSigningKeyPair } from '../src/keys.ts';
import { primitives } from '#primitives';
import { rejectsWith } from './helpers.ts';

const signer = await newSigningKeyPair();
const h = (n: number) => new Uint8Array(32).fill(n);

const input: ManifestInput = {
  fileId: 'file-1', uploaderId: 'alice', blockHashes: [h(1), h(2)], plaintextSize: BLOCK_SIZE + 10,
  thumbnailHashes: { small: h(3), large: h(4) }, metadataHash: h(5),
};

describe('manifest', () => {
  test('sign → verify round trip, canonical and versioned', async () => {
    const { manifest, signature } = await signManifest(signer, input);
    assert.equal(manifest[0], 1);
    const m = await verifyManifest(manifest, signature, signer.publicKey, { fileId: 'file-1', uploaderId: 'alice' });
    assert.deepEqual({ ...m, version: undefined }, { ...input, version: undefined });
    assert.deepEqual((await signManifest(signer, input)).manifest, manifest, 'deterministic encoding');
    const minimal = await signManifest(signer, { fileId: 'f', uploaderId: 'u', blockHashes: [h(1)], thumbnailHashes: {}, metadataHash: h(2) });
    const mm = await verifyManifest(minimal.manifest, minimal.signature, signer.publicKey, { fileId: 'f', uploaderId: 'u' });
    assert.equal(mm.plaintextSize, undefined);
    assert.deepEqual(mm.thumbnailHashes, {});
  });

  test('bad signature, other signer, flipped byte → bad-signature naming the file', async () => {
    const { manifest, signature } = await signManifest(signer, input);
    const other = await newSigningKeyPair();
    await rejectsWith(verifyManifest(manifest, signature, other.publicKey, { fileId: 'file-1', uploaderId: 'alice' }), 'bad-signature', 'file-1', 'alice');
    for (let i = 1; i < manifest.length; i += 7) {
      const t = Uint8Array.from(manifest);
      t[i]! ^= 1;
      await rejectsWith(verifyManifest(t, signature, signer.publicKey, { fileId: 'file-1', uploaderId: 'alice' }), 'bad-signature');
    }
    const v = Uint8Array.from(manifest); v[0] = 2;
    await rejectsWith(verifyManifest(v, signature, signer.publicKey, { fileId: 'file-1', uploaderId: 'alice' }), 'bad-version');
  });

  test('a valid manifest of another file or uploader → wrong-context', async () => {
    const { manifest, signature } = await signManifest(signer, input);
    await rejectsWith(verifyManifest(manifest, signature, signer.publicKey, { fileId: 'file-2', uploaderId: 'alice' }), 'wrong-context', 'file-1', 'file-2');
    await rejectsWith(verifyManifest(manifest, signature, signer.publicKey, { fileId: 'file-1', uploaderId: 'bob' }), 'wrong-context', 'bob');
  });

  test('inconsistent inputs are refused at signing', async () => {
    await rejectsWith(signManifest(signer, { ...input, blockHashes: [] }), 'malformed');
    await rejectsWith(signManifest(signer, { ...input, plaintextSize: 5 }), 'malformed', 'needs 1 blocks');
    await rejectsWith(signManifest(signer, { ...input, metadataHash: new Uint8Array(31) }), 'bad-length');
  });

  test('checkBlob accepts the listed ciphertexts and names what mismatched', async () => {
    const meta = new Uint8Array([9, 9, 9]);
    const block = new Uint8Array([1, 2, 3]);
    const { manifest, signature } = await signManifest(signer, {
      fileId: 'file-1', uploaderId: 'alice', blockHashes: [await primitives.sha256(block)], thumbnailHashes: { small: await primitives.sha256(new Uint8Array(1)) },
      metadataHash: await primitives.sha256(meta),
    });
    const m = await verifyManifest(manifest, signature, signer.publicKey, { fileId: 'file-1', uploaderId: 'alice' });
    await checkBlob(m, 'metadata', meta);
    await checkBlob(m, { block: 0 }, block);
    await checkBlob(m, 'thumbnail-small', new Uint8Array(1));
    await rejectsWith(checkBlob(m, 'metadata', block), 'manifest-mismatch', 'file-1', 'metadata');
    await rejectsWith(checkBlob(m, { block: 0 }, meta), 'manifest-mismatch', 'block 0');
    await rejectsWith(checkBlob(m, { block: 1 }, block), 'manifest-mismatch', 'block 1');
    await rejectsWith(checkBlob(m, 'thumbnail-large', block), 'manifest-mismatch', 'large thumbnail');
  });
});

const meta: FileMetadata = {
  name: 'IMG_0001.HEIC', mimeType: 'image/heic', capturedAt: 1_700_000_000_000, captureSource: 'exif', size: 2_345_678,
  width: 4032, height: 3024, cameraMake: 'Apple', cameraModel: 'iPhone 15', gps: { latitude: 48.8584, longitude: 2.2945, altitude: 35 },
  description: 'Tour Eiffel',
};

describe('thumbnails and metadata', () => {
  test('thumbnails round-trip per size; size and file are bound', async () => {
    const fk = newFileKey();
    const small = await encryptThumbnail(fk, 'file-1', 'small', new Uint8Array([1, 2, 3]));
    assert.equal(small[0], 1);
    assert.deepEqual(await decryptThumbnail(fk, 'file-1', 'small', small), new Uint8Array([1, 2, 3]));
    await rejectsWith(decryptThumbnail(fk, 'file-1', 'large', small), 'auth-failed', 'file-1', 'large thumbnail');
    await rejectsWith(decryptThumbnail(fk, 'file-2', 'small', small), 'auth-failed', 'file-2');
    await rejectsWith(decryptThumbnail(newFileKey(), 'file-1', 'small', small), 'auth-failed');
  });

  test('metadata round-trips, validates, and is padded to 256 bytes', async () => {
    const fk = newFileKey();
    const blob = await encryptMetadata(fk, 'file-1', meta);
    assert.deepEqual(await decryptMetadata(fk, 'file-1', blob), meta);
    assert.equal((blob.length - 1 - 12 - 16) % 256, 0);
    const base = { mimeType: 'image/jpeg', capturedAt: 0, captureSource: 'unknown', size: 1 } as const;
    const a = await encryptMetadata(fk, 'f', { ...base, name: 'a.jpg' });
    const b = await encryptMetadata(fk, 'f', { ...base, name: 'a-much-longer-file-name-from-a-camera.jpg' });
    assert.equal(a.length, b.length);
    await rejectsWith(decryptMetadata(fk, 'file-2', blob), 'auth-failed', 'file-2');
    const t = Uint8Array.from(blob); t[20]! ^= 4;
    await rejectsWith(decryptMetadata(fk, 'file-1', t), 'auth-failed', 'file-1');
    await rejectsWith(encryptMetadata(fk, 'f', { ...meta, captureSource: 'guess' as never }), 'malformed', 'captureSource');
    await rejectsWith(encryptMetadata(fk, 'f', { ...meta, gps: { latitude: 91, longitude: 0 } }), 'malformed', 'gps.latitude');
    await rejectsWith(encryptMetadata(fk, 'f', { ...meta, size: -1 }), 'malformed', 'size');
  });
});
