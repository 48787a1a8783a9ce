// Sealed boxes: a key or message encrypted to one recipient's X25519 key (HPKE base mode,
// RFC 9180, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM) and signed by the sender.
//
//   sealed = header || enc (32) || HPKE ciphertext || Ed25519 signature (64)
//   header = u8 version (1) || u8 kind || str senderId || str recipientId || kind fields
//            kind 1 album key:        str albumId || u32 epoch   (plaintext: the 32-byte key)
//            kind 2 message (old):    str topic                  (plaintext: the message; opened, never written)
//            kind 3 padded message:   str topic                  (plaintext: pad(message), see below)
//   HPKE info = context("obscura/seal/v1/info", header);  HPKE aad = header
//   signature = Ed25519(sender, context("obscura/seal/v1/signature", recipient X25519 public key)
//                               || header || enc || ciphertext)
//
// [Note: sign the whole box]
// HPKE base mode does not authenticate the sender, so the sender signs everything they
// produced, including the recipient's public key: a server cannot re-address a box, swap the
// ciphertext, or pass off its own box as coming from a member. The ids and album epoch in
// the header are bound three times (signature, HPKE info, AEAD aad); they are checked against
// what the opener expects first, so a replayed box (say, an old epoch) fails with
// 'wrong-context' naming what differed.
//
// [Note: padded messages]
// A message's length would otherwise show through the box (HPKE adds a fixed 16 bytes), and an
// invitation's length says something about what it says. Messages are therefore sealed as kind 3,
// whose plaintext is `u32 length || message || zeros` up to a multiple of 256 bytes, the same
// padding as file and album metadata ([Note: padding hides lengths]): the server sees the size
// class only. Kind 2 boxes (unpadded, written before kind 3 existed) stay readable, and
// `openMessage` returns the same bytes for both. The kind is in the signed header, so nobody
// can turn one kind into the other; the version stays 1 because the layout did not change.
import { primitives } from '#primitives';
import { CryptoError } from './errors.ts';
import { concatBytes, constantTimeEqual } from './encoding.ts';
import { hpkeOpen, hpkeSeal } from './hpke.ts';
import { Reader, Writer, checkEpoch, checkId, checkVersion, context, pad, unpad } from './internal/bytes.ts';
import { brandKey } from './keys.ts';
import type { AlbumEpochKey, AlbumKeyBytes, BoxKeyPair, Ed25519PublicKey, SigningKeyPair, X25519PublicKey } from './keys.ts';

export const SEAL_VERSION = 1;
const KIND_ALBUM_KEY = 1;
/** Unpadded message: read for old invitations, never written ([Note: padded messages]). */
const KIND_MESSAGE = 2;
const KIND_PADDED_MESSAGE = 3;
const ENC = 32;
const SIG = 64;

export interface Sender {
  readonly userId: string;
  readonly signingKeys: SigningKeyPair;
}
export interface Recipient {
  readonly userId: string;
  readonly x25519PublicKey: X25519PublicKey;
}
export interface OpeningRecipient {
  readonly userId: string;
  readonly boxKeys: BoxKeyPair;
}

type MessageKind = typeof KIND_MESSAGE | typeof KIND_PADDED_MESSAGE;
type Subject = { kind: typeof KIND_ALBUM_KEY; albumId: string; epoch: number } | { kind: MessageKind; topic: string };

const isMessageKind = (kind: number): kind is MessageKind => kind === KIND_MESSAGE || kind === KIND_PADDED_MESSAGE;

function describe(s: Subject): string {
  return s.kind === KIND_ALBUM_KEY ? `key of album ${s.albumId} epoch ${s.epoch}` : `message '${s.topic}'`;
}

function header(senderId: string, recipientId: string, s: Subject): Uint8Array {
  const w = new Writer().u8(SEAL_VERSION).u8(s.kind).str(senderId).str(recipientId);
  if (s.kind === KIND_ALBUM_KEY) w.str(s.albumId).u32(s.epoch);
  else w.str(s.topic);
  return w.finish();
}

async function sealTo(sender: Sender, recipient: Recipient, s: Subject, plaintext: Uint8Array): Promise<Uint8Array> {
  checkId('sender id', sender.userId);
  checkId('recipient id', recipient.userId);
  const h = header(sender.userId, recipient.userId, s);
  const { enc, ciphertext } = await hpkeSeal(primitives, recipient.x25519PublicKey, context('obscura/seal/v1/info', h), h, plaintext);
  const body = concatBytes(h, enc, ciphertext);
  const sig = await primitives.ed25519Sign(sender.signingKeys.privateKey, concatBytes(context('obscura/seal/v1/signature', recipient.x25519PublicKey), body));
  return concatBytes(body, sig);
}

async function openFrom(
  recipient: OpeningRecipient, senderPublicKey: Ed25519PublicKey, senderId: string, sealed: Uint8Array, expected: Subject,
): Promise<Uint8Array> {
  const what = `sealed ${describe(expected)} from ${senderId} to ${recipient.userId}`;
  checkVersion(what, sealed, [SEAL_VERSION]);
  const r = new Reader(sealed, what);
  r.u8();
  const kind = r.u8();
  if (kind !== KIND_ALBUM_KEY && !isMessageKind(kind)) throw new CryptoError('malformed', `${what}: unknown kind ${kind}`);
  const boxSender = r.str();
  const boxRecipient = r.str();
  const actual: Subject = kind === KIND_ALBUM_KEY ? { kind, albumId: r.str(), epoch: r.u32() } : { kind, topic: r.str() };
  const headerLength = r.position;
  // [Note: context before signature] These fields are not yet authenticated; they are only
  // compared, so that a misdirected or replayed box gets an error saying what differs.
  if (boxSender !== senderId || boxRecipient !== recipient.userId) {
    throw new CryptoError('wrong-context', `${what}: the box was sealed by ${boxSender} to ${boxRecipient}`);
  }
  const same = actual.kind === KIND_ALBUM_KEY
    ? expected.kind === KIND_ALBUM_KEY && actual.albumId === expected.albumId && actual.epoch === expected.epoch
    : expected.kind !== KIND_ALBUM_KEY && actual.topic === expected.topic;
  if (!same) throw new CryptoError('wrong-context', `${what}: the box holds the ${describe(actual)}`);
  // From here on only the expected header is used, rebuilt from the caller's values (for a
  // message, in the kind the box says, old or padded: both are accepted, and the kind is signed).
  const subject: Subject = expected.kind !== KIND_ALBUM_KEY && actual.kind !== KIND_ALBUM_KEY ? { kind: actual.kind, topic: expected.topic } : expected;
  const h = header(senderId, recipient.userId, subject);
  if (!constantTimeEqual(h, sealed.subarray(0, headerLength))) throw new CryptoError('malformed', `${what}: non-canonical header`);
  const enc = r.bytes(ENC);
  const ciphertext = r.restExcept(SIG);
  const sig = r.bytes(SIG);
  r.end();
  const body = sealed.subarray(0, sealed.length - SIG);
  const ok = await primitives.ed25519Verify(senderPublicKey, concatBytes(context('obscura/seal/v1/signature', recipient.boxKeys.publicKey), body), sig);
  if (!ok) throw new CryptoError('bad-signature', `${what}: the signature does not verify under ${senderId}'s key`);
  let plaintext: Uint8Array;
  try {
    plaintext = await hpkeOpen(primitives, recipient.boxKeys.privateKey, enc, context('obscura/seal/v1/info', h), h, ciphertext);
  } catch (cause) {
    if (cause instanceof CryptoError && cause.code === 'auth-failed') {
      throw new CryptoError('auth-failed', `${what}: does not open with ${recipient.userId}'s key`, { cause });
    }
    throw cause;
  }
  // [Note: padded messages] authenticated already, so a bad padding is the sender's client's bug.
  return subject.kind === KIND_PADDED_MESSAGE ? unpad(plaintext, what) : plaintext;
}

/** Seals an album epoch key to one member, signed by the sharer. */
export async function sealAlbumKey(args: { readonly sender: Sender; readonly recipient: Recipient; readonly albumKey: AlbumEpochKey }): Promise<Uint8Array> {
  const { albumKey } = args;
  checkId('album id', albumKey.albumId);
  checkEpoch(albumKey.epoch);
  return sealTo(args.sender, args.recipient, { kind: KIND_ALBUM_KEY, albumId: albumKey.albumId, epoch: albumKey.epoch }, albumKey.key);
}

/** Opens a sealed album key. Throws 'wrong-context', 'bad-signature' or 'auth-failed'. */
export async function openSealedAlbumKey(args: {
  readonly recipient: OpeningRecipient; readonly senderPublicKey: Ed25519PublicKey; readonly senderId: string;
  readonly sealed: Uint8Array; readonly expect: { readonly albumId: string; readonly epoch: number };
}): Promise<AlbumEpochKey> {
  const { albumId, epoch } = args.expect;
  checkId('album id', albumId);
  checkEpoch(epoch);
  const bytes = await openFrom(args.recipient, args.senderPublicKey, args.senderId, args.sealed, { kind: KIND_ALBUM_KEY, albumId, epoch });
  return { albumId, epoch, key: brandKey<AlbumKeyBytes>(`key of album ${albumId} epoch ${epoch}`, bytes) };
}

/**
 * Seals an arbitrary message (e.g. an invitation) with the same construction, padded to a
 * multiple of 256 bytes so only its size class shows (kind 3, [Note: padded messages]).
 * `topic` is visible to the server and bound into the box; use a non-secret label such as
 * `invite:<albumId>`.
 */
export async function sealMessage(args: { readonly sender: Sender; readonly recipient: Recipient; readonly topic: string; readonly message: Uint8Array }): Promise<Uint8Array> {
  checkId('topic', args.topic);
  return sealTo(args.sender, args.recipient, { kind: KIND_PADDED_MESSAGE, topic: args.topic }, pad(args.message));
}

/**
 * Opens a sealed message, padded (kind 3) or written before padding existed (kind 2); both
 * give the message bytes as sealed. Throws 'wrong-context', 'bad-signature', 'auth-failed' or
 * 'malformed'.
 */
export async function openMessage(args: {
  readonly recipient: OpeningRecipient; readonly senderPublicKey: Ed25519PublicKey; readonly senderId: string;
  readonly sealed: Uint8Array; readonly expect: { readonly topic: string };
}): Promise<Uint8Array> {
  checkId('topic', args.expect.topic);
  return openFrom(args.recipient, args.senderPublicKey, args.senderId, args.sealed, { kind: KIND_PADDED_MESSAGE, topic: args.expect.topic });
}
