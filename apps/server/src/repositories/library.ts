import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { fromBytes, toBytes, toNumber } from '../db/dialect/index.ts';
import type { FileStatus } from './files.ts';

export type ItemState = 'active' | 'trashed' | 'deleted';

export interface LibraryItemRow {
  userId: string;
  fileId: string;
  wrappedKey: Uint8Array | null;
  contentHash: string | null;
  state: ItemState;
  changeSeq: number;
  createdAt: number;
  updatedAt: number;
  /** Bytes charged to this item's holder (saved from an album); refunded when it is deleted. */
  chargedBytes?: number;
}

export type ChangeRow =
  | { fileId: string; state: 'deleted'; seq: number }
  | {
    fileId: string; state: 'active' | 'trashed'; seq: number; wrappedKey: Uint8Array; contentHash: string | null;
    metadata: Uint8Array; manifest: Uint8Array; signature: Uint8Array; encryptedSize: number; blockCount: number;
    createdAt: number; uploader: { id: string; email: string; displayName: string; ed25519PublicKey: Uint8Array };
  };

export interface LookupRow { contentHash: string; fileId: string; status: FileStatus; state: 'active' | 'trashed' }

export class LibraryRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(i: LibraryItemRow): Promise<void> {
    await this.db.insertInto('library_items').values({
      user_id: i.userId, file_id: i.fileId, wrapped_key: i.wrappedKey && fromBytes(i.wrappedKey),
      content_hash: i.contentHash, state: i.state, change_seq: i.changeSeq, created_at: i.createdAt, updated_at: i.updatedAt,
      charged_bytes: i.chargedBytes ?? 0,
    }).execute();
  }

  /** Adds an item, or brings a deleted one (tombstone) back to life. */
  async put(i: LibraryItemRow): Promise<void> {
    const v = {
      wrapped_key: i.wrappedKey && fromBytes(i.wrappedKey), content_hash: i.contentHash, state: i.state, change_seq: i.changeSeq,
      updated_at: i.updatedAt, charged_bytes: i.chargedBytes ?? 0,
    };
    await this.db.insertInto('library_items').values({ user_id: i.userId, file_id: i.fileId, created_at: i.createdAt, ...v })
      .onConflict((oc) => oc.columns(['user_id', 'file_id']).doUpdateSet(v)).execute();
  }

  async find(userId: string, fileId: string): Promise<LibraryItemRow | undefined> {
    const r = await this.db.selectFrom('library_items').selectAll()
      .where('user_id', '=', userId).where('file_id', '=', fileId).executeTakeFirst();
    return r && toItem(r);
  }

  async findMany(userId: string, fileIds: string[]): Promise<LibraryItemRow[]> {
    if (fileIds.length === 0) return [];
    const rows = await this.db.selectFrom('library_items').selectAll()
      .where('user_id', '=', userId).where('file_id', 'in', fileIds).execute();
    return rows.map(toItem);
  }

  async setState(userId: string, fileId: string, state: ItemState, seq: number, now: number): Promise<void> {
    await this.db.updateTable('library_items')
      .set(state === 'deleted'
        // A tombstone keeps no key and no hash.
        ? { state, change_seq: seq, updated_at: now, wrapped_key: null, content_hash: null, charged_bytes: 0 }
        : { state, change_seq: seq, updated_at: now })
      .where('user_id', '=', userId).where('file_id', '=', fileId).execute();
  }

  async setSeq(userId: string, fileId: string, seq: number, now: number): Promise<void> {
    await this.db.updateTable('library_items').set({ change_seq: seq, updated_at: now })
      .where('user_id', '=', userId).where('file_id', '=', fileId).execute();
  }

  /** Removes every reference to a file outright (used when a never-completed upload is swept). */
  async deleteAllForFile(fileId: string): Promise<void> {
    await this.db.deleteFrom('library_items').where('file_id', '=', fileId).execute();
  }

  /**
   * Items changed after `since`, oldest change first. Items whose file is still
   * pending are not shown; tombstones are.
   */
  async changes(userId: string, since: number, limit: number): Promise<ChangeRow[]> {
    const rows = await this.db.selectFrom('library_items as li')
      .leftJoin('files as f', 'f.id', 'li.file_id')
      .leftJoin('users as u', 'u.id', 'f.uploader_id')
      .select([
        'li.file_id', 'li.state', 'li.change_seq', 'li.wrapped_key', 'li.content_hash',
        'f.status', 'f.metadata', 'f.manifest', 'f.signature', 'f.encrypted_size', 'f.block_count', 'f.created_at',
        'u.id as uploader_id', 'u.email', 'u.display_name', 'u.ed25519_public_key',
      ])
      .where('li.user_id', '=', userId)
      .where('li.change_seq', '>', since)
      .where((eb) => eb.or([eb('li.state', '=', 'deleted'), eb('f.status', '=', 'complete')]))
      .orderBy('li.change_seq')
      .limit(limit)
      .execute();
    return rows.map((r): ChangeRow => {
      const seq = toNumber(r.change_seq);
      if (r.state === 'deleted') return { fileId: r.file_id, state: 'deleted', seq };
      if (!r.wrapped_key || !r.metadata || !r.manifest || !r.signature || r.encrypted_size === null
        || r.block_count === null || r.created_at === null || !r.uploader_id || r.display_name === null || r.email === null || !r.ed25519_public_key) {
        throw new Error(`library item ${r.file_id} of ${userId} is live but its file row is incomplete`);
      }
      return {
        fileId: r.file_id, state: r.state as 'active' | 'trashed', seq, wrappedKey: toBytes(r.wrapped_key),
        contentHash: r.content_hash, metadata: toBytes(r.metadata), manifest: toBytes(r.manifest),
        signature: toBytes(r.signature), encryptedSize: toNumber(r.encrypted_size), blockCount: toNumber(r.block_count),
        createdAt: toNumber(r.created_at),
        uploader: { id: r.uploader_id, email: r.email, displayName: r.display_name, ed25519PublicKey: toBytes(r.ed25519_public_key) },
      };
    });
  }

  async lookup(userId: string, contentHashes: string[]): Promise<LookupRow[]> {
    if (contentHashes.length === 0) return [];
    const rows = await this.db.selectFrom('library_items as li')
      .innerJoin('files as f', 'f.id', 'li.file_id')
      .select(['li.content_hash', 'li.file_id', 'li.state', 'f.status'])
      .where('li.user_id', '=', userId)
      .where('li.content_hash', 'in', contentHashes)
      .where('li.state', '!=', 'deleted')
      .orderBy('li.created_at')
      .execute();
    return rows.map((r) => ({
      contentHash: r.content_hash ?? '', fileId: r.file_id, status: r.status as FileStatus, state: r.state as 'active' | 'trashed',
    }));
  }
}

function toItem(r: {
  user_id: string; file_id: string; wrapped_key: Uint8Array | null; content_hash: string | null; state: string;
  change_seq: number | string | bigint; created_at: number | string | bigint; updated_at: number | string | bigint;
  charged_bytes: number | string | bigint;
}): LibraryItemRow {
  return {
    userId: r.user_id, fileId: r.file_id, wrappedKey: r.wrapped_key && toBytes(r.wrapped_key), contentHash: r.content_hash,
    state: r.state as ItemState, changeSeq: toNumber(r.change_seq), createdAt: toNumber(r.created_at), updatedAt: toNumber(r.updated_at),
    chargedBytes: toNumber(r.charged_bytes),
  };
}
