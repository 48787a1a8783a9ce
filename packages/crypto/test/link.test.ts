import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createLinkSecret, decodeLinkPasswordParams, deriveLinkKeys, encodeLinkPasswordParams, newLinkPasswordParams } from '../src/link.ts';
import { DEFAULT_KDF_PARAMS } from '../src/account.ts';
import { unwrapAlbumKeyForLink, wrapAlbumKeyForLink } from '../src/wrap.ts';
import { newAlbumKey } from '../src/album.ts';
import { primitives } from '#primitives';
import { TEST_KDF, rejectsWith } from './helpers.ts';

describe('public links', () => {
  test('secrets are 32 random bytes in base64url', () => {
    const s = createLinkSecret();
    assert.match(s, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(createLinkSecret(), s);
  });

  test('derivation is deterministic; the verifier is SHA-256 of the proof; key, proof and verifier all differ', async () => {
    const s = createLinkSecret();
    const a = await deriveLinkKeys(s, undefined);
    const b = await deriveLinkKeys(s, undefined);
    assert.deepEqual(a, b);
    assert.deepEqual(a.accessVerifier, await primitives.sha256(a.accessProof));
    assert.notDeepEqual(a.linkKey, a.accessProof);
    assert.notDeepEqual(a.linkKey, a.accessVerifier);
    const other = await deriveLinkKeys(createLinkSecret(), undefined);
    assert.notDeepEqual(other.linkKey, a.linkKey);
  });

  test('the password is part of the key: wrong password → different key and proof, and the wrapped album key does not open', async () => {
    const s = createLinkSecret();
    const params = newLinkPasswordParams(TEST_KDF);
    const right = await deriveLinkKeys(s, 'hunter2', params);
    const wrong = await deriveLinkKeys(s, 'hunter3', params);
    const none = await deriveLinkKeys(s, undefined);
    assert.notDeepEqual(right.linkKey, wrong.linkKey);
    assert.notDeepEqual(right.accessProof, wrong.accessProof);
    assert.notDeepEqual(right.linkKey, none.linkKey);
    assert.notDeepEqual(right.accessVerifier, none.accessVerifier);
    const album = newAlbumKey('album-1', 1);
    const wrapped = await wrapAlbumKeyForLink(right.linkKey, album, { linkId: 'link-1' });
    assert.deepEqual(await unwrapAlbumKeyForLink((await deriveLinkKeys(s, 'hunter2', params)).linkKey, wrapped, { linkId: 'link-1', albumId: 'album-1', epoch: 1 }), album);
    await rejectsWith(unwrapAlbumKeyForLink(wrong.linkKey, wrapped, { linkId: 'link-1', albumId: 'album-1', epoch: 1 }), 'auth-failed', 'link-1');
    // a different salt gives a different key for the same password
    const resalted = await deriveLinkKeys(s, 'hunter2', newLinkPasswordParams(TEST_KDF));
    assert.notDeepEqual(resalted.linkKey, right.linkKey);
  });

  test('password params are versioned; defaults use the account KDF defaults', () => {
    const p = newLinkPasswordParams();
    assert.deepEqual(p.kdf, DEFAULT_KDF_PARAMS);
    const bytes = encodeLinkPasswordParams(p);
    assert.equal(bytes[0], 1);
    assert.deepEqual(decodeLinkPasswordParams(bytes), { salt: p.salt, kdf: { ...p.kdf } });
  });

  test('misuse is refused', async () => {
    await rejectsWith(deriveLinkKeys('not a secret!', undefined), 'malformed', 'link secret');
    await rejectsWith(deriveLinkKeys(createLinkSecret().slice(0, 40), undefined), 'malformed');
    await rejectsWith(deriveLinkKeys(createLinkSecret(), 'pw'), 'malformed', 'parameters');
    assert.throws(() => decodeLinkPasswordParams(Uint8Array.of(2, 0)), { name: 'CryptoError', code: 'bad-version' } as never);
  });
});
