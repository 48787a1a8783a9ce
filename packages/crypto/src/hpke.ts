// HPKE (RFC 9180), base mode, single-shot: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
// AES-256-GCM. Used to seal album keys to a member's X25519 public key.
//
// [Note: HPKE on top of Primitives]
// HPKE is written once, here, against the `Primitives` interface (LabeledExtract and
// LabeledExpand are built from hmacSha256), so node:crypto and WebCrypto share one code
// path and both are checked against the RFC 9180 vectors. The AEAD is a parameter only so
// the RFC's AES-128-GCM vectors can run too; the public API always uses AES-256-GCM.
//
// [Note: single-shot only]
// Each seal uses a fresh ephemeral key and one message (sequence number 0, nonce =
// base_nonce), so there is no context whose sequence counter could be misused, and no
// export interface.
import { concatBytes, utf8Encode } from './encoding.ts';
import { CryptoError } from './errors.ts';
import type { Primitives } from './primitives/types.ts';

export interface HpkeAead {
  readonly id: number;
  /** Nk */
  readonly keyLength: number;
}
export const HPKE_AEAD_AES_128_GCM: HpkeAead = { id: 0x0001, keyLength: 16 };
export const HPKE_AEAD_AES_256_GCM: HpkeAead = { id: 0x0002, keyLength: 32 };

const KEM_ID = 0x0020; // DHKEM(X25519, HKDF-SHA256)
const KDF_ID = 0x0001; // HKDF-SHA256
const MODE_BASE = 0x00;
const NH = 32; // HKDF-SHA256 output size
const NSECRET = 32; // DHKEM(X25519) shared secret size
const NN = 12; // AES-GCM nonce size
/** Length of `enc` (the ephemeral X25519 public key). */
export const HPKE_ENC_LENGTH = 32;
/** Ciphertext overhead of a seal (the AES-GCM tag); `enc` travels separately. */
export const HPKE_TAG_LENGTH = 16;

const HPKE_V1 = utf8Encode('HPKE-v1');
const EMPTY = new Uint8Array(0);

function i2osp2(n: number): Uint8Array {
  return Uint8Array.of((n >>> 8) & 0xff, n & 0xff);
}
const KEM_SUITE_ID = concatBytes(utf8Encode('KEM'), i2osp2(KEM_ID));
function hpkeSuiteId(aead: HpkeAead): Uint8Array {
  return concatBytes(utf8Encode('HPKE'), i2osp2(KEM_ID), i2osp2(KDF_ID), i2osp2(aead.id));
}

// RFC 9180 §4: LabeledExtract / LabeledExpand over HKDF-SHA256 (RFC 5869) built on HMAC.
async function labeledExtract(p: Primitives, suiteId: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array): Promise<Uint8Array> {
  return p.hmacSha256(salt, concatBytes(HPKE_V1, suiteId, utf8Encode(label), ikm));
}

async function labeledExpand(p: Primitives, suiteId: Uint8Array, prk: Uint8Array, label: string, info: Uint8Array, length: number): Promise<Uint8Array> {
  if (length > 255 * NH) throw new CryptoError('bad-length', `hpke: expand length ${length} too large`);
  const labeledInfo = concatBytes(i2osp2(length), HPKE_V1, suiteId, utf8Encode(label), info);
  const out = new Uint8Array(length);
  let t: Uint8Array = EMPTY;
  for (let i = 1, o = 0; o < length; i++) {
    t = await p.hmacSha256(prk, concatBytes(t, labeledInfo, Uint8Array.of(i)));
    out.set(t.subarray(0, Math.min(NH, length - o)), o);
    o += NH;
  }
  return out;
}

// RFC 9180 §4.1 ExtractAndExpand
async function extractAndExpand(p: Primitives, dh: Uint8Array, kemContext: Uint8Array): Promise<Uint8Array> {
  const eaePrk = await labeledExtract(p, KEM_SUITE_ID, EMPTY, 'eae_prk', dh);
  return labeledExpand(p, KEM_SUITE_ID, eaePrk, 'shared_secret', kemContext, NSECRET);
}

interface KeySchedule {
  readonly key: Uint8Array;
  readonly baseNonce: Uint8Array;
  readonly exporterSecret?: Uint8Array;
}

// RFC 9180 §5.1 KeySchedule, mode_base (psk = psk_id = "").
async function keySchedule(p: Primitives, aead: HpkeAead, sharedSecret: Uint8Array, info: Uint8Array, withExporter: boolean): Promise<KeySchedule> {
  const suiteId = hpkeSuiteId(aead);
  const pskIdHash = await labeledExtract(p, suiteId, EMPTY, 'psk_id_hash', EMPTY);
  const infoHash = await labeledExtract(p, suiteId, EMPTY, 'info_hash', info);
  const context = concatBytes(Uint8Array.of(MODE_BASE), pskIdHash, infoHash);
  const secret = await labeledExtract(p, suiteId, sharedSecret, 'secret', EMPTY);
  const key = await labeledExpand(p, suiteId, secret, 'key', context, aead.keyLength);
  const baseNonce = await labeledExpand(p, suiteId, secret, 'base_nonce', context, NN);
  if (!withExporter) return { key, baseNonce };
  const exporterSecret = await labeledExpand(p, suiteId, secret, 'exp', context, NH);
  return { key, baseNonce, exporterSecret };
}

function checkKey(what: string, b: Uint8Array): void {
  if (!(b instanceof Uint8Array) || b.length !== 32) {
    throw new CryptoError('bad-length', `hpke: ${what} must be 32 bytes, got ${b instanceof Uint8Array ? b.length : 'a non-Uint8Array'}`);
  }
}

/** Everything a seal computes; the extra fields exist for the RFC 9180 known-answer tests. */
export interface HpkeSealDetails {
  readonly enc: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly sharedSecret: Uint8Array;
  readonly key: Uint8Array;
  readonly baseNonce: Uint8Array;
  readonly exporterSecret: Uint8Array | undefined;
}

async function sealWith(
  p: Primitives, aead: HpkeAead, skE: Uint8Array, pkE: Uint8Array, pkR: Uint8Array,
  info: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, withExporter: boolean,
): Promise<HpkeSealDetails> {
  checkKey('recipient public key', pkR);
  // RFC 9180 §4.1 Encap: dh = DH(skE, pkR); enc = pkE; kem_context = enc || pkR
  const dh = await p.x25519(skE, pkR);
  const sharedSecret = await extractAndExpand(p, dh, concatBytes(pkE, pkR));
  dh.fill(0);
  const ks = await keySchedule(p, aead, sharedSecret, info, withExporter);
  const ciphertext = await p.aesGcmEncrypt(ks.key, ks.baseNonce, plaintext, aad);
  return { enc: pkE, ciphertext, sharedSecret, key: ks.key, baseNonce: ks.baseNonce, exporterSecret: ks.exporterSecret };
}

/** Seals `plaintext` to `recipientPublicKey` (HPKE base mode, single shot). */
export async function hpkeSeal(
  p: Primitives, recipientPublicKey: Uint8Array, info: Uint8Array, aad: Uint8Array, plaintext: Uint8Array,
): Promise<{ enc: Uint8Array; ciphertext: Uint8Array }> {
  checkKey('recipient public key', recipientPublicKey);
  const eph = await p.x25519Generate();
  const d = await sealWith(p, HPKE_AEAD_AES_256_GCM, eph.privateKey, eph.publicKey, recipientPublicKey, info, aad, plaintext, false);
  eph.privateKey.fill(0);
  d.sharedSecret.fill(0);
  d.key.fill(0);
  return { enc: d.enc, ciphertext: d.ciphertext };
}

/**
 * For known-answer tests only: seals with a caller-chosen ephemeral private key (the
 * RFC 9180 vectors' skEm) and returns the intermediate values too. Never use a fixed
 * ephemeral key outside tests: it would make every seal to the same recipient share keys.
 */
export async function hpkeSealWithEphemeralForTests(
  p: Primitives, ephemeralPrivateKey: Uint8Array, recipientPublicKey: Uint8Array,
  info: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, aead: HpkeAead = HPKE_AEAD_AES_256_GCM,
): Promise<HpkeSealDetails> {
  checkKey('ephemeral private key', ephemeralPrivateKey);
  const pkE = await p.x25519PublicKey(ephemeralPrivateKey);
  return sealWith(p, aead, ephemeralPrivateKey, pkE, recipientPublicKey, info, aad, plaintext, true);
}

/** Internal form of hpkeOpen with the AEAD as a parameter (for the AES-128-GCM vectors). */
export async function hpkeOpenWithAead(
  p: Primitives, aead: HpkeAead, recipientPrivateKey: Uint8Array, enc: Uint8Array,
  info: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array,
): Promise<Uint8Array> {
  checkKey('recipient private key', recipientPrivateKey);
  checkKey('enc', enc);
  if (!(ciphertext instanceof Uint8Array) || ciphertext.length < HPKE_TAG_LENGTH) {
    throw new CryptoError('bad-length', `hpkeOpen: ciphertext must be at least ${HPKE_TAG_LENGTH} bytes`);
  }
  // RFC 9180 §4.1 Decap: dh = DH(skR, enc); kem_context = enc || pk(skR)
  const dh = await p.x25519(recipientPrivateKey, enc);
  const pkR = await p.x25519PublicKey(recipientPrivateKey);
  const sharedSecret = await extractAndExpand(p, dh, concatBytes(enc, pkR));
  dh.fill(0);
  const ks = await keySchedule(p, aead, sharedSecret, info, false);
  sharedSecret.fill(0);
  try {
    return await p.aesGcmDecrypt(ks.key, ks.baseNonce, ciphertext, aad);
  } catch (cause) {
    if (cause instanceof CryptoError && cause.code === 'auth-failed') {
      throw new CryptoError('auth-failed', 'hpkeOpen: sealed box did not open (wrong recipient key, modified enc or ciphertext, or wrong info/aad)', { cause });
    }
    throw cause;
  } finally {
    ks.key.fill(0);
  }
}

/** Opens what hpkeSeal sealed. Throws CryptoError('auth-failed') on any mismatch. */
export async function hpkeOpen(
  p: Primitives, recipientPrivateKey: Uint8Array, enc: Uint8Array, info: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array,
): Promise<Uint8Array> {
  return hpkeOpenWithAead(p, HPKE_AEAD_AES_256_GCM, recipientPrivateKey, enc, info, aad, ciphertext);
}
