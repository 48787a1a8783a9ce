// The signed manifest of one uploaded file: which encrypted blobs make up the file, so a
// viewer can refuse any block, thumbnail or metadata blob the uploader did not produce.
//
// Encoding, version 1 (all integers big-endian; hashes are SHA-256 of the *ciphertext* blobs):
//   u8 version = 1 | u16 len + fileId | u16 len + uploaderId
//   u8 flags (bit0 plaintextSize present, bit1 small thumbnail, bit2 large thumbnail; others 0)
//   [u64 plaintextSize] | u32 blockCount (>= 1) | 32 * blockCount block hashes
//   [32 small thumbnail hash] | [32 large thumbnail hash] | 32 metadata hash
// Signature: Ed25519 over context("obscura/manifest/v1/signature") || manifest bytes.
import { primitives } from '#primitives';
import { CryptoError } from './errors.ts';
import { concatBytes, constantTimeEqual, toHex } from './encoding.ts';
import { Reader, Writer, checkId, checkVersion, context } from './internal/bytes.ts';
import { BLOCK_SIZE, blockCountFor } from './file-constants.ts';
import type { Ed25519PublicKey, SigningKeyPair } from './keys.ts';

export const MANIFEST_VERSION = 1;
const SIGNATURE_CONTEXT = context('obscura/manifest/v1/signature');
const FLAG_SIZE = 1;
const FLAG_SMALL = 2;
const FLAG_LARGE = 4;
const HASH = 32;
const MAX_BLOCKS = 1 << 24; // 64 TiB at 4 MiB per block

export interface ManifestInput {
  readonly fileId: string;
  readonly uploaderId: string;
  readonly blockHashes: readonly Uint8Array[];
  readonly plaintextSize?: number;
  readonly thumbnailHashes: { readonly small?: Uint8Array; readonly large?: Uint8Array };
  readonly metadataHash: Uint8Array;
}

declare const verified: unique symbol;
/** A manifest whose signature has been verified (only `verifyManifest` makes one). */
export type Manifest = ManifestInput & { readonly version: number; readonly [verified]: true };

export type BlobKind = 'metadata' | 'thumbnail-small' | 'thumbnail-large' | { readonly block: number };

function checkHash(what: string, h: Uint8Array | undefined): void {
  if (!(h instanceof Uint8Array) || h.length !== HASH) throw new CryptoError('bad-length', `manifest: ${what} must be a 32-byte SHA-256`);
}

export function encodeManifest(m: ManifestInput): Uint8Array {
  checkId('file id', m.fileId);
  checkId('uploader id', m.uploaderId);
  if (m.blockHashes.length < 1 || m.blockHashes.length > MAX_BLOCKS) {
    throw new CryptoError('malformed', `manifest of file ${m.fileId}: ${m.blockHashes.length} blocks (a file has at least one)`);
  }
  m.blockHashes.forEach((h, i) => checkHash(`block ${i} hash`, h));
  checkHash('metadata hash', m.metadataHash);
  const { small, large } = m.thumbnailHashes;
  if (small !== undefined) checkHash('small thumbnail hash', small);
  if (large !== undefined) checkHash('large thumbnail hash', large);
  if (m.plaintextSize !== undefined) checkSize(m.fileId, m.plaintextSize, m.blockHashes.length);
  const w = new Writer().u8(MANIFEST_VERSION).str(m.fileId).str(m.uploaderId);
  w.u8((m.plaintextSize !== undefined ? FLAG_SIZE : 0) | (small ? FLAG_SMALL : 0) | (large ? FLAG_LARGE : 0));
  if (m.plaintextSize !== undefined) w.u64(m.plaintextSize);
  w.u32(m.blockHashes.length);
  for (const h of m.blockHashes) w.bytes(h);
  if (small) w.bytes(small);
  if (large) w.bytes(large);
  w.bytes(m.metadataHash);
  return w.finish();
}

function checkSize(fileId: string, size: number, blocks: number): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new CryptoError('malformed', `manifest of file ${fileId}: bad plaintext size ${size}`);
  if (blockCountFor(size, BLOCK_SIZE) !== blocks) {
    throw new CryptoError('malformed', `manifest of file ${fileId}: plaintext size ${size} needs ${blockCountFor(size, BLOCK_SIZE)} blocks, manifest lists ${blocks}`);
  }
}

function decodeManifest(bytes: Uint8Array): ManifestInput & { version: number } {
  const version = checkVersion('manifest', bytes, [MANIFEST_VERSION]);
  const r = new Reader(bytes, 'manifest');
  r.u8();
  const fileId = r.str();
  const uploaderId = r.str();
  const flags = r.u8();
  if (flags & ~(FLAG_SIZE | FLAG_SMALL | FLAG_LARGE)) throw new CryptoError('malformed', `manifest of file ${fileId}: unknown flags ${flags}`);
  const plaintextSize = flags & FLAG_SIZE ? r.u64() : undefined;
  const count = r.u32();
  if (count < 1 || count > MAX_BLOCKS) throw new CryptoError('malformed', `manifest of file ${fileId}: ${count} blocks`);
  const blockHashes: Uint8Array[] = [];
  for (let i = 0; i < count; i++) blockHashes.push(Uint8Array.from(r.bytes(HASH)));
  const small = flags & FLAG_SMALL ? Uint8Array.from(r.bytes(HASH)) : undefined;
  const large = flags & FLAG_LARGE ? Uint8Array.from(r.bytes(HASH)) : undefined;
  const metadataHash = Uint8Array.from(r.bytes(HASH));
  r.end();
  if (plaintextSize !== undefined) checkSize(fileId, plaintextSize, count);
  const thumbnailHashes: { small?: Uint8Array; large?: Uint8Array } = {};
  if (small) thumbnailHashes.small = small;
  if (large) thumbnailHashes.large = large;
  return { version, fileId, uploaderId, blockHashes, ...(plaintextSize !== undefined ? { plaintextSize } : {}), thumbnailHashes, metadataHash };
}

export async function signManifest(signingKeys: SigningKeyPair, input: ManifestInput): Promise<{ manifest: Uint8Array; signature: Uint8Array }> {
  const manifest = encodeManifest(input);
  const signature = await primitives.ed25519Sign(signingKeys.privateKey, concatBytes(SIGNATURE_CONTEXT, manifest));
  return { manifest, signature };
}

/**
 * Verifies the uploader's signature, parses the manifest and checks it is the manifest of
 * `expect.fileId` uploaded by `expect.uploaderId`. Throws 'bad-version', 'bad-signature',
 * 'malformed' or 'wrong-context'.
 */
export async function verifyManifest(
  manifest: Uint8Array, signature: Uint8Array, signerPublicKey: Ed25519PublicKey,
  expect: { readonly fileId: string; readonly uploaderId: string },
): Promise<Manifest> {
  checkVersion(`manifest of file ${expect.fileId}`, manifest, [MANIFEST_VERSION]);
  const ok = signature instanceof Uint8Array && signature.length === 64 &&
    (await primitives.ed25519Verify(signerPublicKey, concatBytes(SIGNATURE_CONTEXT, manifest), signature));
  if (!ok) {
    throw new CryptoError('bad-signature', `manifest of file ${expect.fileId}: signature does not verify under the key of uploader ${expect.uploaderId}`);
  }
  const m = decodeManifest(manifest);
  if (m.fileId !== expect.fileId || m.uploaderId !== expect.uploaderId) {
    throw new CryptoError('wrong-context',
      `manifest is for file ${m.fileId} uploaded by ${m.uploaderId}, expected file ${expect.fileId} uploaded by ${expect.uploaderId}`);
  }
  return m as Manifest;
}

function expectedHash(m: Manifest, kind: BlobKind): { what: string; hash: Uint8Array } {
  if (kind === 'metadata') return { what: 'metadata', hash: m.metadataHash };
  if (kind === 'thumbnail-small' || kind === 'thumbnail-large') {
    const size = kind === 'thumbnail-small' ? 'small' : 'large';
    const hash = m.thumbnailHashes[size];
    if (!hash) throw new CryptoError('manifest-mismatch', `file ${m.fileId}: the manifest lists no ${size} thumbnail`);
    return { what: `${size} thumbnail`, hash };
  }
  const hash = m.blockHashes[kind.block];
  if (!Number.isInteger(kind.block) || !hash) {
    throw new CryptoError('manifest-mismatch', `file ${m.fileId}: block ${kind.block} is not in the manifest (${m.blockHashes.length} blocks)`);
  }
  return { what: `block ${kind.block}`, hash };
}

/** Checks that `ciphertext` is the blob the signed manifest lists; throws 'manifest-mismatch'. */
export async function checkBlob(manifest: Manifest, kind: BlobKind, ciphertext: Uint8Array): Promise<void> {
  const { what, hash } = expectedHash(manifest, kind);
  const actual = await primitives.sha256(ciphertext);
  if (!constantTimeEqual(actual, hash)) {
    throw new CryptoError('manifest-mismatch', `file ${manifest.fileId}: ${what} ciphertext (sha256 ${toHex(actual).slice(0, 16)}…) is not the one the manifest lists`);
  }
}
