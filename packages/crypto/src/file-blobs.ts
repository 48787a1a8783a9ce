// Thumbnails and metadata of a file, each under its own key derived from the file key.
//
//   thumbnail key(size) = HKDF(file key, "", context("obscura/file/v1/thumbnail-key", fileId, size))
//   metadata key        = HKDF(file key, "", context("obscura/file/v1/metadata-key", fileId))
//   blob                = u8 version (1) || 12-byte random nonce || AES-256-GCM(ciphertext || tag)
//   aad                 = context("obscura/file/v1/thumbnail", u8 version, fileId, size)
//                       | context("obscura/file/v1/metadata",  u8 version, fileId)
// Metadata plaintext: UTF-8 JSON, padded to a multiple of 256 bytes ([Note: padding hides lengths]).
//
// [Note: random nonces for small blobs]
// A thumbnail or metadata blob may be re-encrypted under the same file key (an edited
// description, a regenerated thumbnail), so these use random nonces; each key encrypts a
// handful of messages, far below the 2^32 bound for random 96-bit nonces.
import { primitives } from '#primitives';
import { CryptoError } from './errors.ts';
import { concatBytes, utf8Encode } from './encoding.ts';
import { authOrThrow, checkId, context, pad, parsePaddedJson } from './internal/bytes.ts';
import type { FileKey } from './keys.ts';

export const FILE_BLOB_VERSION = 1;
export type ThumbnailSize = 'small' | 'large';
export type CaptureSource = 'exif' | 'container' | 'mtime' | 'unknown';

export interface FileMetadata {
  readonly name: string;
  readonly mimeType: string;
  /** ms since the Unix epoch */
  readonly capturedAt: number;
  readonly captureSource: CaptureSource;
  /** plaintext bytes of the original */
  readonly size: number;
  readonly width?: number;
  readonly height?: number;
  readonly durationMs?: number;
  readonly cameraMake?: string;
  readonly cameraModel?: string;
  readonly gps?: { readonly latitude: number; readonly longitude: number; readonly altitude?: number };
  readonly description?: string;
  /**
   * SHA-256 of the original, lowercase hex. Lets anyone the photo is shared with compute
   * their own keyed content hash when saving it to their library, without downloading it.
   */
  readonly contentSha256Hex?: string;
}

const NONCE = 12;

async function subKey(fileKey: FileKey, fileId: string, label: string, ...extra: string[]): Promise<Uint8Array> {
  checkId('file id', fileId);
  if (!(fileKey instanceof Uint8Array) || fileKey.length !== 32) throw new CryptoError('bad-length', `file ${fileId}: file key must be 32 bytes`);
  return primitives.hkdfSha256(fileKey, new Uint8Array(0), context(label, fileId, ...extra), 32);
}

async function seal(key: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  const nonce = primitives.randomBytes(NONCE);
  const ct = await primitives.aesGcmEncrypt(key, nonce, plaintext, aad);
  return concatBytes(Uint8Array.of(FILE_BLOB_VERSION), nonce, ct);
}

async function open(key: Uint8Array, aad: Uint8Array, blob: Uint8Array, what: string): Promise<Uint8Array> {
  if (!(blob instanceof Uint8Array) || blob.length === 0) throw new CryptoError('malformed', `${what}: empty blob`);
  if (blob[0] !== FILE_BLOB_VERSION) throw new CryptoError('bad-version', `${what}: unknown version ${blob[0]}`);
  if (blob.length < 1 + NONCE + 16) throw new CryptoError('malformed', `${what}: blob of ${blob.length} bytes is too short`);
  return authOrThrow(
    primitives.aesGcmDecrypt(key, blob.subarray(1, 1 + NONCE), blob.subarray(1 + NONCE), aad),
    'auth-failed',
    `${what}: authentication failed (wrong key, blob of another file, or modified)`,
  );
}

function checkSize(size: ThumbnailSize): void {
  if (size !== 'small' && size !== 'large') throw new CryptoError('malformed', `thumbnail size must be 'small' or 'large', got ${String(size)}`);
}

export async function encryptThumbnail(fileKey: FileKey, fileId: string, size: ThumbnailSize, bytes: Uint8Array): Promise<Uint8Array> {
  checkSize(size);
  const key = await subKey(fileKey, fileId, 'obscura/file/v1/thumbnail-key', size);
  return seal(key, context('obscura/file/v1/thumbnail', Uint8Array.of(FILE_BLOB_VERSION), fileId, size), bytes);
}

export async function decryptThumbnail(fileKey: FileKey, fileId: string, size: ThumbnailSize, blob: Uint8Array): Promise<Uint8Array> {
  checkSize(size);
  const key = await subKey(fileKey, fileId, 'obscura/file/v1/thumbnail-key', size);
  return open(key, context('obscura/file/v1/thumbnail', Uint8Array.of(FILE_BLOB_VERSION), fileId, size), blob, `file ${fileId} ${size} thumbnail`);
}

const SOURCES: readonly CaptureSource[] = ['exif', 'container', 'mtime', 'unknown'];

/** Validates (and copies, dropping unknown keys) a metadata object; throws 'malformed' naming the field. */
export function validateFileMetadata(value: unknown, what = 'file metadata'): FileMetadata {
  const bad = (field: string): never => { throw new CryptoError('malformed', `${what}: field '${field}' is missing or invalid`); };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('(root)');
  const v = value as Record<string, unknown>;
  const str = (k: string, optional: boolean): string | undefined => {
    if (v[k] === undefined && optional) return undefined;
    return typeof v[k] === 'string' ? (v[k] as string) : bad(k);
  };
  const num = (k: string, optional: boolean, check: (n: number) => boolean): number | undefined => {
    if (v[k] === undefined && optional) return undefined;
    return typeof v[k] === 'number' && Number.isFinite(v[k]) && check(v[k] as number) ? (v[k] as number) : bad(k);
  };
  const nonNegInt = (n: number) => Number.isSafeInteger(n) && n >= 0;
  const out: Record<string, unknown> = {
    name: str('name', false),
    mimeType: str('mimeType', false),
    capturedAt: num('capturedAt', false, Number.isSafeInteger),
    captureSource: SOURCES.includes(v.captureSource as CaptureSource) ? v.captureSource : bad('captureSource'),
    size: num('size', false, nonNegInt),
  };
  const optional: Record<string, unknown> = {
    width: num('width', true, nonNegInt),
    height: num('height', true, nonNegInt),
    durationMs: num('durationMs', true, (n) => n >= 0),
    cameraMake: str('cameraMake', true),
    cameraModel: str('cameraModel', true),
    description: str('description', true),
    contentSha256Hex: str('contentSha256Hex', true),
  };
  if (optional.contentSha256Hex !== undefined && !/^[0-9a-f]{64}$/.test(optional.contentSha256Hex as string)) bad('contentSha256Hex');
  if (v.gps !== undefined) {
    const g = v.gps as Record<string, unknown>;
    if (typeof g !== 'object' || g === null) bad('gps');
    const lat = g.latitude, lon = g.longitude, alt = g.altitude;
    if (typeof lat !== 'number' || !(lat >= -90 && lat <= 90)) bad('gps.latitude');
    if (typeof lon !== 'number' || !(lon >= -180 && lon <= 180)) bad('gps.longitude');
    if (alt !== undefined && (typeof alt !== 'number' || !Number.isFinite(alt))) bad('gps.altitude');
    optional.gps = alt === undefined ? { latitude: lat, longitude: lon } : { latitude: lat, longitude: lon, altitude: alt };
  }
  for (const [k, x] of Object.entries(optional)) if (x !== undefined) out[k] = x;
  return out as unknown as FileMetadata;
}

export async function encryptMetadata(fileKey: FileKey, fileId: string, meta: FileMetadata): Promise<Uint8Array> {
  const clean = validateFileMetadata(meta, `metadata of file ${fileId}`);
  const key = await subKey(fileKey, fileId, 'obscura/file/v1/metadata-key');
  return seal(key, context('obscura/file/v1/metadata', Uint8Array.of(FILE_BLOB_VERSION), fileId), pad(utf8Encode(JSON.stringify(clean))));
}

export async function decryptMetadata(fileKey: FileKey, fileId: string, blob: Uint8Array): Promise<FileMetadata> {
  const what = `metadata of file ${fileId}`;
  const key = await subKey(fileKey, fileId, 'obscura/file/v1/metadata-key');
  const padded = await open(key, context('obscura/file/v1/metadata', Uint8Array.of(FILE_BLOB_VERSION), fileId), blob, what);
  return validateFileMetadata(parsePaddedJson(padded, what), what);
}
