// Wire-level constants shared by the server and the SDK.

/** Bumped when a request or response changes incompatibly. */
export const PROTOCOL_VERSION = 1;
/**
 * Version of an account's stored data. 1: albums without owner-signed states. 2: every album the
 * account owns has a signed state. A client of a newer version brings an older account up to
 * date in a one-time setup (see docs/security.md); new accounts start at the current version.
 */
export const ACCOUNT_DATA_VERSION = 2;
/** How long a device holds the one-time setup lease without reporting progress. */
export const SETUP_LEASE_MS = 60_000;

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

/** Plaintext bytes per block of a chunked file (the last block may be shorter). */
export const BLOCK_PLAINTEXT_MAX = 4 * MiB;
/** One block's ciphertext: a format version byte + plaintext + 16-byte authentication tag. */
export const BLOCK_CIPHERTEXT_MAX = 1 + BLOCK_PLAINTEXT_MAX + 16;
/** Largest original a client may upload. */
export const FILE_PLAINTEXT_MAX = 64 * GiB;
/** Enough blocks for a 64 GiB file. */
export const MAX_BLOCKS_PER_FILE = Math.ceil(FILE_PLAINTEXT_MAX / BLOCK_PLAINTEXT_MAX);
/** Each encrypted thumbnail (small and large) is at most this many bytes. */
export const THUMBNAIL_CIPHERTEXT_MAX = 2 * MiB;
/** Encrypted metadata (capture time, name, place, camera...) per file. */
export const METADATA_CIPHERTEXT_MAX = 64 * KiB;
/** Signed manifest: holds one 32-byte hash per block plus a small header. */
export const MANIFEST_MAX = 1 * MiB;
/** Uploader's signature over the manifest (Ed25519 is 64 bytes; room for a version prefix). */
export const SIGNATURE_MAX = 256;
/** A file key wrapped for a library or an album. */
export const WRAPPED_KEY_MAX = 1 * KiB;
/** Password- and recovery-key-encrypted copies of the account's private keys. */
export const ENVELOPE_MAX = 16 * KiB;
/** OPAQUE protocol messages (base64url strings from @serenity-kit/opaque). */
export const OPAQUE_MESSAGE_MAX = 4 * KiB;
/** OPAQUE registration record size for @serenity-kit/opaque 1.1 (ristretto255, SHA-512). */
export const OPAQUE_REGISTRATION_RECORD_BYTES = 192;
/** Raw X25519 / Ed25519 public keys. */
export const PUBLIC_KEY_BYTES = 32;
/** How many ids or hashes one batch request may carry. */
export const BATCH_MAX = 1000;
/** Change feed page size. */
export const CHANGES_LIMIT_DEFAULT = 500;
export const CHANGES_LIMIT_MAX = 1000;
/** JSON body limit of the create-file request (inline thumbnails + block list). */
export const CREATE_FILE_BODY_MAX = 12 * MiB;
/** Session tokens: this many random bytes, base64url, sent as `Authorization: Bearer <token>`. */
export const SESSION_TOKEN_BYTES = 32;

// ---------------------------------------------------------------- albums and sharing

/** An album is shared with at most this many people (pending + active members, the owner excluded). */
export const ALBUM_MEMBERS_MAX = 100;
/** Emails per user lookup and invitations per share request. */
export const SHARE_BATCH_MAX = 100;
/** Encrypted album metadata (name, cover, ...). */
export const ALBUM_METADATA_CIPHERTEXT_MAX = 64 * KiB;
/** An album epoch key sealed to one member's X25519 public key. */
export const SEALED_KEY_MAX = 1 * KiB;
/** An owner-signed album state (roster of up to 100 people plus one 32-byte commitment per epoch). */
export const ALBUM_STATE_MAX = 256 * KiB;
/** An invitation message sealed end-to-end to the invitee. */
export const INVITE_MESSAGE_SEALED_MAX = 16 * KiB;
/** Opt-in plaintext for the invitation email only (never stored). */
export const INVITE_EMAIL_ALBUM_NAME_MAX = 200;
export const INVITE_EMAIL_MESSAGE_MAX = 2000;
/** An invitation to an email without an account lapses after this many days (EXTERNAL_INVITATION_TTL_DAYS). */
export const EXTERNAL_INVITATION_TTL_DAYS_DEFAULT = 30;
/** Invitations to emails without an account one person may send (or re-send) per day (EXTERNAL_INVITATIONS_PER_DAY). */
export const EXTERNAL_INVITATIONS_PER_DAY_DEFAULT = 20;

// ---------------------------------------------------------------- email verification

/** The one-time code mailed to prove an email address: this many decimal digits. */
export const EMAIL_CODE_DIGITS = 8;
/** A code is good for this long, and for this many wrong tries. */
export const EMAIL_CODE_TTL_MS = 15 * 60 * 1000;
export const EMAIL_CODE_ATTEMPTS_MAX = 5;

// ---------------------------------------------------------------- public links

/** Public link URLs are `BASE + LINK_PAGE_PATH + linkId + '#' + secret`; the fragment never reaches the server. */
export const LINK_PAGE_PATH = '/s/';
/** Visitors prove they hold the link key with `Authorization: Link <base64url of the 32-byte access proof>`. */
export const LINK_AUTH_SCHEME = 'Link';
/** The access proof the visitor derives (the server stores only its SHA-256, the access verifier). */
export const LINK_ACCESS_PROOF_BYTES = 32;
/** Opaque password-derivation parameters (salt + Argon2id settings) the visitor needs before the proof. */
export const LINK_PASSWORD_PARAMS_MAX = 1 * KiB;
/** An album has at most this many public links (a rotation carries one key per link). */
export const LINKS_PER_ALBUM_MAX = 100;
/** Wrong proofs accepted per minute, per link and per client address, before back-off starts. */
export const LINK_WRONG_PROOFS_PER_MINUTE = 10;
/** First back-off after too many wrong proofs; it doubles with each further block, up to the cap. */
export const LINK_BACKOFF_BASE_MS = 60 * 1000;
export const LINK_BACKOFF_MAX_MS = 60 * 60 * 1000;
