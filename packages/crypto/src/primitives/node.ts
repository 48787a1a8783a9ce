// The node:crypto implementation of `Primitives`. This is the only file in the package
// that imports node:crypto.
//
// [Note: synchronous node:crypto behind promises]
// node:crypto's one-shot calls (createCipheriv, sign, diffieHellman, createHmac) run on the
// calling thread in microseconds for small inputs and at ~1.4 GB/s for AES-GCM, so they are
// called synchronously and their results returned in already-resolved promises: no thread
// pool round trip, no extra copies. The interface stays async because WebCrypto is.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  randomFillSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { CryptoError } from '../errors.ts';
import { argon2id } from './argon2.ts';
import {
  AES_GCM_NONCE_LENGTH,
  AES_GCM_TAG_LENGTH,
  ED25519_KEY_LENGTH,
  ED25519_SIGNATURE_LENGTH,
  X25519_KEY_LENGTH,
  checkAesKey,
  checkHkdfLength,
  checkLength,
  checkRandomLength,
  isAllZero,
  smallOrderError,
} from './checks.ts';
import type { Primitives, RawKeyPair } from './types.ts';

// [Note: raw keys through JWK]
// node:crypto has no "raw" import for OKP keys. A JWK import goes straight to OpenSSL's raw
// key constructor and is 10-20x faster than parsing a PKCS#8/SPKI DER wrapper through
// OpenSSL 3's decoder chain (~60 us vs ~700 us per private key on the reference machine),
// which dominates HPKE seal/open. Node 20 requires `x` to be a string on a private OKP JWK
// but builds the key from `d` alone, so an empty `x` is passed; the X25519/Ed25519
// known-answer tests would fail loudly if that ever changed.
type Curve = 'X25519' | 'Ed25519';

function b64u(raw: Uint8Array): string {
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64url');
}

function privateKeyObject(crv: Curve, raw: Uint8Array): KeyObject {
  return createPrivateKey({ key: { kty: 'OKP', crv, d: b64u(raw), x: '' }, format: 'jwk' });
}

// Public Ed25519 keys seen recently (an album lists thousands of photos from a few people);
// importing a raw key costs about as much as a verification.
const VERIFY_KEYS_MAX = 256;
const verifyKeys = new Map<string, KeyObject>();
function verifyKey(raw: Uint8Array): KeyObject {
  const id = b64u(raw);
  let k = verifyKeys.get(id);
  if (!k) {
    k = publicKeyObject('Ed25519', raw);
    if (verifyKeys.size >= VERIFY_KEYS_MAX) verifyKeys.delete(verifyKeys.keys().next().value!);
    verifyKeys.set(id, k);
  }
  return k;
}

function publicKeyObject(crv: Curve, raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv, x: b64u(raw) }, format: 'jwk' });
}

function fromB64u(s: string | undefined, what: string): Uint8Array {
  if (s === undefined) throw new CryptoError('malformed', `${what}: node:crypto exported a JWK without the key`);
  const b = Buffer.from(s, 'base64url');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice();
}

function rawPublic(key: KeyObject): Uint8Array {
  return fromB64u(key.export({ format: 'jwk' }).x, 'public key');
}

function rawPrivate(key: KeyObject): Uint8Array {
  return fromB64u(key.export({ format: 'jwk' }).d, 'private key');
}

// [Note: plain Uint8Array out, Buffer never]
// node:crypto returns Buffers. Handing those out would leak Buffer semantics to callers
// (Buffer#slice shares memory; deepStrictEqual(Buffer, Uint8Array) fails) and, for small
// pooled Buffers, expose a view onto a shared slab. A Buffer that owns its whole
// ArrayBuffer is re-viewed without a copy (the 4 MiB hot path); anything else is copied.
const SEAL_SLICE = 1024 * 1024;
/** RFC 5869: an absent salt is HashLen zero bytes. */
const ZERO_SALT = new Uint8Array(32);

function plain(b: Buffer): Uint8Array {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) return new Uint8Array(b.buffer, 0, b.byteLength);
  return Uint8Array.prototype.slice.call(b);
}

function aesAlgorithm(key: Uint8Array): 'aes-256-gcm' | 'aes-128-gcm' {
  return key.length === 32 ? 'aes-256-gcm' : 'aes-128-gcm';
}

function x25519Sync(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  checkLength('x25519 private key', privateKey, X25519_KEY_LENGTH);
  checkLength('x25519 public key', publicKey, X25519_KEY_LENGTH);
  const priv = privateKeyObject('X25519', privateKey);
  const pub = publicKeyObject('X25519', publicKey);
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey: priv, publicKey: pub });
  } catch (cause) {
    // OpenSSL refuses to derive when the result is all-zero (small-order point).
    throw Object.assign(smallOrderError(), { cause });
  }
  if (isAllZero(shared)) throw smallOrderError();
  return plain(shared);
}

export const nodePrimitives: Primitives = {
  name: 'node',

  randomBytes(length) {
    checkRandomLength(length);
    return randomFillSync(new Uint8Array(length));
  },

  async sha256(data) {
    return plain(createHash('sha256').update(data).digest());
  },

  async hmacSha256(key, data) {
    return plain(createHmac('sha256', key).update(data).digest());
  },

  async hkdfSha256(ikm, salt, info, length) {
    checkHkdfLength(length);
    if (info.length > 1024) {
      // node:crypto caps HKDF info at 1024 bytes; WebCrypto does not, but nothing in
      // Obscura needs more, so both implementations refuse it alike (see web.ts).
      throw new CryptoError('bad-length', `hkdfSha256: info is ${info.length} bytes, at most 1024 supported`);
    }
    // [Note: HKDF from two HMACs] RFC 5869 spelled out with createHmac: for the 32-byte keys
    // Obscura derives (one expand block) this is ~3× faster than hkdfSync, which matters when
    // an album listing derives a key per photo. The RFC 5869 vectors check it.
    const prk = createHmac('sha256', salt.length ? salt : ZERO_SALT).update(ikm).digest();
    const out = new Uint8Array(length);
    let prev: Buffer = Buffer.alloc(0);
    for (let i = 1, at = 0; at < length; i++) {
      prev = createHmac('sha256', prk).update(prev).update(info).update(Uint8Array.of(i)).digest();
      out.set(prev.subarray(0, Math.min(prev.length, length - at)), at);
      at += prev.length;
    }
    prk.fill(0);
    return out;
  },

  async aesGcmEncrypt(key, nonce, plaintext, aad) {
    checkAesKey('aesGcmEncrypt', key);
    checkLength('aesGcmEncrypt nonce', nonce, AES_GCM_NONCE_LENGTH);
    const cipher = createCipheriv(aesAlgorithm(key), key, nonce, { authTagLength: AES_GCM_TAG_LENGTH });
    if (aad.length > 0) cipher.setAAD(aad);
    const body = cipher.update(plaintext);
    const tail = cipher.final(); // always empty for GCM, kept for correctness
    const tag = cipher.getAuthTag();
    const out = new Uint8Array(body.length + tail.length + AES_GCM_TAG_LENGTH);
    out.set(body, 0);
    out.set(tail, body.length);
    out.set(tag, body.length + tail.length);
    return out;
  },

  async aesGcmEncryptWithPrefix(key, nonce, plaintext, aad, prefix) {
    checkAesKey('aesGcmEncryptWithPrefix', key);
    checkLength('aesGcmEncryptWithPrefix nonce', nonce, AES_GCM_NONCE_LENGTH);
    const cipher = createCipheriv(aesAlgorithm(key), key, nonce, { authTagLength: AES_GCM_TAG_LENGTH });
    if (aad.length > 0) cipher.setAAD(aad);
    // [Note: one allocation per block] the output is allocated once, uninitialised (every
    // byte is written below), and filled from 1 MiB update() slices that are still in cache;
    // building ct||tag and then version||ct||tag would cost two more 4 MiB page-faulting copies.
    const out = Buffer.allocUnsafeSlow(prefix.length + plaintext.length + AES_GCM_TAG_LENGTH);
    out.set(prefix, 0);
    let at = prefix.length;
    for (let i = 0; i < plaintext.length; i += SEAL_SLICE) {
      const part = cipher.update(plaintext.subarray(i, Math.min(plaintext.length, i + SEAL_SLICE)));
      out.set(part, at);
      at += part.length;
    }
    const tail = cipher.final();
    out.set(tail, at);
    at += tail.length;
    out.set(cipher.getAuthTag(), at);
    return plain(out);
  },

  async aesGcmDecrypt(key, nonce, ciphertext, aad) {
    checkAesKey('aesGcmDecrypt', key);
    checkLength('aesGcmDecrypt nonce', nonce, AES_GCM_NONCE_LENGTH);
    if (ciphertext.length < AES_GCM_TAG_LENGTH) {
      throw new CryptoError('bad-length', `aesGcmDecrypt: ciphertext is ${ciphertext.length} bytes, shorter than the ${AES_GCM_TAG_LENGTH}-byte tag`);
    }
    const split = ciphertext.length - AES_GCM_TAG_LENGTH;
    const decipher = createDecipheriv(aesAlgorithm(key), key, nonce, { authTagLength: AES_GCM_TAG_LENGTH });
    decipher.setAuthTag(ciphertext.subarray(split));
    if (aad.length > 0) decipher.setAAD(aad);
    const body = decipher.update(ciphertext.subarray(0, split));
    try {
      decipher.final();
    } catch (cause) {
      body.fill(0); // never let unauthenticated plaintext escape
      throw new CryptoError('auth-failed', 'aesGcmDecrypt: authentication tag did not verify (wrong key, modified ciphertext or wrong AAD)', { cause });
    }
    return plain(body);
  },

  async x25519Generate(): Promise<RawKeyPair> {
    const { privateKey, publicKey } = generateKeyPairSync('x25519');
    return { publicKey: rawPublic(publicKey), privateKey: rawPrivate(privateKey) };
  },

  async x25519PublicKey(privateKey) {
    checkLength('x25519 private key', privateKey, X25519_KEY_LENGTH);
    return rawPublic(createPublicKey(privateKeyObject('X25519', privateKey)));
  },

  async x25519(privateKey, publicKey) {
    return x25519Sync(privateKey, publicKey);
  },

  async ed25519Generate(): Promise<RawKeyPair> {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return { publicKey: rawPublic(publicKey), privateKey: rawPrivate(privateKey) };
  },

  async ed25519PublicKey(seed) {
    checkLength('ed25519 seed', seed, ED25519_KEY_LENGTH);
    return rawPublic(createPublicKey(privateKeyObject('Ed25519', seed)));
  },

  async ed25519Sign(seed, message) {
    checkLength('ed25519 seed', seed, ED25519_KEY_LENGTH);
    return plain(sign(null, message, privateKeyObject('Ed25519', seed)));
  },

  async ed25519Verify(publicKey, message, signature) {
    checkLength('ed25519 public key', publicKey, ED25519_KEY_LENGTH);
    checkLength('ed25519 signature', signature, ED25519_SIGNATURE_LENGTH);
    let key: KeyObject;
    try {
      key = verifyKey(publicKey);
    } catch {
      return false; // a public key that does not decode to a curve point verifies nothing
    }
    // [Note: verification runs on the thread pool] the callback form of crypto.verify runs
    // in libuv's pool, so the thousands of manifest checks of an album listing use every core.
    return new Promise<boolean>((resolve) => {
      verify(null, message, key, signature, (err, ok) => resolve(!err && ok));
    });
  },

  argon2id,
};

export const primitives: Primitives = nodePrimitives;
