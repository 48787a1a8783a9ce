// File format v1: a file's content as a sequence of independently stored encrypted blocks.
//
//   content key  = HKDF-SHA256(ikm = file key, salt = "", info = context("obscura/file/v1/content-key", fileId))
//   block i      = u8 version (1) || AES-256-GCM(content key, nonce_i, plaintext_i, aad_i)   (ciphertext || 16-byte tag)
//   nonce_i      = 0x00000000 || u64be(i)
//   aad_i        = context("obscura/file/v1/block", u8 version, fileId, u64 i, u8 last)
//
// [Note: why block nonces are counters]
// Every file has its own file key (newFileKey) and the content key is derived from it and the
// file id, so a (content key, nonce) pair is used once per file, and a counter nonce is
// unique within a file by construction; a random 96-bit nonce would add nothing and could
// repeat. The AAD binds the block to its file, its position and whether it ends the file, so a
// server cannot reorder, drop, duplicate, truncate or extend blocks, or move them to another
// file, without the tag check failing. The signed manifest (manifest.ts) additionally lists
// the SHA-256 of every block ciphertext, so blocks are checked before they are decrypted.
//
// [Note: memory is O(1) blocks]
// Encryption pulls input lazily and holds at most one block being assembled, one being
// encrypted and one being hashed; decryption holds one block. A 4 GiB video therefore never
// sits in memory, whatever the input chunk sizes.
import { primitives } from '#primitives';
import { CryptoError } from './errors.ts';
import { constantTimeEqual, toHex } from './encoding.ts';
import { authOrThrow, checkId, context } from './internal/bytes.ts';
import { BLOCK_SIZE, FILE_FORMAT_VERSION, blockCountFor } from './file-constants.ts';
import type { FileKey } from './keys.ts';
import type { Manifest } from './manifest.ts';

export { BLOCK_SIZE, FILE_FORMAT_VERSION, blockCountFor };

const TAG = 16;

export interface EncryptedBlock {
  readonly index: number;
  readonly last: boolean;
  /** u8 version || AES-GCM ciphertext || tag: the bytes to store as this block's blob. */
  readonly ciphertext: Uint8Array;
  /** SHA-256 of `ciphertext`, for the manifest. */
  readonly sha256: Uint8Array;
  /** Plaintext bytes in this block (sum them for the manifest's plaintextSize). */
  readonly plaintextLength: number;
}

/**
 * Computes SHA-256 of block ciphertexts. The default runs `primitives.sha256` (WebCrypto's
 * digest is already off the main thread); in Node, `createParallelHasher()` from
 * src/primitives/node-parallel.ts hashes on a worker thread while the next block encrypts.
 */
export interface BlockHasher {
  sha256(bytes: Uint8Array): Promise<Uint8Array>;
}
export const defaultBlockHasher: BlockHasher = { sha256: (b) => primitives.sha256(b) };

export interface FileStreamOptions {
  readonly hasher?: BlockHasher;
}

async function contentKey(fileKey: FileKey, fileId: string): Promise<Uint8Array> {
  checkId('file id', fileId);
  if (!(fileKey instanceof Uint8Array) || fileKey.length !== 32) throw new CryptoError('bad-length', `file ${fileId}: file key must be 32 bytes`);
  return primitives.hkdfSha256(fileKey, new Uint8Array(0), context('obscura/file/v1/content-key', fileId), 32);
}

function blockNonce(index: number): Uint8Array {
  const n = new Uint8Array(12);
  const dv = new DataView(n.buffer);
  dv.setUint32(4, Math.floor(index / 0x100000000), false);
  dv.setUint32(8, index >>> 0, false);
  return n;
}

function blockAad(fileId: string, index: number, last: boolean): Uint8Array {
  return context('obscura/file/v1/block', Uint8Array.of(FILE_FORMAT_VERSION), fileId, index, Uint8Array.of(last ? 1 : 0));
}

function checkIndex(fileId: string, index: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= 2 ** 32) {
    throw new CryptoError('malformed', `file ${fileId}: block index ${index} out of range`);
  }
}

async function encryptOne(key: Uint8Array, fileId: string, index: number, last: boolean, plaintext: Uint8Array): Promise<Uint8Array> {
  checkIndex(fileId, index);
  return primitives.aesGcmEncryptWithPrefix(key, blockNonce(index), plaintext, blockAad(fileId, index, last), Uint8Array.of(FILE_FORMAT_VERSION));
}

async function decryptOne(
  key: Uint8Array, fileId: string, index: number, last: boolean, ciphertext: Uint8Array, blockSize: number,
): Promise<Uint8Array> {
  checkIndex(fileId, index);
  if (!(ciphertext instanceof Uint8Array) || ciphertext.length === 0) {
    throw new CryptoError('malformed', `file ${fileId} block ${index}: empty ciphertext`);
  }
  if (ciphertext[0] !== FILE_FORMAT_VERSION) {
    throw new CryptoError('bad-version', `file ${fileId} block ${index}: unknown format version ${ciphertext[0]}`);
  }
  if (ciphertext.length < 1 + TAG || ciphertext.length > 1 + blockSize + TAG) {
    throw new CryptoError('malformed', `file ${fileId} block ${index}: ciphertext length ${ciphertext.length} is impossible`);
  }
  const plaintext = await authOrThrow(
    primitives.aesGcmDecrypt(key, blockNonce(index), ciphertext.subarray(1), blockAad(fileId, index, last)),
    'auth-failed',
    `file ${fileId} block ${index}${last ? ' (last)' : ''}: authentication failed (wrong key, wrong file or position, or modified ciphertext)`,
  );
  // Only the holder of the file key could produce these; an honest writer never does.
  if (!last && plaintext.length !== blockSize) {
    throw new CryptoError('malformed', `file ${fileId} block ${index}: a non-last block holds ${plaintext.length} bytes, expected ${blockSize}`);
  }
  if (last && index > 0 && plaintext.length === 0) {
    throw new CryptoError('malformed', `file ${fileId} block ${index}: empty last block after block 0`);
  }
  return plaintext;
}

/** Re-chunks arbitrary input into blocks of exactly `blockSize` (the last may be shorter or empty). */
async function* rechunk(input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, blockSize: number): AsyncGenerator<{ data: Uint8Array; last: boolean }> {
  const queue: Uint8Array[] = [];
  let queued = 0;
  const take = (n: number): Uint8Array => {
    const head = queue[0];
    if (head && head.length >= n) {
      const out = head.subarray(0, n);
      if (head.length === n) queue.shift();
      else queue[0] = head.subarray(n);
      queued -= n;
      return out;
    }
    const out = new Uint8Array(n);
    let o = 0;
    while (o < n) {
      const c = queue[0]!;
      const k = Math.min(c.length, n - o);
      out.set(c.subarray(0, k), o);
      o += k;
      if (k === c.length) queue.shift();
      else queue[0] = c.subarray(k);
    }
    queued -= n;
    return out;
  };
  for await (const chunk of input) {
    if (!(chunk instanceof Uint8Array)) throw new CryptoError('malformed', 'file input: every chunk must be a Uint8Array');
    if (chunk.length === 0) continue;
    queue.push(chunk);
    queued += chunk.length;
    // Strictly more than a block: only then is the block known not to be the last one.
    while (queued > blockSize) yield { data: take(blockSize), last: false };
  }
  yield { data: take(queued), last: true };
}

/** Internal form of `encryptFile` with the block size as a parameter (tests use small blocks). */
export async function* encryptFileWithBlockSize(
  fileKey: FileKey, fileId: string, input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, blockSize: number, options: FileStreamOptions = {},
): AsyncGenerator<EncryptedBlock> {
  const hasher = options.hasher ?? defaultBlockHasher;
  const key = await contentKey(fileKey, fileId);
  // [Note: hashing overlaps encryption] block i's hash runs (on a worker or in WebCrypto)
  // while block i+1 is read and encrypted; block i is yielded once its hash is done.
  let pending: { index: number; last: boolean; ciphertext: Uint8Array; hash: Promise<Uint8Array>; plaintextLength: number } | undefined;
  let index = 0;
  try {
    for await (const { data, last } of rechunk(input, blockSize)) {
      const ciphertext = await encryptOne(key, fileId, index, last, data);
      const next = { index, last, ciphertext, hash: hasher.sha256(ciphertext), plaintextLength: data.length };
      next.hash.catch(() => {}); // observed below; avoid an unhandled rejection if we abort first
      if (pending) yield { ...pending, sha256: await pending.hash };
      pending = next;
      index++;
    }
    if (pending) yield { ...pending, sha256: await pending.hash };
  } finally {
    key.fill(0);
  }
}

/**
 * Encrypts a file's content (any chunking of the plaintext) into format-v1 blocks of
 * BLOCK_SIZE plaintext bytes. Use a fresh `newFileKey()` for every file: the block nonces are
 * counters, unique only under one (file key, file id).
 */
export function encryptFile(
  fileKey: FileKey, fileId: string, input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: FileStreamOptions = {},
): AsyncGenerator<EncryptedBlock> {
  return encryptFileWithBlockSize(fileKey, fileId, input, BLOCK_SIZE, options);
}

/** Internal form of `decryptBlock` with the block size as a parameter. */
export async function decryptBlockWithBlockSize(
  fileKey: FileKey, fileId: string, index: number, last: boolean, ciphertext: Uint8Array, blockSize: number,
): Promise<Uint8Array> {
  const key = await contentKey(fileKey, fileId);
  try {
    return await decryptOne(key, fileId, index, last, ciphertext, blockSize);
  } finally {
    key.fill(0);
  }
}

/**
 * Decrypts one block (e.g. for a ranged video read; check it first with `checkBlob`).
 * Throws 'auth-failed' naming the file and block index.
 */
export function decryptBlock(fileKey: FileKey, fileId: string, index: number, last: boolean, ciphertext: Uint8Array): Promise<Uint8Array> {
  return decryptBlockWithBlockSize(fileKey, fileId, index, last, ciphertext, BLOCK_SIZE);
}

function hashIndex(manifest: Manifest): Map<string, number> {
  const m = new Map<string, number>();
  manifest.blockHashes.forEach((h, i) => { if (!m.has(toHex(h))) m.set(toHex(h), i); });
  return m;
}

/** Internal form of `decryptFile` with the block size as a parameter. */
export async function* decryptFileWithBlockSize(
  fileKey: FileKey, fileId: string, manifest: Manifest, blocks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, blockSize: number, options: FileStreamOptions = {},
): AsyncGenerator<Uint8Array> {
  if (manifest.fileId !== fileId) {
    throw new CryptoError('wrong-context', `manifest is for file ${manifest.fileId}, not file ${fileId}`);
  }
  const hasher = options.hasher ?? defaultBlockHasher;
  const count = manifest.blockHashes.length;
  const byHash = hashIndex(manifest);
  const key = await contentKey(fileKey, fileId);
  const it = (Symbol.asyncIterator in blocks ? blocks[Symbol.asyncIterator]() : (blocks as Iterable<Uint8Array>)[Symbol.iterator]()) as AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  let total = 0;
  let finished = false;
  try {
    for (let index = 0; index < count; index++) {
      const r = await it.next();
      if (r.done) {
        finished = true;
        throw new CryptoError('truncated', `file ${fileId}: stream ended after ${index} of ${count} blocks (block ${index} missing)`);
      }
      const ciphertext = r.value;
      if (!(ciphertext instanceof Uint8Array)) throw new CryptoError('malformed', `file ${fileId} block ${index}: not a Uint8Array`);
      const last = index === count - 1;
      const [hashed, opened] = await Promise.allSettled([
        hasher.sha256(ciphertext),
        decryptOne(key, fileId, index, last, ciphertext, blockSize),
      ]);
      if (hashed.status === 'rejected') throw hashed.reason;
      if (!constantTimeEqual(hashed.value, manifest.blockHashes[index]!)) {
        const other = byHash.get(toHex(hashed.value));
        if (other !== undefined) {
          throw new CryptoError('block-order', `file ${fileId}: received block ${other} where block ${index} belongs (blocks reordered, dropped or duplicated)`);
        }
        throw new CryptoError('manifest-mismatch', `file ${fileId} block ${index}: ciphertext hash differs from the signed manifest`);
      }
      if (opened.status === 'rejected') throw opened.reason;
      total += opened.value.length;
      if (last) {
        if (manifest.plaintextSize !== undefined && total !== manifest.plaintextSize) {
          throw new CryptoError('manifest-mismatch', `file ${fileId}: decrypted ${total} bytes, the manifest says ${manifest.plaintextSize}`);
        }
        const extra = await it.next();
        finished = extra.done === true;
        if (!extra.done) throw new CryptoError('trailing-data', `file ${fileId}: data after the last block (block ${count - 1})`);
      }
      yield opened.value;
    }
  } finally {
    key.fill(0);
    if (!finished) await it.return?.();
  }
}

/**
 * Streams the plaintext of a file whose manifest was verified with `verifyManifest`. `blocks`
 * yields each block's ciphertext blob in order. Every block is checked against the manifest
 * hash and decrypted before it is yielded; errors ('block-order', 'truncated',
 * 'trailing-data', 'manifest-mismatch', 'auth-failed') name the file id and block index.
 */
export function decryptFile(
  fileKey: FileKey, fileId: string, manifest: Manifest, blocks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: FileStreamOptions = {},
): AsyncGenerator<Uint8Array> {
  return decryptFileWithBlockSize(fileKey, fileId, manifest, blocks, BLOCK_SIZE, options);
}
