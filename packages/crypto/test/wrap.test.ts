import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  unwrapAlbumKeyForLink, unwrapFileKeyForAlbum, unwrapFileKeyForLibrary, unwrapFileKeyForLink,
  wrapAlbumKeyForLink, wrapFileKeyForAlbum, wrapFileKeyForLibrary, wrapFileKeyForLink, WRAPPED_KEY_LENGTH,
} from '../src/wrap.ts';
import { newFileKey, libraryKeyFromBytes, linkKeyFromBytes } from '../src/keys.ts';
import { newAlbumKey, rotateAlbumKey } from '../src/album.ts';
import { primitives } from '#primitives';
import { rejectsWith } from './helpers.ts';

const libraryKey = libraryKeyFromBytes(primitives.randomBytes(32));
const linkKey = linkKeyFromBytes(primitives.randomBytes(32));

describe('key wrapping with context', () => {
  test('every wrap round-trips', async () => {
    const fk = newFileKey();
    const album = newAlbumKey('album-1', 3);
    const w1 = await wrapFileKeyForLibrary(libraryKey, fk, { fileId: 'f1', ownerId: 'alice' });
    assert.equal(w1.length, WRAPPED_KEY_LENGTH);
    assert.deepEqual(await unwrapFileKeyForLibrary(libraryKey, w1, { fileId: 'f1', ownerId: 'alice' }), fk);
    const w2 = await wrapFileKeyForAlbum(album, fk, { fileId: 'f1' });
    assert.deepEqual(await unwrapFileKeyForAlbum(album, w2, { fileId: 'f1' }), fk);
    const w3 = await wrapFileKeyForLink(linkKey, fk, { linkId: 'l1', fileId: 'f1' });
    assert.deepEqual(await unwrapFileKeyForLink(linkKey, w3, { linkId: 'l1', fileId: 'f1' }), fk);
    const w4 = await wrapAlbumKeyForLink(linkKey, album, { linkId: 'l1' });
    assert.deepEqual(await unwrapAlbumKeyForLink(linkKey, w4, { linkId: 'l1', albumId: 'album-1', epoch: 3 }), album);
  });

  test('a file key moved to another photo, owner, album, epoch or link → wrong-context naming it', async () => {
    const fk = newFileKey();
    const album = newAlbumKey('album-1', 3);
    const lib = await wrapFileKeyForLibrary(libraryKey, fk, { fileId: 'f1', ownerId: 'alice' });
    await rejectsWith(unwrapFileKeyForLibrary(libraryKey, lib, { fileId: 'f2', ownerId: 'alice' }), 'wrong-context', 'f2');
    await rejectsWith(unwrapFileKeyForLibrary(libraryKey, lib, { fileId: 'f1', ownerId: 'bob' }), 'wrong-context', 'bob');
    const alb = await wrapFileKeyForAlbum(album, fk, { fileId: 'f1' });
    await rejectsWith(unwrapFileKeyForAlbum(album, alb, { fileId: 'f2' }), 'wrong-context', 'f2', 'album-1');
    await rejectsWith(unwrapFileKeyForAlbum({ ...album, albumId: 'album-2' }, alb, { fileId: 'f1' }), 'wrong-context', 'album-2');
    await rejectsWith(unwrapFileKeyForAlbum({ ...album, epoch: 4 }, alb, { fileId: 'f1' }), 'wrong-context', 'epoch 4');
    const lnk = await wrapFileKeyForLink(linkKey, fk, { linkId: 'l1', fileId: 'f1' });
    await rejectsWith(unwrapFileKeyForLink(linkKey, lnk, { linkId: 'l2', fileId: 'f1' }), 'wrong-context', 'l2');
    // a key wrapped for one kind of place is not accepted as another kind
    await rejectsWith(unwrapFileKeyForLibrary(libraryKey, alb, { fileId: 'f1', ownerId: 'alice' }), 'wrong-context', 'file-in-album');
    const ak = await wrapAlbumKeyForLink(linkKey, album, { linkId: 'l1' });
    await rejectsWith(unwrapAlbumKeyForLink(linkKey, ak, { linkId: 'l1', albumId: 'album-1', epoch: 2 }), 'wrong-context', 'epoch 2');
    await rejectsWith(unwrapFileKeyForLink(linkKey, ak, { linkId: 'l1', fileId: 'f1' }), 'wrong-context');
  });

  test('the wrong wrapping key (another epoch, another library) → auth-failed', async () => {
    const fk = newFileKey();
    const e3 = newAlbumKey('album-1', 3);
    const e4 = rotateAlbumKey(e3);
    const w = await wrapFileKeyForAlbum(e3, fk, { fileId: 'f1' });
    await rejectsWith(unwrapFileKeyForAlbum({ ...e4, epoch: 3 }, w, { fileId: 'f1' }), 'auth-failed', 'f1', 'album-1');
    const other = libraryKeyFromBytes(primitives.randomBytes(32));
    const lib = await wrapFileKeyForLibrary(libraryKey, fk, { fileId: 'f1', ownerId: 'alice' });
    await rejectsWith(unwrapFileKeyForLibrary(other, lib, { fileId: 'f1', ownerId: 'alice' }), 'auth-failed', 'f1');
  });

  test('any flipped bit in a wrapped key is refused with a CryptoError', async () => {
    const fk = newFileKey();
    const w = await wrapFileKeyForLibrary(libraryKey, fk, { fileId: 'f1', ownerId: 'alice' });
    await fc.assert(fc.asyncProperty(fc.nat({ max: WRAPPED_KEY_LENGTH - 1 }), fc.nat({ max: 7 }), async (pos, bit) => {
      const t = Uint8Array.from(w);
      t[pos]! ^= 1 << bit;
      const code = pos === 0 ? 'bad-version' : pos < 18 ? 'wrong-context' : 'auth-failed';
      await rejectsWith(unwrapFileKeyForLibrary(libraryKey, t, { fileId: 'f1', ownerId: 'alice' }), code);
    }), { numRuns: 60 });
    await rejectsWith(unwrapFileKeyForLibrary(libraryKey, w.subarray(0, 70), { fileId: 'f1', ownerId: 'alice' }), 'malformed');
  });

  test('wrapping uses a fresh nonce each time', async () => {
    const fk = newFileKey();
    const a = await wrapFileKeyForLibrary(libraryKey, fk, { fileId: 'f1', ownerId: 'alice' });
    const b = await wrapFileKeyForLibrary(libraryKey, fk, { fileId: 'f1', ownerId: 'alice' });
    assert.notDeepEqual(a, b);
  });
});

test('a link key and URL secret kept for the owner unwrap only for that owner and link', async () => {
  const { wrapLinkForOwner, unwrapLinkForOwner, createLinkSecret, deriveLinkKeys, CryptoError: CE } = await import('../src/index.ts');
  const { newLibraryKey } = await import('../src/keys.ts');
  const lib = newLibraryKey();
  const secret = createLinkSecret();
  const { linkKey } = await deriveLinkKeys(secret, undefined);
  const ctx = { linkId: 'link-1', ownerId: 'owner-1' };
  const wrapped = await wrapLinkForOwner(lib, { linkKey, secret }, ctx);
  const back = await unwrapLinkForOwner(lib, wrapped, ctx);
  assert.equal(back.secret, secret);
  assert.deepEqual([...back.linkKey], [...linkKey]);
  await assert.rejects(unwrapLinkForOwner(lib, wrapped, { ...ctx, linkId: 'link-2' }), (e: unknown) => e instanceof CE && e.code === 'wrong-context');
  await assert.rejects(unwrapLinkForOwner(newLibraryKey(), wrapped, ctx), (e: unknown) => e instanceof CE && e.code === 'auth-failed');
  await assert.rejects(unwrapLinkForOwner(lib, { wrappedLinkKey: wrapped.wrappedSecret, wrappedSecret: wrapped.wrappedLinkKey }, ctx), (e: unknown) => e instanceof CE && e.code === 'wrong-context');
});
