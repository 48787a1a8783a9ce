// Re-opens and re-verifies the checked-in format vectors (vectors/format/*.json), so any
// change that would make old stored data unreadable fails here.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fromHex, toHex } from '../src/encoding.ts';
import { decryptBlock, decryptFile, encryptFile } from '../src/file.ts';
import { decryptMetadata, decryptThumbnail } from '../src/file-blobs.ts';
import { checkBlob, verifyManifest } from '../src/manifest.ts';
import { unwrapAlbumKeyForLink, unwrapFileKeyForAlbum, unwrapFileKeyForLibrary, unwrapFileKeyForLink } from '../src/wrap.ts';
import { decryptAlbumMetadata } from '../src/album.ts';
import { openMessage, openSealedAlbumKey } from '../src/seal.ts';
import { decodeLinkPasswordParams, deriveLinkKeys } from '../src/link.ts';
import { openAccountWithPassword, openAccountWithRecoveryKey, serializeAccountBundle } from '../src/account.ts';
import { fingerprint } from '../src/fingerprint.ts';
import { contentHash } from '../src/content-hash.ts';
import {
  albumKeyFromBytes, boxKeyPairFromPrivate, contentHashKeyFromBytes, ed25519PublicKeyFromBytes, fileKeyFromBytes, libraryKeyFromBytes,
  linkKeyFromBytes, signingKeyPairFromSeed, x25519PublicKeyFromBytes,
} from '../src/keys.ts';
import { primitives } from '#primitives';
import { VECTORS_DIR, albumStateInputs, pattern, seed } from './vector-inputs.ts';
import { checkAlbumStateSuccessor, checkEpochKeyInState, signAlbumState, verifyAlbumState } from '../src/album-state.ts';
import { collect, concat } from './helpers.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = (name: string): any => JSON.parse(readFileSync(new URL(name, VECTORS_DIR), 'utf8'));

describe('format vectors', () => {
  test('file blocks: stored blocks decrypt and re-encrypt byte for byte; 4 MiB and 4 MiB + 1 recompute to the stored hashes', async () => {
    const v = load('file-blocks.json');
    const key = fileKeyFromBytes(fromHex(v.fileKeyHex));
    for (const c of v.stored) {
      const parts = await Promise.all(c.blocks.map((b: { index: number; last: boolean; ciphertextHex: string }) => decryptBlock(key, v.fileId, b.index, b.last, fromHex(b.ciphertextHex))));
      assert.equal(toHex(concat(parts)), c.plaintextHex);
      const again = await collect(encryptFile(key, v.fileId, [fromHex(c.plaintextHex)]));
      assert.deepEqual(again.map((b) => toHex(b.ciphertext)), c.blocks.map((b: { ciphertextHex: string }) => b.ciphertextHex));
      assert.deepEqual(again.map((b) => toHex(b.sha256)), c.blocks.map((b: { sha256Hex: string }) => b.sha256Hex));
    }
    for (const c of v.computed) {
      const again = await collect(encryptFile(key, v.fileId, [pattern(c.size)]));
      assert.deepEqual(again.map((b) => ({ index: b.index, last: b.last, ciphertextLength: b.ciphertext.length, sha256Hex: toHex(b.sha256) })), c.blocks);
    }
  });

  test('manifest verifies and lists the stored block, thumbnail and metadata ciphertexts; the file decrypts through it', async () => {
    const v = load('manifest.json');
    const m = await verifyManifest(fromHex(v.manifestHex), fromHex(v.signatureHex), ed25519PublicKeyFromBytes(fromHex(v.signerPublicKeyHex)), { fileId: v.fileId, uploaderId: v.uploaderId });
    assert.equal(m.plaintextSize, 1000);
    const blocks = load('file-blocks.json');
    const meta = load('metadata.json');
    const thousand = blocks.stored.find((s: { size: number }) => s.size === 1000);
    const cts = thousand.blocks.map((b: { ciphertextHex: string }) => fromHex(b.ciphertextHex));
    await checkBlob(m, { block: 0 }, cts[0]);
    await checkBlob(m, 'metadata', fromHex(meta.metadataBlobHex));
    await checkBlob(m, 'thumbnail-small', fromHex(meta.thumbnails.small.blobHex));
    await checkBlob(m, 'thumbnail-large', fromHex(meta.thumbnails.large.blobHex));
    const plain = concat(await collect(decryptFile(fileKeyFromBytes(fromHex(blocks.fileKeyHex)), v.fileId, m, cts)));
    assert.equal(toHex(plain), thousand.plaintextHex);
  });

  test('thumbnails, file metadata and album metadata open', async () => {
    const v = load('metadata.json');
    const key = fileKeyFromBytes(fromHex(v.fileKeyHex));
    assert.deepEqual(await decryptMetadata(key, v.fileId, fromHex(v.metadataBlobHex)), v.metadata);
    assert.deepEqual(await decryptThumbnail(key, v.fileId, 'small', fromHex(v.thumbnails.small.blobHex)), pattern(v.thumbnails.small.plaintextLength));
    assert.deepEqual(await decryptThumbnail(key, v.fileId, 'large', fromHex(v.thumbnails.large.blobHex)), pattern(v.thumbnails.large.plaintextLength));
    const album = albumKeyFromBytes(v.album.albumId, v.album.epoch, fromHex(v.album.keyHex));
    assert.deepEqual(await decryptAlbumMetadata(album, fromHex(v.album.blobHex)), v.album.metadata);
  });

  test('wrapped keys unwrap', async () => {
    const v = load('wrapped-keys.json');
    const lib = await unwrapFileKeyForLibrary(libraryKeyFromBytes(fromHex(v.library.libraryKeyHex)), fromHex(v.library.wrappedHex), { fileId: v.library.fileId, ownerId: v.library.ownerId });
    assert.equal(toHex(lib), v.fileKeyHex);
    const album = albumKeyFromBytes(v.album.albumId, v.album.epoch, fromHex(v.album.albumKeyHex));
    assert.equal(toHex(await unwrapFileKeyForAlbum(album, fromHex(v.album.wrappedHex), { fileId: v.album.fileId })), v.fileKeyHex);
    const link = linkKeyFromBytes(fromHex(v.linkFile.linkKeyHex));
    assert.equal(toHex(await unwrapFileKeyForLink(link, fromHex(v.linkFile.wrappedHex), { linkId: v.linkFile.linkId, fileId: v.linkFile.fileId })), v.fileKeyHex);
    const a = await unwrapAlbumKeyForLink(link, fromHex(v.linkAlbum.wrappedHex), { linkId: v.linkAlbum.linkId, albumId: v.linkAlbum.albumId, epoch: v.linkAlbum.epoch });
    assert.equal(toHex(a.key), v.linkAlbum.albumKeyHex);
  });

  test('sealed album key and the old (kind 2, unpadded) message open for bob from alice', async () => {
    const v = load('sealed.json');
    const boxKeys = await boxKeyPairFromPrivate(fromHex(v.bob.x25519PrivateKeyHex));
    assert.deepEqual(boxKeys.publicKey, x25519PublicKeyFromBytes(fromHex(v.bob.x25519PublicKeyHex)));
    const senderPublicKey = ed25519PublicKeyFromBytes(fromHex(v.alice.ed25519PublicKeyHex));
    const recipient = { userId: v.bob.userId, boxKeys };
    const key = await openSealedAlbumKey({ recipient, senderPublicKey, senderId: v.alice.userId, sealed: fromHex(v.albumKey.sealedHex), expect: { albumId: v.albumKey.albumId, epoch: v.albumKey.epoch } });
    assert.equal(toHex(key.key), v.albumKey.keyHex);
    const sealed = fromHex(v.message.sealedHex);
    assert.equal(sealed[1], 2, 'the stored message is the old unpadded kind');
    const msg = await openMessage({ recipient, senderPublicKey, senderId: v.alice.userId, sealed, expect: { topic: v.message.topic } });
    assert.equal(toHex(msg), v.message.messageHex);
  });

  test('sealed padded messages (kind 3) open to the unpadded bytes', async () => {
    const v = load('sealed-padded.json');
    const boxKeys = await boxKeyPairFromPrivate(fromHex(v.bob.x25519PrivateKeyHex));
    assert.deepEqual(boxKeys.publicKey, x25519PublicKeyFromBytes(fromHex(v.bob.x25519PublicKeyHex)));
    const senderPublicKey = ed25519PublicKeyFromBytes(fromHex(v.alice.ed25519PublicKeyHex));
    assert.equal(v.messages.length, 2);
    for (const m of v.messages as { topic: string; messageHex: string; sealedHex: string }[]) {
      const sealed = fromHex(m.sealedHex);
      assert.equal(sealed[1], 3, 'padded message kind');
      const msg = await openMessage({ recipient: { userId: v.bob.userId, boxKeys }, senderPublicKey, senderId: v.alice.userId, sealed, expect: { topic: m.topic } });
      assert.equal(toHex(msg), m.messageHex);
    }
  });

  test('album states re-sign byte for byte, verify under the owner key, and chain', async () => {
    const v = load('album-state.json');
    const owner = ed25519PublicKeyFromBytes(fromHex(v.ownerPublicKeyHex));
    const [s1, s2] = await Promise.all((v.states as { stateHex: string; signatureHex: string }[]).map((s) =>
      verifyAlbumState(fromHex(s.stateHex), fromHex(s.signatureHex), owner, { albumId: 'album-vector', ownerId: 'alice' })));
    checkAlbumStateSuccessor(s1!, s2!);
    assert.deepEqual([s2!.seq, s2!.epoch, s2!.members.map((m) => [m.userId, m.role])], [2, 2, [['bob', 'editor']]]);
    const { keys, genesis, second } = await albumStateInputs();
    for (const k of keys) await checkEpochKeyInState(s2!, k);
    const alice = await signingKeyPairFromSeed(seed('alice-ed25519'));
    const again1 = await signAlbumState(alice, genesis);
    const again2 = await signAlbumState(alice, await second(s1!.hash));
    assert.deepEqual([toHex(again1.state), toHex(again1.signature), toHex(again2.state), toHex(again2.signature)],
      [v.states[0].stateHex, v.states[0].signatureHex, v.states[1].stateHex, v.states[1].signatureHex]);
  });

  test('link derivation recomputes exactly', async () => {
    const v = load('link.json');
    const a = await deriveLinkKeys(v.secret, undefined);
    assert.deepEqual([toHex(a.linkKey), toHex(a.accessProof), toHex(a.accessVerifier)], [v.withoutPassword.linkKeyHex, v.withoutPassword.accessProofHex, v.withoutPassword.accessVerifierHex]);
    const b = await deriveLinkKeys(v.secret, v.withPassword.password, decodeLinkPasswordParams(fromHex(v.withPassword.paramsHex)));
    assert.deepEqual([toHex(b.linkKey), toHex(b.accessProof), toHex(b.accessVerifier)], [v.withPassword.linkKeyHex, v.withPassword.accessProofHex, v.withPassword.accessVerifierHex]);
  });

  test('account envelopes open with the password and the recovery key', async () => {
    const v = load('account.json');
    const byPw = await openAccountWithPassword(fromHex(v.passwordEnvelopeHex), v.password);
    const byRk = await openAccountWithRecoveryKey(fromHex(v.recoveryEnvelopeHex), v.recoveryKey);
    assert.equal(toHex(serializeAccountBundle(byPw)), v.bundleHex);
    assert.equal(toHex(serializeAccountBundle(byRk)), v.bundleHex);
    assert.equal(toHex(byPw.boxKeys.publicKey), v.publicKeys.x25519Hex);
    assert.equal(toHex(byPw.signingKeys.publicKey), v.publicKeys.ed25519Hex);
  });

  test('fingerprint and keyed content hash recompute exactly', async () => {
    const v = load('identity.json');
    assert.equal(await fingerprint({ x25519: x25519PublicKeyFromBytes(fromHex(v.x25519PublicKeyHex)), ed25519: ed25519PublicKeyFromBytes(fromHex(v.ed25519PublicKeyHex)) }), v.fingerprint);
    assert.equal(toHex(await primitives.sha256(pattern(1000))), v.plaintextSha256Hex);
    assert.equal(await contentHash(contentHashKeyFromBytes(fromHex(v.contentHashKeyHex)), fromHex(v.plaintextSha256Hex)), v.contentHash);
  });
});
