import { AppError, conflict, notFound, shortId } from '../errors.ts';
import type { AlbumRow, MemberRow, Repos, Role } from '../repositories/index.ts';

export interface AlbumMembership { album: AlbumRow; member: MemberRow }

export const albumNotFound = (albumId: string) => notFound(`album ${shortId(albumId)} not found`);
export const forbidden = (m: string) => new AppError('forbidden', m);
export const keyChanged = () => new AppError('conflict', 'album key changed meanwhile; reload and try again');
export const stateConflict = (seq: number) => new AppError('conflict',
  `the album changed meanwhile (its signed state is now number ${seq}); reload it and try again`);
export const setupRequired = () => new AppError('setup-required',
  "this album waits for its owner's one-time setup (its state is not signed yet); nothing can be added or shared until then");
export const rotationRequired = () => new AppError('rotation-required',
  'someone left this album: its key must be rotated before photos are added (the app does this automatically)');

// [Note: one door to an album]
// Every album operation starts here. Only ACTIVE members (the owner is one) see
// an album; to anyone else — a stranger, a pending, declined, removed or former
// member — it does not exist (404), so album ids reveal nothing. Members whose
// role does not allow an action get a 403 that says what their role cannot do.

/** The caller's active membership of the album, else "not found". */
export async function requireMember(r: Repos, userId: string, albumId: string): Promise<AlbumMembership> {
  const album = await r.albums.find(albumId);
  if (!album) throw albumNotFound(albumId);
  const member = await r.albums.liveMember(albumId, userId);
  if (!member || member.status !== 'active') throw albumNotFound(albumId);
  return { album, member };
}

/**
 * An active member whose role is one of `roles`; others get 403 with `denied(role)`,
 * a sentence a person can act on ("editors cannot rename the album or change its cover").
 */
export async function requireRole(r: Repos, userId: string, albumId: string, roles: Role[], denied: (role: Role) => string): Promise<AlbumMembership> {
  const m = await requireMember(r, userId, albumId);
  if (!roles.includes(m.member.role)) throw forbidden(denied(m.member.role));
  return m;
}

export const onePhotoOnly = () => conflict('a shared photo holds exactly one photo');

/**
 * Who may change the encrypted metadata (name, cover, caption): the owner only. The metadata
 * is named in the owner-signed album state, so nobody else could change it in a way members
 * accept (see [Note: album state is owner-signed]).
 */
export async function requireMetadataEditor(r: Repos, userId: string, albumId: string): Promise<AlbumMembership> {
  const m = await requireMember(r, userId, albumId);
  if (m.member.role !== 'owner') {
    throw forbidden(m.album.kind === 'photo'
      ? `${plural(m.member.role)} cannot edit the caption of this photo; only its owner can`
      : `${plural(m.member.role)} cannot rename the album or change its cover`);
  }
  return m;
}

export const plural = (role: Role) => `${role}s`;
