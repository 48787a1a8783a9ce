// Length checks shared by both implementations, so node and WebCrypto fail identically.
import { CryptoError } from '../errors.ts';

export const AES_GCM_NONCE_LENGTH = 12;
export const AES_GCM_TAG_LENGTH = 16;
export const X25519_KEY_LENGTH = 32;
export const ED25519_KEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;
export const SHA256_LENGTH = 32;
/** RFC 5869: L <= 255 * HashLen */
export const HKDF_SHA256_MAX_LENGTH = 255 * SHA256_LENGTH;

export function checkLength(what: string, bytes: Uint8Array, expected: number): void {
  if (!(bytes instanceof Uint8Array)) throw new CryptoError('bad-length', `${what}: expected ${expected} bytes, got a non-Uint8Array`);
  if (bytes.length !== expected) throw new CryptoError('bad-length', `${what}: expected ${expected} bytes, got ${bytes.length}`);
}

// [Note: AES-128 keys accepted]
// Obscura itself only uses 32-byte (AES-256) keys. 16-byte keys are accepted so the
// RFC 9180 AES-128-GCM HPKE vectors can run through the same code path.
export function checkAesKey(what: string, key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || (key.length !== 32 && key.length !== 16)) {
    throw new CryptoError('bad-length', `${what}: AES-GCM key must be 32 (or 16) bytes, got ${key instanceof Uint8Array ? key.length : 'a non-Uint8Array'}`);
  }
}

export const RANDOM_MAX_LENGTH = 1 << 20;

export function checkRandomLength(length: number): void {
  if (!Number.isInteger(length) || length < 0 || length > RANDOM_MAX_LENGTH) {
    throw new CryptoError('bad-length', `randomBytes: length ${length} must be an integer in [0, ${RANDOM_MAX_LENGTH}]`);
  }
}

export function checkHkdfLength(length: number): void {
  if (!Number.isInteger(length) || length < 1 || length > HKDF_SHA256_MAX_LENGTH) {
    throw new CryptoError('bad-length', `hkdfSha256: output length ${length} must be an integer in [1, ${HKDF_SHA256_MAX_LENGTH}]`);
  }
}

export function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i]!;
  return acc === 0;
}

export function smallOrderError(): CryptoError {
  return new CryptoError('malformed', 'x25519: the shared secret is all-zero (the public key is a small-order point)');
}
