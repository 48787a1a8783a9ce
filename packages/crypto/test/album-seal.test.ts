import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { albumMetadataEpoch, decryptAlbumMetadata, encryptAlbumMetadata, newAlbumKey, rotateAlbumKey } from '../src/album.ts';
import { openMessage, openSealedAlbumKey, sealAlbumKey, sealMessage } from '../src/seal.ts';
import { newBoxKeyPair, newSigningKeyPair } from '../src/keys.ts';
import { CryptoError } from '../src/errors.ts';
import { hpkeSeal } from '../src/hpke.ts';
import { Writer, context, pad } from '../src/internal/bytes.ts';
import { primitives } from '#primitives';
import { concat, rejectsWith } from './helpers.ts';

const alice = { userId: 'alice', signingKeys: await newSigningKeyPair(), boxKeys: await newBoxKeyPair() };
const bob = { userId: 'bob', signingKeys: await newSigningKeyPair(), boxKeys: await newBoxKeyPair() };
const carol = { userId: 'carol', signingKeys: await newSigningKeyPair(), boxKeys: await newBoxKeyPair() };
const to = (u: typeof bob) => ({ userId: u.userId, x25519PublicKey: u.boxKeys.publicKey });
const as = (u: typeof bob) => ({ userId: u.userId, boxKeys: u.boxKeys });

describe('album keys and epochs', () => {
  test('rotation gives a fresh independent key at epoch + 1', () => {
    const k1 = newAlbumKey('album-9', 1);
    const k2 = rotateAlbumKey(k1);
    assert.equal(k2.albumId, 'album-9');
    assert.equal(k2.epoch, 2);
    assert.notDeepEqual(k2.key, k1.key);
  });

  test('album metadata round-trips, is padded, and names the epoch', async () => {
    const k = newAlbumKey('album-9', 5);
    const blob = await encryptAlbumMetadata(k, { name: 'Summer 🌞', description: 'beach' });
    assert.equal(albumMetadataEpoch(blob), 5);
    assert.equal((blob.length - 1 - 4 - 12 - 16) % 256, 0);
    assert.deepEqual(await decryptAlbumMetadata(k, blob), { name: 'Summer 🌞', description: 'beach' });
    const short = await encryptAlbumMetadata(k, { name: 'a' });
    const longer = await encryptAlbumMetadata(k, { name: 'a'.repeat(200) });
    assert.equal(short.length, longer.length, 'names up to ~250 bytes look the same size');
    await rejectsWith(decryptAlbumMetadata(rotateAlbumKey(k), blob), 'wrong-context', 'album-9', 'epoch 5');
    await rejectsWith(decryptAlbumMetadata({ ...k, albumId: 'album-8' }, blob), 'auth-failed', 'album-8');
    const t = Uint8Array.from(blob);
    t[30]! ^= 1;
    await rejectsWith(decryptAlbumMetadata(k, t), 'auth-failed', 'album-9');
  });
});

describe('sealed album keys', () => {
  const albumKey = newAlbumKey('album-1', 7);

  test('round trip to the intended member', async () => {
    const sealed = await sealAlbumKey({ sender: alice, recipient: to(bob), albumKey });
    const opened = await openSealedAlbumKey({ recipient: as(bob), senderPublicKey: alice.signingKeys.publicKey, senderId: 'alice', sealed, expect: { albumId: 'album-1', epoch: 7 } });
    assert.deepEqual(opened, albumKey);
  });

  test('wrong recipient: wrong-context (other id) or bad-signature/auth-failed (other key)', async () => {
    const sealed = await sealAlbumKey({ sender: alice, recipient: to(bob), albumKey });
    const expect = { albumId: 'album-1', epoch: 7 };
    await rejectsWith(openSealedAlbumKey({ recipient: as(carol), senderPublicKey: alice.signingKeys.publicKey, senderId: 'alice', sealed, expect }), 'wrong-context', 'bob', 'carol');
    // carol's keys under bob's id: the signature covers bob's public key
    await rejectsWith(openSealedAlbumKey({ recipient: { userId: 'bob', boxKeys: carol.boxKeys }, senderPublicKey: alice.signingKeys.publicKey, senderId: 'alice', sealed, expect }), 'bad-signature');
  });

  test('wrong sender key → bad-signature; wrong sender id → wrong-context', async () => {
    const sealed = await sealAlbumKey({ sender: alice, recipient: to(bob), albumKey });
    const expect = { albumId: 'album-1', epoch: 7 };
    await rejectsWith(openSealedAlbumKey({ recipient: as(bob), senderPublicKey: carol.signingKeys.publicKey, senderId: 'alice', sealed, expect }), 'bad-signature', 'alice');
    await rejectsWith(openSealedAlbumKey({ recipient: as(bob), senderPublicKey: carol.signingKeys.publicKey, senderId: 'carol', sealed, expect }), 'wrong-context', 'alice');
  });

  test('a replayed old epoch under a new expectation → wrong-context naming album and epoch', async () => {
    const old = await sealAlbumKey({ sender: alice, recipient: to(bob), albumKey });
    const e = await rejectsWith(openSealedAlbumKey({ recipient: as(bob), senderPublicKey: alice.signingKeys.publicKey, senderId: 'alice', sealed: old, expect: { albumId: 'album-1', epoch: 8 } }), 'wrong-context', 'album-1', 'epoch 7', 'epoch 8');
    assert.ok(e.message.length > 0);
    await rejectsWith(openSealedAlbumKey({ recipient: as(bob), senderPublicKey: alice.signingKeys.publicKey, senderId: 'alice', sealed: old, expect: { albumId: 'album-2', epoch: 7 } }), 'wrong-context', 'album-2');
  });

  test('any modified byte is refused', async () => {
    const sealed = await sealAlbumKey({ sender: alice, recipient: to(bob), albumKey });
    for (let pos = 0; pos < sealed.length; pos += 3) {
      const t = Uint8Array.from(sealed);
      t[pos]! ^= 0x10;
      let err: unknown;
      try {
        await openSealedAlbumKey({ recipient: as(bob), senderPublicKey: alice.signingKeys.publicKey, senderId: 'alice', sealed: t, expect: { albumId: 'album-1', epoch: 7 } });
      } catch (e) { err = e; }
      assert.ok(err instanceof Error && err.name === 'CryptoError', `byte ${pos} modification was accepted`);
    }
  });

  test('messages (invitations) use the same construction and bind the topic', async () => {
    const message = new TextEncoder().encode('{"album":"album-1","role":"viewer"}');
    const sealed = await sealMessage({ sender: alice, recipient: to(bob), topic: 'invite:album-1', message });
    const opened = await openMessage({ recipient: as(bob), senderPublicKey: alice.signingKeys.publicKey, senderId: 'alice', sealed, expect: { topic: 'invite:album-1' } });
    assert.deepEqual(opened, message);
    await rejectsWith(openMessage({ recipient: as(bob), senderPublicKey: alice.signingKeys.publicKey, senderId: 'alice', sealed, expect: { topic: 'invite:album-2' } }), 'wrong-context', 'invite:album-2');
    // a sealed album key is not a message and vice versa
    const sk = await sealAlbumKey({ sender: alice, recipient: to(bob), albumKey });
    await rejectsWith(openMessage({ recipient: as(bob), senderPublicKey: alice.signingKeys.publicKey, senderId: 'alice', sealed: sk, expect: { topic: 'invite:album-1' } }), 'wrong-context');
    const v = Uint8Array.from(sealed); v[0] = 2;
    await rejectsWith(openMessage({ recipient: as(bob), senderPublicKey: alice.signingKeys.publicKey, senderId: 'alice', sealed: v, expect: { topic: 'invite:album-1' } }), 'bad-version');
  });
});

describe('sealed messages are padded', () => {
  const open = (sealed: Uint8Array, topic = 'invite:album-1') =>
    openMessage({ recipient: as(bob), senderPublicKey: alice.signingKeys.publicKey, senderId: 'alice', sealed, expect: { topic } });
  const seal = (message: Uint8Array, topic = 'invite:album-1') => sealMessage({ sender: alice, recipient: to(bob), topic, message });
  /** A box from alice to bob of `kind` around `plaintext` as is, built by hand (as older or buggy clients would). */
  const rawBox = async (kind: number, plaintext: Uint8Array) => {
    const h = new Writer().u8(1).u8(kind).str('alice').str('bob').str('invite:album-1').finish();
    const { enc, ciphertext } = await hpkeSeal(primitives, bob.boxKeys.publicKey, context('obscura/seal/v1/info', h), h, plaintext);
    const body = concat([h, enc, ciphertext]);
    return concat([body, await primitives.ed25519Sign(alice.signingKeys.privateKey, concat([context('obscura/seal/v1/signature', bob.boxKeys.publicKey), body]))]);
  };

  test('messages of 1 and 200 bytes seal to the same size; 300 bytes to the next size class', async () => {
    const one = await seal(new Uint8Array(1).fill(0x61));
    const twoHundred = await seal(new Uint8Array(200).fill(0x62));
    assert.equal(one.length, twoHundred.length);
    assert.equal(one[1], 3, 'kind 3: padded message');
    const threeHundred = await seal(new Uint8Array(300).fill(0x63));
    assert.equal(threeHundred.length - one.length, 256);
    assert.deepEqual(await open(one), new Uint8Array(1).fill(0x61));
    assert.deepEqual(await open(twoHundred), new Uint8Array(200).fill(0x62));
    assert.deepEqual(await open(threeHundred), new Uint8Array(300).fill(0x63));
    // the edges of a size class: 252 bytes + 4-byte length fill one block exactly, 253 need two
    assert.equal((await seal(new Uint8Array(252))).length, one.length);
    assert.equal((await seal(new Uint8Array(253))).length, one.length + 256);
    assert.deepEqual(await open(await seal(new Uint8Array(0))), new Uint8Array(0));
  });

  test('an old-format (kind 2, unpadded) message still opens', async () => {
    // Built the way sealMessage built it before padding; the checked-in vector in
    // vectors/format/sealed.json is the real old data (vectors.test.ts opens it).
    const message = new TextEncoder().encode('see you in Kyoto');
    const old = await rawBox(2, message);
    const fresh = await seal(message);
    assert.equal(fresh.length - old.length, 256 - message.length, 'the old box shows the exact length, the new one a size class');
    assert.deepEqual(await open(old), message);
    await rejectsWith(open(old, 'invite:album-2'), 'wrong-context', 'invite:album-2');
  });

  test('a flipped bit anywhere in a padded message is refused', async () => {
    const sealed = await seal(new TextEncoder().encode('add yours!'));
    for (let pos = 0; pos < sealed.length; pos += 7) {
      for (const bit of [0x01, 0x80]) {
        const t = Uint8Array.from(sealed);
        t[pos]! ^= bit;
        let err: unknown;
        try {
          await open(t);
        } catch (e) { err = e; }
        assert.ok(err instanceof CryptoError, `bit ${bit} of byte ${pos} flipped was accepted`);
      }
    }
    // the kind byte in particular: turned into an old message (2) the signature fails
    const k = Uint8Array.from(sealed);
    k[1] = 2;
    await rejectsWith(open(k), 'bad-signature');
    k[1] = 4;
    await rejectsWith(open(k), 'malformed', 'unknown kind 4');
  });

  test('padding that is not zeros or a length beyond the box is refused after opening (malformed)', async () => {
    // A sender's client with a padding bug: the box verifies and opens, the padding does not.
    const box = (plaintext: Uint8Array) => rawBox(3, plaintext);
    const dirty = pad(new Uint8Array(5));
    dirty[200] = 1;
    await rejectsWith(open(await box(dirty)), 'malformed', 'non-zero padding');
    const long = pad(new Uint8Array(5));
    long[3] = 255;
    await rejectsWith(open(await box(long)), 'malformed', 'length prefix');
    await rejectsWith(open(await box(new Uint8Array(100))), 'malformed', 'bad padded length');
  });
});
