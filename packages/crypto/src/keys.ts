// [Note: branded key types]
// Every key level is its own type. At run time a key is a plain Uint8Array; at compile time
// the brand makes `FileKey`, `AlbumKeyBytes`, `LibraryKey`, ... mutually unassignable, so a
// function that wraps a file key under an album key cannot be handed a library key (see
// test/key-types.typecheck.ts). Brands are only ever attached here, after a length check.
import { primitives } from '#primitives';
import { CryptoError } from './errors.ts';
import { checkEpoch, checkId } from './internal/bytes.ts';

declare const brand: unique symbol;
type Branded<K extends string> = Uint8Array & { readonly [brand]: K };

/** Key-encryption key derived from the account password (Argon2id → HKDF). */
export type Kek = Branded<'Kek'>;
/** 256-bit account recovery key; shown to the person once as a string. */
export type RecoveryKey = Branded<'RecoveryKey'>;
/** Wraps the file key of every photo in the owner's library. */
export type LibraryKey = Branded<'LibraryKey'>;
/** HMAC key for the keyed content hash used for dedupe within one account. */
export type ContentHashKey = Branded<'ContentHashKey'>;
/** One per file; content, thumbnail and metadata keys are derived from it. */
export type FileKey = Branded<'FileKey'>;
/** The raw bytes of one album epoch key. Use `AlbumEpochKey`, which carries album id + epoch. */
export type AlbumKeyBytes = Branded<'AlbumKey'>;
/** Derived from a public link's secret (+ password); wraps album keys or one file key. */
export type LinkKey = Branded<'LinkKey'>;
export type X25519PublicKey = Branded<'X25519PublicKey'>;
export type X25519PrivateKey = Branded<'X25519PrivateKey'>;
export type Ed25519PublicKey = Branded<'Ed25519PublicKey'>;
/** The 32-byte Ed25519 seed. */
export type Ed25519PrivateKey = Branded<'Ed25519PrivateKey'>;

export interface AlbumEpochKey {
  readonly albumId: string;
  readonly epoch: number;
  readonly key: AlbumKeyBytes;
}
export interface BoxKeyPair {
  readonly publicKey: X25519PublicKey;
  readonly privateKey: X25519PrivateKey;
}
export interface SigningKeyPair {
  readonly publicKey: Ed25519PublicKey;
  readonly privateKey: Ed25519PrivateKey;
}
export interface PublicKeys {
  readonly x25519: X25519PublicKey;
  readonly ed25519: Ed25519PublicKey;
}
export interface AccountBundle {
  readonly boxKeys: BoxKeyPair;
  readonly signingKeys: SigningKeyPair;
  readonly libraryKey: LibraryKey;
  readonly contentHashKey: ContentHashKey;
}

export const KEY_LENGTH = 32;

function brandAs<K extends Uint8Array>(what: string, bytes: Uint8Array): K {
  if (!(bytes instanceof Uint8Array) || bytes.length !== KEY_LENGTH) {
    throw new CryptoError('bad-length', `${what}: expected ${KEY_LENGTH} bytes, got ${bytes instanceof Uint8Array ? bytes.length : typeof bytes}`);
  }
  return Uint8Array.from(bytes) as K; // a private copy: the caller's buffer may be reused
}

// Importers for keys that were stored or transported by the caller (e.g. a cached key, or a
// public key fetched from the server). They check the length and attach the brand.
export const fileKeyFromBytes = (b: Uint8Array): FileKey => brandAs<FileKey>('file key', b);
export const libraryKeyFromBytes = (b: Uint8Array): LibraryKey => brandAs<LibraryKey>('library key', b);
export const contentHashKeyFromBytes = (b: Uint8Array): ContentHashKey => brandAs<ContentHashKey>('content-hash key', b);
export const linkKeyFromBytes = (b: Uint8Array): LinkKey => brandAs<LinkKey>('link key', b);
export const x25519PublicKeyFromBytes = (b: Uint8Array): X25519PublicKey => brandAs<X25519PublicKey>('X25519 public key', b);
export const ed25519PublicKeyFromBytes = (b: Uint8Array): Ed25519PublicKey => brandAs<Ed25519PublicKey>('Ed25519 public key', b);
export function albumKeyFromBytes(albumId: string, epoch: number, b: Uint8Array): AlbumEpochKey {
  checkId('album id', albumId);
  checkEpoch(epoch);
  return { albumId, epoch, key: brandAs<AlbumKeyBytes>(`album key (${albumId} epoch ${epoch})`, b) };
}
export function publicKeysFromBytes(keys: { x25519: Uint8Array; ed25519: Uint8Array }): PublicKeys {
  return { x25519: x25519PublicKeyFromBytes(keys.x25519), ed25519: ed25519PublicKeyFromBytes(keys.ed25519) };
}

/** Internal: brand bytes produced inside the package (random, HKDF, or an unwrap). */
export function brandKey<K extends Uint8Array>(what: string, bytes: Uint8Array): K {
  return brandAs<K>(what, bytes);
}

export function newFileKey(): FileKey {
  return primitives.randomBytes(KEY_LENGTH) as FileKey;
}
export function newLibraryKey(): LibraryKey {
  return primitives.randomBytes(KEY_LENGTH) as LibraryKey;
}
export function newContentHashKey(): ContentHashKey {
  return primitives.randomBytes(KEY_LENGTH) as ContentHashKey;
}
export async function newBoxKeyPair(): Promise<BoxKeyPair> {
  const kp = await primitives.x25519Generate();
  return { publicKey: kp.publicKey as X25519PublicKey, privateKey: kp.privateKey as X25519PrivateKey };
}
export async function newSigningKeyPair(): Promise<SigningKeyPair> {
  const kp = await primitives.ed25519Generate();
  return { publicKey: kp.publicKey as Ed25519PublicKey, privateKey: kp.privateKey as Ed25519PrivateKey };
}
export async function boxKeyPairFromPrivate(privateKey: Uint8Array): Promise<BoxKeyPair> {
  const sk = brandAs<X25519PrivateKey>('X25519 private key', privateKey);
  return { publicKey: (await primitives.x25519PublicKey(sk)) as X25519PublicKey, privateKey: sk };
}
export async function signingKeyPairFromSeed(seed: Uint8Array): Promise<SigningKeyPair> {
  const sk = brandAs<Ed25519PrivateKey>('Ed25519 private key', seed);
  return { publicKey: (await primitives.ed25519PublicKey(sk)) as Ed25519PublicKey, privateKey: sk };
}
export function publicKeysOf(bundle: AccountBundle): PublicKeys {
  return { x25519: bundle.boxKeys.publicKey, ed25519: bundle.signingKeys.publicKey };
}
