// @obscura/sdk — the client. Browser-safe entry point (Node extras: '@obscura/sdk/node').
export { ApiClient, type ApiClientOptions, type CallInput } from './api.ts';
export { ApiError, IntegrityError, UsageError } from './errors.ts';
export { Session, INSECURE_FAST_KDF, INSECURE_FAST_OPAQUE, type ConnectOptions, type SessionState, type KeyStretching, type EmailVerification } from './session.ts';
export { KeyPins, KeyChangedError, type KeyPinsJSON, type KeyPinsV1JSON } from './keys.ts';
export {
  Library, type ContentDigest, type PhotoKeys, type Thumbnailer, type Thumbnails, type UploadOptions, type UploadProgress, type UploadResult, type OpenedPhoto,
  type DuplicateQuery, type DuplicateWarning, type VerifiedDuplicates,
} from './library.ts';
export { TimelineIndex, type TimelineEntry, type TimelineIndexJSON, type TimelineItemKeys } from './timeline.ts';
export * from './media/index.ts';
export { AlbumTrust, AlbumTrustError, AlbumStatePins, type AlbumTrustCheck, type AlbumStatePin, type AlbumStatePinsJSON } from './album-trust.ts';
export { Albums, type AlbumsOptions, type AlbumNotice, type VerifiedPerson, type AlbumView, type AlbumPhoto, type BrokenAlbumPhoto, type MemberView, type InvitationView, type ShareOptions,
  type ShareResult, type ExternalInvitationView, type CompleteExternalResult, type WaitingInvitationView } from './albums.ts';
export { fingerprintOf, type PersonKeys } from './keys.ts';
export { AccountSetup, type SetupOptions, type SetupOutcome, type SetupProgress } from './setup.ts';
export { Links, openLink, parseLinkUrl, type LinkSettings, type LinkView, type LinkPhoto, type OpenedLink } from './links.ts';
