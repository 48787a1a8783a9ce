import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { fromBytes, toBytes, toNumber, toNumberOrNull } from '../db/dialect/index.ts';

export type FileStatus = 'pending' | 'complete';

export interface FileRow {
  id: string;
  uploaderId: string;
  quotaOwnerId: string;
  status: FileStatus;
  blockCount: number;
  encryptedSize: number;
  chargedBytes: number;
  manifest: Uint8Array;
  signature: Uint8Array;
  metadata: Uint8Array;
  thumbSmallSize: number;
  thumbLargeSize: number;
  createdAt: number;
  completedAt: number | null;
}

export interface BlockRow { index: number; size: number; sha256Hex: string; storedAt: number | null }

/** Someone who holds a reference to a file ([Note: one payer per file]); `at`: when the reference was made or last touched. */
export interface HolderRow { fileId: string; userId: string; at: number }

const INSERT_CHUNK = 500;

export class FilesRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(f: Omit<FileRow, 'completedAt'>, blocks: { size: number; sha256Hex: string }[]): Promise<void> {
    await this.db.insertInto('files').values({
      id: f.id, uploader_id: f.uploaderId, quota_owner_id: f.quotaOwnerId, status: f.status,
      block_count: f.blockCount, encrypted_size: f.encryptedSize, charged_bytes: f.chargedBytes,
      manifest: fromBytes(f.manifest), signature: fromBytes(f.signature), metadata: fromBytes(f.metadata),
      thumb_small_size: f.thumbSmallSize, thumb_large_size: f.thumbLargeSize,
      created_at: f.createdAt, completed_at: null,
    }).execute();
    // [Note: chunked inserts] SQLite limits bound parameters per statement; 64 GiB files have 16384 blocks.
    for (let i = 0; i < blocks.length; i += INSERT_CHUNK) {
      await this.db.insertInto('file_blocks').values(blocks.slice(i, i + INSERT_CHUNK).map((b, j) => ({
        file_id: f.id, idx: i + j, size: b.size, sha256: b.sha256Hex, stored_at: null,
      }))).execute();
    }
  }

  async exists(id: string): Promise<boolean> {
    const r = await this.db.selectFrom('files').select('id').where('id', '=', id).executeTakeFirst();
    return r !== undefined;
  }

  async find(id: string): Promise<FileRow | undefined> {
    const r = await this.db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toFile(r);
  }

  async findMany(ids: string[]): Promise<FileRow[]> {
    if (ids.length === 0) return [];
    return (await this.db.selectFrom('files').selectAll().where('id', 'in', ids).execute()).map(toFile);
  }

  async blocks(fileId: string): Promise<BlockRow[]> {
    const rows = await this.db.selectFrom('file_blocks').select(['idx', 'size', 'sha256', 'stored_at'])
      .where('file_id', '=', fileId).orderBy('idx').execute();
    return rows.map(toBlock);
  }

  async block(fileId: string, index: number): Promise<BlockRow | undefined> {
    const r = await this.db.selectFrom('file_blocks').select(['idx', 'size', 'sha256', 'stored_at'])
      .where('file_id', '=', fileId).where('idx', '=', index).executeTakeFirst();
    return r && toBlock(r);
  }

  async storedBlockIndexes(fileId: string): Promise<number[]> {
    const rows = await this.db.selectFrom('file_blocks').select('idx')
      .where('file_id', '=', fileId).where('stored_at', 'is not', null).orderBy('idx').execute();
    return rows.map((r) => r.idx);
  }

  async markBlockStored(fileId: string, index: number, now: number): Promise<void> {
    await this.db.updateTable('file_blocks').set({ stored_at: now })
      .where('file_id', '=', fileId).where('idx', '=', index).where('stored_at', 'is', null).execute();
  }

  /** pending → complete; false when the file was not pending. */
  async markComplete(id: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('files').set({ status: 'complete', completed_at: now })
      .where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('files').where('id', '=', id).execute();
  }

  /**
   * Reads files for a change of who pays for them or of who references them, and locks their
   * rows for the rest of the transaction ([Note: row lock by no-op update]), one by one in id
   * order ([Note: charge lock order]). Files that no longer exist are left out.
   */
  async lock(ids: string[]): Promise<FileRow[]> {
    const out: FileRow[] = [];
    for (const id of [...new Set(ids)].sort()) {
      const r = await this.db.updateTable('files').set({ status: sql`status` }).where('id', '=', id).returningAll().executeTakeFirst();
      if (r) out.push(toFile(r));
    }
    return out;
  }

  /** Makes `userId` the payer of these files (the caller moves the bytes between users in the same transaction). */
  async setPayer(ids: string[], userId: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('files').set({ quota_owner_id: userId }).where('id', 'in', ids).execute();
  }

  /**
   * Everyone who holds a reference to each file: whoever has it in their library (active or
   * trashed) and the owner of every album holding it (a live item), once per person, the most
   * recent reference first (then by user id). Files nobody holds map to [].
   */
  async holders(fileIds: string[]): Promise<Map<string, HolderRow[]>> {
    const out = new Map<string, HolderRow[]>(fileIds.map((id) => [id, []]));
    if (fileIds.length === 0) return out;
    const lib = await this.db.selectFrom('library_items').select(['file_id', 'user_id', 'updated_at'])
      .where('file_id', 'in', fileIds).where('state', '!=', 'deleted').execute();
    const alb = await this.db.selectFrom('album_items as i').innerJoin('albums as a', 'a.id', 'i.album_id')
      .select(['i.file_id', 'a.owner_id', 'i.added_at'])
      .where('i.file_id', 'in', fileIds).where('i.state', '=', 'active').execute();
    const all = [
      ...lib.map((r) => ({ fileId: r.file_id, userId: r.user_id, at: toNumber(r.updated_at) })),
      ...alb.map((r) => ({ fileId: r.file_id, userId: r.owner_id, at: toNumber(r.added_at) })),
    ];
    for (const h of all) {
      const list = out.get(h.fileId) ?? [];
      const same = list.find((x) => x.userId === h.userId);
      if (same) same.at = Math.max(same.at, h.at);
      else list.push(h);
      out.set(h.fileId, list);
    }
    for (const list of out.values()) list.sort((x, y) => y.at - x.at || (x.userId < y.userId ? -1 : x.userId > y.userId ? 1 : 0));
    return out;
  }

  /** Unfinished uploads by `uploaderId` that are charged to `payerId`: how many, and their bytes. */
  async pendingChargedTo(uploaderId: string, payerId: string): Promise<{ count: number; bytes: number }> {
    const r = await this.db.selectFrom('files')
      .select((eb) => [eb.fn.countAll<number | string | bigint>().as('n'), eb.fn.sum<number | string | bigint | null>('charged_bytes').as('bytes')])
      .where('status', '=', 'pending').where('uploader_id', '=', uploaderId).where('quota_owner_id', '=', payerId)
      .executeTakeFirstOrThrow();
    return { count: toNumber(r.n), bytes: r.bytes === null ? 0 : toNumber(r.bytes) };
  }

  /**
   * Pending files to sweep ([Note: upload holds]): no block stored and not created since
   * `idleBefore`, or created before `createdBefore` whatever their progress; oldest first.
   */
  async pendingIdle(idleBefore: number, createdBefore: number, limit: number): Promise<FileRow[]> {
    const rows = await this.db.selectFrom('files as f').selectAll('f')
      .where('f.status', '=', 'pending')
      .where((eb) => eb.or([
        eb('f.created_at', '<', createdBefore),
        eb.and([
          eb('f.created_at', '<', idleBefore),
          eb.not(eb.exists(eb.selectFrom('file_blocks as b').select('b.idx')
            .whereRef('b.file_id', '=', 'f.id').where('b.stored_at', '>=', idleBefore))),
        ]),
      ]))
      .orderBy('f.created_at').limit(limit).execute();
    return rows.map(toFile);
  }

  /** When the upload last made progress: its creation or its latest stored block. */
  async lastProgress(file: Pick<FileRow, 'id' | 'createdAt'>): Promise<number> {
    const r = await this.db.selectFrom('file_blocks').select((eb) => eb.fn.max<number | string | bigint | null>('stored_at').as('at'))
      .where('file_id', '=', file.id).executeTakeFirstOrThrow();
    return Math.max(file.createdAt, r.at === null ? 0 : toNumber(r.at));
  }

  /** Files whose payer holds no reference to them (test check: always empty, see [Note: one payer per file]). */
  async payersWithoutReference(): Promise<{ fileId: string; payerId: string }[]> {
    const rows = await this.db.selectFrom('files as f').select(['f.id', 'f.quota_owner_id'])
      .where((eb) => eb.not(eb.exists(eb.selectFrom('library_items as li').select('li.file_id')
        .whereRef('li.file_id', '=', 'f.id').whereRef('li.user_id', '=', 'f.quota_owner_id').where('li.state', '!=', 'deleted'))))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('album_items as i').innerJoin('albums as a', 'a.id', 'i.album_id').select('i.file_id')
        .whereRef('i.file_id', '=', 'f.id').whereRef('a.owner_id', '=', 'f.quota_owner_id').where('i.state', '=', 'active'))))
      .orderBy('f.id').execute();
    return rows.map((r) => ({ fileId: r.id, payerId: r.quota_owner_id }));
  }
}

function toBlock(r: { idx: number; size: number; sha256: string; stored_at: number | string | bigint | null }): BlockRow {
  return { index: toNumber(r.idx), size: toNumber(r.size), sha256Hex: r.sha256, storedAt: toNumberOrNull(r.stored_at) };
}

type RawFile = {
  id: string; uploader_id: string; quota_owner_id: string; status: string; block_count: number;
  encrypted_size: number | string | bigint; charged_bytes: number | string | bigint; manifest: Uint8Array;
  signature: Uint8Array; metadata: Uint8Array; thumb_small_size: number; thumb_large_size: number;
  created_at: number | string | bigint; completed_at: number | string | bigint | null;
};

function toFile(r: RawFile): FileRow {
  return {
    id: r.id, uploaderId: r.uploader_id, quotaOwnerId: r.quota_owner_id, status: r.status as FileStatus,
    blockCount: toNumber(r.block_count), encryptedSize: toNumber(r.encrypted_size), chargedBytes: toNumber(r.charged_bytes),
    manifest: toBytes(r.manifest), signature: toBytes(r.signature), metadata: toBytes(r.metadata),
    thumbSmallSize: toNumber(r.thumb_small_size), thumbLargeSize: toNumber(r.thumb_large_size),
    createdAt: toNumber(r.created_at), completedAt: toNumberOrNull(r.completed_at),
  };
}
