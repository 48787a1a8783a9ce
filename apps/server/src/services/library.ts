import type { Static } from '@sinclair/typebox';
import { CHANGES_LIMIT_DEFAULT, type LibraryChanges, type LookupResult } from '@obscura/protocol';
import { AppError, conflict, notFound, shortId } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Database, FileRow, LibraryItemRow, Repos } from '../repositories/index.ts';
import type { ItemState } from '../repositories/library.ts';
import type { AuthContext } from './auth-context.ts';
import { iso, toB64 } from './encoding.ts';
import type { FileAccess } from './file-access.ts';
import type { FileService } from './files.ts';
import { formatBytes } from './quota.ts';
import { fromB64 } from './encoding.ts';

/** A user's library: change feed, duplicate lookup, trash / restore / delete for good. */
export class LibraryService {
  constructor(private readonly db: Database, private readonly clock: Clock, private readonly files: FileService, private readonly access: FileAccess) {}

  /**
   * "Save to my library" without re-upload: the caller must be able to read each
   * file (through an album); each one added is charged to the caller's quota, the
   * whole batch checked before anything changes. Files already in the library are left as they are.
   */
  async add(auth: AuthContext, items: { fileId: string; wrappedKeyB64: string; contentHash: string }[]): Promise<{ added: number; alreadyPresent: number }> {
    const wanted = new Map(items.map((i) => [i.fileId.toLowerCase(), i]));
    const present = new Set((await this.db.repos.library.findMany(auth.userId, [...wanted.keys()]))
      .filter((i) => i.state !== 'deleted').map((i) => i.fileId));
    const adding: { fileId: string; wrappedKeyB64: string; contentHash: string; charge: number }[] = [];
    const unreadable: string[] = [];
    const uploading: string[] = [];
    for (const [fileId, item] of wanted) {
      if (present.has(fileId)) continue;
      const grant = await this.access.canRead(auth.userId, fileId);
      if (!grant) { unreadable.push(fileId); continue; }
      if (grant.file.status !== 'complete') { uploading.push(fileId); continue; }
      adding.push({ ...item, fileId, charge: grant.file.chargedBytes });
    }
    if (unreadable.length > 0) {
      throw notFound(`${unreadable.length === 1 ? 'file' : 'files'} ${unreadable.slice(0, 5).map(shortId).join(', ')}${unreadable.length > 5 ? ` and ${unreadable.length - 5} more` : ''} not found among the photos you can see; nothing was saved`);
    }
    if (uploading.length > 0) throw conflict(`${uploading.length === 1 ? 'file' : 'files'} ${uploading.slice(0, 5).map(shortId).join(', ')} still uploading; save once complete; nothing was saved`);
    if (adding.length === 0) return { added: 0, alreadyPresent: present.size };
    const needed = adding.reduce((n, i) => n + i.charge, 0);
    await this.db.tx(async (r) => {
      if (!(await r.users.reserveBytes(auth.userId, needed))) {
        const u = await r.users.findById(auth.userId);
        throw new AppError('quota-exceeded', `storage full: ${formatBytes(u?.usedBytes ?? 0)} of ${formatBytes(u?.quotaBytes ?? 0)} used, saving ${
          adding.length === 1 ? 'this photo' : `these ${adding.length} photos`} needs ${formatBytes(needed)}; nothing was saved`);
      }
      const now = this.clock.now();
      let seq = (await r.users.advanceLibrarySeq(auth.userId, adding.length)) - adding.length + 1;
      for (const i of adding) {
        await r.library.put({
          userId: auth.userId, fileId: i.fileId, wrappedKey: fromB64(i.wrappedKeyB64), contentHash: i.contentHash, state: 'active',
          changeSeq: seq++, createdAt: now, updatedAt: now, chargedBytes: i.charge,
        });
      }
    });
    return { added: adding.length, alreadyPresent: present.size };
  }

  async changes(auth: AuthContext, since = 0, limit = CHANGES_LIMIT_DEFAULT): Promise<Static<typeof LibraryChanges>> {
    // Access: the query is scoped to the caller's own items.
    const rows = await this.db.repos.library.changes(auth.userId, since, limit + 1);
    const page = rows.slice(0, limit);
    return {
      items: page.map((c) => c.state === 'deleted' ? c : {
        fileId: c.fileId, state: c.state, seq: c.seq, wrappedKeyB64: toB64(c.wrappedKey), metadataB64: toB64(c.metadata),
        manifestB64: toB64(c.manifest), signatureB64: toB64(c.signature),
        uploader: { id: c.uploader.id, email: c.uploader.email, displayName: c.uploader.displayName, ed25519PublicKeyB64: toB64(c.uploader.ed25519PublicKey) },
        encryptedSize: c.encryptedSize, blockCount: c.blockCount, contentHash: c.contentHash, createdAt: iso(c.createdAt),
      }),
      nextSince: page.at(-1)?.seq ?? since,
      hasMore: rows.length > limit,
    };
  }

  async lookup(auth: AuthContext, contentHashes: string[]): Promise<Static<typeof LookupResult>> {
    // Access: the query is scoped to the caller's own items.
    const rows = await this.db.repos.library.lookup(auth.userId, [...new Set(contentHashes)]);
    return { matches: rows };
  }

  trash(auth: AuthContext, fileIds: string[]): Promise<{ changed: number }> {
    return this.transition(auth, fileIds, ['active'], 'trashed').then(({ changed }) => ({ changed }));
  }

  restore(auth: AuthContext, fileIds: string[]): Promise<{ changed: number }> {
    return this.transition(auth, fileIds, ['trashed'], 'active').then(({ changed }) => ({ changed }));
  }

  async deleteForGood(auth: AuthContext, fileIds: string[]): Promise<{ changed: number }> {
    const { changed, unreferenced } = await this.transition(auth, fileIds, ['active', 'trashed'], 'deleted');
    for (const f of unreferenced) await this.files.deleteBlobs(f);
    return { changed };
  }

  /**
   * Moves the caller's items from one of `from` to `to`, all or nothing. Items
   * already in `to` are left as they are. Deleting releases files no one
   * references any more (rows and quota here; blobs by the caller after commit).
   */
  private transition(auth: AuthContext, fileIds: string[], from: ItemState[], to: ItemState): Promise<{ changed: number; unreferenced: FileRow[] }> {
    const ids = [...new Set(fileIds.map((id) => id.toLowerCase()))];
    return this.db.tx(async (r) => {
      const items = await this.ownItems(r, auth.userId, ids);
      const now = this.clock.now();
      const moving = items.filter((i) => from.includes(i.state));
      if (moving.length > 0) {
        let seq = (await r.users.advanceLibrarySeq(auth.userId, moving.length)) - moving.length + 1;
        for (const item of moving) await r.library.setState(auth.userId, item.fileId, to, seq++, now);
      }
      const unreferenced: FileRow[] = [];
      if (to === 'deleted') {
        // Items saved from an album carry their own charge, refunded to their holder.
        const refund = moving.reduce((n, i) => n + (i.chargedBytes ?? 0), 0);
        if (refund > 0) await r.users.releaseBytes(auth.userId, refund);
        for (const item of moving) {
          if ((await r.files.referenceCount(item.fileId)) > 0) continue;
          const f = await r.files.find(item.fileId);
          if (!f) continue;
          await r.files.delete(f.id);
          await r.users.releaseBytes(f.quotaOwnerId, f.chargedBytes);
          unreferenced.push(f);
        }
      }
      return { changed: moving.length, unreferenced };
    });
  }

  /** Access check: every id must be a live item of the caller's library (others' ids are "not found"). */
  private async ownItems(r: Repos, userId: string, ids: string[]): Promise<LibraryItemRow[]> {
    const items = await r.library.findMany(userId, ids);
    const live = new Map(items.filter((i) => i.state !== 'deleted').map((i) => [i.fileId, i]));
    const missing = ids.filter((id) => !live.has(id));
    if (missing.length > 0) {
      throw notFound(`${missing.length === 1 ? 'file' : 'files'} ${missing.slice(0, 5).map(shortId).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''} not in your library; nothing was changed`);
    }
    return ids.map((id) => live.get(id)!);
  }
}
