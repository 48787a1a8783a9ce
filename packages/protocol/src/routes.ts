import type { Static, TSchema } from '@sinclair/typebox';
import { CREATE_FILE_BODY_MAX } from './constants.ts';
import * as S from './schemas.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
/**
 * `session`: `Authorization: Bearer <token>`. `link`: a public-link visitor without an account,
 * `Authorization: Link <base64url access proof>` (see LINK_AUTH_SCHEME); `none`: anyone.
 */
export type RouteAuth = 'none' | 'session' | 'link';

/** One entry of the route table. */
export interface RouteDef {
  method: HttpMethod;
  /** Fastify style, `:param` segments. */
  path: string;
  auth: RouteAuth;
  summary: string;
  tag: 'auth' | 'account' | 'files' | 'library' | 'albums' | 'invitations' | 'links' | 'users' | 'meta';
  params?: TSchema;
  query?: TSchema;
  /** JSON body schema (absent for `binary: 'request'`, whose body is application/octet-stream). */
  body?: TSchema;
  /** JSON response (absent for `binary: 'response'`, which answers application/octet-stream). */
  response?: TSchema;
  binary?: 'request' | 'response';
  /** Largest accepted JSON body, when larger than the server default (1 MiB). */
  bodyLimit?: number;
}

// [Note: one route table]
// The server registers its handlers FROM this table (so its validation and the
// OpenAPI document come from here) and the SDK calls routes by name with types
// derived from the same schemas. Adding an entry without a server handler is a
// type error in the server and a failing test.
export const routes = {
  health: { method: 'GET', path: '/api/health', auth: 'none', tag: 'meta', summary: 'Liveness and protocol version', response: S.Health },

  signupStart: { method: 'POST', path: '/api/auth/signup/start', auth: 'none', tag: 'auth', summary: 'OPAQUE registration, step 1', body: S.SignupStartBody, response: S.RegistrationResponse },
  signupFinish: { method: 'POST', path: '/api/auth/signup/finish', auth: 'none', tag: 'auth', summary: 'OPAQUE registration, step 2: creates the account if the email is free, and starts a login (finish it with loginFinish); the answer is the same for a taken email', body: S.SignupFinishBody, response: S.LoginStartResponse },
  loginStart: { method: 'POST', path: '/api/auth/login/start', auth: 'none', tag: 'auth', summary: 'OPAQUE login, step 1', body: S.LoginStartBody, response: S.LoginStartResponse },
  loginFinish: { method: 'POST', path: '/api/auth/login/finish', auth: 'none', tag: 'auth', summary: 'OPAQUE login, step 2: returns a session and the password envelope', body: S.LoginFinishBody, response: S.Session },
  logout: { method: 'POST', path: '/api/auth/logout', auth: 'session', tag: 'auth', summary: 'End the current session', response: S.Ok },
  passwordChangeStart: { method: 'POST', path: '/api/auth/password/start', auth: 'session', tag: 'auth', summary: 'Change password, step 1: OPAQUE login with the current password + OPAQUE registration of the new one (rate-limited like log-in)', body: S.PasswordChangeStartBody, response: S.PasswordChangeStartResponse },
  passwordChangeFinish: { method: 'POST', path: '/api/auth/password/finish', auth: 'session', tag: 'auth', summary: 'Change password, step 2: the finished login proves the current password (403 if wrong); ends every other session', body: S.PasswordChangeFinishBody, response: S.Ok },
  requestEmailCode: { method: 'POST', path: '/api/auth/email-code', auth: 'none', tag: 'auth', summary: 'Mail a one-time code to an email address (to sign up with it proved, or to prove it later); rate-limited; the answer is the same for every address', body: S.EmailCodeBody, response: S.EmailCodeStarted },
  recoveryStart: { method: 'POST', path: '/api/auth/recovery/start', auth: 'none', tag: 'auth', summary: 'Account recovery, step 1: recovery envelope + challenge', body: S.RecoveryStartBody, response: S.RecoveryStartResponse },
  recoveryFinish: { method: 'POST', path: '/api/auth/recovery/finish', auth: 'none', tag: 'auth', summary: 'Account recovery, step 2: signed challenge sets a new password; ends all sessions', body: S.RecoveryFinishBody, response: S.Session },

  me: { method: 'GET', path: '/api/me', auth: 'session', tag: 'account', summary: 'The current user, quota and usage', response: S.Me },
  listSessions: { method: 'GET', path: '/api/sessions', auth: 'session', tag: 'account', summary: 'Active sessions of the current user', response: S.SessionList },
  getSetup: { method: 'GET', path: '/api/setup', auth: 'session', tag: 'account', summary: "The account's data version and any one-time setup running", response: S.SetupStatus },
  startSetup: { method: 'POST', path: '/api/setup/start', auth: 'session', tag: 'account', summary: 'Take the one-time setup lease for this device (409 setup-in-progress while another device holds it)', body: S.SetupStartBody, response: S.SetupStatus },
  setupProgress: { method: 'POST', path: '/api/setup/progress', auth: 'session', tag: 'account', summary: 'Report setup progress; renews the lease', body: S.SetupProgressBody, response: S.SetupStatus },
  finishSetup: { method: 'POST', path: '/api/setup/finish', auth: 'session', tag: 'account', summary: "Mark the account's data as brought up to date; ends the lease", response: S.SetupStatus },
  verifyEmail: { method: 'POST', path: '/api/me/email/verify', auth: 'session', tag: 'account', summary: "Prove my account's email with a mailed code (requestEmailCode); invitations sent to it before the account existed become mine", body: S.EmailCode, response: S.EmailVerified },
  revokeSession: { method: 'DELETE', path: '/api/sessions/:sessionId', auth: 'session', tag: 'account', summary: 'Revoke one of my sessions', params: S.SessionIdParams, response: S.Ok },

  createFile: { method: 'POST', path: '/api/files', auth: 'session', tag: 'files', summary: 'Declare an encrypted file; reserves quota; the file stays pending until complete', body: S.CreateFileBody, response: S.UploadStatus, bodyLimit: CREATE_FILE_BODY_MAX },
  putBlock: { method: 'PUT', path: '/api/files/:fileId/blocks/:index', auth: 'session', tag: 'files', summary: 'Upload one ciphertext block (application/octet-stream); idempotent', params: S.BlockParams, response: S.BlockStored, binary: 'request' },
  uploadStatus: { method: 'GET', path: '/api/files/:fileId/upload', auth: 'session', tag: 'files', summary: 'Which blocks are stored (to resume an upload)', params: S.FileIdParams, response: S.UploadStatus },
  completeFile: { method: 'POST', path: '/api/files/:fileId/complete', auth: 'session', tag: 'files', summary: 'Mark an upload complete once every block is stored', params: S.FileIdParams, response: S.UploadStatus },
  getFile: { method: 'GET', path: '/api/files/:fileId', auth: 'session', tag: 'files', summary: 'Everything needed to download and verify a file (optional albumId chooses the album key)', params: S.FileIdParams, query: S.GetFileQuery, response: S.FileInfo },
  getBlock: { method: 'GET', path: '/api/files/:fileId/blocks/:index', auth: 'session', tag: 'files', summary: 'One ciphertext block (application/octet-stream)', params: S.BlockParams, binary: 'response' },
  getThumbnail: { method: 'GET', path: '/api/files/:fileId/thumbnails/:size', auth: 'session', tag: 'files', summary: 'Encrypted thumbnail (application/octet-stream)', params: S.ThumbnailParams, binary: 'response' },

  libraryChanges: { method: 'GET', path: '/api/library/changes', auth: 'session', tag: 'library', summary: 'Library change feed since a cursor, paged', query: S.LibraryChangesQuery, response: S.LibraryChanges },
  libraryLookup: { method: 'POST', path: '/api/library/lookup', auth: 'session', tag: 'library', summary: 'Which keyed content hashes are already in my library (pending included)', body: S.LookupBody, response: S.LookupResult },
  libraryTrash: { method: 'POST', path: '/api/library/trash', auth: 'session', tag: 'library', summary: 'Move files to the trash', body: S.FileIdsBody, response: S.ChangedCount },
  libraryRestore: { method: 'POST', path: '/api/library/restore', auth: 'session', tag: 'library', summary: 'Restore files from the trash', body: S.FileIdsBody, response: S.ChangedCount },
  libraryDelete: { method: 'POST', path: '/api/library/delete', auth: 'session', tag: 'library', summary: 'Delete files for good; frees quota once no one references the ciphertext', body: S.FileIdsBody, response: S.ChangedCount },
  libraryAdd: { method: 'POST', path: '/api/library/add', auth: 'session', tag: 'library', summary: 'Save files I can read (through an album) to my library without re-upload; charged to my quota', body: S.LibraryAddBody, response: S.LibraryAddResult },

  usersLookup: { method: 'POST', path: '/api/users/lookup', auth: 'session', tag: 'users', summary: 'Public keys of accounts by email (to share with them)', body: S.UsersLookupBody, response: S.UsersLookupResult },

  createAlbum: { method: 'POST', path: '/api/albums', auth: 'session', tag: 'albums', summary: 'Create an album (encrypted metadata, epoch 1 key sealed to the owner)', body: S.CreateAlbumBody, response: S.AlbumDetail },
  listAlbums: { method: 'GET', path: '/api/albums', auth: 'session', tag: 'albums', summary: 'Albums I own or am an active member of', response: S.AlbumList },
  getAlbum: { method: 'GET', path: '/api/albums/:albumId', auth: 'session', tag: 'albums', summary: 'One album with every epoch key sealed to me', params: S.AlbumIdParams, response: S.AlbumDetail },
  updateAlbumMetadata: { method: 'PUT', path: '/api/albums/:albumId/metadata', auth: 'session', tag: 'albums', summary: 'Replace the encrypted album metadata (rename, cover); owner only', params: S.AlbumIdParams, body: S.UpdateAlbumMetadataBody, response: S.AlbumDetail },
  deleteAlbum: { method: 'DELETE', path: '/api/albums/:albumId', auth: 'session', tag: 'albums', summary: 'Delete an album; files referenced by nothing else are deleted and quota refunded; owner only', params: S.AlbumIdParams, response: S.DeleteAlbumResult },
  listAlbumItems: { method: 'GET', path: '/api/albums/:albumId/items', auth: 'session', tag: 'albums', summary: 'Album item feed since a cursor, paged', params: S.AlbumIdParams, query: S.AlbumItemsQuery, response: S.AlbumItems },
  addAlbumItems: { method: 'POST', path: '/api/albums/:albumId/items', auth: 'session', tag: 'albums', summary: 'Add files I can read to the album (keys wrapped under the current epoch); owner or editor', params: S.AlbumIdParams, body: S.AddAlbumItemsBody, response: S.AddedCount },
  removeAlbumItems: { method: 'POST', path: '/api/albums/:albumId/items/remove', auth: 'session', tag: 'albums', summary: 'Remove files from the album (editors: only those they added)', params: S.AlbumIdParams, body: S.FileIdsBody, response: S.RemovedCount },
  listMembers: { method: 'GET', path: '/api/albums/:albumId/members', auth: 'session', tag: 'albums', summary: 'Members and invitations of the album', params: S.AlbumIdParams, response: S.AlbumMembers },
  shareAlbum: { method: 'POST', path: '/api/albums/:albumId/members', auth: 'session', tag: 'albums', summary: 'Invite people (at most 100 per album, invitations to emails without an account included); owner only', params: S.AlbumIdParams, body: S.ShareAlbumBody, response: S.AlbumMembers },
  updateMember: { method: 'PUT', path: '/api/albums/:albumId/members/:userId', auth: 'session', tag: 'albums', summary: "Change a member's role; owner only", params: S.AlbumMemberParams, body: S.UpdateMemberBody, response: S.AlbumMember },
  removeMember: { method: 'POST', path: '/api/albums/:albumId/members/:userId/remove', auth: 'session', tag: 'albums', summary: 'Remove a member and rotate the album key in one step; owner only', params: S.AlbumMemberParams, body: S.RotationBody, response: S.AlbumDetail },
  unshareAlbum: { method: 'POST', path: '/api/albums/:albumId/unshare', auth: 'session', tag: 'albums', summary: 'Stop sharing: remove everyone, delete public links, rotate the key; owner only', params: S.AlbumIdParams, body: S.RotationBody, response: S.AlbumDetail },
  leaveAlbum: { method: 'POST', path: '/api/albums/:albumId/leave', auth: 'session', tag: 'albums', summary: 'Leave an album for good (a pending invitee declines)', params: S.AlbumIdParams, response: S.Ok },
  rotateAlbum: { method: 'POST', path: '/api/albums/:albumId/rotate', auth: 'session', tag: 'albums', summary: 'Move the album to a new epoch key (after someone left); owner only', params: S.AlbumIdParams, body: S.RotationBody, response: S.AlbumDetail },
  signAlbumState: { method: 'PUT', path: '/api/albums/:albumId/state', auth: 'session', tag: 'albums', summary: 'Give an album from before signed states its first owner-signed state (one-time setup); owner only', params: S.AlbumIdParams, body: S.SignAlbumStateBody, response: S.AlbumDetail },
  listAlbumStates: { method: 'GET', path: '/api/albums/:albumId/states', auth: 'session', tag: 'albums', summary: 'The owner-signed states of the album after a sequence number (to verify the chain from the one a client pinned)', params: S.AlbumIdParams, query: S.AlbumStatesQuery, response: S.AlbumStates },

  listExternalInvitations: { method: 'GET', path: '/api/external-invitations', auth: 'session', tag: 'invitations', summary: 'Invitations I sent to emails without an account: pending, signed up (waiting for my client to seal the album keys) or expired', response: S.ExternalInvitationList },
  cancelExternalInvitation: { method: 'DELETE', path: '/api/external-invitations/:invitationId', auth: 'session', tag: 'invitations', summary: 'Cancel an invitation I sent to an email without an account; sharer only', params: S.ExternalInvitationParams, response: S.Ok },
  resendExternalInvitation: { method: 'POST', path: '/api/external-invitations/:invitationId/resend', auth: 'session', tag: 'invitations', summary: 'Send the invitation mail again and restart its expiry (pending or expired ones); counts toward the daily limit; sharer only', params: S.ExternalInvitationParams, response: S.ExternalInvitation },
  listInvitations: { method: 'GET', path: '/api/invitations', auth: 'session', tag: 'invitations', summary: 'My pending invitations, with the keys to read each album name', response: S.InvitationList },
  acceptInvitation: { method: 'POST', path: '/api/invitations/:invitationId/accept', auth: 'session', tag: 'invitations', summary: 'Accept an invitation', params: S.InvitationIdParams, response: S.AlbumSummary },
  declineInvitation: { method: 'POST', path: '/api/invitations/:invitationId/decline', auth: 'session', tag: 'invitations', summary: 'Decline an invitation', params: S.InvitationIdParams, response: S.Ok },

  createLink: { method: 'POST', path: '/api/links', auth: 'session', tag: 'links', summary: 'Create a public link to a photo in my library, a shared photo or an album I own', body: S.CreateLinkBody, response: S.LinkInfo },
  listLinks: { method: 'GET', path: '/api/links', auth: 'session', tag: 'links', summary: 'My public links', response: S.LinkList },
  updateLink: { method: 'PUT', path: '/api/links/:linkId', auth: 'session', tag: 'links', summary: 'Change expiry or downloads, or re-key (password added, changed or removed; the URL stays); owner only', params: S.LinkIdParams, body: S.UpdateLinkBody, response: S.LinkInfo },
  deleteLink: { method: 'DELETE', path: '/api/links/:linkId', auth: 'session', tag: 'links', summary: 'Delete a public link at once; nothing of it is kept; owner only', params: S.LinkIdParams, response: S.Ok },
  addLinkKeys: { method: 'POST', path: '/api/links/:linkId/keys', auth: 'session', tag: 'links', summary: 'Give an album link the keys of new album epochs (after a rotation); owner only', params: S.LinkIdParams, body: S.AddLinkKeysBody, response: S.LinkInfo },
  linkParams: { method: 'GET', path: '/api/links/:linkId/params', auth: 'none', tag: 'links', summary: 'What a visitor needs to derive the access proof (no proof needed)', params: S.LinkIdParams, response: S.LinkParams },
  linkContent: { method: 'GET', path: '/api/links/:linkId/content', auth: 'link', tag: 'links', summary: 'The linked photo, or the linked album page by page (visitor, with the access proof)', params: S.LinkIdParams, query: S.LinkContentQuery, response: S.LinkContent },
  linkBlock: { method: 'GET', path: '/api/links/:linkId/files/:fileId/blocks/:index', auth: 'link', tag: 'links', summary: 'One ciphertext block of a linked photo (only when the link allows downloads)', params: S.LinkBlockParams, binary: 'response' },
  linkThumbnail: { method: 'GET', path: '/api/links/:linkId/files/:fileId/thumbnails/:size', auth: 'link', tag: 'links', summary: 'Encrypted thumbnail of a linked photo', params: S.LinkThumbnailParams, binary: 'response' },
} as const satisfies Record<string, RouteDef>;

export type Routes = typeof routes;
export type RouteName = keyof Routes;

type StaticOf<R, K extends string> = R extends { [P in K]: infer T extends TSchema } ? Static<T> : undefined;
export type RouteParams<N extends RouteName> = StaticOf<Routes[N], 'params'>;
export type RouteQuery<N extends RouteName> = StaticOf<Routes[N], 'query'>;
export type RouteBody<N extends RouteName> = StaticOf<Routes[N], 'body'>;
/** JSON response type; `undefined` for binary responses. */
export type RouteResponse<N extends RouteName> = StaticOf<Routes[N], 'response'>;

/** Fill `:param` segments of a route path (values are URI-encoded). */
export function routePath(name: RouteName, params: Record<string, string | number> = {}): string {
  return routes[name].path.replace(/:([A-Za-z]+)/g, (_, key: string) => {
    const v = params[key];
    if (v === undefined) throw new Error(`route ${name}: missing path parameter "${key}"`);
    return encodeURIComponent(String(v));
  });
}
