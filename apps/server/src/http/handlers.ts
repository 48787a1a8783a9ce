import type { Readable } from 'node:stream';
import { PROTOCOL_VERSION, type RouteBody, type RouteName, type RouteParams, type RouteQuery, type RouteResponse, type Routes } from '@obscura/protocol';
import type { AlbumService } from '../services/albums.ts';
import type { AuthContext, ClientInfo, LinkCredentials } from '../services/auth-context.ts';
import type { AuthService } from '../services/auth.ts';
import type { EmailCodes } from '../services/email-codes.ts';
import type { ExternalInvitationService } from '../services/external-invitations.ts';
import type { BinaryBody, FileService } from '../services/files.ts';
import type { LibraryService } from '../services/library.ts';
import type { LinkService } from '../services/links.ts';
import type { SessionService } from '../services/sessions.ts';
import type { SetupService } from '../services/setup.ts';
import type { Sweeper } from '../services/sweeper.ts';

export interface Services {
  auth: AuthService;
  emailCodes: EmailCodes;
  sessions: SessionService;
  files: FileService;
  library: LibraryService;
  albums: AlbumService;
  externalInvitations: ExternalInvitationService;
  links: LinkService;
  sweeper: Sweeper;
  setup: SetupService;
}

/** What a handler gets: validated params/query/body, the caller, and the raw body stream for binary uploads. */
export interface Ctx<N extends RouteName> {
  /** The session (auth 'session'), the visitor's access proof (auth 'link'), or null. */
  auth: Routes[N]['auth'] extends 'session' ? AuthContext : Routes[N]['auth'] extends 'link' ? LinkCredentials : null;
  params: RouteParams<N>;
  query: RouteQuery<N>;
  body: RouteBody<N>;
  /** application/octet-stream body (routes with `binary: 'request'`). */
  stream: Readable;
  contentLength: number | undefined;
  client: ClientInfo;
}

export type HandlerResult<N extends RouteName> = Routes[N] extends { binary: 'response' } ? BinaryBody : RouteResponse<N>;

/** One handler per route-table entry: a missing entry is a type error here. */
export type Handlers = { [N in RouteName]: (c: Ctx<N>) => Promise<HandlerResult<N>> };

export function handlers(s: Services): Handlers {
  return {
    health: async () => ({
      ok: true, protocolVersion: PROTOCOL_VERSION,
      signup: { emailVerification: s.auth.requireEmailVerification ? 'required' : 'optional' },
    }),

    signupStart: (c) => s.auth.signupStart(c.body, c.client),
    signupFinish: (c) => s.auth.signupFinish(c.body, c.client),
    loginStart: (c) => s.auth.loginStart(c.body, c.client),
    loginFinish: (c) => s.auth.loginFinish(c.body, c.client),
    logout: (c) => s.sessions.logout(c.auth),
    passwordChangeStart: (c) => s.auth.passwordChangeStart(c.auth, c.body, c.client),
    passwordChangeFinish: (c) => s.auth.passwordChangeFinish(c.auth, c.body),
    requestEmailCode: (c) => s.emailCodes.request(c.body.email, c.client),
    recoveryStart: (c) => s.auth.recoveryStart(c.body, c.client),
    recoveryFinish: (c) => s.auth.recoveryFinish(c.body, c.client),

    me: (c) => s.auth.me(c.auth),
    listSessions: (c) => s.sessions.list(c.auth),
    revokeSession: (c) => s.sessions.revoke(c.auth, c.params.sessionId),
    getSetup: (c) => s.setup.status(c.auth),
    startSetup: (c) => s.setup.start(c.auth, c.body.total),
    setupProgress: (c) => s.setup.progress(c.auth, c.body.done, c.body.total),
    finishSetup: (c) => s.setup.finish(c.auth),
    verifyEmail: (c) => s.emailCodes.verify(c.auth, c.body, c.client),

    createFile: (c) => s.files.create(c.auth, c.body),
    putBlock: (c) => s.files.putBlock(c.auth, c.params.fileId, c.params.index, c.stream, c.contentLength),
    uploadStatus: (c) => s.files.getUploadStatus(c.auth, c.params.fileId),
    completeFile: (c) => s.files.complete(c.auth, c.params.fileId),
    getFile: (c) => s.files.info(c.auth, c.params.fileId, c.query.albumId),
    getBlock: (c) => s.files.block(c.auth, c.params.fileId, c.params.index),
    getThumbnail: (c) => s.files.thumbnail(c.auth, c.params.fileId, c.params.size),

    libraryChanges: (c) => s.library.changes(c.auth, c.query.since, c.query.limit),
    libraryLookup: (c) => s.library.lookup(c.auth, c.body.contentHashes),
    libraryTrash: (c) => s.library.trash(c.auth, c.body.fileIds),
    libraryRestore: (c) => s.library.restore(c.auth, c.body.fileIds),
    libraryDelete: (c) => s.library.deleteForGood(c.auth, c.body.fileIds),
    libraryAdd: (c) => s.library.add(c.auth, c.body.items),

    usersLookup: (c) => s.albums.lookupUsers(c.auth, c.body.emails, c.body.allowMissing ?? false),

    createAlbum: (c) => s.albums.create(c.auth, c.body),
    listAlbums: (c) => s.albums.list(c.auth),
    getAlbum: (c) => s.albums.get(c.auth, c.params.albumId),
    updateAlbumMetadata: (c) => s.albums.updateMetadata(c.auth, c.params.albumId, c.body),
    deleteAlbum: (c) => s.albums.delete(c.auth, c.params.albumId),
    listAlbumItems: (c) => s.albums.items(c.auth, c.params.albumId, c.query.since, c.query.limit),
    addAlbumItems: (c) => s.albums.addItems(c.auth, c.params.albumId, c.body),
    removeAlbumItems: (c) => s.albums.removeItems(c.auth, c.params.albumId, c.body.fileIds),
    listMembers: (c) => s.albums.members(c.auth, c.params.albumId),
    shareAlbum: (c) => s.albums.share(c.auth, c.params.albumId, c.body),
    updateMember: (c) => s.albums.updateMember(c.auth, c.params.albumId, c.params.userId, c.body),
    removeMember: (c) => s.albums.removeMember(c.auth, c.params.albumId, c.params.userId, c.body.rotation),
    unshareAlbum: (c) => s.albums.unshare(c.auth, c.params.albumId, c.body.rotation),
    leaveAlbum: (c) => s.albums.leave(c.auth, c.params.albumId),
    rotateAlbum: (c) => s.albums.rotate(c.auth, c.params.albumId, c.body.rotation),
    signAlbumState: (c) => s.albums.signLegacy(c.auth, c.params.albumId, c.body),
    listAlbumStates: (c) => s.albums.states(c.auth, c.params.albumId, c.query.since),

    listExternalInvitations: (c) => s.externalInvitations.list(c.auth),
    cancelExternalInvitation: (c) => s.externalInvitations.cancel(c.auth, c.params.invitationId),
    resendExternalInvitation: (c) => s.externalInvitations.resend(c.auth, c.params.invitationId),
    listInvitations: (c) => s.albums.invitations(c.auth),
    acceptInvitation: (c) => s.albums.accept(c.auth, c.params.invitationId),
    declineInvitation: (c) => s.albums.decline(c.auth, c.params.invitationId),

    createLink: (c) => s.links.create(c.auth, c.body),
    listLinks: (c) => s.links.list(c.auth),
    updateLink: (c) => s.links.update(c.auth, c.params.linkId, c.body),
    deleteLink: (c) => s.links.delete(c.auth, c.params.linkId),
    addLinkKeys: (c) => s.links.addKeys(c.auth, c.params.linkId, c.body.albumKeys),
    linkParams: (c) => s.links.params(c.params.linkId),
    linkContent: (c) => s.links.content(c.auth, c.client, c.params.linkId, c.query.since, c.query.limit),
    linkBlock: (c) => s.links.block(c.auth, c.client, c.params.linkId, c.params.fileId, c.params.index),
    linkThumbnail: (c) => s.links.thumbnail(c.auth, c.client, c.params.linkId, c.params.fileId, c.params.size),
  };
}
