// Wrapped keys: a key encrypted under another key, bound to where it belongs.
//
//   wrapped = u8 version (1) || u8 kind || 16-byte context digest || 12-byte random nonce
//             || AES-256-GCM(wrap key, nonce, key (32 bytes), aad) (48 bytes)      = 78 bytes
//   wrap key = HKDF(wrapping key, "", context("obscura/wrap/v1/key", kindName))
//   aad      = context("obscura/wrap/v1", u8 version, u8 kind, ...fields of the kind)
//   context digest = SHA-256(aad)[0..16]
//
//   kind 1 file-in-library: ownerId, fileId
//   kind 2 file-in-album:   albumId, u64 epoch, fileId
//   kind 3 file-in-link:    linkId, fileId
//   kind 4 album-in-link:   linkId, albumId, u64 epoch
//   kind 5 link-for-owner:  ownerId, linkId         (the link key, for its owner)
//   kind 6 link-secret-for-owner: ownerId, linkId   (the URL secret, for its owner)
//
// [Note: the owner keeps a link's key] an album link must receive every new epoch key
// when the album rotates, and the owner should be able to copy the URL again later. So
// the link key and the URL secret are wrapped under the owner's library key (kinds 5, 6);
// only the owner can unwrap them, never the server and never a removed member.
//
// [Note: why a wrapped key carries a context digest]
// The AAD alone already makes a key moved to another photo/album/epoch/link fail to unwrap.
// The digest (of public ids only) lets the unwrapper tell "this is someone else's key"
// ('wrong-context') apart from "this was tampered with or the wrapping key is wrong"
// ('auth-failed'), so the error a person sees says what actually happened.
import { primitives } from '#primitives';
import { CryptoError } from './errors.ts';
import { concatBytes, constantTimeEqual, fromBase64Url, toBase64Url } from './encoding.ts';
import { authOrThrow, checkEpoch, checkId, context } from './internal/bytes.ts';
import { brandKey } from './keys.ts';
import type { AlbumEpochKey, AlbumKeyBytes, FileKey, LibraryKey, LinkKey } from './keys.ts';

export const WRAP_VERSION = 1;
export const WRAPPED_KEY_LENGTH = 1 + 1 + 16 + 12 + 32 + 16;

const KINDS = {
  'file-in-library': 1,
  'file-in-album': 2,
  'file-in-link': 3,
  'album-in-link': 4,
  'link-for-owner': 5,
  'link-secret-for-owner': 6,
} as const;
type Kind = keyof typeof KINDS;
const KIND_NAMES = Object.fromEntries(Object.entries(KINDS).map(([k, v]) => [v, k])) as Record<number, Kind>;

function aadFor(kind: Kind, fields: (string | number)[]): Uint8Array {
  return context('obscura/wrap/v1', Uint8Array.of(WRAP_VERSION), Uint8Array.of(KINDS[kind]), ...fields);
}

async function wrap(wrappingKey: Uint8Array, kind: Kind, fields: (string | number)[], key: Uint8Array): Promise<Uint8Array> {
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new CryptoError('bad-length', `wrap ${kind}: key must be 32 bytes`);
  if (!(wrappingKey instanceof Uint8Array) || wrappingKey.length !== 32) throw new CryptoError('bad-length', `wrap ${kind}: wrapping key must be 32 bytes`);
  const aad = aadFor(kind, fields);
  const wk = await primitives.hkdfSha256(wrappingKey, new Uint8Array(0), context('obscura/wrap/v1/key', kind), 32);
  const nonce = primitives.randomBytes(12);
  const ct = await primitives.aesGcmEncrypt(wk, nonce, key, aad);
  wk.fill(0);
  const digest = (await primitives.sha256(aad)).subarray(0, 16);
  return concatBytes(Uint8Array.of(WRAP_VERSION, KINDS[kind]), digest, nonce, ct);
}

async function unwrap(wrappingKey: Uint8Array, kind: Kind, fields: (string | number)[], wrapped: Uint8Array, what: string): Promise<Uint8Array> {
  if (!(wrapped instanceof Uint8Array) || wrapped.length === 0) throw new CryptoError('malformed', `${what}: empty wrapped key`);
  if (wrapped[0] !== WRAP_VERSION) throw new CryptoError('bad-version', `${what}: unknown wrapped-key version ${wrapped[0]}`);
  if (wrapped.length !== WRAPPED_KEY_LENGTH) throw new CryptoError('malformed', `${what}: wrapped key is ${wrapped.length} bytes, expected ${WRAPPED_KEY_LENGTH}`);
  if (!(wrappingKey instanceof Uint8Array) || wrappingKey.length !== 32) throw new CryptoError('bad-length', `${what}: wrapping key must be 32 bytes`);
  const actualKind = wrapped[1]!;
  if (actualKind !== KINDS[kind]) {
    throw new CryptoError('wrong-context', `${what}: this is a ${KIND_NAMES[actualKind] ?? `kind-${actualKind}`} wrapped key, expected ${kind}`);
  }
  const aad = aadFor(kind, fields);
  const digest = (await primitives.sha256(aad)).subarray(0, 16);
  if (!constantTimeEqual(digest, wrapped.subarray(2, 18))) {
    throw new CryptoError('wrong-context', `${what}: the key was wrapped for another file, album, epoch, owner or link`);
  }
  const wk = await primitives.hkdfSha256(wrappingKey, new Uint8Array(0), context('obscura/wrap/v1/key', kind), 32);
  try {
    return await authOrThrow(
      primitives.aesGcmDecrypt(wk, wrapped.subarray(18, 30), wrapped.subarray(30), aad),
      'auth-failed',
      `${what}: authentication failed (wrong wrapping key, or the wrapped key was modified)`,
    );
  } finally {
    wk.fill(0);
  }
}

function ids(...pairs: [string, string][]): void {
  for (const [what, id] of pairs) checkId(what, id);
}

export async function wrapFileKeyForLibrary(libraryKey: LibraryKey, fileKey: FileKey, ctx: { readonly fileId: string; readonly ownerId: string }): Promise<Uint8Array> {
  ids(['file id', ctx.fileId], ['owner id', ctx.ownerId]);
  return wrap(libraryKey, 'file-in-library', [ctx.ownerId, ctx.fileId], fileKey);
}
export async function unwrapFileKeyForLibrary(libraryKey: LibraryKey, wrapped: Uint8Array, ctx: { readonly fileId: string; readonly ownerId: string }): Promise<FileKey> {
  ids(['file id', ctx.fileId], ['owner id', ctx.ownerId]);
  const what = `file key of file ${ctx.fileId} in the library of ${ctx.ownerId}`;
  return brandKey<FileKey>(what, await unwrap(libraryKey, 'file-in-library', [ctx.ownerId, ctx.fileId], wrapped, what));
}

export async function wrapFileKeyForAlbum(albumKey: AlbumEpochKey, fileKey: FileKey, ctx: { readonly fileId: string }): Promise<Uint8Array> {
  ids(['file id', ctx.fileId], ['album id', albumKey.albumId]);
  checkEpoch(albumKey.epoch);
  return wrap(albumKey.key, 'file-in-album', [albumKey.albumId, albumKey.epoch, ctx.fileId], fileKey);
}
export async function unwrapFileKeyForAlbum(albumKey: AlbumEpochKey, wrapped: Uint8Array, ctx: { readonly fileId: string }): Promise<FileKey> {
  ids(['file id', ctx.fileId], ['album id', albumKey.albumId]);
  checkEpoch(albumKey.epoch);
  const what = `file key of file ${ctx.fileId} in album ${albumKey.albumId} epoch ${albumKey.epoch}`;
  return brandKey<FileKey>(what, await unwrap(albumKey.key, 'file-in-album', [albumKey.albumId, albumKey.epoch, ctx.fileId], wrapped, what));
}

export async function wrapFileKeyForLink(linkKey: LinkKey, fileKey: FileKey, ctx: { readonly linkId: string; readonly fileId: string }): Promise<Uint8Array> {
  ids(['link id', ctx.linkId], ['file id', ctx.fileId]);
  return wrap(linkKey, 'file-in-link', [ctx.linkId, ctx.fileId], fileKey);
}
export async function unwrapFileKeyForLink(linkKey: LinkKey, wrapped: Uint8Array, ctx: { readonly linkId: string; readonly fileId: string }): Promise<FileKey> {
  ids(['link id', ctx.linkId], ['file id', ctx.fileId]);
  const what = `file key of file ${ctx.fileId} in link ${ctx.linkId}`;
  return brandKey<FileKey>(what, await unwrap(linkKey, 'file-in-link', [ctx.linkId, ctx.fileId], wrapped, what));
}

export async function wrapAlbumKeyForLink(linkKey: LinkKey, albumKey: AlbumEpochKey, ctx: { readonly linkId: string }): Promise<Uint8Array> {
  ids(['link id', ctx.linkId], ['album id', albumKey.albumId]);
  checkEpoch(albumKey.epoch);
  return wrap(linkKey, 'album-in-link', [ctx.linkId, albumKey.albumId, albumKey.epoch], albumKey.key);
}
export async function unwrapAlbumKeyForLink(
  linkKey: LinkKey, wrapped: Uint8Array, ctx: { readonly linkId: string; readonly albumId: string; readonly epoch: number },
): Promise<AlbumEpochKey> {
  ids(['link id', ctx.linkId], ['album id', ctx.albumId]);
  checkEpoch(ctx.epoch);
  const what = `key of album ${ctx.albumId} epoch ${ctx.epoch} in link ${ctx.linkId}`;
  const key = brandKey<AlbumKeyBytes>(what, await unwrap(linkKey, 'album-in-link', [ctx.linkId, ctx.albumId, ctx.epoch], wrapped, what));
  return { albumId: ctx.albumId, epoch: ctx.epoch, key };
}

/** Keeps a link's key and URL secret for its owner, wrapped under the owner's library key. */
export async function wrapLinkForOwner(
  libraryKey: LibraryKey, link: { readonly linkKey: LinkKey; readonly secret: string }, ctx: { readonly linkId: string; readonly ownerId: string },
): Promise<{ wrappedLinkKey: Uint8Array; wrappedSecret: Uint8Array }> {
  ids(['link id', ctx.linkId], ['owner id', ctx.ownerId]);
  const secretBytes = fromBase64Url(link.secret);
  if (secretBytes.length !== 32) throw new CryptoError('malformed', `link ${ctx.linkId}: the URL secret must be 32 bytes`);
  return {
    wrappedLinkKey: await wrap(libraryKey, 'link-for-owner', [ctx.ownerId, ctx.linkId], link.linkKey),
    wrappedSecret: await wrap(libraryKey, 'link-secret-for-owner', [ctx.ownerId, ctx.linkId], secretBytes),
  };
}

export async function unwrapLinkForOwner(
  libraryKey: LibraryKey, wrapped: { readonly wrappedLinkKey: Uint8Array; readonly wrappedSecret: Uint8Array }, ctx: { readonly linkId: string; readonly ownerId: string },
): Promise<{ linkKey: LinkKey; secret: string }> {
  ids(['link id', ctx.linkId], ['owner id', ctx.ownerId]);
  const what = `link ${ctx.linkId} of ${ctx.ownerId}`;
  const linkKey = brandKey<LinkKey>(what, await unwrap(libraryKey, 'link-for-owner', [ctx.ownerId, ctx.linkId], wrapped.wrappedLinkKey, `key of ${what}`));
  const secret = toBase64Url(await unwrap(libraryKey, 'link-secret-for-owner', [ctx.ownerId, ctx.linkId], wrapped.wrappedSecret, `URL secret of ${what}`));
  return { linkKey, secret };
}
