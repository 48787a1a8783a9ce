import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  ALBUM_METADATA_CIPHERTEXT_MAX, ALBUM_STATE_MAX, INVITE_EMAIL_ALBUM_NAME_MAX, INVITE_EMAIL_MESSAGE_MAX, INVITE_MESSAGE_SEALED_MAX, SEALED_KEY_MAX, SHARE_BATCH_MAX,
  BATCH_MAX, BLOCK_CIPHERTEXT_MAX, CHANGES_LIMIT_MAX, ENVELOPE_MAX, MANIFEST_MAX, MAX_BLOCKS_PER_FILE,
  METADATA_CIPHERTEXT_MAX, OPAQUE_MESSAGE_MAX, OPAQUE_REGISTRATION_RECORD_BYTES, PUBLIC_KEY_BYTES, SIGNATURE_MAX, THUMBNAIL_CIPHERTEXT_MAX,
  WRAPPED_KEY_MAX, LINK_ACCESS_PROOF_BYTES, LINK_PASSWORD_PARAMS_MAX, LINKS_PER_ALBUM_MAX, EMAIL_CODE_DIGITS,
} from './constants.ts';

// ---------------------------------------------------------------- building blocks

const b64Len = (bytes: number) => 4 * Math.ceil(bytes / 3);

/** Standard base64 (with padding) of at most `maxBytes` bytes. Field names end in `B64`. */
export function B64(maxBytes: number, opts: { minBytes?: number; description?: string } = {}) {
  return Type.String({
    pattern: '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$',
    maxLength: b64Len(maxBytes),
    minLength: opts.minBytes ? b64Len(opts.minBytes) - 3 : 0,
    contentEncoding: 'base64',
    ...(opts.description ? { description: opts.description } : {}),
  });
}

/** OPAQUE messages are base64url without padding, exactly as @serenity-kit/opaque produces them. */
export const OpaqueMessageB64 = Type.String({
  pattern: '^[A-Za-z0-9_-]+$', minLength: 1, maxLength: b64Len(OPAQUE_MESSAGE_MAX),
  description: 'base64url (no padding) OPAQUE message from @serenity-kit/opaque',
});

/** The OPAQUE registration record the server keeps (fixed size: 256 base64url characters). */
export const RegistrationRecordB64 = Type.String({
  pattern: '^[A-Za-z0-9_-]+$',
  minLength: Math.ceil((OPAQUE_REGISTRATION_RECORD_BYTES * 4) / 3),
  maxLength: Math.ceil((OPAQUE_REGISTRATION_RECORD_BYTES * 4) / 3),
  description: 'base64url (no padding) OPAQUE registration record',
});

export const Uuid = Type.String({ format: 'uuid', description: 'UUID' });
export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
// [Note: plain text people see]
// Display names, and the album name and message of an opt-in invitation email, are the only
// plaintext the server takes from one person and shows (or mails) to others. Any Unicode text
// is fine except what can forge or disguise it: C0/C1 controls and DEL (ESC sequences, NUL),
// line breaks (CR, LF, NEL, U+2028, U+2029) and bidi controls (U+061C, U+200E, U+200F,
// U+202A–U+202E, U+2066–U+2069). The invitation message alone may hold CR and LF, as paragraph
// breaks: the mail quotes every line of it. The server's 400 names the field and the character.
const TEXT_REFUSED = '\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u2028-\\u202E\\u2066-\\u2069';
/** One line of text: no control, line-break or bidi-control character. */
export const SINGLE_LINE_TEXT_PATTERN = `^[^\\u0000-\\u000A\\u000D${TEXT_REFUSED}]*$`;
/** Paragraphs: like SINGLE_LINE_TEXT_PATTERN, but CR and LF are allowed. */
export const MULTI_LINE_TEXT_PATTERN = `^[^\\u0000-\\u0009${TEXT_REFUSED}]*$`;
export const DisplayName = Type.String({ minLength: 1, maxLength: 100, pattern: SINGLE_LINE_TEXT_PATTERN });
// [Note: instants] a date-time on the wire is RFC 3339 as Date.parse reads it: a 4-digit year,
// hours 00–23, seconds 00–59 (a leap second :60 parses to NaN, and NaN once meant "never
// expires"), Z or a ±HH:MM offset. The pattern and the 'date-time' format (real calendar days)
// together accept what the server's parseInstant() accepts; the server reads dates only through it.
export const TIMESTAMP_PATTERN = '^\\d{4}-\\d{2}-\\d{2}[Tt]([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?([Zz]|[+-]([01]\\d|2[0-3]):[0-5]\\d)$';
export const Timestamp = Type.String({ format: 'date-time', pattern: TIMESTAMP_PATTERN, description: 'ISO 8601 (RFC 3339), UTC, e.g. 2026-12-31T23:59:59Z; no leap seconds' });
export const Sha256Hex = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256, lowercase hex' });
/** Keyed content hash (per account), lowercase hex; only tells equal-or-not within one account. */
export const ContentHash = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'keyed content hash, lowercase hex' });
export const Bytes = Type.Integer({ minimum: 0, description: 'bytes' });
export const PublicKeyB64 = B64(PUBLIC_KEY_BYTES, { minBytes: PUBLIC_KEY_BYTES, description: 'raw 32-byte public key' });

export const Ok = Type.Object({ ok: Type.Literal(true) });

// ---------------------------------------------------------------- accounts

export const User = Type.Object({
  id: Uuid,
  email: Type.String(),
  displayName: Type.String(),
  x25519PublicKeyB64: Type.String(),
  ed25519PublicKeyB64: Type.String(),
});
export type User = Static<typeof User>;

export const Session = Type.Object({
  sessionId: Uuid,
  /** Bearer token; shown once, the server keeps only its SHA-256. */
  token: Type.String(),
  expiresAt: Timestamp,
  user: User,
  passwordEnvelopeB64: Type.String(),
});
export type Session = Static<typeof Session>;

export const SignupStartBody = Type.Object({ email: Email, registrationRequestB64: OpaqueMessageB64 });
export const RegistrationResponse = Type.Object({ registrationResponseB64: Type.String() });

export const SignupFinishBody = Type.Object({
  email: Email,
  displayName: DisplayName,
  registrationRecordB64: RegistrationRecordB64,
  x25519PublicKeyB64: PublicKeyB64,
  ed25519PublicKeyB64: PublicKeyB64,
  passwordEnvelopeB64: B64(ENVELOPE_MAX, { minBytes: 1 }),
  recoveryEnvelopeB64: B64(ENVELOPE_MAX, { minBytes: 1 }),
  /**
   * OPAQUE login with the password just registered, step 1. The answer is a login attempt
   * (`LoginStartResponse`, finished with loginFinish), the same whether or not the email was
   * free ([Note: uniform sign-up] in the server's AuthService).
   */
  startLoginRequestB64: OpaqueMessageB64,
  /**
   * The one-time code mailed by requestEmailCode for this email: proves the address, so the new
   * account receives the invitations sent to it before it existed. Required when the server's
   * REQUIRE_EMAIL_VERIFICATION is on (Health.signup.emailVerification 'required').
   */
  emailVerification: Type.Optional(Type.Object({ verificationId: Uuid, code: Type.String({ pattern: `^[0-9]{${EMAIL_CODE_DIGITS}}$` }) })),
});

/** Ask for a one-time code by mail to prove an email address (before sign-up, or later from the account). */
export const EmailCodeBody = Type.Object({ email: Email });
export const EmailCodeStarted = Type.Object({
  verificationId: Uuid,
  expiresAt: Timestamp,
});
export const EmailCode = Type.Object({ verificationId: Uuid, code: Type.String({ pattern: `^[0-9]{${EMAIL_CODE_DIGITS}}$` }) });
/** An account proved its email: invitations sent to that address before it had an account are now its own. */
export const EmailVerified = Type.Object({ ok: Type.Literal(true), claimedInvitations: Type.Integer({ minimum: 0 }) });

export const LoginStartBody = Type.Object({ email: Email, startLoginRequestB64: OpaqueMessageB64 });
export const LoginStartResponse = Type.Object({ loginId: Uuid, loginResponseB64: Type.String() });
export const LoginFinishBody = Type.Object({ loginId: Uuid, finishLoginRequestB64: OpaqueMessageB64 });

/**
 * What the used bytes pay for: each stored photo is charged to exactly one person who holds it
 * (the server's [Note: one payer per file], docs/security.md "Quota"). The three add up to `usedBytes`.
 */
export const StorageCharges = Type.Object({
  ownPhotosBytes: Type.Integer({ minimum: 0, description: 'my own photos: in my library (saved ones too), or uploaded by me into my albums' }),
  editorsPhotosBytes: Type.Integer({ minimum: 0, description: 'photos other people (editors) added to albums I own, not in my library' }),
  pendingUploadsBytes: Type.Integer({ minimum: 0, description: "unfinished uploads charged to me (mine, and editors' into my albums)" }),
});

export const Me = Type.Object({
  user: User,
  /** Whether the account proved its email with a mailed code (absent from older servers: false). */
  emailVerified: Type.Optional(Type.Boolean()),
  storage: Type.Object({ usedBytes: Bytes, quotaBytes: Bytes }),
  /** Absent from servers older than the one-payer rule. */
  charges: Type.Optional(StorageCharges),
});

export const SessionInfo = Type.Object({
  id: Uuid,
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  expiresAt: Timestamp,
  userAgent: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean(),
});
export const SessionList = Type.Object({ sessions: Type.Array(SessionInfo) });
export const SessionIdParams = Type.Object({ sessionId: Uuid });

/** Password change, step 1: an OPAQUE login with the CURRENT password and a registration of the new one. */
export const PasswordChangeStartBody = Type.Object({ startLoginRequestB64: OpaqueMessageB64, registrationRequestB64: OpaqueMessageB64 });
export const PasswordChangeStartResponse = Type.Object({ changeId: Uuid, loginResponseB64: Type.String(), registrationResponseB64: Type.String() });
/** Step 2: the finished login proves the current password; then the new record and envelope replace the old. */
export const PasswordChangeFinishBody = Type.Object({
  changeId: Uuid,
  finishLoginRequestB64: OpaqueMessageB64,
  registrationRecordB64: RegistrationRecordB64,
  passwordEnvelopeB64: B64(ENVELOPE_MAX, { minBytes: 1 }),
});

export const RecoveryStartBody = Type.Object({ email: Email, registrationRequestB64: OpaqueMessageB64 });
export const RecoveryStartResponse = Type.Object({
  recoveryId: Uuid,
  recoveryEnvelopeB64: Type.String(),
  /** Random bytes to sign; see `recoverySignedMessage`. */
  challengeB64: Type.String(),
  registrationResponseB64: Type.String(),
});
export const RecoveryFinishBody = Type.Object({
  recoveryId: Uuid,
  /** Ed25519 signature (account key) over `recoverySignedMessage(...)`. */
  signatureB64: B64(64, { minBytes: 64 }),
  registrationRecordB64: RegistrationRecordB64,
  passwordEnvelopeB64: B64(ENVELOPE_MAX, { minBytes: 1 }),
});

// ---------------------------------------------------------------- files

export const BlockDecl = Type.Object({
  size: Type.Integer({ minimum: 1, maximum: BLOCK_CIPHERTEXT_MAX }),
  sha256Hex: Sha256Hex,
});
export type BlockDecl = Static<typeof BlockDecl>;

export const CreateFileBody = Type.Object({
  /** Generated by the client: the id is bound into the encryption. */
  fileId: Uuid,
  blockCount: Type.Integer({ minimum: 1, maximum: MAX_BLOCKS_PER_FILE }),
  blocks: Type.Array(BlockDecl, { minItems: 1, maxItems: MAX_BLOCKS_PER_FILE }),
  /** Sum of the block ciphertext sizes. */
  encryptedSize: Bytes,
  manifestB64: B64(MANIFEST_MAX, { minBytes: 1 }),
  signatureB64: B64(SIGNATURE_MAX, { minBytes: 1 }),
  metadataB64: B64(METADATA_CIPHERTEXT_MAX, { minBytes: 1 }),
  thumbnailSmallB64: B64(THUMBNAIL_CIPHERTEXT_MAX, { minBytes: 1 }),
  thumbnailLargeB64: B64(THUMBNAIL_CIPHERTEXT_MAX, { minBytes: 1 }),
  /** The file key wrapped under the uploader's library key, or under the album epoch key when `album` is set. */
  wrappedKeyB64: B64(WRAPPED_KEY_MAX, { minBytes: 1 }),
  contentHash: ContentHash,
  /**
   * Upload straight into an album (owner or editor): no library item is created for the
   * uploader, the album owner's quota is charged, and an album item appears once the file completes.
   */
  album: Type.Optional(Type.Object({ albumId: Uuid, epoch: Type.Integer({ minimum: 1 }) })),
});
export type CreateFileBody = Static<typeof CreateFileBody>;

export const FileStatus = Type.Union([Type.Literal('pending'), Type.Literal('complete')]);
export type FileStatus = Static<typeof FileStatus>;

export const UploadStatus = Type.Object({
  fileId: Uuid,
  status: FileStatus,
  blockCount: Type.Integer(),
  /** Indexes of the blocks the server holds, ascending. */
  storedBlocks: Type.Array(Type.Integer()),
});
export type UploadStatus = Static<typeof UploadStatus>;

export const FileIdParams = Type.Object({ fileId: Uuid });
export const BlockParams = Type.Object({
  fileId: Uuid,
  index: Type.Integer({ minimum: 0, maximum: MAX_BLOCKS_PER_FILE - 1 }),
});
export const ThumbnailParams = Type.Object({
  fileId: Uuid,
  size: Type.Union([Type.Literal('small'), Type.Literal('large')]),
});
export const BlockStored = Type.Object({ index: Type.Integer(), size: Bytes });

/** Who uploaded (signed) a file. `email` is given to account holders, never to public-link visitors. */
export const Uploader = Type.Object({ id: Uuid, email: Type.Optional(Type.String()), displayName: Type.String(), ed25519PublicKeyB64: Type.String() });

export const FileInfo = Type.Object({
  fileId: Uuid,
  status: FileStatus,
  blockCount: Type.Integer(),
  blocks: Type.Array(BlockDecl),
  encryptedSize: Bytes,
  manifestB64: Type.String(),
  signatureB64: Type.String(),
  metadataB64: Type.String(),
  thumbnailSmallSize: Bytes,
  thumbnailLargeSize: Bytes,
  uploader: Uploader,
  /** The file key wrapped for the caller: under their library key, or under an album epoch key. */
  wrappedKeyB64: Type.String(),
  /** Album epoch `wrappedKeyB64` is wrapped under; null when it is wrapped under the library key. */
  keyEpoch: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  /** The album the key comes from; null for library access. */
  albumId: Type.Union([Uuid, Type.Null()]),
  createdAt: Timestamp,
  completedAt: Type.Union([Timestamp, Type.Null()]),
});
export type FileInfo = Static<typeof FileInfo>;
/** `albumId` chooses which album's wrapped key to return (default: my library, else any album I can read it through). */
export const GetFileQuery = Type.Object({ albumId: Type.Optional(Uuid) });

// ---------------------------------------------------------------- library

export const LibraryState = Type.Union([Type.Literal('active'), Type.Literal('trashed'), Type.Literal('deleted')]);
export type LibraryState = Static<typeof LibraryState>;

export const LibraryChangePresent = Type.Object({
  fileId: Uuid,
  state: Type.Union([Type.Literal('active'), Type.Literal('trashed')]),
  seq: Type.Integer(),
  wrappedKeyB64: Type.String(),
  metadataB64: Type.String(),
  manifestB64: Type.String(),
  signatureB64: Type.String(),
  uploader: Uploader,
  encryptedSize: Bytes,
  blockCount: Type.Integer(),
  contentHash: Type.Union([ContentHash, Type.Null()]),
  createdAt: Timestamp,
});
export const LibraryChangeDeleted = Type.Object({
  fileId: Uuid,
  state: Type.Literal('deleted'),
  seq: Type.Integer(),
});
export const LibraryChange = Type.Union([LibraryChangePresent, LibraryChangeDeleted]);
export type LibraryChange = Static<typeof LibraryChange>;

export const LibraryChangesQuery = Type.Object({
  since: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: CHANGES_LIMIT_MAX })),
});
export const LibraryChanges = Type.Object({
  items: Type.Array(LibraryChange),
  /** Pass as `since` for the next page (or the next sync). */
  nextSince: Type.Integer(),
  hasMore: Type.Boolean(),
});
export type LibraryChanges = Static<typeof LibraryChanges>;

export const LookupBody = Type.Object({
  contentHashes: Type.Array(ContentHash, { minItems: 1, maxItems: BATCH_MAX }),
});
export const LookupMatch = Type.Object({
  contentHash: ContentHash,
  fileId: Uuid,
  status: FileStatus,
  state: Type.Union([Type.Literal('active'), Type.Literal('trashed')]),
});
export const LookupResult = Type.Object({ matches: Type.Array(LookupMatch) });
export type LookupResult = Static<typeof LookupResult>;

export const FileIdsBody = Type.Object({
  fileIds: Type.Array(Uuid, { minItems: 1, maxItems: BATCH_MAX, uniqueItems: true }),
});
export const ChangedCount = Type.Object({ changed: Type.Integer() });

export const LibraryAddBody = Type.Object({
  items: Type.Array(Type.Object({
    fileId: Uuid,
    /** The file key wrapped under MY library key. */
    wrappedKeyB64: B64(WRAPPED_KEY_MAX, { minBytes: 1 }),
    contentHash: ContentHash,
  }), { minItems: 1, maxItems: BATCH_MAX }),
});
export const LibraryAddResult = Type.Object({ added: Type.Integer(), alreadyPresent: Type.Integer() });

// ---------------------------------------------------------------- users

export const UserRef = Type.Object({
  id: Uuid,
  email: Type.String(),
  displayName: Type.String(),
  x25519PublicKeyB64: Type.String(),
  ed25519PublicKeyB64: Type.String(),
});
export type UserRef = Static<typeof UserRef>;

export const UsersLookupBody = Type.Object({
  emails: Type.Array(Email, { minItems: 1, maxItems: SHARE_BATCH_MAX }),
  /** true: answer emails without an account in `missing` instead of refusing the lookup with 404. */
  allowMissing: Type.Optional(Type.Boolean()),
});
export const UsersLookupResult = Type.Object({
  users: Type.Array(UserRef),
  /** With allowMissing: the asked emails (normalized) that have no account. */
  missing: Type.Optional(Type.Array(Type.String())),
});
export type UsersLookupResult = Static<typeof UsersLookupResult>;

// ---------------------------------------------------------------- albums

export const Role = Type.Union([Type.Literal('owner'), Type.Literal('editor'), Type.Literal('viewer')]);
export type Role = Static<typeof Role>;
/** Roles an owner can give to someone else. */
export const MemberRole = Type.Union([Type.Literal('viewer'), Type.Literal('editor')]);
export type MemberRole = Static<typeof MemberRole>;
export const MemberStatus = Type.Union([
  Type.Literal('pending'), Type.Literal('active'), Type.Literal('declined'), Type.Literal('removed'), Type.Literal('left'),
]);
export type MemberStatus = Static<typeof MemberStatus>;

export const Epoch = Type.Integer({ minimum: 1 });
export const AlbumMetadataB64 = B64(ALBUM_METADATA_CIPHERTEXT_MAX, { minBytes: 1, description: 'album metadata encrypted under an epoch key' });
export const SealedKeyB64 = B64(SEALED_KEY_MAX, { minBytes: 1, description: 'album epoch key sealed to a member' });

// [Note: album state is owner-signed] (defined in packages/crypto/src/album-state.ts)
// Every change the owner makes to an album travels with a new owner-signed state whose `seq`
// is the album's current state + 1; the server stores it with the change in one transaction
// and refuses any other `seq` (409), so honest clients never fork the chain. The server
// cannot read or check the signature; clients do.
export const SignedAlbumStateInput = Type.Object({
  seq: Type.Integer({ minimum: 1 }),
  stateB64: B64(ALBUM_STATE_MAX, { minBytes: 1, description: 'the album state, signed by the owner' }),
  signatureB64: B64(SIGNATURE_MAX, { minBytes: 1 }),
});
export type SignedAlbumStateInput = Static<typeof SignedAlbumStateInput>;
export const SignedAlbumState = Type.Object({ seq: Type.Integer({ minimum: 1 }), stateB64: Type.String(), signatureB64: Type.String() });
export type SignedAlbumState = Static<typeof SignedAlbumState>;
export const AlbumStates = Type.Object({ states: Type.Array(SignedAlbumState) });
export type AlbumStates = Static<typeof AlbumStates>;
export const AlbumStatesQuery = Type.Object({ since: Type.Optional(Type.Integer({ minimum: 0 })) });

/**
 * An album from before signed states gets its first state (seq 1, origin 'upgraded') from its
 * owner's one-time setup, with the metadata re-encrypted under the current epoch.
 */
export const SignAlbumStateBody = Type.Object({ epoch: Epoch, metadataB64: AlbumMetadataB64, state: SignedAlbumStateInput });

// ---------------------------------------------------------------- one-time setup

export const SetupStatus = Type.Object({
  /** Version of the account's stored data, and the version this server's clients bring it to. */
  dataVersion: Type.Integer(),
  currentVersion: Type.Integer(),
  /** A setup running on some device of the account (the lease is live), else null. */
  running: Type.Union([Type.Null(), Type.Object({
    byThisSession: Type.Boolean(),
    done: Type.Integer(),
    total: Type.Integer(),
    startedAt: Timestamp,
    leaseExpiresAt: Timestamp,
  })]),
});
export type SetupStatus = Static<typeof SetupStatus>;
const SetupCount = Type.Integer({ minimum: 0, maximum: 10_000_000 });
export const SetupStartBody = Type.Object({ total: SetupCount });
export const SetupProgressBody = Type.Object({ done: SetupCount, total: SetupCount });

/** One epoch key sealed to me (response). */
export const SealedKey = Type.Object({ epoch: Epoch, sealedB64: Type.String(), sealedBy: UserRef });
export type SealedKey = Static<typeof SealedKey>;
/** One epoch key sealed by the caller (request). */
export const SealedKeyInput = Type.Object({ epoch: Epoch, sealedB64: SealedKeyB64 });
export type SealedKeyInput = Static<typeof SealedKeyInput>;

// [Note: why album keys rotate]
// Removing someone (or someone leaving) cannot take back keys they already hold, so the
// owner (or an editor, after a leave) moves the album to a new epoch key that is sealed only
// to the people who remain; photos added afterwards are out of reach for the one who left.
export const Rotation = Type.Object({
  /** Must be the album's current epoch + 1. */
  epoch: Type.Integer({ minimum: 2 }),
  /** Album metadata re-encrypted under the new epoch key. */
  metadataB64: AlbumMetadataB64,
  /** The new epoch key sealed to every member who remains (owner and pending invitees included). */
  sealedKeys: Type.Array(Type.Object({ userId: Uuid, sealedB64: SealedKeyB64 }), { minItems: 1, maxItems: 1 + 100 }),
  /**
   * The new epoch key wrapped under each public link's key (album links), stored with the rotation.
   * Links left out show the new epoch in `LinkInfo.missingEpochs` until `addLinkKeys` supplies it.
   */
  linkKeys: Type.Optional(Type.Array(Type.Object({ linkId: Uuid, wrappedB64: B64(WRAPPED_KEY_MAX, { minBytes: 1 }) }), { maxItems: LINKS_PER_ALBUM_MAX })),
  /** The owner-signed state naming the new epoch, its key commitment, the new metadata and who remains. */
  state: SignedAlbumStateInput,
});
export type Rotation = Static<typeof Rotation>;
export const RotationBody = Type.Object({ rotation: Rotation });

export const AlbumIdParams = Type.Object({ albumId: Uuid });
export const AlbumMemberParams = Type.Object({ albumId: Uuid, userId: Uuid });
export const InvitationIdParams = Type.Object({ invitationId: Uuid });

// [Note: a photo shared with people is an album]
// Sharing one photo with people reuses the album machinery (invitations, roles, key rotation,
// leave, stop sharing): it is an album of kind 'photo' that holds exactly one photo, whose
// encrypted metadata (caption, description) editors may change too. Clients tell the two apart by `kind`.
export const AlbumKind = Type.Union([Type.Literal('album'), Type.Literal('photo')]);
export type AlbumKind = Static<typeof AlbumKind>;

export const CreateAlbumBody = Type.Object({
  /** Generated by the client: the id is bound into the crypto. */
  albumId: Uuid,
  /** 'photo': a single photo shared with people (default 'album'). */
  kind: Type.Optional(AlbumKind),
  metadataB64: AlbumMetadataB64,
  /** The epoch 1 key sealed by the owner to themself. */
  sealedKeyB64: SealedKeyB64,
  /** The album's genesis: owner-signed state 1. */
  state: SignedAlbumStateInput,
});

export const AlbumSummary = Type.Object({
  albumId: Uuid,
  kind: AlbumKind,
  owner: UserRef,
  myRole: Role,
  currentEpoch: Epoch,
  metadataB64: Type.String(),
  metadataEpoch: Epoch,
  itemCount: Type.Integer(),
  /** Pending + active members, the owner excluded. */
  memberCount: Type.Integer(),
  linkCount: Type.Integer(),
  /** Someone left: the key must be rotated before photos are added. */
  rotationNeeded: Type.Boolean(),
  /** The latest owner-signed state; null for an album made before signed states (it waits for its owner's one-time setup). */
  state: Type.Union([SignedAlbumState, Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type AlbumSummary = Static<typeof AlbumSummary>;

export const AlbumDetail = Type.Composite([AlbumSummary, Type.Object({
  /** Every epoch key sealed to me. */
  myKeys: Type.Array(SealedKey),
})]);
export type AlbumDetail = Static<typeof AlbumDetail>;

export const AlbumList = Type.Object({ albums: Type.Array(AlbumSummary) });
export type AlbumList = Static<typeof AlbumList>;

export const UpdateAlbumMetadataBody = Type.Object({ epoch: Epoch, metadataB64: AlbumMetadataB64, state: SignedAlbumStateInput });
export const DeleteAlbumResult = Type.Object({ deletedFiles: Type.Integer() });

export const AlbumItem = Type.Object({
  fileId: Uuid,
  state: Type.Literal('active'),
  seq: Type.Integer(),
  /** Epoch whose key wraps `wrappedKeyB64`. */
  epoch: Epoch,
  wrappedKeyB64: Type.String(),
  addedBy: UserRef,
  addedAt: Timestamp,
  uploader: Uploader,
  manifestB64: Type.String(),
  signatureB64: Type.String(),
  metadataB64: Type.String(),
  encryptedSize: Bytes,
  blockCount: Type.Integer(),
});
export type AlbumItem = Static<typeof AlbumItem>;
export const AlbumItemRemoved = Type.Object({ fileId: Uuid, state: Type.Literal('removed'), seq: Type.Integer() });
export const AlbumItemChange = Type.Union([AlbumItem, AlbumItemRemoved]);
export type AlbumItemChange = Static<typeof AlbumItemChange>;
export const AlbumItemsQuery = LibraryChangesQuery;
export const AlbumItems = Type.Object({
  items: Type.Array(AlbumItemChange),
  nextSince: Type.Integer(),
  hasMore: Type.Boolean(),
});
export type AlbumItems = Static<typeof AlbumItems>;

export const AddAlbumItemsBody = Type.Object({
  /** Must be the current epoch: each key is wrapped under it. */
  epoch: Epoch,
  items: Type.Array(Type.Object({ fileId: Uuid, wrappedKeyB64: B64(WRAPPED_KEY_MAX, { minBytes: 1 }) }), { minItems: 1, maxItems: BATCH_MAX }),
});
export const AddedCount = Type.Object({ added: Type.Integer() });
export const RemovedCount = Type.Object({ removed: Type.Integer() });

/**
 * 'pending': no account with this email has proved it yet; 'signed-up': it has (`invitee`), and
 * waits for the sharer's client to seal the album keys to it; 'expired': lapsed unanswered (re-send).
 */
export const ExternalInvitationStatus = Type.Union([Type.Literal('pending'), Type.Literal('signed-up'), Type.Literal('expired')]);
export const ExternalInvitation = Type.Object({
  id: Uuid,
  albumId: Uuid,
  albumKind: AlbumKind,
  email: Type.String(),
  role: MemberRole,
  status: ExternalInvitationStatus,
  invitedAt: Timestamp,
  expiresAt: Timestamp,
  /** The account that signed up with this email and proved it; null before. Its keys are the SERVER's word: pin and show the fingerprint. */
  invitee: Type.Union([UserRef, Type.Null()]),
  messageSealedB64: Type.Union([Type.String(), Type.Null()]),
});
export type ExternalInvitation = Static<typeof ExternalInvitation>;
export const ExternalInvitationList = Type.Object({ invitations: Type.Array(ExternalInvitation) });
export type ExternalInvitationList = Static<typeof ExternalInvitationList>;
export const ExternalInvitationParams = Type.Object({ invitationId: Uuid });

export const AlbumMember = Type.Object({
  invitationId: Uuid,
  user: UserRef,
  role: Role,
  status: MemberStatus,
  /** Null for the owner. */
  invitedBy: Type.Union([UserRef, Type.Null()]),
  invitedAt: Timestamp,
  respondedAt: Type.Union([Timestamp, Type.Null()]),
});
export type AlbumMember = Static<typeof AlbumMember>;
export const AlbumMembers = Type.Object({
  members: Type.Array(AlbumMember),
  /** Invitations to emails without an account (the owner only sees these; others get none). */
  external: Type.Optional(Type.Array(ExternalInvitation)),
});
export type AlbumMembers = Static<typeof AlbumMembers>;

export const ShareInvite = Type.Object({
  userId: Uuid,
  role: MemberRole,
  /** Every epoch 1..current sealed to the invitee, so older photos stay visible. */
  sealedKeys: Type.Array(SealedKeyInput, { minItems: 1, maxItems: 100_000 }),
  /** End-to-end message sealed to the invitee; stored and shown to them. */
  messageSealedB64: Type.Optional(B64(INVITE_MESSAGE_SEALED_MAX, { minBytes: 1 })),
  /**
   * Opt-in: put the album name and a message in the invitation EMAIL. The only way
   * plaintext reaches the server; it is never stored.
   */
  email: Type.Optional(Type.Object({
    albumName: Type.Optional(Type.String({ minLength: 1, maxLength: INVITE_EMAIL_ALBUM_NAME_MAX, pattern: SINGLE_LINE_TEXT_PATTERN })),
    /** Line breaks are paragraphs ([Note: plain text people see]). */
    message: Type.Optional(Type.String({ minLength: 1, maxLength: INVITE_EMAIL_MESSAGE_MAX, pattern: MULTI_LINE_TEXT_PATTERN })),
  })),
});
export type ShareInvite = Static<typeof ShareInvite>;
/**
 * An invitation to an email that has no account yet ([Note: external invitations] in the server):
 * the server keeps the email, role, album and sharer — nothing that decrypts anything. When that
 * person signs up and proves the email, the sharer's client seals the album keys to their new
 * keys with an ordinary share naming `externalInvitationId`.
 */
export const ExternalInviteInput = Type.Object({
  email: Email,
  role: MemberRole,
  /** The in-app message, sealed to the SHARER's own keys until their client seals it to the invitee. */
  messageSealedB64: Type.Optional(B64(INVITE_MESSAGE_SEALED_MAX, { minBytes: 1 })),
  /** Opt-in, as for ShareInvite.email: album name and message in the invitation mail; never stored. */
  mail: Type.Optional(Type.Object({
    albumName: Type.Optional(Type.String({ minLength: 1, maxLength: INVITE_EMAIL_ALBUM_NAME_MAX, pattern: SINGLE_LINE_TEXT_PATTERN })),
    message: Type.Optional(Type.String({ minLength: 1, maxLength: INVITE_EMAIL_MESSAGE_MAX, pattern: MULTI_LINE_TEXT_PATTERN })),
  })),
});
export type ExternalInviteInput = Static<typeof ExternalInviteInput>;
export const ShareAlbumBody = Type.Object({
  /** People with an account. Each may name the external invitation it completes (`externalInvitationId`). */
  invites: Type.Array(Type.Intersect([ShareInvite, Type.Object({ externalInvitationId: Type.Optional(Uuid) })]), { maxItems: SHARE_BATCH_MAX }),
  /** Required when `invites` is not empty: the owner-signed state whose roster adds them. */
  state: Type.Optional(SignedAlbumStateInput),
  /** Emails without an account: pending external invitations (they count toward the 100 people). */
  external: Type.Optional(Type.Array(ExternalInviteInput, { maxItems: SHARE_BATCH_MAX })),
});


export const UpdateMemberBody = Type.Object({ role: MemberRole, state: SignedAlbumStateInput });

export const Invitation = Type.Object({
  invitationId: Uuid,
  albumId: Uuid,
  albumKind: AlbumKind,
  role: Role,
  invitedBy: UserRef,
  /** The album's owner (the only one who may invite), and the album's latest owner-signed state. */
  owner: UserRef,
  state: Type.Union([SignedAlbumState, Type.Null()]),
  invitedAt: Timestamp,
  albumMetadataB64: Type.String(),
  metadataEpoch: Epoch,
  sealedKeys: Type.Array(SealedKey),
  messageSealedB64: Type.Union([Type.String(), Type.Null()]),
});
export type Invitation = Static<typeof Invitation>;
/** An invitation sent to my email before I had an account: it waits for the sharer's client to seal the album keys to mine. */
export const WaitingInvitation = Type.Object({
  id: Uuid,
  albumKind: AlbumKind,
  role: MemberRole,
  invitedBy: UserRef,
  invitedAt: Timestamp,
});
export type WaitingInvitation = Static<typeof WaitingInvitation>;
export const InvitationList = Type.Object({
  invitations: Type.Array(Invitation),
  /** Absent from older servers. */
  waiting: Type.Optional(Type.Array(WaitingInvitation)),
});
export type InvitationList = Static<typeof InvitationList>;

// ---------------------------------------------------------------- public links

// [Note: public links]
// A link URL is `BASE/s/LINK_ID#SECRET`; the secret (and so the link key) never reaches the
// server. The visitor derives the link key from the secret (and the password, when there is one,
// with the `passwordParamsB64` settings) and from it a 32-byte access proof; the server keeps only
// SHA-256(proof) — the access verifier — and throttles wrong proofs. Keys under the link key:
// the file key (file links) or every album epoch key (album links).
export const LinkKind = Type.Union([Type.Literal('file'), Type.Literal('album')]);
export type LinkKind = Static<typeof LinkKind>;
export const LinkIdParams = Type.Object({ linkId: Uuid });
export const LinkBlockParams = Type.Object({
  linkId: Uuid,
  fileId: Uuid,
  index: Type.Integer({ minimum: 0, maximum: MAX_BLOCKS_PER_FILE - 1 }),
});
export const LinkThumbnailParams = Type.Object({
  linkId: Uuid,
  fileId: Uuid,
  size: Type.Union([Type.Literal('small'), Type.Literal('large')]),
});

export const LinkTarget = Type.Union([
  Type.Object({ kind: Type.Literal('file'), fileId: Uuid }),
  Type.Object({ kind: Type.Literal('album'), albumId: Uuid }),
]);
export type LinkTarget = Static<typeof LinkTarget>;
/** SHA-256 of the 32-byte access proof. */
export const AccessVerifierB64 = B64(32, { minBytes: 32, description: 'SHA-256 of the access proof' });
/** Opaque to the server: salt + Argon2id settings; null when the link has no password. */
export const PasswordParamsB64 = Type.Union([B64(LINK_PASSWORD_PARAMS_MAX, { minBytes: 1 }), Type.Null()]);
export const LinkWrappedB64 = B64(WRAPPED_KEY_MAX, { minBytes: 1, description: 'a key wrapped under the link key' });
/** One album epoch key wrapped under the link key. */
export const LinkAlbumKey = Type.Object({ epoch: Epoch, wrappedB64: LinkWrappedB64 });
export type LinkAlbumKey = Static<typeof LinkAlbumKey>;
const LinkAlbumKeys = Type.Array(LinkAlbumKey, { minItems: 1, maxItems: 100_000 });

export const CreateLinkBody = Type.Object({
  /** Generated by the client: the id is bound into the link's key wrapping. */
  linkId: Uuid,
  target: LinkTarget,
  accessVerifierB64: AccessVerifierB64,
  passwordParamsB64: PasswordParamsB64,
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  allowDownload: Type.Boolean(),
  /** The link key wrapped for the owner (opaque; only the owner reads it back). */
  ownerWrappedLinkKeyB64: LinkWrappedB64,
  /** The URL secret wrapped for the owner, to show the link again (opaque). */
  ownerWrappedSecretB64: LinkWrappedB64,
  /** File links: the file key wrapped under the link key. */
  fileKey: Type.Optional(Type.Object({ wrappedB64: LinkWrappedB64 })),
  /** Album links: every epoch 1..current wrapped under the link key. */
  albumKeys: Type.Optional(LinkAlbumKeys),
});
export type CreateLinkBody = Static<typeof CreateLinkBody>;

export const LinkInfo = Type.Object({
  linkId: Uuid,
  target: Type.Object({ kind: LinkKind, fileId: Type.Optional(Uuid), albumId: Type.Optional(Uuid) }),
  hasPassword: Type.Boolean(),
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  allowDownload: Type.Boolean(),
  createdAt: Timestamp,
  /** How many times the content was opened (first pages). */
  accessCount: Type.Integer(),
  ownerWrappedLinkKeyB64: Type.String(),
  ownerWrappedSecretB64: Type.String(),
  /** Album links: epochs with no key for this link yet (give them with `addLinkKeys`). */
  missingEpochs: Type.Array(Type.Integer()),
});
export type LinkInfo = Static<typeof LinkInfo>;
export const LinkList = Type.Object({ links: Type.Array(LinkInfo) });
export type LinkList = Static<typeof LinkList>;

export const UpdateLinkBody = Type.Object({
  /** null: never expires. A new date revives an expired link. */
  expiresAt: Type.Optional(Type.Union([Timestamp, Type.Null()])),
  allowDownload: Type.Optional(Type.Boolean()),
  /**
   * Password added, changed or removed: the link key changes, the URL (id + secret) stays.
   * Replaces the verifier and every wrapped key at once.
   */
  rekey: Type.Optional(Type.Object({
    accessVerifierB64: AccessVerifierB64,
    passwordParamsB64: PasswordParamsB64,
    ownerWrappedLinkKeyB64: LinkWrappedB64,
    fileKey: Type.Optional(Type.Object({ wrappedB64: LinkWrappedB64 })),
    albumKeys: Type.Optional(LinkAlbumKeys),
  })),
});
export type UpdateLinkBody = Static<typeof UpdateLinkBody>;
export const AddLinkKeysBody = Type.Object({ albumKeys: LinkAlbumKeys });

/** What a visitor needs before the proof (no proof needed). */
export const LinkParams = Type.Object({
  kind: LinkKind,
  hasPassword: Type.Boolean(),
  passwordParamsB64: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  allowDownload: Type.Boolean(),
});
export type LinkParams = Static<typeof LinkParams>;

export const LinkContentQuery = LibraryChangesQuery;

export const LinkFile = Type.Object({
  fileId: Uuid,
  manifestB64: Type.String(),
  signatureB64: Type.String(),
  metadataB64: Type.String(),
  uploader: Uploader,
  blocks: Type.Array(BlockDecl),
  encryptedSize: Bytes,
  blockCount: Type.Integer(),
  /** The file key wrapped under the link key. */
  wrappedKeyB64: Type.String(),
});
export type LinkFile = Static<typeof LinkFile>;

export const LinkAlbumItem = Type.Object({
  fileId: Uuid,
  seq: Type.Integer(),
  /** Album epoch whose key wraps `wrappedKeyB64`. */
  epoch: Epoch,
  wrappedKeyB64: Type.String(),
  uploader: Uploader,
  /** Display name only: visitors see no email addresses. */
  addedBy: Type.Object({ displayName: Type.String() }),
  manifestB64: Type.String(),
  signatureB64: Type.String(),
  metadataB64: Type.String(),
  blocks: Type.Array(BlockDecl),
  encryptedSize: Bytes,
  blockCount: Type.Integer(),
});
export type LinkAlbumItem = Static<typeof LinkAlbumItem>;

export const LinkContentFile = Type.Object({ kind: Type.Literal('file'), file: LinkFile });
/** The album as it is now (photos currently in it, ascending `seq`), paged with `since`. */
export const LinkContentAlbum = Type.Object({
  kind: Type.Literal('album'),
  albumId: Uuid,
  albumMetadataB64: Type.String(),
  metadataEpoch: Epoch,
  /** Every album epoch key this link has, wrapped under the link key. */
  albumKeys: Type.Array(Type.Object({ epoch: Epoch, wrappedB64: Type.String() })),
  items: Type.Array(LinkAlbumItem),
  nextSince: Type.Integer(),
  hasMore: Type.Boolean(),
});
export const LinkContent = Type.Union([LinkContentFile, LinkContentAlbum]);
export type LinkContent = Static<typeof LinkContent>;

export const Health = Type.Object({
  ok: Type.Literal(true),
  protocolVersion: Type.Integer(),
  /** 'required': sign-up needs a mailed code (REQUIRE_EMAIL_VERIFICATION); 'optional': a code is only needed to receive invitations sent before the account existed. */
  signup: Type.Optional(Type.Object({ emailVerification: Type.Union([Type.Literal('required'), Type.Literal('optional')]) })),
});

export type { Static, TSchema };
