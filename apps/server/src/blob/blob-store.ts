import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

declare const blobKeyBrand: unique symbol;
/** A storage key built by the server from ids (never a path taken from a request). */
export type BlobKey = string & { readonly [blobKeyBrand]: true };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function fileKey(fileId: string): string {
  const id = fileId.toLowerCase();
  if (!UUID.test(id)) throw new Error(`blob key: not a UUID: ${JSON.stringify(fileId)}`);
  return `files/${id.slice(0, 2)}/${id}`;
}

export const blobKeys = {
  block(fileId: string, index: number): BlobKey {
    if (!Number.isSafeInteger(index) || index < 0) throw new Error(`blob key: bad block index ${index}`);
    return `${fileKey(fileId)}/b${index}` as BlobKey;
  },
  thumbnail(fileId: string, size: 'small' | 'large'): BlobKey {
    return `${fileKey(fileId)}/t-${size}` as BlobKey;
  },
  /** Every key of a file's ciphertext. */
  allOfFile(fileId: string, blockCount: number): BlobKey[] {
    const keys: BlobKey[] = [blobKeys.thumbnail(fileId, 'small'), blobKeys.thumbnail(fileId, 'large')];
    for (let i = 0; i < blockCount; i++) keys.push(blobKeys.block(fileId, i));
    return keys;
  },
};

export interface PutOptions {
  /** Refuse (BlobTooLargeError) as soon as more bytes than this arrive. */
  maxBytes: number;
  /** When given, the blob is kept only if size and SHA-256 match (BlobMismatchError otherwise). */
  expect?: { size: number; sha256Hex: string };
}

export interface PutResult { size: number; sha256Hex: string }

export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) { super(`blob larger than ${maxBytes} bytes`); this.name = 'BlobTooLargeError'; }
}
/**
 * The store has no room left (disk full, quota of the file system, an S3 server out of space):
 * nothing of this blob was kept. The HTTP layer answers 507 `storage-full` ([Note: disk full]).
 */
export class StorageFullError extends Error {
  constructor(message: string, options?: { cause?: unknown }) { super(message, options); this.name = 'StorageFullError'; }
}

/** errno codes of a full file system: no space, or the user's disk quota. */
const FULL_ERRNO = new Set(['ENOSPC', 'EDQUOT']);

/** `e` as a StorageFullError when it says the file system is full; otherwise `e` itself. */
export function asStorageFull(e: unknown, what: string): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && FULL_ERRNO.has(code)) return new StorageFullError(`no space left to store ${what} (${code})`, { cause: e });
  return e;
}

export class BlobMismatchError extends Error {
  constructor(readonly actual: PutResult, readonly expected: PutResult) {
    super(`blob mismatch: got ${actual.size} bytes ${actual.sha256Hex}, expected ${expected.size} bytes ${expected.sha256Hex}`);
    this.name = 'BlobMismatchError';
  }
}

/**
 * Reads a blob being stored, chunk by chunk: refuses it once more than `opts.maxBytes` arrive,
 * hashes it, hands each chunk to `sink`, and checks size and SHA-256 against `opts.expect`.
 * Shared by every store so they refuse the same things the same way. On failure the rest of
 * the sender's request is drained so the connection stays usable.
 */
export async function receiveBlob(
  source: Readable | Uint8Array, opts: PutOptions, sink: (chunk: Uint8Array) => Promise<void> | void,
): Promise<PutResult> {
  const hash = createHash('sha256');
  let size = 0;
  let received = false;
  try {
    const chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array> = source instanceof Uint8Array ? [source] : source;
    for await (const chunk of chunks) {
      size += chunk.byteLength;
      if (size > opts.maxBytes) throw new BlobTooLargeError(opts.maxBytes);
      hash.update(chunk);
      await sink(chunk);
    }
    received = true;
  } finally {
    if (!received && !(source instanceof Uint8Array) && !source.destroyed) source.resume();
  }
  const result = { size, sha256Hex: hash.digest('hex') };
  if (opts.expect && (opts.expect.size !== result.size || opts.expect.sha256Hex !== result.sha256Hex)) {
    throw new BlobMismatchError(result, opts.expect);
  }
  return result;
}

/**
 * Ciphertext storage. Writes are atomic (a reader sees the old blob, the new
 * one, or none; never a part). Shaped so an S3 implementation fits: put with a
 * checksum, streaming get, delete by key.
 */
/** One stored blob as `list` reports it. */
export interface ListedBlob {
  key: BlobKey;
  fileId: string;
  /** The latest moment it may have been written, ms since the epoch (the store's clock, not the Clock port). */
  modifiedAt: number;
  /** A write that never finished (a temp file left by a process that stopped mid-write). */
  unfinished: boolean;
}

export interface BlobStore {
  /** Throws StorageFullError when the store has no room left (then nothing of the blob is kept). */
  put(key: BlobKey, source: Readable | Uint8Array, opts: PutOptions): Promise<PutResult>;
  /** null when absent. */
  get(key: BlobKey): Promise<{ stream: Readable; size: number } | null>;
  exists(key: BlobKey): Promise<boolean>;
  /** Deleting an absent key is not an error. */
  delete(keys: BlobKey[]): Promise<void>;
  /**
   * Every blob of every file, those of one file one after the other (optional: used at start-up
   * to remove what an interrupted run left behind, [Note: orphaned blobs]).
   */
  list?(): AsyncIterable<ListedBlob>;
}

/** The file id in a key built by blobKeys (`files/ab/<uuid>/…`), or undefined. */
export function fileIdOfKey(key: string): string | undefined {
  const m = /^files\/([0-9a-f]{2})\/([0-9a-f-]{36})\/[^/]+$/.exec(key);
  return m && UUID.test(m[2]!) && m[2]!.startsWith(m[1]!) ? m[2] : undefined;
}
