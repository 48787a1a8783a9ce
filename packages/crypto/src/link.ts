// Public links.
//
//   secret      = 32 random bytes, base64url in the URL #fragment (never sent to the server)
//   pw          = Argon2id(NFC(password), salt, kdf, 32)  if the link has a password, else absent
//   prk input   = ikm = secret || pw,  salt = context("obscura/link/v1", u8 hasPassword)
//   link key    = HKDF(ikm, salt, context("obscura/link/v1/link-key"), 32)
//   access proof= HKDF(ikm, salt, context("obscura/link/v1/access-proof"), 32)
//   verifier    = SHA-256(access proof)         (what the server stores)
//
// [Note: the link password is part of the key]
// The password goes through Argon2id and into the key derivation, so the URL alone cannot
// decrypt anything, and every guess costs one Argon2id on the guesser's side plus one
// server round trip (where it is throttled): the proof is required to download the
// wrapped keys. HKDF with distinct info strings makes the proof and the link key
// independent: the server, holding the verifier and seeing proofs, learns nothing about the
// link key. The verifier is a plain SHA-256 so the server can check a proof without this package.
//
// Stored password parameters (v1): u8 version 1 || u32 memoryKiB || u32 iterations || u8 parallelism || 16-byte salt.
import { primitives } from '#primitives';
import { CryptoError } from './errors.ts';
import { concatBytes, fromBase64Url, toBase64Url, utf8Encode } from './encoding.ts';
import { Reader, Writer, checkVersion, context } from './internal/bytes.ts';
import { DEFAULT_KDF_PARAMS, type KdfParams } from './account.ts';
import type { LinkKey } from './keys.ts';

export const LINK_PARAMS_VERSION = 1;
const SECRET = 32;
const SALT = 16;

export interface LinkPasswordParams {
  readonly salt: Uint8Array;
  readonly kdf: KdfParams;
}
export interface LinkKeys {
  readonly linkKey: LinkKey;
  /** Sent to the server to obtain the link's wrapped keys. */
  readonly accessProof: Uint8Array;
  /** SHA-256(accessProof): stored by the server when the link is created. */
  readonly accessVerifier: Uint8Array;
}

/** A new link secret, base64url (43 characters), for the URL fragment. */
export function createLinkSecret(): string {
  return toBase64Url(primitives.randomBytes(SECRET));
}

export function newLinkPasswordParams(kdf: KdfParams = DEFAULT_KDF_PARAMS): LinkPasswordParams {
  return { salt: primitives.randomBytes(SALT), kdf };
}

export function encodeLinkPasswordParams(p: LinkPasswordParams): Uint8Array {
  if (!(p.salt instanceof Uint8Array) || p.salt.length !== SALT) throw new CryptoError('bad-length', `link password salt must be ${SALT} bytes`);
  return new Writer().u8(LINK_PARAMS_VERSION).u32(p.kdf.memoryKiB).u32(p.kdf.iterations).u8(p.kdf.parallelism).bytes(p.salt).finish();
}

export function decodeLinkPasswordParams(bytes: Uint8Array): LinkPasswordParams {
  checkVersion('link password parameters', bytes, [LINK_PARAMS_VERSION]);
  const r = new Reader(bytes, 'link password parameters');
  r.u8();
  const kdf = { memoryKiB: r.u32(), iterations: r.u32(), parallelism: r.u8() };
  const salt = Uint8Array.from(r.bytes(SALT));
  r.end();
  return { salt, kdf };
}

function parseSecret(secret: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(secret);
  } catch (cause) {
    throw new CryptoError('malformed', 'link secret is not valid base64url (the link was copied incompletely?)', { cause });
  }
  if (bytes.length !== SECRET) throw new CryptoError('malformed', `link secret decodes to ${bytes.length} bytes, expected ${SECRET} (the link was copied incompletely?)`);
  return bytes;
}

/**
 * Derives a link's key and access proof from the fragment secret and, for a
 * password-protected link, the password and the link's stored parameters.
 */
export async function deriveLinkKeys(secret: string, password: string | undefined, passwordParams?: LinkPasswordParams): Promise<LinkKeys> {
  const s = parseSecret(secret);
  let ikm = s;
  if (password !== undefined) {
    if (typeof password !== 'string' || password.length === 0) throw new CryptoError('malformed', 'link password must be a non-empty string');
    if (!passwordParams) throw new CryptoError('malformed', 'a link password needs the link\'s password parameters (salt and Argon2id settings)');
    if (!(passwordParams.salt instanceof Uint8Array) || passwordParams.salt.length !== SALT) throw new CryptoError('bad-length', `link password salt must be ${SALT} bytes`);
    const pw = await primitives.argon2id(utf8Encode(password.normalize('NFC')), passwordParams.salt, passwordParams.kdf, 32);
    ikm = concatBytes(s, pw);
    pw.fill(0);
  }
  const salt = context('obscura/link/v1', Uint8Array.of(password === undefined ? 0 : 1));
  const linkKey = (await primitives.hkdfSha256(ikm, salt, context('obscura/link/v1/link-key'), 32)) as LinkKey;
  const accessProof = await primitives.hkdfSha256(ikm, salt, context('obscura/link/v1/access-proof'), 32);
  const accessVerifier = await primitives.sha256(accessProof);
  ikm.fill(0);
  return { linkKey, accessProof, accessVerifier };
}
