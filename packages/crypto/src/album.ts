// Album epoch keys and album metadata.
//
// [Note: why album keys rotate]
// Removing a member, a member leaving, or stopping sharing starts a new epoch with a fresh
// random key (not derived from the old one), sealed only to those who remain. Photos added
// later are wrapped under the new key, so a former member learns nothing about them even
// with every key they ever held. Members keep older epoch keys for older photos.
//
// Album metadata blob, version 1:
//   u8 version (1) || u32 epoch || 12-byte random nonce || AES-256-GCM(ciphertext || tag)
//   key = HKDF(album epoch key, "", context("obscura/album/v1/metadata-key", albumId, u64 epoch))
//   aad = context("obscura/album/v1/metadata", u8 version, albumId, u64 epoch)
//   plaintext = UTF-8 JSON padded to a multiple of 256 bytes.
// The epoch is in the clear so a client knows which epoch key to open it with.
import { primitives } from '#primitives';
import { CryptoError } from './errors.ts';
import { concatBytes, readU32be, u32be, utf8Encode } from './encoding.ts';
import { authOrThrow, checkEpoch, checkId, context, pad, parsePaddedJson } from './internal/bytes.ts';
import type { AlbumEpochKey, AlbumKeyBytes } from './keys.ts';

export const ALBUM_METADATA_VERSION = 1;

export interface AlbumMetadata {
  readonly name: string;
  readonly description?: string;
  readonly coverFileId?: string;
}

export function newAlbumKey(albumId: string, epoch: number): AlbumEpochKey {
  checkId('album id', albumId);
  checkEpoch(epoch);
  return { albumId, epoch, key: primitives.randomBytes(32) as AlbumKeyBytes };
}

/** A fresh, independent key for the next epoch of the same album. */
export function rotateAlbumKey(current: AlbumEpochKey): AlbumEpochKey {
  return newAlbumKey(current.albumId, current.epoch + 1);
}

async function metadataKey(albumKey: AlbumEpochKey): Promise<Uint8Array> {
  checkId('album id', albumKey.albumId);
  checkEpoch(albumKey.epoch);
  if (!(albumKey.key instanceof Uint8Array) || albumKey.key.length !== 32) throw new CryptoError('bad-length', `album ${albumKey.albumId}: key must be 32 bytes`);
  return primitives.hkdfSha256(albumKey.key, new Uint8Array(0), context('obscura/album/v1/metadata-key', albumKey.albumId, albumKey.epoch), 32);
}

const aadFor = (k: AlbumEpochKey): Uint8Array => context('obscura/album/v1/metadata', Uint8Array.of(ALBUM_METADATA_VERSION), k.albumId, k.epoch);

function validate(v: unknown, what: string): AlbumMetadata {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CryptoError('malformed', `${what}: not an object`);
  const o = v as Record<string, unknown>;
  if (typeof o.name !== 'string') throw new CryptoError('malformed', `${what}: field 'name' is missing or invalid`);
  const out: { name: string; description?: string; coverFileId?: string } = { name: o.name };
  for (const k of ['description', 'coverFileId'] as const) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'string') throw new CryptoError('malformed', `${what}: field '${k}' is invalid`);
    out[k] = o[k];
  }
  return out;
}

export async function encryptAlbumMetadata(albumKey: AlbumEpochKey, meta: AlbumMetadata): Promise<Uint8Array> {
  const clean = validate(meta, `metadata of album ${albumKey.albumId}`);
  const key = await metadataKey(albumKey);
  const nonce = primitives.randomBytes(12);
  const ct = await primitives.aesGcmEncrypt(key, nonce, pad(utf8Encode(JSON.stringify(clean))), aadFor(albumKey));
  key.fill(0);
  return concatBytes(Uint8Array.of(ALBUM_METADATA_VERSION), u32be(albumKey.epoch), nonce, ct);
}

/** The epoch whose key encrypted this album metadata blob. */
export function albumMetadataEpoch(blob: Uint8Array): number {
  if (!(blob instanceof Uint8Array) || blob.length < 5) throw new CryptoError('malformed', 'album metadata: blob too short');
  if (blob[0] !== ALBUM_METADATA_VERSION) throw new CryptoError('bad-version', `album metadata: unknown version ${blob[0]}`);
  return readU32be(blob, 1);
}

export async function decryptAlbumMetadata(albumKey: AlbumEpochKey, blob: Uint8Array): Promise<AlbumMetadata> {
  const what = `metadata of album ${albumKey.albumId} epoch ${albumKey.epoch}`;
  const epoch = albumMetadataEpoch(blob);
  if (epoch !== albumKey.epoch) throw new CryptoError('wrong-context', `${what}: the blob is encrypted under epoch ${epoch}`);
  if (blob.length < 5 + 12 + 16) throw new CryptoError('malformed', `${what}: blob too short`);
  const key = await metadataKey(albumKey);
  try {
    const padded = await authOrThrow(primitives.aesGcmDecrypt(key, blob.subarray(5, 17), blob.subarray(17), aadFor(albumKey)), 'auth-failed',
      `${what}: authentication failed (wrong key, another album's blob, or modified)`);
    return validate(parsePaddedJson(padded, what), what);
  } finally {
    key.fill(0);
  }
}
