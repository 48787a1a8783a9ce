// The account bundle and the two envelopes that protect it.
//
//   bundle (v1)            = u8 1 || X25519 private key || Ed25519 seed || library key || content-hash key  (129 bytes)
//   password envelope (v1) = header || 12-byte nonce || AES-256-GCM(KEK, nonce, bundle, aad)
//       header = u8 version 1 || u8 kind 1 || u32 memoryKiB || u32 iterations || u8 parallelism || 16-byte salt
//       KEK    = HKDF(Argon2id(NFC(password), salt, params, 32), "", context("obscura/account/v1/kek"))
//       aad    = context("obscura/account/v1/password-envelope", header)
//   recovery envelope (v1) = header || 12-byte nonce || AES-256-GCM(RK', nonce, bundle, aad)
//       header = u8 version 1 || u8 kind 2
//       RK'    = HKDF(recovery key, "", context("obscura/account/v1/recovery-kek"))
//       aad    = context("obscura/account/v1/recovery-envelope", header)
//
// [Note: parameters live in the envelope, under the AAD]
// The Argon2id parameters and salt travel with the envelope so they can be raised later
// without a format change (rewrapAccountForPassword). They are authenticated as AAD, so a
// server that lowers them only produces an envelope that no longer opens.
//
// [Note: recovery key string]
// 256 random bits plus a 4-bit format version (0001) are written in Crockford base32 (no
// I, L, O, U; I/L read as 1 and O as 0 on input) as 52 characters, followed by a 4-character
// checksum (the first 20 bits of SHA-256 over a labelled encoding of the 33 bytes), in 14
// groups of 4 separated by '-'. A mistyped character is caught by the checksum (1 in 10^6
// chance of slipping through) before any decryption is attempted.
import { primitives } from '#primitives';
import { CryptoError } from './errors.ts';
import { concatBytes, utf8Encode } from './encoding.ts';
import { Reader, Writer, authOrThrow, checkVersion, context } from './internal/bytes.ts';
import {
  boxKeyPairFromPrivate, brandKey, newBoxKeyPair, newContentHashKey, newLibraryKey, newSigningKeyPair, publicKeysOf, signingKeyPairFromSeed,
} from './keys.ts';
import type { AccountBundle, ContentHashKey, Kek, LibraryKey, PublicKeys, RecoveryKey, SigningKeyPair } from './keys.ts';
import type { Argon2idParams } from './primitives/types.ts';

export type KdfParams = Argon2idParams;
/** Argon2id m = 64 MiB, t = 3, p = 1. Never lower these; tests pass smaller params explicitly. */
export const DEFAULT_KDF_PARAMS: KdfParams = Object.freeze({ memoryKiB: 64 * 1024, iterations: 3, parallelism: 1 });

export const ACCOUNT_BUNDLE_VERSION = 1;
export const ENVELOPE_VERSION = 1;
const KIND_PASSWORD = 1;
const KIND_RECOVERY = 2;
const SALT = 16;
const NONCE = 12;
const BUNDLE_LENGTH = 1 + 4 * 32;

export interface CreatedAccount {
  readonly bundle: AccountBundle;
  readonly publicKeys: PublicKeys;
  readonly passwordEnvelope: Uint8Array;
  readonly recoveryEnvelope: Uint8Array;
  /** Show once; the person writes it down. */
  readonly recoveryKey: string;
}

export function serializeAccountBundle(bundle: AccountBundle): Uint8Array {
  return concatBytes(Uint8Array.of(ACCOUNT_BUNDLE_VERSION), bundle.boxKeys.privateKey, bundle.signingKeys.privateKey, bundle.libraryKey, bundle.contentHashKey);
}

export async function deserializeAccountBundle(bytes: Uint8Array): Promise<AccountBundle> {
  checkVersion('account bundle', bytes, [ACCOUNT_BUNDLE_VERSION]);
  if (bytes.length !== BUNDLE_LENGTH) throw new CryptoError('malformed', `account bundle: ${bytes.length} bytes, expected ${BUNDLE_LENGTH}`);
  return {
    boxKeys: await boxKeyPairFromPrivate(bytes.subarray(1, 33)),
    signingKeys: await signingKeyPairFromSeed(bytes.subarray(33, 65)),
    libraryKey: brandKey<LibraryKey>('library key', bytes.subarray(65, 97)),
    contentHashKey: brandKey<ContentHashKey>('content-hash key', bytes.subarray(97, 129)),
  };
}

function checkPassword(password: string): void {
  if (typeof password !== 'string' || password.length === 0) throw new CryptoError('malformed', 'password must be a non-empty string');
}

async function deriveKek(password: string, salt: Uint8Array, params: KdfParams): Promise<Kek> {
  const secret = await primitives.argon2id(utf8Encode(password.normalize('NFC')), salt, params, 32);
  const kek = await primitives.hkdfSha256(secret, new Uint8Array(0), context('obscura/account/v1/kek'), 32);
  secret.fill(0);
  return kek as Kek;
}

/** Seals the bundle under a password (fresh salt, `params` default DEFAULT_KDF_PARAMS). */
export async function rewrapAccountForPassword(bundle: AccountBundle, newPassword: string, params: KdfParams = DEFAULT_KDF_PARAMS): Promise<Uint8Array> {
  checkPassword(newPassword);
  const salt = primitives.randomBytes(SALT);
  const header = new Writer().u8(ENVELOPE_VERSION).u8(KIND_PASSWORD).u32(params.memoryKiB).u32(params.iterations).u8(params.parallelism).bytes(salt).finish();
  const kek = await deriveKek(newPassword, salt, params);
  const nonce = primitives.randomBytes(NONCE);
  const plain = serializeAccountBundle(bundle);
  const ct = await primitives.aesGcmEncrypt(kek, nonce, plain, context('obscura/account/v1/password-envelope', header));
  kek.fill(0);
  plain.fill(0);
  return concatBytes(header, nonce, ct);
}

/** Opens the password envelope. Wrong password → CryptoError('bad-password'). */
export async function openAccountWithPassword(envelope: Uint8Array, password: string): Promise<AccountBundle> {
  checkPassword(password);
  checkVersion('password envelope', envelope, [ENVELOPE_VERSION]);
  const r = new Reader(envelope, 'password envelope');
  r.u8();
  if (r.u8() !== KIND_PASSWORD) throw new CryptoError('malformed', 'password envelope: this is not a password envelope');
  const params: KdfParams = { memoryKiB: r.u32(), iterations: r.u32(), parallelism: r.u8() };
  const salt = r.bytes(SALT);
  const header = envelope.subarray(0, r.position);
  const nonce = r.bytes(NONCE);
  const ct = r.restExcept(0);
  const kek = await deriveKek(password, salt, params);
  try {
    const plain = await authOrThrow(primitives.aesGcmDecrypt(kek, nonce, ct, context('obscura/account/v1/password-envelope', header)),
      'bad-password', 'the password does not open this account (wrong password, or the envelope was modified)');
    return await deserializeAccountBundle(plain);
  } finally {
    kek.fill(0);
  }
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RECOVERY_STRING_VERSION = 1;

function toBase32(bytes: Uint8Array, bits: number): string {
  let out = '';
  for (let i = 0; i < bits; i += 5) {
    let v = 0;
    for (let j = 0; j < 5; j++) {
      const bit = i + j;
      v = (v << 1) | (bit < bits ? (bytes[bit >> 3]! >> (7 - (bit & 7))) & 1 : 0);
    }
    out += CROCKFORD[v]!;
  }
  return out;
}

function fromBase32(s: string, bits: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits / 8));
  for (let i = 0; i < s.length; i++) {
    const v = CROCKFORD.indexOf(s[i]!);
    for (let j = 0; j < 5; j++) {
      const bit = i * 5 + j;
      if (bit < bits && (v >> (4 - j)) & 1) out[bit >> 3]! |= 0x80 >> (bit & 7);
    }
  }
  return out;
}

async function recoveryChecksum(payload: Uint8Array): Promise<string> {
  const h = await primitives.sha256(concatBytes(context('obscura/recovery-key/v1/checksum'), payload));
  return toBase32(h, 20);
}

/** 33 bytes: the key and then the version in the high nibble of the last byte (260 bits used). */
function recoveryPayload(key: Uint8Array): Uint8Array {
  return concatBytes(key, Uint8Array.of(RECOVERY_STRING_VERSION << 4));
}

export async function formatRecoveryKey(key: RecoveryKey): Promise<string> {
  const payload = recoveryPayload(key);
  const chars = toBase32(payload, 260) + (await recoveryChecksum(payload));
  return chars.match(/.{4}/g)!.join('-');
}

/** Parses a typed-in recovery key; any typo → CryptoError('bad-recovery-key'). */
export async function parseRecoveryKey(text: string): Promise<RecoveryKey> {
  if (typeof text !== 'string') throw new CryptoError('bad-recovery-key', 'recovery key must be a string');
  const s = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== 56) throw new CryptoError('bad-recovery-key', `recovery key has ${s.length} characters, expected 56 (14 groups of 4)`);
  const bad = [...s].findIndex((c) => !CROCKFORD.includes(c));
  if (bad >= 0) throw new CryptoError('bad-recovery-key', `recovery key: character ${bad + 1} ('${s[bad]}') is not a valid letter or digit`);
  const payload = fromBase32(s.slice(0, 52), 260);
  if (toBase32(payload, 260) !== s.slice(0, 52)) throw new CryptoError('bad-recovery-key', 'recovery key has a typo (non-canonical ending)');
  if ((await recoveryChecksum(payload)) !== s.slice(52)) throw new CryptoError('bad-recovery-key', 'recovery key has a typo (checksum does not match)');
  const version = payload[32]! >> 4;
  if (version !== RECOVERY_STRING_VERSION) throw new CryptoError('bad-recovery-key', `recovery key: unknown version ${version}`);
  return brandKey<RecoveryKey>('recovery key', payload.subarray(0, 32));
}

async function recoveryKek(key: RecoveryKey): Promise<Uint8Array> {
  return primitives.hkdfSha256(key, new Uint8Array(0), context('obscura/account/v1/recovery-kek'), 32);
}

/** A fresh recovery key and the envelope it opens (replaces the old one). */
export async function newRecoveryEnvelope(bundle: AccountBundle): Promise<{ recoveryEnvelope: Uint8Array; recoveryKey: string }> {
  const key = primitives.randomBytes(32) as RecoveryKey;
  const header = Uint8Array.of(ENVELOPE_VERSION, KIND_RECOVERY);
  const kek = await recoveryKek(key);
  const nonce = primitives.randomBytes(NONCE);
  const plain = serializeAccountBundle(bundle);
  const ct = await primitives.aesGcmEncrypt(kek, nonce, plain, context('obscura/account/v1/recovery-envelope', header));
  kek.fill(0);
  plain.fill(0);
  const recoveryKey = await formatRecoveryKey(key);
  key.fill(0);
  return { recoveryEnvelope: concatBytes(header, nonce, ct), recoveryKey };
}

/** Opens the recovery envelope with the typed-in recovery key; → CryptoError('bad-recovery-key'). */
export async function openAccountWithRecoveryKey(envelope: Uint8Array, recoveryKey: string): Promise<AccountBundle> {
  const key = await parseRecoveryKey(recoveryKey);
  checkVersion('recovery envelope', envelope, [ENVELOPE_VERSION]);
  const r = new Reader(envelope, 'recovery envelope');
  r.u8();
  if (r.u8() !== KIND_RECOVERY) throw new CryptoError('malformed', 'recovery envelope: this is not a recovery envelope');
  const header = envelope.subarray(0, r.position);
  const nonce = r.bytes(NONCE);
  const ct = r.restExcept(0);
  const kek = await recoveryKek(key);
  try {
    const plain = await authOrThrow(primitives.aesGcmDecrypt(kek, nonce, ct, context('obscura/account/v1/recovery-envelope', header)),
      'bad-recovery-key', 'the recovery key does not open this account (another account\'s key, or the envelope was modified)');
    return await deserializeAccountBundle(plain);
  } finally {
    kek.fill(0);
  }
}

/** Creates a new account: fresh keys, a password envelope and a recovery envelope. */
export async function createAccount(password: string, kdfParams: KdfParams = DEFAULT_KDF_PARAMS): Promise<CreatedAccount> {
  checkPassword(password);
  const bundle: AccountBundle = {
    boxKeys: await newBoxKeyPair(),
    signingKeys: await newSigningKeyPair(),
    libraryKey: newLibraryKey(),
    contentHashKey: newContentHashKey(),
  };
  const passwordEnvelope = await rewrapAccountForPassword(bundle, password, kdfParams);
  const { recoveryEnvelope, recoveryKey } = await newRecoveryEnvelope(bundle);
  return { bundle, publicKeys: publicKeysOf(bundle), passwordEnvelope, recoveryEnvelope, recoveryKey };
}

// [Note: the account key signs only labelled messages]
// Everything the Ed25519 account key signs starts with a label naming its purpose (manifests,
// sealed boxes, and here account recovery), so no signature can be replayed as another kind.
// The recovery message is built by @obscura/protocol (recoverySignedMessage) and verified by the
// server with plain Ed25519, so its label is part of the message rather than added here.
const RECOVERY_MESSAGE_PREFIX = utf8Encode('obscura-recovery-v1\n');

/** Signs the account-recovery challenge message; refuses any message without its label. */
export async function signRecoveryMessage(signingKeys: SigningKeyPair, message: Uint8Array): Promise<Uint8Array> {
  const ok = message instanceof Uint8Array && message.length > RECOVERY_MESSAGE_PREFIX.length &&
    RECOVERY_MESSAGE_PREFIX.every((b, i) => message[i] === b);
  if (!ok) throw new CryptoError('malformed', "signRecoveryMessage: the message must start with 'obscura-recovery-v1\\n'");
  return primitives.ed25519Sign(signingKeys.privateKey, message);
}
