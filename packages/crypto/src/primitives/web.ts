// The WebCrypto implementation of `Primitives` (browsers, workers; also Node 20, whose
// globalThis.crypto has Ed25519 and X25519, so the same tests exercise it in CI).
//
// [Note: WebCrypto feature detection]
// Older browsers lack Ed25519/X25519 in WebCrypto (Chrome < 133, Safari < 17, Firefox < 129
// for X25519). Nothing is probed at import time; the first call that needs a missing
// algorithm throws CryptoError('unsupported') naming it, so the app can tell the person
// which browser feature is missing instead of failing with a DOMException.
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

// PKCS#8 headers for a raw 32-byte private key (WebCrypto has no raw private import).
const PKCS8_PREFIX = {
  X25519: Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]),
  Ed25519: Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]),
};
type Curve = keyof typeof PKCS8_PREFIX;

function subtle(what: string): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) {
    throw new CryptoError('unsupported', `${what}: WebCrypto (crypto.subtle) is not available here (it needs a secure context: https or localhost)`);
  }
  return s;
}

/** WebCrypto's BufferSource typing wants an ArrayBuffer-backed view; copy only if it is not. */
function bs(u: Uint8Array): Uint8Array<ArrayBuffer> {
  return u.buffer instanceof ArrayBuffer ? (u as Uint8Array<ArrayBuffer>) : new Uint8Array(u);
}

function isNotSupported(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'NotSupportedError';
}

/** Runs a WebCrypto call, turning "algorithm not supported" into CryptoError('unsupported'). */
async function call<T>(primitive: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (isNotSupported(e)) {
      throw new CryptoError('unsupported', `WebCrypto in this browser does not support ${primitive}`, { cause: e });
    }
    throw e;
  }
}

function withPrefix(prefix: Uint8Array, raw: Uint8Array): Uint8Array<ArrayBuffer> {
  const der = new Uint8Array(prefix.length + raw.length);
  der.set(prefix, 0);
  der.set(raw, prefix.length);
  return der;
}

async function importPrivate(curve: Curve, raw: Uint8Array, usages: KeyUsage[], extractable: boolean): Promise<CryptoKey> {
  const der = withPrefix(PKCS8_PREFIX[curve], raw);
  try {
    return await call(curve, () => subtle(curve).importKey('pkcs8', der, { name: curve }, extractable, usages));
  } finally {
    der.fill(0);
  }
}

async function importPublic(curve: Curve, raw: Uint8Array, usages: KeyUsage[]): Promise<CryptoKey> {
  return call(curve, () => subtle(curve).importKey('raw', bs(raw), { name: curve }, true, usages));
}

function fromB64u(s: string | undefined, what: string): Uint8Array {
  if (s === undefined) throw new CryptoError('malformed', `${what}: WebCrypto exported a JWK without the key`);
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// [Note: public key from a private key in WebCrypto]
// WebCrypto cannot compute a public key directly, but a private OKP key exported as JWK
// carries `x`, the public key (WebCrypto spec, "export key" for Ed25519/X25519).
async function publicFromPrivate(curve: Curve, raw: Uint8Array): Promise<Uint8Array> {
  const usages: KeyUsage[] = curve === 'X25519' ? ['deriveBits'] : ['sign'];
  const key = await importPrivate(curve, raw, usages, true);
  const jwk = await call(curve, () => subtle(curve).exportKey('jwk', key));
  return fromB64u(jwk.x, `${curve} public key`);
}

async function generate(curve: Curve): Promise<RawKeyPair> {
  const usages: KeyUsage[] = curve === 'X25519' ? ['deriveBits'] : ['sign', 'verify'];
  const pair = (await call(curve, () => subtle(curve).generateKey({ name: curve }, true, usages))) as CryptoKeyPair;
  const jwk = await call(curve, () => subtle(curve).exportKey('jwk', pair.privateKey));
  return { publicKey: fromB64u(jwk.x, `${curve} public key`), privateKey: fromB64u(jwk.d, `${curve} private key`) };
}

// [Note: HMAC with an empty key]
// WebCrypto refuses to import a zero-length HMAC key, but HKDF and HPKE use HMAC with an
// empty salt. HMAC pads every key shorter than the 64-byte block with zeros, so the empty
// key and 64 zero bytes are the same key.
const HMAC_EMPTY_KEY_EQUIVALENT = new Uint8Array(64);

async function hmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await call('HMAC-SHA-256', () =>
    subtle('hmacSha256').importKey('raw', key.length === 0 ? HMAC_EMPTY_KEY_EQUIVALENT : bs(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
  );
  return new Uint8Array(await subtle('hmacSha256').sign('HMAC', k, bs(data)));
}

const RANDOM_CHUNK = 65536; // getRandomValues' per-call limit

export const webPrimitives: Primitives = {
  name: 'webcrypto',

  randomBytes(length) {
    checkRandomLength(length);
    const c = globalThis.crypto;
    if (c?.getRandomValues === undefined) throw new CryptoError('unsupported', 'randomBytes: crypto.getRandomValues is not available');
    const out = new Uint8Array(length);
    for (let o = 0; o < length; o += RANDOM_CHUNK) c.getRandomValues(out.subarray(o, Math.min(length, o + RANDOM_CHUNK)));
    return out;
  },

  async sha256(data) {
    return new Uint8Array(await call('SHA-256', () => subtle('sha256').digest('SHA-256', bs(data))));
  },

  hmacSha256: hmac,

  async hkdfSha256(ikm, salt, info, length) {
    checkHkdfLength(length);
    if (info.length > 1024) {
      // Same limit as node:crypto (see node.ts) so both implementations accept the same inputs.
      throw new CryptoError('bad-length', `hkdfSha256: info is ${info.length} bytes, at most 1024 supported`);
    }
    const key = await call('HKDF', () => subtle('hkdfSha256').importKey('raw', bs(ikm), 'HKDF', false, ['deriveBits']));
    const bits = await subtle('hkdfSha256').deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: bs(salt), info: bs(info) }, key, length * 8);
    return new Uint8Array(bits);
  },

  async aesGcmEncrypt(key, nonce, plaintext, aad) {
    checkAesKey('aesGcmEncrypt', key);
    checkLength('aesGcmEncrypt nonce', nonce, AES_GCM_NONCE_LENGTH);
    const s = subtle('aesGcmEncrypt');
    const k = await call('AES-GCM', () => s.importKey('raw', bs(key), 'AES-GCM', false, ['encrypt']));
    const out = await s.encrypt({ name: 'AES-GCM', iv: bs(nonce), additionalData: bs(aad), tagLength: 128 }, k, bs(plaintext));
    return new Uint8Array(out);
  },

  async aesGcmEncryptWithPrefix(key, nonce, plaintext, aad, prefix) {
    const sealed = await webPrimitives.aesGcmEncrypt(key, nonce, plaintext, aad);
    const out = new Uint8Array(prefix.length + sealed.length);
    out.set(prefix, 0);
    out.set(sealed, prefix.length);
    return out;
  },

  async aesGcmDecrypt(key, nonce, ciphertext, aad) {
    checkAesKey('aesGcmDecrypt', key);
    checkLength('aesGcmDecrypt nonce', nonce, AES_GCM_NONCE_LENGTH);
    if (ciphertext.length < AES_GCM_TAG_LENGTH) {
      throw new CryptoError('bad-length', `aesGcmDecrypt: ciphertext is ${ciphertext.length} bytes, shorter than the ${AES_GCM_TAG_LENGTH}-byte tag`);
    }
    const s = subtle('aesGcmDecrypt');
    const k = await call('AES-GCM', () => s.importKey('raw', bs(key), 'AES-GCM', false, ['decrypt']));
    try {
      return new Uint8Array(await s.decrypt({ name: 'AES-GCM', iv: bs(nonce), additionalData: bs(aad), tagLength: 128 }, k, bs(ciphertext)));
    } catch (cause) {
      throw new CryptoError('auth-failed', 'aesGcmDecrypt: authentication tag did not verify (wrong key, modified ciphertext or wrong AAD)', { cause });
    }
  },

  x25519Generate() {
    return generate('X25519');
  },

  async x25519PublicKey(privateKey) {
    checkLength('x25519 private key', privateKey, X25519_KEY_LENGTH);
    return publicFromPrivate('X25519', privateKey);
  },

  async x25519(privateKey, publicKey) {
    checkLength('x25519 private key', privateKey, X25519_KEY_LENGTH);
    checkLength('x25519 public key', publicKey, X25519_KEY_LENGTH);
    const priv = await importPrivate('X25519', privateKey, ['deriveBits'], false);
    const pub = await importPublic('X25519', publicKey, []);
    let bits: ArrayBuffer;
    try {
      // WebCrypto itself fails with OperationError on an all-zero result.
      bits = await subtle('x25519').deriveBits({ name: 'X25519', public: pub } as EcdhKeyDeriveParams, priv, 256);
    } catch (cause) {
      if (isNotSupported(cause)) throw new CryptoError('unsupported', 'WebCrypto in this browser does not support X25519', { cause });
      throw Object.assign(smallOrderError(), { cause });
    }
    const shared = new Uint8Array(bits);
    if (isAllZero(shared)) throw smallOrderError();
    return shared;
  },

  ed25519Generate() {
    return generate('Ed25519');
  },

  async ed25519PublicKey(seed) {
    checkLength('ed25519 seed', seed, ED25519_KEY_LENGTH);
    return publicFromPrivate('Ed25519', seed);
  },

  async ed25519Sign(seed, message) {
    checkLength('ed25519 seed', seed, ED25519_KEY_LENGTH);
    const key = await importPrivate('Ed25519', seed, ['sign'], false);
    return new Uint8Array(await subtle('ed25519Sign').sign({ name: 'Ed25519' }, key, bs(message)));
  },

  async ed25519Verify(publicKey, message, signature) {
    checkLength('ed25519 public key', publicKey, ED25519_KEY_LENGTH);
    checkLength('ed25519 signature', signature, ED25519_SIGNATURE_LENGTH);
    let key: CryptoKey;
    try {
      key = await importPublic('Ed25519', publicKey, ['verify']);
    } catch (e) {
      if (e instanceof CryptoError) throw e; // 'unsupported'
      return false; // a public key that does not decode to a curve point verifies nothing
    }
    try {
      return await subtle('ed25519Verify').verify({ name: 'Ed25519' }, key, bs(signature), bs(message));
    } catch (e) {
      if (isNotSupported(e)) throw new CryptoError('unsupported', 'WebCrypto in this browser does not support Ed25519', { cause: e });
      return false;
    }
  },

  argon2id,
};

export const primitives: Primitives = webPrimitives;
