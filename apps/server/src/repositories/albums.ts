import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { fromBytes, toBytes, toNumber, toNumberOrNull } from '../db/dialect/index.ts';

export type Role = 'owner' | 'editor' | 'viewer';
export type AlbumKind = 'album' | 'photo';
export type MemberStatus = 'pending' | 'active' | 'declined' | 'removed' | 'left';
export const LIVE_STATUSES: MemberStatus[] = ['pending', 'active'];

export interface AlbumRow {
  id: string;
  /** 'photo': one photo shared with people. */
  kind: AlbumKind;
  ownerId: string;
  currentEpoch: number;
  metadata: Uint8Array;
  metadataEpoch: number;
  rotationNeeded: boolean;
  itemSeq: number;
  /** Sequence number of the latest owner-signed state; 0 for an album made before signed states. */
  stateSeq: number;
  createdAt: number;
  updatedAt: number;
}

export interface MemberRow {
  id: string;
  albumId: string;
  userId: string;
  role: Role;
  status: MemberStatus;
  invitedBy: string | null;
  invitedAt: number;
  respondedAt: number | null;
  messageSealed: Uint8Array | null;
}

export interface AlbumStateRow { albumId: string; seq: number; state: Uint8Array; signature: Uint8Array; createdAt: number }

export interface AlbumKeyRow { albumId: string; epoch: number; userId: string; sealed: Uint8Array; sealedBy: string }

export interface AlbumItemRow {
  albumId: string;
  fileId: string;
  epoch: number;
  wrappedKey: Uint8Array | null;
  addedBy: string;
  addedAt: number;
  seq: number;
  state: 'active' | 'removed';
}

export type AlbumItemChangeRow =
  | { fileId: string; state: 'removed'; seq: number }
  | {
    fileId: string; state: 'active'; seq: number; epoch: number; wrappedKey: Uint8Array; addedBy: string; addedAt: number;
    uploaderId: string; manifest: Uint8Array; signature: Uint8Array; metadata: Uint8Array; encryptedSize: number; blockCount: number;
  };

/** Where a member may read a file from: the album item's wrapped key and epoch. */
export interface AlbumReadGrant { albumId: string; epoch: number; wrappedKey: Uint8Array }

type Num = number | string | bigint;

export class AlbumsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(a: AlbumRow): Promise<void> {
    await this.db.insertInto('albums').values({
      id: a.id, kind: a.kind, owner_id: a.ownerId, current_epoch: a.currentEpoch, metadata: fromBytes(a.metadata), metadata_epoch: a.metadataEpoch,
      rotation_needed: a.rotationNeeded ? 1 : 0, item_seq: a.itemSeq, state_seq: a.stateSeq, created_at: a.createdAt, updated_at: a.updatedAt,
    }).execute();
  }

  // ------------------------------------------------------------ owner-signed states

  /** Appends a state and makes it the album's latest (the caller checked `seq` under the album lock). */
  async appendState(s: AlbumStateRow): Promise<void> {
    await this.db.insertInto('album_states').values({
      album_id: s.albumId, seq: s.seq, state: fromBytes(s.state), signature: fromBytes(s.signature), created_at: s.createdAt,
    }).execute();
    await this.db.updateTable('albums').set({ state_seq: s.seq }).where('id', '=', s.albumId).execute();
  }

  /** How many albums `ownerId` owns that have no signed state yet. */
  async unsignedOwnedBy(ownerId: string): Promise<number> {
    const r = await this.db.selectFrom('albums').select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
      .where('owner_id', '=', ownerId).where('state_seq', '=', 0).executeTakeFirstOrThrow();
    return toNumber(r.n);
  }

  /** States with seq > `since`, oldest first. */
  async states(albumId: string, since: number, limit: number): Promise<AlbumStateRow[]> {
    const rows = await this.db.selectFrom('album_states').selectAll().where('album_id', '=', albumId).where('seq', '>', since)
      .orderBy('seq').limit(limit).execute();
    return rows.map(toStateRow);
  }

  async latestStates(albumIds: string[]): Promise<Map<string, AlbumStateRow>> {
    if (albumIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('album_states as s').innerJoin('albums as a', (j) => j.onRef('a.id', '=', 's.album_id').onRef('a.state_seq', '=', 's.seq'))
      .selectAll('s').where('s.album_id', 'in', albumIds).execute();
    return new Map(rows.map((r) => [r.album_id, toStateRow(r)]));
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.selectFrom('albums').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  async find(id: string): Promise<AlbumRow | undefined> {
    const r = await this.db.selectFrom('albums').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toAlbum(r);
  }

  /**
   * Reads the album for a change. [Note: row lock by no-op update] an UPDATE takes
   * PostgreSQL's row lock (SQLite has one writer anyway), so concurrent changes of
   * one album (invitations against the member limit, rotations) run one after the other.
   */
  async lock(id: string): Promise<AlbumRow | undefined> {
    const r = await this.db.updateTable('albums').set({ current_epoch: sql`current_epoch` })
      .where('id', '=', id).returningAll().executeTakeFirst();
    return r && toAlbum(r);
  }

  async update(id: string, p: { currentEpoch?: number; metadata?: Uint8Array; metadataEpoch?: number; rotationNeeded?: boolean; updatedAt: number }): Promise<void> {
    await this.db.updateTable('albums').set({
      updated_at: p.updatedAt,
      ...(p.currentEpoch !== undefined ? { current_epoch: p.currentEpoch } : {}),
      ...(p.metadata !== undefined ? { metadata: fromBytes(p.metadata) } : {}),
      ...(p.metadataEpoch !== undefined ? { metadata_epoch: p.metadataEpoch } : {}),
      ...(p.rotationNeeded !== undefined ? { rotation_needed: p.rotationNeeded ? 1 : 0 } : {}),
    }).where('id', '=', id).execute();
  }

  /** Deletes the album; members, keys and items go with it (cascade). */
  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('albums').where('id', '=', id).execute();
  }

  /** Advances the album's item counter by `n`; returns the last value. */
  async advanceItemSeq(id: string, n: number): Promise<number> {
    const r = await this.db.updateTable('albums').set({ item_seq: sql`item_seq + ${n}` })
      .where('id', '=', id).returning('item_seq').executeTakeFirstOrThrow();
    return toNumber(r.item_seq);
  }

  /** Albums where the user is an active member (owners are active members of their albums). */
  async listForUser(userId: string): Promise<{ album: AlbumRow; role: Role }[]> {
    const rows = await this.db.selectFrom('albums as a').innerJoin('album_members as m', 'm.album_id', 'a.id')
      .selectAll('a').select('m.role')
      .where('m.user_id', '=', userId).where('m.status', '=', 'active')
      .orderBy('a.created_at').orderBy('a.id').execute();
    return rows.map((r) => ({ album: toAlbum(r), role: r.role as Role }));
  }

  // ------------------------------------------------------------ members

  async insertMember(m: MemberRow): Promise<void> {
    await this.db.insertInto('album_members').values({
      id: m.id, album_id: m.albumId, user_id: m.userId, role: m.role, status: m.status, invited_by: m.invitedBy,
      invited_at: m.invitedAt, responded_at: m.respondedAt, message_sealed: m.messageSealed && fromBytes(m.messageSealed),
    }).execute();
  }

  /** The person's live (pending or active) membership of the album, if any. */
  async liveMember(albumId: string, userId: string): Promise<MemberRow | undefined> {
    const r = await this.db.selectFrom('album_members').selectAll()
      .where('album_id', '=', albumId).where('user_id', '=', userId).where('status', 'in', LIVE_STATUSES).executeTakeFirst();
    return r && toMember(r);
  }

  // ------------------------------------------------------------ access (sets of ids, one query each)

  /** The albums among `albumIds` that exist, each with the user's live (pending or active) membership, if any. */
  async membershipsOf(userId: string, albumIds: string[]): Promise<{ album: AlbumRow; member: MemberRow | undefined }[]> {
    if (albumIds.length === 0) return [];
    const albums = await this.db.selectFrom('albums').selectAll().where('id', 'in', albumIds).execute();
    if (albums.length === 0) return [];
    const members = await this.db.selectFrom('album_members').selectAll()
      .where('album_id', 'in', albums.map((a) => a.id)).where('user_id', '=', userId).where('status', 'in', LIVE_STATUSES).execute();
    const byAlbum = new Map(members.map((m) => [m.album_id, toMember(m)]));
    return albums.map((a) => ({ album: toAlbum(a), member: byAlbum.get(a.id) }));
  }

  /** Invitations (member rows) by id. */
  async membersById(ids: string[]): Promise<MemberRow[]> {
    if (ids.length === 0) return [];
    return (await this.db.selectFrom('album_members').selectAll().where('id', 'in', ids).execute()).map(toMember);
  }

  /** Like `readGrants`, for many files at once: fileId → grants (oldest album first). */
  async readGrantsMany(userId: string, fileIds: string[]): Promise<Map<string, AlbumReadGrant[]>> {
    const out = new Map<string, AlbumReadGrant[]>();
    if (fileIds.length === 0) return out;
    const rows = await this.db.selectFrom('album_items as i')
      .innerJoin('album_members as m', (j) => j.onRef('m.album_id', '=', 'i.album_id'))
      .select(['i.file_id', 'i.album_id', 'i.epoch', 'i.wrapped_key'])
      .where('i.file_id', 'in', fileIds).where('i.state', '=', 'active')
      .where('m.user_id', '=', userId).where('m.status', '=', 'active')
      .orderBy('i.added_at').orderBy('i.album_id').execute();
    for (const r of rows) {
      if (!r.wrapped_key) continue;
      const list = out.get(r.file_id) ?? [];
      list.push({ albumId: r.album_id, epoch: r.epoch, wrappedKey: toBytes(r.wrapped_key) });
      out.set(r.file_id, list);
    }
    return out;
  }

  /** Of `fileIds`, those held (live item) by an album `ownerId` owns. */
  async filesInAlbumsOwnedBy(ownerId: string, fileIds: string[]): Promise<Set<string>> {
    if (fileIds.length === 0) return new Set();
    const rows = await this.db.selectFrom('album_items as i').innerJoin('albums as a', 'a.id', 'i.album_id')
      .select('i.file_id').distinct().where('i.file_id', 'in', fileIds).where('i.state', '=', 'active').where('a.owner_id', '=', ownerId).execute();
    return new Set(rows.map((r) => r.file_id));
  }

  async memberById(id: string): Promise<MemberRow | undefined> {
    const r = await this.db.selectFrom('album_members').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toMember(r);
  }

  async members(albumId: string, statuses?: MemberStatus[]): Promise<MemberRow[]> {
    let q = this.db.selectFrom('album_members').selectAll().where('album_id', '=', albumId);
    if (statuses) q = q.where('status', 'in', statuses);
    // The owner first, then in order of invitation.
    const rows = await q.orderBy(sql`case when role = 'owner' then 0 else 1 end`).orderBy('invited_at').orderBy('id').execute();
    return rows.map(toMember);
  }

  /** Pending + active people, the owner excluded (what the 100-people limit counts). */
  async countShared(albumId: string): Promise<number> {
    const r = await this.db.selectFrom('album_members').select((eb) => eb.fn.countAll().as('n'))
      .where('album_id', '=', albumId).where('status', 'in', LIVE_STATUSES).where('role', '!=', 'owner').executeTakeFirstOrThrow();
    return toNumber(r.n as Num);
  }

  async setMemberStatus(id: string, status: MemberStatus, respondedAt: number): Promise<void> {
    await this.db.updateTable('album_members').set({ status, responded_at: respondedAt }).where('id', '=', id).execute();
  }

  /**
   * `from` → `to`, only if the row is still `from`; false when it changed meanwhile (a revoke
   * won the race). [Note: respond under the album lock]
   */
  async setMemberStatusIf(id: string, from: MemberStatus, to: MemberStatus, respondedAt: number): Promise<boolean> {
    const r = await this.db.updateTable('album_members').set({ status: to, responded_at: respondedAt })
      .where('id', '=', id).where('status', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Every live non-owner membership of the album → `status` (stop sharing). */
  async endAllShares(albumId: string, status: MemberStatus, now: number): Promise<number> {
    const r = await this.db.updateTable('album_members').set({ status, responded_at: now })
      .where('album_id', '=', albumId).where('status', 'in', LIVE_STATUSES).where('role', '!=', 'owner').executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async setMemberRole(id: string, role: Role): Promise<void> {
    await this.db.updateTable('album_members').set({ role }).where('id', '=', id).execute();
  }

  async pendingInvitationsFor(userId: string): Promise<MemberRow[]> {
    const rows = await this.db.selectFrom('album_members').selectAll()
      .where('user_id', '=', userId).where('status', '=', 'pending').orderBy('invited_at').orderBy('id').execute();
    return rows.map(toMember);
  }

  // ------------------------------------------------------------ keys

  async insertKeys(keys: AlbumKeyRow[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 500) {
      await this.db.insertInto('album_keys').values(keys.slice(i, i + 500).map((k) => ({
        album_id: k.albumId, epoch: k.epoch, user_id: k.userId, sealed: fromBytes(k.sealed), sealed_by: k.sealedBy,
      }))).execute();
    }
  }

  async keysFor(albumId: string, userId: string): Promise<AlbumKeyRow[]> {
    const rows = await this.db.selectFrom('album_keys').selectAll()
      .where('album_id', '=', albumId).where('user_id', '=', userId).orderBy('epoch').execute();
    return rows.map((r) => ({ albumId: r.album_id, epoch: r.epoch, userId: r.user_id, sealed: toBytes(r.sealed), sealedBy: r.sealed_by }));
  }

  /** Keys sealed to someone who no longer belongs to the album. */
  async deleteKeysFor(albumId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.db.deleteFrom('album_keys').where('album_id', '=', albumId).where('user_id', 'in', userIds).execute();
  }

  // ------------------------------------------------------------ items

  /** Adds an item, or brings a removed one back. */
  async putItem(i: AlbumItemRow): Promise<void> {
    await this.db.insertInto('album_items').values({
      album_id: i.albumId, file_id: i.fileId, epoch: i.epoch, wrapped_key: i.wrappedKey && fromBytes(i.wrappedKey),
      added_by: i.addedBy, added_at: i.addedAt, seq: i.seq, state: i.state,
    }).onConflict((oc) => oc.columns(['album_id', 'file_id']).doUpdateSet({
      epoch: i.epoch, wrapped_key: i.wrappedKey && fromBytes(i.wrappedKey), added_by: i.addedBy, added_at: i.addedAt, seq: i.seq, state: i.state,
    })).execute();
  }

  async items(albumId: string, fileIds: string[]): Promise<AlbumItemRow[]> {
    if (fileIds.length === 0) return [];
    const rows = await this.db.selectFrom('album_items').selectAll()
      .where('album_id', '=', albumId).where('file_id', 'in', fileIds).execute();
    return rows.map(toItem);
  }

  /** File ids of the album's live items. */
  async activeFileIds(albumId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('album_items').select('file_id')
      .where('album_id', '=', albumId).where('state', '=', 'active').execute();
    return rows.map((r) => r.file_id);
  }

  async markItemRemoved(albumId: string, fileId: string, seq: number): Promise<void> {
    await this.db.updateTable('album_items').set({ state: 'removed', wrapped_key: null, seq })
      .where('album_id', '=', albumId).where('file_id', '=', fileId).execute();
  }

  async setItemSeq(albumId: string, fileId: string, seq: number): Promise<void> {
    await this.db.updateTable('album_items').set({ seq }).where('album_id', '=', albumId).where('file_id', '=', fileId).execute();
  }

  /** Items waiting for their file's upload to complete (seq 0). */
  async uploadingItemsOf(fileId: string): Promise<AlbumItemRow[]> {
    const rows = await this.db.selectFrom('album_items').selectAll()
      .where('file_id', '=', fileId).where('seq', '=', 0).where('state', '=', 'active').execute();
    return rows.map(toItem);
  }

  async deleteItemsOfFile(fileId: string): Promise<void> {
    await this.db.deleteFrom('album_items').where('file_id', '=', fileId).execute();
  }

  /** Live items whose upload is complete. */
  async itemCount(albumId: string): Promise<number> {
    const r = await this.db.selectFrom('album_items as i').innerJoin('files as f', 'f.id', 'i.file_id')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('i.album_id', '=', albumId).where('i.state', '=', 'active').where('f.status', '=', 'complete').executeTakeFirstOrThrow();
    return toNumber(r.n as Num);
  }

  /** Album item feed after `since`; files still uploading are left out, tombstones are not. */
  async itemChanges(albumId: string, since: number, limit: number): Promise<AlbumItemChangeRow[]> {
    const rows = await this.db.selectFrom('album_items as i').leftJoin('files as f', 'f.id', 'i.file_id')
      .select([
        'i.file_id', 'i.state', 'i.seq', 'i.epoch', 'i.wrapped_key', 'i.added_by', 'i.added_at',
        'f.uploader_id', 'f.status', 'f.manifest', 'f.signature', 'f.metadata', 'f.encrypted_size', 'f.block_count',
      ])
      .where('i.album_id', '=', albumId).where('i.seq', '>', since)
      .where((eb) => eb.or([eb('i.state', '=', 'removed'), eb('f.status', '=', 'complete')]))
      .orderBy('i.seq').limit(limit).execute();
    return rows.map((r): AlbumItemChangeRow => {
      const seq = toNumber(r.seq);
      if (r.state === 'removed') return { fileId: r.file_id, state: 'removed', seq };
      if (!r.wrapped_key || !r.uploader_id || !r.manifest || !r.signature || !r.metadata || r.encrypted_size === null || r.block_count === null) {
        throw new Error(`album item ${r.file_id} of album ${albumId} is live but its file row is incomplete`);
      }
      return {
        fileId: r.file_id, state: 'active', seq, epoch: r.epoch, wrappedKey: toBytes(r.wrapped_key), addedBy: r.added_by,
        addedAt: toNumber(r.added_at), uploaderId: r.uploader_id, manifest: toBytes(r.manifest), signature: toBytes(r.signature),
        metadata: toBytes(r.metadata), encryptedSize: toNumber(r.encrypted_size), blockCount: toNumber(r.block_count),
      };
    });
  }

  /** The album as it is now, for public-link visitors: live items of complete files after `since`, by seq. */
  async currentItemsAfter(albumId: string, since: number, limit: number): Promise<Extract<AlbumItemChangeRow, { state: 'active' }>[]> {
    const rows = await this.db.selectFrom('album_items as i').innerJoin('files as f', 'f.id', 'i.file_id')
      .select([
        'i.file_id', 'i.seq', 'i.epoch', 'i.wrapped_key', 'i.added_by', 'i.added_at',
        'f.uploader_id', 'f.manifest', 'f.signature', 'f.metadata', 'f.encrypted_size', 'f.block_count',
      ])
      .where('i.album_id', '=', albumId).where('i.seq', '>', since).where('i.state', '=', 'active').where('f.status', '=', 'complete')
      .orderBy('i.seq').limit(limit).execute();
    return rows.filter((r) => r.wrapped_key).map((r) => ({
      fileId: r.file_id, state: 'active' as const, seq: toNumber(r.seq), epoch: r.epoch, wrappedKey: toBytes(r.wrapped_key!), addedBy: r.added_by,
      addedAt: toNumber(r.added_at), uploaderId: r.uploader_id, manifest: toBytes(r.manifest), signature: toBytes(r.signature),
      metadata: toBytes(r.metadata), encryptedSize: toNumber(r.encrypted_size), blockCount: toNumber(r.block_count),
    }));
  }

  /** Kind-'photo' albums owned by `ownerId` that hold `fileId` (a live item). */
  async photoSharesHolding(ownerId: string, fileId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('album_items as i').innerJoin('albums as a', 'a.id', 'i.album_id')
      .select('a.id').where('i.file_id', '=', fileId).where('i.state', '=', 'active')
      .where('a.owner_id', '=', ownerId).where('a.kind', '=', 'photo').orderBy('a.created_at').execute();
    return rows.map((r) => r.id);
  }


}

function toStateRow(r: { album_id: string; seq: Num; state: Uint8Array; signature: Uint8Array; created_at: Num }): AlbumStateRow {
  return { albumId: r.album_id, seq: toNumber(r.seq), state: toBytes(r.state), signature: toBytes(r.signature), createdAt: toNumber(r.created_at) };
}

type RawAlbum = {
  id: string; kind: string; owner_id: string; current_epoch: number; metadata: Uint8Array; metadata_epoch: number; rotation_needed: number;
  item_seq: Num; state_seq: Num; created_at: Num; updated_at: Num;
};
function toAlbum(r: RawAlbum): AlbumRow {
  return {
    id: r.id, kind: r.kind === 'photo' ? 'photo' : 'album', ownerId: r.owner_id, currentEpoch: toNumber(r.current_epoch), metadata: toBytes(r.metadata),
    metadataEpoch: toNumber(r.metadata_epoch), rotationNeeded: toNumber(r.rotation_needed) !== 0, itemSeq: toNumber(r.item_seq),
    stateSeq: toNumber(r.state_seq), createdAt: toNumber(r.created_at), updatedAt: toNumber(r.updated_at),
  };
}

function toMember(r: {
  id: string; album_id: string; user_id: string; role: string; status: string; invited_by: string | null;
  invited_at: Num; responded_at: Num | null; message_sealed: Uint8Array | null;
}): MemberRow {
  return {
    id: r.id, albumId: r.album_id, userId: r.user_id, role: r.role as Role, status: r.status as MemberStatus,
    invitedBy: r.invited_by, invitedAt: toNumber(r.invited_at), respondedAt: toNumberOrNull(r.responded_at),
    messageSealed: r.message_sealed && toBytes(r.message_sealed),
  };
}

function toItem(r: {
  album_id: string; file_id: string; epoch: number; wrapped_key: Uint8Array | null; added_by: string; added_at: Num; seq: Num; state: string;
}): AlbumItemRow {
  return {
    albumId: r.album_id, fileId: r.file_id, epoch: toNumber(r.epoch), wrappedKey: r.wrapped_key && toBytes(r.wrapped_key),
    addedBy: r.added_by, addedAt: toNumber(r.added_at), seq: toNumber(r.seq), state: r.state as 'active' | 'removed',
  };
}
