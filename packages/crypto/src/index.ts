// The public surface of @obscura/crypto. See docs/security.md for the key model.
export { CryptoError, type CryptoErrorCode } from './errors.ts';
export {
  utf8Encode, utf8Decode, toBase64, fromBase64, toBase64Url, fromBase64Url, toHex, fromHex, concatBytes, constantTimeEqual, u32be, u64be,
} from './encoding.ts';
export type { Argon2idParams } from './primitives/types.ts';

export type {
  Kek, RecoveryKey, LibraryKey, ContentHashKey, FileKey, AlbumKeyBytes, LinkKey,
  X25519PublicKey, X25519PrivateKey, Ed25519PublicKey, Ed25519PrivateKey,
  AlbumEpochKey, BoxKeyPair, SigningKeyPair, PublicKeys, AccountBundle,
} from './keys.ts';
export {
  newFileKey, newSigningKeyPair, publicKeysOf, fileKeyFromBytes, libraryKeyFromBytes, contentHashKeyFromBytes, linkKeyFromBytes, albumKeyFromBytes,
  x25519PublicKeyFromBytes, ed25519PublicKeyFromBytes, publicKeysFromBytes,
} from './keys.ts';

export {
  DEFAULT_KDF_PARAMS, ACCOUNT_BUNDLE_VERSION, ENVELOPE_VERSION, type KdfParams, type CreatedAccount,
  createAccount, openAccountWithPassword, openAccountWithRecoveryKey, rewrapAccountForPassword, newRecoveryEnvelope,
  serializeAccountBundle, deserializeAccountBundle, parseRecoveryKey, formatRecoveryKey, signRecoveryMessage,
} from './account.ts';

export {
  BLOCK_SIZE, FILE_FORMAT_VERSION, blockCountFor, type EncryptedBlock, type BlockHasher, type FileStreamOptions, defaultBlockHasher,
  encryptFile, decryptBlock, decryptFile,
} from './file.ts';
export {
  FILE_BLOB_VERSION, type ThumbnailSize, type CaptureSource, type FileMetadata, validateFileMetadata,
  encryptThumbnail, decryptThumbnail, encryptMetadata, decryptMetadata,
} from './file-blobs.ts';
export { MANIFEST_VERSION, type Manifest, type ManifestInput, type BlobKind, signManifest, verifyManifest, checkBlob } from './manifest.ts';

export {
  WRAP_VERSION, WRAPPED_KEY_LENGTH,
  wrapFileKeyForLibrary, unwrapFileKeyForLibrary, wrapFileKeyForAlbum, unwrapFileKeyForAlbum,
  wrapFileKeyForLink, unwrapFileKeyForLink, wrapAlbumKeyForLink, unwrapAlbumKeyForLink, wrapLinkForOwner, unwrapLinkForOwner,
} from './wrap.ts';
export {
  ALBUM_METADATA_VERSION, type AlbumMetadata, newAlbumKey, rotateAlbumKey, encryptAlbumMetadata, decryptAlbumMetadata, albumMetadataEpoch,
} from './album.ts';
export {
  ALBUM_STATE_VERSION, ALBUM_STATE_MEMBERS_MAX, type AlbumState, type AlbumStateInput, type AlbumStateKind, type AlbumStateOrigin,
  type RosterEntry, type RosterRole, encodeAlbumState, signAlbumState, verifyAlbumState, albumStateHash, checkAlbumStateSuccessor,
  checkAlbumStateChain, albumEpochCommitment, albumMetadataHash, checkEpochKeyInState, checkMetadataInState, rosterKeys,
} from './album-state.ts';
export {
  SEAL_VERSION, type Sender, type Recipient, type OpeningRecipient, sealAlbumKey, openSealedAlbumKey, sealMessage, openMessage,
} from './seal.ts';
export {
  LINK_PARAMS_VERSION, type LinkPasswordParams, type LinkKeys, createLinkSecret, newLinkPasswordParams, deriveLinkKeys,
  encodeLinkPasswordParams, decodeLinkPasswordParams,
} from './link.ts';
export { fingerprint, fingerprintsEqual } from './fingerprint.ts';
export { contentHash, sha256Stream } from './content-hash.ts';
