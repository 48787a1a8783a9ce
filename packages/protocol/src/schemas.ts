import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  BATCH_MAX, BLOCK_CIPHERTEXT_MAX, CHANGES_LIMIT_MAX, ENVELOPE_MAX, MANIFEST_MAX, MAX_BLOCKS_PER_FILE,
  METADATA_CIPHERTEXT_MAX, OPAQUE_MESSAGE_MAX, OPAQUE_REGISTRATION_RECORD_BYTES, PUBLIC_KEY_BYTES, SIGNATURE_MAX, THUMBNAIL_CIPHERTEXT_MAX,
  WRAPPED_KEY_MAX,
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
export const DisplayName = Type.String({ minLength: 1, maxLength: 100 });
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601, UTC' });
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
});

export const LoginStartBody = Type.Object({ email: Email, startLoginRequestB64: OpaqueMessageB64 });
export const LoginStartResponse = Type.Object({ loginId: Uuid, loginResponseB64: Type.String() });
export const LoginFinishBody = Type.Object({ loginId: Uuid, finishLoginRequestB64: OpaqueMessageB64 });

export const Me = Type.Object({
  user: User,
  storage: Type.Object({ usedBytes: Bytes, quotaBytes: Bytes }),
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

export const PasswordChangeStartBody = Type.Object({ registrationRequestB64: OpaqueMessageB64 });
export const PasswordChangeFinishBody = Type.Object({
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
  /** The file key wrapped under the uploader's library key. */
  wrappedKeyB64: B64(WRAPPED_KEY_MAX, { minBytes: 1 }),
  contentHash: ContentHash,
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

export const Uploader = Type.Object({ id: Uuid, displayName: Type.String(), ed25519PublicKeyB64: Type.String() });

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
  /** The file key wrapped for the caller (library key today; album keys later). */
  wrappedKeyB64: Type.String(),
  createdAt: Timestamp,
  completedAt: Type.Union([Timestamp, Type.Null()]),
});
export type FileInfo = Static<typeof FileInfo>;

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

export const Health = Type.Object({ ok: Type.Literal(true), protocolVersion: Type.Integer() });

export type { Static, TSchema };
