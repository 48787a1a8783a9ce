// [Note: one access module]
// Every service starts with `access.require({ actor, permission, ids })`: one call, a set of ids,
// one query per permission (never one per id), shared by account holders and public-link
// visitors alike. A permission names an action ("album.share", "file.read"), not a role; the
// table below says who may do it and, when someone may see the thing but not do the action,
// the sentence a person can act on ("editors cannot rename the album or change its cover").
// Whatever a caller may not even see is "not found" (404), so ids reveal nothing: an album to
// anyone but its active members, a file to anyone who cannot read it, someone else's link or
// invitation. See [Note: one door to an album] and [Note: one door to a file] below.
import { timingSafeEqual, createHash } from 'node:crypto';
import { AppError, notFound, shortId } from '../errors.ts';
import type { AlbumReadGrant, AlbumRow, ExternalInvitationWithAlbum, FileRow, LinkRow, MemberRow, Repos, Role } from '../repositories/index.ts';

/** The reads access decisions need (one query per permission, over a set of ids). */
export interface AccessRepos {
  files: Pick<Repos['files'], 'findMany'>;
  library: Pick<Repos['library'], 'findMany'>;
  albums: Pick<Repos['albums'], 'membershipsOf' | 'membersById' | 'readGrantsMany' | 'filesInAlbumsOwnedBy'>;
  links: Pick<Repos['links'], 'findMany'>;
  externalInvitations: Pick<Repos['externalInvitations'], 'findMany'>;
}
import type { AuthContext, ClientInfo, LinkCredentials } from './auth-context.ts';
import type { LinkThrottle } from './link-throttle.ts';
import { throttleKeys } from './link-throttle.ts';

export const plural = (role: Role) => `${role}s`;
export const forbidden = (m: string) => new AppError('forbidden', m);
export const albumNotFound = (albumId: string) => notFound(`album ${shortId(albumId)} not found`);
const list = (xs: string[], max = 5) => `${xs.slice(0, max).map(shortId).join(', ')}${xs.length > max ? ` and ${xs.length - max} more` : ''}`;

export interface AlbumMembership { album: AlbumRow; member: MemberRow }

/** Why the caller may read a file, and the file key wrapped for them. */
export type ReadGrant =
  | { file: FileRow; wrappedKey: Uint8Array; via: 'library'; albumId: null; epoch: null }
  | { file: FileRow; wrappedKey: Uint8Array; via: 'album'; albumId: string; epoch: number };

// [Note: one door to an album]
// Only ACTIVE members (the owner is one) see an album; to anyone else — a stranger, a
// pending, declined, removed or former member — it does not exist (404). Members whose role
// does not allow an action get a 403 saying what their role cannot do. Signed states are the
// exception: a pending invitee must verify them before accepting.
const ALBUM_RULES = {
  'album.read': { roles: ['owner', 'editor', 'viewer'] },
  'album.states': { roles: ['owner', 'editor', 'viewer'], pending: true },
  'album.leave': { roles: ['owner', 'editor', 'viewer'], pending: true },
  'album.addPhotos': { roles: ['owner', 'editor'], denied: (r: Role) => `${plural(r)} cannot add photos to this album; ask its owner for editor access` },
  'album.removePhotos': { roles: ['owner', 'editor'], denied: (r: Role) => `${plural(r)} cannot remove photos from this album` },
  'album.update': {
    roles: ['owner'],
    denied: (r: Role, a: AlbumRow) => (a.kind === 'photo'
      ? `${plural(r)} cannot edit the caption of this photo; only its owner can`
      : `${plural(r)} cannot rename the album or change its cover`),
  },
  'album.delete': { roles: ['owner'], denied: (r: Role) => `only the album owner can delete it; ${plural(r)} can leave it instead` },
  'album.share': { roles: ['owner'], denied: (r: Role) => `only the album owner can share it; ${plural(r)} cannot invite people` },
  'album.members.update': { roles: ['owner'], denied: (r: Role) => `only the album owner can change what people may do; ${plural(r)} cannot` },
  'album.members.remove': { roles: ['owner'], denied: (r: Role) => `only the album owner can remove people; ${plural(r)} can leave the album instead` },
  'album.unshare': { roles: ['owner'], denied: (r: Role) => `only the album owner can stop sharing it; ${plural(r)} can leave it instead` },
  'album.rotate': { roles: ['owner'], denied: (r: Role) => `${plural(r)} cannot change the album key; the owner's app renews it after someone leaves` },
  'album.sign': { roles: ['owner'], denied: (r: Role) => `only the album owner can sign its state; ${plural(r)} wait for the owner's one-time setup` },
  'album.link': { roles: ['owner'], denied: () => 'only the album owner can create public links' },
} satisfies Record<string, { roles: Role[]; pending?: boolean; denied?: (role: Role, album: AlbumRow) => string }>;
type AlbumRules = typeof ALBUM_RULES;
type AlbumRule = { roles: readonly Role[]; pending?: boolean; denied?: (role: Role, album: AlbumRow) => string };

/** What each permission grants, by id. */
export interface Grants extends Record<keyof AlbumRules, AlbumMembership> {
  /** The caller's library (active or trashed), or an album holding the file where they are an active member. */
  'file.read': ReadGrant;
  /** Only the uploader sends blocks or completes an upload. */
  'file.upload': FileRow;
  /** Upload progress: the uploader, or anyone who may read the file. */
  'file.uploadStatus': FileRow;
  /**
   * Sharing a photo onward (into an album, a one-photo share or a link): the photo's owner —
   * it is in my library, or I uploaded it — or the owner of an album holding it. Viewers and
   * editors of someone else's album cannot re-share its photos.
   */
  'file.share': FileRow;
  /** The caller's own pending-or-answered invitation (never the owner row). */
  'invitation.respond': MemberRow;
  /** The caller's own public link. */
  'link.manage': LinkRow;
  /**
   * An invitation to an email without an account: only the person who sent it, while they still
   * own its album (cancel, re-send). Anyone else: "not found".
   */
  'externalInvitation.manage': ExternalInvitationWithAlbum;
  /** A visitor with the link's access proof: the link exists, has not expired, and the proof is right. */
  'link.visit': LinkRow;
}
export type Permission = keyof Grants;

export type Actor = { auth: AuthContext } | { visitor: LinkCredentials; client: ClientInfo };

export interface AccessRequest<P extends Permission> {
  actor: Actor;
  permission: P;
  ids: readonly string[];
  /** file.read: read through this album's key rather than the library's. */
  albumId?: string;
  /** Replaces the 404 for ids the caller may not see (the route's own words, e.g. "nothing was added"). */
  hidden?: (ids: string[]) => AppError;
}

/** What visitor checks need besides the repositories (see [Note: one door for visitors]). */
export interface VisitorPort {
  throttle: LinkThrottle;
  /** The link if it exists, has not expired and still points at something its owner holds (else 404 / 410). */
  liveLink(linkId: string): Promise<LinkRow>;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();

export class Access {
  constructor(private readonly visitors?: VisitorPort) {}

  /** Checks `permission` on every id; returns the grant of each, or throws (404 / 403). */
  async require<P extends Permission>(r: AccessRepos, req: AccessRequest<P>): Promise<Map<string, Grants[P]>> {
    const ids = [...new Set(req.ids.map((id) => id.toLowerCase()))];
    const p: Permission = req.permission;
    if (p === 'link.visit') return this.visit(req) as Promise<Map<string, Grants[P]>>;
    if (!('auth' in req.actor)) throw new AppError('unauthorized', 'log in to do this');
    const userId = req.actor.auth.userId;
    if (p in ALBUM_RULES) return (await this.albums(r, userId, p as keyof AlbumRules, ids)) as Map<string, Grants[P]>;
    const out = new Map<string, unknown>();
    switch (p) {
      case 'file.read':
      case 'file.uploadStatus':
      case 'file.upload':
      case 'file.share': {
        const files = new Map((await r.files.findMany(ids)).map((f) => [f.id, f]));
        if (p === 'file.upload') {
          for (const id of ids) if (files.get(id)?.uploaderId === userId) out.set(id, files.get(id));
        } else if (p === 'file.share') {
          const library = await r.library.findMany(userId, ids);
          const inMyLibrary = new Set(library.filter((i) => i.state === 'active').map((i) => i.fileId));
          const inMyAlbums = await r.albums.filesInAlbumsOwnedBy(userId, ids.filter((id) => !inMyLibrary.has(id)));
          for (const [id, f] of files) if (inMyLibrary.has(id) || f.uploaderId === userId || inMyAlbums.has(id)) out.set(id, f);
        } else {
          const grants = await this.readGrants(r, userId, [...files.values()], req.albumId);
          for (const [id, f] of files) {
            const g = grants.get(id);
            if (p === 'file.read' && g) out.set(id, g);
            if (p === 'file.uploadStatus' && (f.uploaderId === userId || g)) out.set(id, f);
          }
        }
        break;
      }
      case 'invitation.respond':
        for (const m of await r.albums.membersById(ids)) if (m.userId === userId && m.role !== 'owner') out.set(m.id, m);
        break;
      case 'link.manage':
        for (const l of await r.links.findMany(ids)) if (l.ownerId === userId) out.set(l.id, l);
        break;
      case 'externalInvitation.manage':
        for (const x of await r.externalInvitations.findMany(ids)) if (x.invitedBy === userId && x.albumOwnerId === userId) out.set(x.id, x);
        break;
    }
    const missing = ids.filter((id) => !out.has(id));
    if (missing.length > 0 && p === 'file.share') {
      // Readable but not mine to share: say so (403); not even readable: not found.
      const files = await r.files.findMany(missing);
      const readable = [...(await this.readGrants(r, userId, files)).keys()];
      if (readable.length === missing.length) {
        throw forbidden(`${readable.length === 1 ? 'photo' : 'photos'} ${list(readable)}: only a photo's owner, or the owner of an album holding it, can share it onward; nothing was shared`);
      }
    }
    if (missing.length > 0) throw req.hidden?.(missing) ?? hiddenError(p, missing);
    return out as Map<string, Grants[P]>;
  }

  /** `require` for one id. */
  async one<P extends Permission>(r: AccessRepos, req: Omit<AccessRequest<P>, 'ids'> & { id: string }): Promise<Grants[P]> {
    const grants = await this.require(r, { ...req, ids: [req.id] });
    return grants.get(req.id.toLowerCase())!;
  }

  private async albums(r: AccessRepos, userId: string, p: keyof AlbumRules, ids: string[]): Promise<Map<string, AlbumMembership>> {
    const rule: AlbumRule = ALBUM_RULES[p];
    const out = new Map<string, AlbumMembership>();
    const denied: string[] = [];
    for (const { album, member } of await r.albums.membershipsOf(userId, ids)) {
      if (!member || (member.status !== 'active' && !(rule.pending && member.status === 'pending'))) continue;
      if (!rule.roles.includes(member.role)) {
        denied.push(rule.denied ? rule.denied(member.role, album) : `${plural(member.role)} cannot do this`);
        continue;
      }
      out.set(album.id, { album, member });
    }
    const missing = ids.filter((id) => !out.has(id));
    if (missing.length > denied.length) throw missing.length === 1 ? albumNotFound(missing[0]!) : notFound(`albums ${list(missing)} not found`);
    if (denied.length > 0) throw forbidden(denied[0]!);
    return out;
  }

  // [Note: one door to a file]
  // A file is readable from the caller's library (active or trashed) or from an album holding
  // it where the caller is an ACTIVE member. `albumId` asks for that album's key; without it the
  // library key wins, else the first album.
  private async readGrants(r: AccessRepos, userId: string, files: FileRow[], albumId?: string): Promise<Map<string, ReadGrant>> {
    const ids = files.map((f) => f.id);
    const out = new Map<string, ReadGrant>();
    if (albumId === undefined) {
      for (const item of await r.library.findMany(userId, ids)) {
        const f = files.find((x) => x.id === item.fileId);
        if (f && item.state !== 'deleted' && item.wrappedKey) out.set(f.id, { file: f, wrappedKey: item.wrappedKey, via: 'library', albumId: null, epoch: null });
      }
    }
    const rest = ids.filter((id) => !out.has(id));
    const albumGrants = await r.albums.readGrantsMany(userId, rest);
    for (const f of files) {
      if (out.has(f.id)) continue;
      const gs: AlbumReadGrant[] = albumGrants.get(f.id) ?? [];
      const g = albumId === undefined ? gs[0] : gs.find((x) => x.albumId === albumId.toLowerCase());
      if (g) out.set(f.id, { file: f, wrappedKey: g.wrappedKey, via: 'album', albumId: g.albumId, epoch: g.epoch });
    }
    return out;
  }

  // [Note: one door for visitors]
  // Every visitor route: the link exists and has not expired, the caller's ADDRESS is not
  // throttled, and SHA-256(proof) equals the verifier. A right proof passes even while the link
  // itself is throttled — so strangers who know a link's id (not its secret) cannot lock its
  // real visitors out — and the offline cost of guessing (Argon2id of the password) stays the
  // real defence. Wrong proofs count against the address and the link (see [Note: link throttling]).
  private async visit(req: AccessRequest<Permission>): Promise<Map<string, LinkRow>> {
    if (!('visitor' in req.actor) || !this.visitors) throw new AppError('bad-link-proof', 'wrong link or password');
    const { visitor, client } = req.actor;
    const out = new Map<string, LinkRow>();
    for (const id of req.ids) {
      const link = await this.visitors.liveLink(id.toLowerCase());
      const [linkKey, ipKey] = throttleKeys(link.id, client.ip);
      await this.visitors.throttle.check([ipKey!]);
      const ok = visitor.proof !== null && link.accessVerifier.length === 32 && timingSafeEqual(sha256(visitor.proof), link.accessVerifier);
      if (!ok) throw await this.visitors.throttle.fail([linkKey!, ipKey!]);
      out.set(link.id, link);
    }
    return out;
  }
}

function hiddenError(p: Permission, ids: string[]): AppError {
  const one = ids.length === 1;
  if (p === 'invitation.respond') return notFound(`invitation ${list(ids)} not found`);
  if (p === 'externalInvitation.manage') return notFound(`invitation ${list(ids)} not found among the invitations you sent`);
  if (p === 'link.manage') return notFound(`public link ${list(ids)} not found among your links`);
  return notFound(`${one ? 'file' : 'files'} ${list(ids)} not found`);
}
