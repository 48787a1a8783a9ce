import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { fromBytes, toBytes, toNumber, toNumberOrNull } from '../db/dialect/index.ts';
import type { AlbumKind } from './albums.ts';

/** Stored states; 'expired' is not one of them: a pending row whose expires_at has passed. */
export type ExternalStatus = 'pending' | 'signed-up' | 'completed' | 'cancelled';
/** Pending (expired or not) and signed-up: the row still holds its (album, email) slot. */
export const OPEN_EXTERNAL: ExternalStatus[] = ['pending', 'signed-up'];

export interface ExternalInvitationRow {
  id: string;
  albumId: string;
  /** Normalized. */
  email: string;
  role: 'viewer' | 'editor';
  status: ExternalStatus;
  invitedBy: string;
  /** The account that proved the email (status 'signed-up' or later); null before. */
  inviteeId: string | null;
  /** Sealed to the sharer's own keys; opaque to the server. */
  messageSealed: Uint8Array | null;
  invitedAt: number;
  expiresAt: number;
  endedAt: number | null;
  /** The album_members row that completed it. */
  memberId: string | null;
}

/** A row with what access checks and views need of its album. */
export type ExternalInvitationWithAlbum = ExternalInvitationRow & { albumOwnerId: string; albumKind: AlbumKind };

type Num = number | string | bigint;

/** Invitations to emails without an account ([Note: external invitations] in services/external-invitations.ts). */
export class ExternalInvitationsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  private selectWithAlbum() {
    return this.db.selectFrom('external_invitations as x').innerJoin('albums as a', 'a.id', 'x.album_id')
      .selectAll('x').select(['a.owner_id as album_owner_id', 'a.kind as album_kind']);
  }

  async insert(x: ExternalInvitationRow): Promise<void> {
    await this.db.insertInto('external_invitations').values({
      id: x.id, album_id: x.albumId, email: x.email, role: x.role, status: x.status, invited_by: x.invitedBy, invitee_id: x.inviteeId,
      message_sealed: x.messageSealed && fromBytes(x.messageSealed), invited_at: x.invitedAt, expires_at: x.expiresAt,
      ended_at: x.endedAt, member_id: x.memberId,
    }).execute();
  }

  async findMany(ids: string[]): Promise<ExternalInvitationWithAlbum[]> {
    if (ids.length === 0) return [];
    return (await this.selectWithAlbum().where('x.id', 'in', ids).execute()).map(withAlbum);
  }

  async find(id: string): Promise<ExternalInvitationWithAlbum | undefined> {
    return (await this.findMany([id]))[0];
  }

  /** The album's rows in `statuses`, oldest first. */
  async forAlbum(albumId: string, statuses: ExternalStatus[]): Promise<ExternalInvitationWithAlbum[]> {
    const rows = await this.selectWithAlbum().where('x.album_id', '=', albumId).where('x.status', 'in', statuses)
      .orderBy('x.invited_at').orderBy('x.id').execute();
    return rows.map(withAlbum);
  }

  /** The album's open rows (pending, expired or not, and signed-up) for these emails. */
  async openFor(albumId: string, emails: string[]): Promise<ExternalInvitationRow[]> {
    if (emails.length === 0) return [];
    const rows = await this.db.selectFrom('external_invitations').selectAll()
      .where('album_id', '=', albumId).where('email', 'in', emails).where('status', 'in', OPEN_EXTERNAL).execute();
    return rows.map(toRow);
  }

  /** What one person sent, in `statuses`, newest first. */
  async sentBy(userId: string, statuses: ExternalStatus[]): Promise<ExternalInvitationWithAlbum[]> {
    const rows = await this.selectWithAlbum().where('x.invited_by', '=', userId).where('x.status', 'in', statuses)
      .orderBy('x.invited_at', 'desc').orderBy('x.id', 'desc').execute();
    return rows.map(withAlbum);
  }

  /** Rows claimed by this account that wait for the sharer's client (status 'signed-up'). */
  async waitingFor(inviteeId: string): Promise<ExternalInvitationWithAlbum[]> {
    const rows = await this.selectWithAlbum().where('x.invitee_id', '=', inviteeId).where('x.status', '=', 'signed-up')
      .orderBy('x.invited_at').orderBy('x.id').execute();
    return rows.map(withAlbum);
  }

  /** Live rows of the album: pending and unexpired, or signed-up (what the 100-people limit counts). */
  async countLive(albumId: string, now: number): Promise<number> {
    const r = await this.db.selectFrom('external_invitations').select((eb) => eb.fn.countAll<Num>().as('n'))
      .where('album_id', '=', albumId)
      .where((eb) => eb.or([eb('status', '=', 'signed-up'), eb.and([eb('status', '=', 'pending'), eb('expires_at', '>', now)])]))
      .executeTakeFirstOrThrow();
    return toNumber(r.n);
  }

  /** An expired pending row invited again: new role, message, dates (only while still pending). */
  async refresh(id: string, p: { role: 'viewer' | 'editor'; messageSealed: Uint8Array | null; invitedAt: number; expiresAt: number }): Promise<boolean> {
    const r = await this.db.updateTable('external_invitations').set({
      role: p.role, message_sealed: p.messageSealed && fromBytes(p.messageSealed), invited_at: p.invitedAt, expires_at: p.expiresAt,
    }).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Restarts a pending row's expiry (re-send); false when it is no longer pending. */
  async extend(id: string, expiresAt: number): Promise<boolean> {
    const r = await this.db.updateTable('external_invitations').set({ expires_at: expiresAt })
      .where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** `from` → 'completed' by the member row `memberId` of `inviteeId`; false when it changed meanwhile. */
  async complete(id: string, from: ExternalStatus[], inviteeId: string, memberId: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('external_invitations').set({ status: 'completed', invitee_id: inviteeId, member_id: memberId, ended_at: now })
      .where('id', '=', id).where('status', 'in', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Open → 'cancelled'; false when it was already completed or cancelled. */
  async cancel(id: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('external_invitations').set({ status: 'cancelled', ended_at: now })
      .where('id', '=', id).where('status', 'in', OPEN_EXTERNAL).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Every open row of the album → 'cancelled' (stop sharing). */
  async cancelAllForAlbum(albumId: string, now: number): Promise<number> {
    const r = await this.db.updateTable('external_invitations').set({ status: 'cancelled', ended_at: now })
      .where('album_id', '=', albumId).where('status', 'in', OPEN_EXTERNAL).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /**
   * The account `userId` proved `email`: every unexpired pending row for it becomes theirs
   * ('signed-up'), in one statement. Returns how many.
   */
  async claim(email: string, userId: string, now: number): Promise<number> {
    const r = await this.db.updateTable('external_invitations').set({ status: 'signed-up', invitee_id: userId })
      .where('email', '=', email).where('status', '=', 'pending').where('expires_at', '>', now).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Test and housekeeping helper: the album's rows whatever their status. */
  async allForAlbum(albumId: string): Promise<ExternalInvitationRow[]> {
    const rows = await this.db.selectFrom('external_invitations').selectAll().where('album_id', '=', albumId)
      .orderBy('invited_at').orderBy('id').execute();
    return rows.map(toRow);
  }
}

type Raw = {
  id: string; album_id: string; email: string; role: string; status: string; invited_by: string; invitee_id: string | null;
  message_sealed: Uint8Array | null; invited_at: Num; expires_at: Num; ended_at: Num | null; member_id: string | null;
};

function toRow(r: Raw): ExternalInvitationRow {
  return {
    id: r.id, albumId: r.album_id, email: r.email, role: r.role === 'editor' ? 'editor' : 'viewer', status: r.status as ExternalStatus,
    invitedBy: r.invited_by, inviteeId: r.invitee_id, messageSealed: r.message_sealed && toBytes(r.message_sealed),
    invitedAt: toNumber(r.invited_at), expiresAt: toNumber(r.expires_at), endedAt: toNumberOrNull(r.ended_at), memberId: r.member_id,
  };
}

function withAlbum(r: Raw & { album_owner_id: string; album_kind: string }): ExternalInvitationWithAlbum {
  return { ...toRow(r), albumOwnerId: r.album_owner_id, albumKind: r.album_kind === 'photo' ? 'photo' : 'album' };
}
