// Checked by `npm run typecheck` (tsc), not run: each @ts-expect-error line must be a type
// error, so passing one key level where another is expected fails to compile. If a brand
// were removed, the directive would become unused and tsc would fail.
import {
  wrapFileKeyForAlbum, wrapFileKeyForLibrary, wrapFileKeyForLink, wrapAlbumKeyForLink, encryptFile, contentHash, newFileKey,
  type AccountBundle, type AlbumEpochKey, type FileKey, type LinkKey, type LibraryKey,
} from '../src/index.ts';

export async function typeLevelChecks(bundle: AccountBundle, album: AlbumEpochKey, link: LinkKey, file: FileKey, raw: Uint8Array): Promise<void> {
  // correct uses compile
  await wrapFileKeyForAlbum(album, file, { fileId: 'f' });
  await wrapFileKeyForLibrary(bundle.libraryKey, file, { fileId: 'f', ownerId: 'o' });
  await wrapFileKeyForLink(link, newFileKey(), { linkId: 'l', fileId: 'f' });

  // @ts-expect-error a library key is not an album epoch key
  await wrapFileKeyForAlbum(bundle.libraryKey, file, { fileId: 'f' });
  // @ts-expect-error a raw album key without albumId/epoch is not an AlbumEpochKey
  await wrapFileKeyForAlbum(album.key, file, { fileId: 'f' });
  // @ts-expect-error an album key cannot wrap for a library
  await wrapFileKeyForLibrary(album.key, file, { fileId: 'f', ownerId: 'o' });
  // @ts-expect-error the library key is not a file key
  await wrapFileKeyForLibrary(bundle.libraryKey, bundle.libraryKey, { fileId: 'f', ownerId: 'o' });
  // @ts-expect-error raw bytes are not a file key
  await wrapFileKeyForAlbum(album, raw, { fileId: 'f' });
  // @ts-expect-error a link key is not a library key
  await wrapFileKeyForLibrary(link, file, { fileId: 'f', ownerId: 'o' });
  // @ts-expect-error a file key is not a link key
  await wrapAlbumKeyForLink(file, album, { linkId: 'l' });
  // @ts-expect-error the content-hash key is not a file key
  encryptFile(bundle.contentHashKey, 'f', []);
  // @ts-expect-error the library key is not the content-hash key
  await contentHash(bundle.libraryKey, raw);
  // @ts-expect-error an X25519 public key is not a library key
  const _lib: LibraryKey = bundle.boxKeys.publicKey;
  // @ts-expect-error the album id is required context
  await wrapFileKeyForAlbum({ epoch: 1, key: album.key }, file, { fileId: 'f' });
  void _lib;
}
