// [Note: one interface, two implementations]
// Everything above this file speaks only to `Primitives`. `node.ts` implements it with
// node:crypto, `web.ts` with WebCrypto; `select.ts` picks one at run time. Both pass the
// same known-answer vectors (test/primitives.kat.test.ts) and a cross-test in which what
// one side seals, encrypts or signs the other opens, decrypts or verifies.
// All byte arguments are raw bytes; lengths are checked by the implementation and a wrong
// length throws CryptoError('bad-length').

export interface Argon2idParams {
  /** memory in KiB (64 MiB = 65536) */
  readonly memoryKiB: number;
  readonly iterations: number;
  readonly parallelism: number;
}

export interface RawKeyPair {
  readonly publicKey: Uint8Array; // 32 bytes
  readonly privateKey: Uint8Array; // 32 bytes (X25519 scalar / Ed25519 seed)
}

export interface Primitives {
  readonly name: 'node' | 'webcrypto';
  randomBytes(length: number): Uint8Array;
  sha256(data: Uint8Array): Promise<Uint8Array>;
  hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
  /** RFC 5869 extract+expand */
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array>;
  /** 32-byte key, 12-byte nonce; returns ciphertext || 16-byte tag */
  aesGcmEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  /**
   * `prefix || ciphertext || tag` in one allocation — the layout of a stored block (a version
   * byte, then AES-GCM output). Same as concatenating `prefix` with `aesGcmEncrypt(...)`, but
   * the Node implementation avoids two extra 4 MiB copies per block (see bench/crypto.ts).
   */
  aesGcmEncryptWithPrefix(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, prefix: Uint8Array): Promise<Uint8Array>;
  /** throws CryptoError('auth-failed') when the tag does not verify */
  aesGcmDecrypt(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  x25519Generate(): Promise<RawKeyPair>;
  x25519PublicKey(privateKey: Uint8Array): Promise<Uint8Array>;
  /** raw shared secret; throws on an all-zero result (small-order point) */
  x25519(privateKey: Uint8Array, publicKey: Uint8Array): Promise<Uint8Array>;
  ed25519Generate(): Promise<RawKeyPair>;
  ed25519PublicKey(seed: Uint8Array): Promise<Uint8Array>;
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Promise<Uint8Array>;
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
  argon2id(password: Uint8Array, salt: Uint8Array, params: Argon2idParams, length: number): Promise<Uint8Array>;
}
