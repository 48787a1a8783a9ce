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
export interface BlobStore {
  put(key: BlobKey, source: Readable | Uint8Array, opts: PutOptions): Promise<PutResult>;
  /** null when absent. */
  get(key: BlobKey): Promise<{ stream: Readable; size: number } | null>;
  exists(key: BlobKey): Promise<boolean>;
  /** Deleting an absent key is not an error. */
  delete(keys: BlobKey[]): Promise<void>;
}
