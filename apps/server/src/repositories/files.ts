import type { Kysely } from 'kysely';
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

  async pendingCreatedBefore(before: number, limit: number): Promise<FileRow[]> {
    const rows = await this.db.selectFrom('files').selectAll()
      .where('status', '=', 'pending').where('created_at', '<', before)
      .orderBy('created_at').limit(limit).execute();
    return rows.map(toFile);
  }

  /**
   * How many live references keep this file's ciphertext: library items (active
   * or trashed, anyone's) and album items (any album). Public links will be counted here too.
   */
  async referenceCount(fileId: string): Promise<number> {
    const lib = await this.db.selectFrom('library_items').select((eb) => eb.fn.countAll().as('n'))
      .where('file_id', '=', fileId).where('state', '!=', 'deleted').executeTakeFirstOrThrow();
    const alb = await this.db.selectFrom('album_items').select((eb) => eb.fn.countAll().as('n'))
      .where('file_id', '=', fileId).where('state', '=', 'active').executeTakeFirstOrThrow();
    return toNumber(lib.n as number | string | bigint) + toNumber(alb.n as number | string | bigint);
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
