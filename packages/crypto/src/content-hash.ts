// [Note: keyed content hash for dedupe]
// contentHash = hex(HMAC-SHA256(content-hash key, context("obscura/content-hash/v1", SHA-256(plaintext)))).
// The server may compare two of one account's values (equal or not) but, without the
// account's content-hash key, cannot test whether someone holds a known photo, and values of
// different accounts never match.
import { createSHA256 } from 'hash-wasm';
import { primitives } from '#primitives';
import { CryptoError } from './errors.ts';
import { toHex } from './encoding.ts';
import { context } from './internal/bytes.ts';
import type { ContentHashKey } from './keys.ts';

export async function contentHash(contentHashKey: ContentHashKey, plaintextSha256: Uint8Array): Promise<string> {
  if (!(plaintextSha256 instanceof Uint8Array) || plaintextSha256.length !== 32) throw new CryptoError('bad-length', 'contentHash: expected the 32-byte SHA-256 of the plaintext');
  if (!(contentHashKey instanceof Uint8Array) || contentHashKey.length !== 32) throw new CryptoError('bad-length', 'contentHash: content-hash key must be 32 bytes');
  return toHex(await primitives.hmacSha256(contentHashKey, context('obscura/content-hash/v1', plaintextSha256)));
}

/** SHA-256 of a stream of any chunking, holding no more than one chunk. */
export async function sha256Stream(input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array> {
  const h = await createSHA256();
  h.init();
  for await (const chunk of input) {
    if (!(chunk instanceof Uint8Array)) throw new CryptoError('malformed', 'sha256Stream: every chunk must be a Uint8Array');
    h.update(chunk);
  }
  return h.digest('binary');
}
