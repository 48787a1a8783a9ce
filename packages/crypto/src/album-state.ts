// The owner-signed state of an album: who owns it, who is in it with which role and keys,
// which epoch is current and which key each epoch has, and which metadata blob is current.
//
// [Note: album state is owner-signed]
// The server stores albums, members, sealed keys and metadata, but it must not be able to
// decide any of them. So every change an album's owner makes is a new *album state*, signed
// with the owner's Ed25519 key and chained by hash to the state before it. Clients pin the
// first state they verify and afterwards accept only states that chain to it; they seal keys
// only to people in the latest roster they verified, add photos only under the latest epoch
// they verified, and accept an epoch key only if it matches the owner's commitment to it.
// State 1 is the album's genesis: album id, owner id, owner key, kind and creation time,
// repeated unchanged in every later state (so a client that first sees state 9 still learns
// them under the owner's signature).
//
// Encoding, version 1 (integers big-endian, `str` = u16 length + UTF-8):
//   u8 version = 1 | str albumId | str ownerId | 32 owner Ed25519 public key
//   u8 kind (1 album, 2 photo) | u8 origin (1 created signed, 2 signed at the one-time setup)
//   u64 createdAt (ms) | u32 seq (>= 1) | 32 previous state hash (zeros for seq 1)
//   u32 epoch (>= 1) | 32 * epoch commitments (epoch 1 first) | 32 SHA-256 of the metadata blob
//   u16 member count | per member, sorted by user id, each once, never the owner:
//     str userId | str email | u8 role (1 viewer, 2 editor) | 32 Ed25519 | 32 X25519
// Signature: Ed25519(owner, context("obscura/album-state/v1/signature") || state bytes).
// Hash (what the next state names): SHA-256(context("obscura/album-state/v1/hash") || bytes).
// Epoch commitment: HKDF-SHA256(epoch key, "", context("obscura/album/v1/commitment", albumId,
// epoch)) — a PRF output that binds the key without revealing it.
import { primitives } from '#primitives';
import { CryptoError } from './errors.ts';
import { concatBytes, constantTimeEqual } from './encoding.ts';
import { Reader, Writer, checkEpoch, checkId, checkVersion, context } from './internal/bytes.ts';
import { publicKeysFromBytes } from './keys.ts';
import type { AlbumEpochKey, Ed25519PublicKey, PublicKeys, SigningKeyPair } from './keys.ts';

export const ALBUM_STATE_VERSION = 1;
const SIGNATURE_CONTEXT = context('obscura/album-state/v1/signature');
const HASH_CONTEXT = context('obscura/album-state/v1/hash');
const HASH = 32;
const KEY = 32;
/** Members an album may have (the product's limit is 100; pending invitations count). */
export const ALBUM_STATE_MEMBERS_MAX = 1000;
const EPOCHS_MAX = 1 << 16;

export type RosterRole = 'viewer' | 'editor';
export type AlbumStateKind = 'album' | 'photo';
/** 'created': signed when the album was created; 'upgraded': first signed at the one-time setup. */
export type AlbumStateOrigin = 'created' | 'upgraded';

export interface RosterEntry {
  readonly userId: string;
  readonly email: string;
  readonly role: RosterRole;
  readonly ed25519PublicKey: Uint8Array;
  readonly x25519PublicKey: Uint8Array;
}

export interface AlbumStateInput {
  readonly albumId: string;
  readonly ownerId: string;
  readonly ownerSigningKey: Uint8Array;
  readonly kind: AlbumStateKind;
  readonly origin: AlbumStateOrigin;
  readonly createdAt: number;
  readonly seq: number;
  /** Hash of state seq-1; absent for seq 1. */
  readonly prevHash?: Uint8Array;
  readonly epoch: number;
  /** One commitment per epoch, 1..epoch. */
  readonly epochCommitments: readonly Uint8Array[];
  readonly metadataHash: Uint8Array;
  readonly members: readonly RosterEntry[];
}

declare const verified: unique symbol;
/** A state whose owner signature verified (only `verifyAlbumState` makes one). */
export type AlbumState = AlbumStateInput & {
  readonly version: number;
  /** What the next state names as its predecessor. */
  readonly hash: Uint8Array;
  readonly [verified]: true;
};

const KINDS: readonly AlbumStateKind[] = ['album', 'photo'];
const ORIGINS: readonly AlbumStateOrigin[] = ['created', 'upgraded'];
const ROLES: readonly RosterRole[] = ['viewer', 'editor'];

function checkLen(what: string, b: Uint8Array | undefined, n: number): void {
  if (!(b instanceof Uint8Array) || b.length !== n) throw new CryptoError('bad-length', `album state: ${what} must be ${n} bytes`);
}

export function encodeAlbumState(s: AlbumStateInput): Uint8Array {
  checkId('album id', s.albumId);
  checkId('owner id', s.ownerId);
  checkLen('owner key', s.ownerSigningKey, KEY);
  if (!KINDS.includes(s.kind)) throw new CryptoError('malformed', `album state: unknown kind ${String(s.kind)}`);
  if (!ORIGINS.includes(s.origin)) throw new CryptoError('malformed', `album state: unknown origin ${String(s.origin)}`);
  if (!Number.isSafeInteger(s.createdAt) || s.createdAt < 0) throw new CryptoError('malformed', 'album state: bad creation time');
  if (!Number.isInteger(s.seq) || s.seq < 1 || s.seq > 0xffffffff) throw new CryptoError('malformed', `album state: bad sequence number ${s.seq}`);
  if ((s.seq === 1) !== (s.prevHash === undefined)) throw new CryptoError('malformed', 'album state: only state 1 has no predecessor');
  if (s.prevHash !== undefined) checkLen('previous hash', s.prevHash, HASH);
  checkEpoch(s.epoch);
  if (s.epoch < 1 || s.epoch > EPOCHS_MAX) throw new CryptoError('malformed', `album state: bad epoch ${s.epoch}`);
  if (s.epochCommitments.length !== s.epoch) {
    throw new CryptoError('malformed', `album state: ${s.epochCommitments.length} epoch commitments for epoch ${s.epoch}`);
  }
  s.epochCommitments.forEach((c, i) => checkLen(`commitment of epoch ${i + 1}`, c, HASH));
  checkLen('metadata hash', s.metadataHash, HASH);
  if (s.members.length > ALBUM_STATE_MEMBERS_MAX) throw new CryptoError('malformed', `album state: ${s.members.length} members`);
  const members = [...s.members].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  const w = new Writer().u8(ALBUM_STATE_VERSION).str(s.albumId).str(s.ownerId).bytes(s.ownerSigningKey)
    .u8(KINDS.indexOf(s.kind) + 1).u8(ORIGINS.indexOf(s.origin) + 1).u64(s.createdAt).u32(s.seq)
    .bytes(s.prevHash ?? new Uint8Array(HASH)).u32(s.epoch);
  for (const c of s.epochCommitments) w.bytes(c);
  w.bytes(s.metadataHash).u16(members.length);
  members.forEach((m, i) => {
    checkId('member id', m.userId);
    if (m.userId === s.ownerId) throw new CryptoError('malformed', 'album state: the owner is not a roster member');
    if (i > 0 && members[i - 1]!.userId === m.userId) throw new CryptoError('malformed', `album state: member ${m.userId} listed twice`);
    if (!ROLES.includes(m.role)) throw new CryptoError('malformed', `album state: unknown role ${String(m.role)}`);
    checkLen(`Ed25519 key of ${m.userId}`, m.ed25519PublicKey, KEY);
    checkLen(`X25519 key of ${m.userId}`, m.x25519PublicKey, KEY);
    w.str(m.userId).str(m.email).u8(ROLES.indexOf(m.role) + 1).bytes(m.ed25519PublicKey).bytes(m.x25519PublicKey);
  });
  return w.finish();
}

function decodeAlbumState(bytes: Uint8Array): AlbumStateInput & { version: number } {
  const what = 'album state';
  const version = checkVersion(what, bytes, [ALBUM_STATE_VERSION]);
  const r = new Reader(bytes, what);
  r.u8();
  const albumId = r.str();
  const ownerId = r.str();
  const ownerSigningKey = Uint8Array.from(r.bytes(KEY));
  const kind = KINDS[r.u8() - 1];
  const origin = ORIGINS[r.u8() - 1];
  if (!kind || !origin) throw new CryptoError('malformed', `${what} of album ${albumId}: unknown kind or origin`);
  const createdAt = r.u64();
  const seq = r.u32();
  const prev = Uint8Array.from(r.bytes(HASH));
  const epoch = r.u32();
  if (seq < 1 || epoch < 1 || epoch > EPOCHS_MAX) throw new CryptoError('malformed', `${what} of album ${albumId}: bad sequence ${seq} or epoch ${epoch}`);
  const epochCommitments: Uint8Array[] = [];
  for (let i = 0; i < epoch; i++) epochCommitments.push(Uint8Array.from(r.bytes(HASH)));
  const metadataHash = Uint8Array.from(r.bytes(HASH));
  const count = r.u16();
  const members: RosterEntry[] = [];
  for (let i = 0; i < count; i++) {
    const userId = r.str();
    const email = r.str();
    const role = ROLES[r.u8() - 1];
    if (!role) throw new CryptoError('malformed', `${what} of album ${albumId}: unknown role of ${userId}`);
    members.push({ userId, email, role, ed25519PublicKey: Uint8Array.from(r.bytes(KEY)), x25519PublicKey: Uint8Array.from(r.bytes(KEY)) });
  }
  r.end();
  const decoded = {
    version, albumId, ownerId, ownerSigningKey, kind, origin, createdAt, seq, ...(seq > 1 ? { prevHash: prev } : {}),
    epoch, epochCommitments, metadataHash, members,
  };
  // Canonical form only: re-encoding must give the same bytes (sorted, unique, zero prev hash for seq 1).
  if (!constantTimeEqual(encodeAlbumState(decoded), bytes)) throw new CryptoError('malformed', `${what} of album ${albumId}: not in canonical form`);
  return decoded;
}

export async function albumStateHash(bytes: Uint8Array): Promise<Uint8Array> {
  return primitives.sha256(concatBytes(HASH_CONTEXT, bytes));
}

/** Signs a state; only the owner (whose key the state names) can. */
export async function signAlbumState(signingKeys: SigningKeyPair, input: AlbumStateInput): Promise<{ state: Uint8Array; signature: Uint8Array }> {
  if (!constantTimeEqual(signingKeys.publicKey, input.ownerSigningKey)) {
    throw new CryptoError('wrong-context', `album ${input.albumId}: only its owner signs its state`);
  }
  const state = encodeAlbumState(input);
  return { state, signature: await primitives.ed25519Sign(signingKeys.privateKey, concatBytes(SIGNATURE_CONTEXT, state)) };
}

/**
 * Verifies the owner's signature and that the state is of `expect.albumId`, owned by
 * `expect.ownerId` with `ownerPublicKey` (the key the caller pinned for that person).
 * Throws 'bad-version', 'malformed', 'bad-signature' or 'wrong-context'.
 */
export async function verifyAlbumState(
  state: Uint8Array, signature: Uint8Array, ownerPublicKey: Ed25519PublicKey,
  expect: { readonly albumId: string; readonly ownerId: string },
): Promise<AlbumState> {
  const what = `state of album ${expect.albumId}`;
  checkVersion(what, state, [ALBUM_STATE_VERSION]);
  const ok = signature instanceof Uint8Array && signature.length === 64 &&
    (await primitives.ed25519Verify(ownerPublicKey, concatBytes(SIGNATURE_CONTEXT, state), signature));
  if (!ok) throw new CryptoError('bad-signature', `${what}: the signature does not verify under the key of its owner ${expect.ownerId}`);
  const s = decodeAlbumState(state);
  if (s.albumId !== expect.albumId || s.ownerId !== expect.ownerId) {
    throw new CryptoError('wrong-context', `${what}: the state is of album ${s.albumId} owned by ${s.ownerId}`);
  }
  if (!constantTimeEqual(s.ownerSigningKey, ownerPublicKey)) throw new CryptoError('wrong-context', `${what}: it names another owner key`);
  return { ...s, hash: await albumStateHash(state) } as AlbumState;
}

/**
 * Checks that `next` directly follows `prev`: the next sequence number, `prev`'s hash, the
 * same genesis fields, and an epoch chain that only grows by one and never rewrites a past
 * epoch's commitment. Throws 'stale-state' or 'chain-broken'.
 */
export function checkAlbumStateSuccessor(prev: AlbumState, next: AlbumState): void {
  const what = `state ${next.seq} of album ${next.albumId}`;
  if (next.seq <= prev.seq) throw new CryptoError('stale-state', `${what} is not newer than state ${prev.seq}, already seen`);
  if (next.seq !== prev.seq + 1) throw new CryptoError('chain-broken', `${what} does not follow state ${prev.seq} (a state is missing)`);
  if (!next.prevHash || !constantTimeEqual(next.prevHash, prev.hash)) {
    throw new CryptoError('chain-broken', `${what} does not chain to the state ${prev.seq} already seen (a forked or rewritten history)`);
  }
  if (next.albumId !== prev.albumId || next.ownerId !== prev.ownerId || next.kind !== prev.kind || next.origin !== prev.origin ||
    next.createdAt !== prev.createdAt || !constantTimeEqual(next.ownerSigningKey, prev.ownerSigningKey)) {
    throw new CryptoError('chain-broken', `${what} changes the album's owner, kind or creation`);
  }
  if (next.epoch !== prev.epoch && next.epoch !== prev.epoch + 1) {
    throw new CryptoError('chain-broken', `${what} moves the key from epoch ${prev.epoch} to ${next.epoch}`);
  }
  prev.epochCommitments.forEach((c, i) => {
    if (!constantTimeEqual(c, next.epochCommitments[i]!)) throw new CryptoError('chain-broken', `${what} rewrites the key of epoch ${i + 1}`);
  });
}

/** Verifies a run of states following `pinned` (each must follow the one before). Returns the last. */
export function checkAlbumStateChain(pinned: AlbumState, states: readonly AlbumState[]): AlbumState {
  let at = pinned;
  for (const s of states) {
    checkAlbumStateSuccessor(at, s);
    at = s;
  }
  return at;
}

/** The owner's commitment to one epoch key (see [Note: album state is owner-signed]). */
export async function albumEpochCommitment(key: AlbumEpochKey): Promise<Uint8Array> {
  checkId('album id', key.albumId);
  checkEpoch(key.epoch);
  checkLen('album key', key.key, KEY);
  return primitives.hkdfSha256(key.key, new Uint8Array(0), context('obscura/album/v1/commitment', key.albumId, key.epoch), HASH);
}

/** Throws 'wrong-context' unless `key` is the key the owner committed to for its epoch. */
export async function checkEpochKeyInState(state: AlbumState, key: AlbumEpochKey): Promise<void> {
  const what = `key of album ${state.albumId} epoch ${key.epoch}`;
  if (key.albumId !== state.albumId) throw new CryptoError('wrong-context', `${what}: it is a key of album ${key.albumId}`);
  const c = state.epochCommitments[key.epoch - 1];
  if (!c) throw new CryptoError('wrong-context', `${what}: the owner's state ${state.seq} knows epochs 1..${state.epoch} only`);
  if (!constantTimeEqual(await albumEpochCommitment(key), c)) {
    throw new CryptoError('wrong-context', `${what}: it is not the key the album's owner committed to (planted by someone else)`);
  }
}

/** What a state names as the album's metadata blob. */
export function albumMetadataHash(blob: Uint8Array): Promise<Uint8Array> {
  return primitives.sha256(blob);
}

/** Throws 'manifest-mismatch' unless `blob` is the metadata blob the state names. */
export async function checkMetadataInState(state: AlbumState, blob: Uint8Array): Promise<void> {
  if (!constantTimeEqual(await primitives.sha256(blob), state.metadataHash)) {
    throw new CryptoError('manifest-mismatch', `album ${state.albumId}: its name and cover are not the ones its owner signed in state ${state.seq}`);
  }
}

/** Public keys of a roster entry as branded key types. */
export function rosterKeys(m: RosterEntry): PublicKeys {
  return publicKeysFromBytes({ ed25519: m.ed25519PublicKey, x25519: m.x25519PublicKey });
}
