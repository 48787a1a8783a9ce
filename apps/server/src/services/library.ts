import type { Static } from '@sinclair/typebox';
import { CHANGES_LIMIT_DEFAULT, type LibraryChanges, type LookupResult } from '@obscura/protocol';
import { AppError, conflict, notFound, shortId } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Database, FileRow, LibraryItemRow, Repos } from '../repositories/index.ts';
import type { ItemState } from '../repositories/library.ts';
import type { AuthContext } from './auth-context.ts';
import { iso, toB64 } from './encoding.ts';
import type { Access } from './access.ts';
import type { FileService } from './files.ts';
import { formatBytes, Ledger, lockParties, settleReleased } from './quota.ts';
import { fromB64 } from './encoding.ts';

/** A user's library: change feed, duplicate lookup, trash / restore / delete for good. */
export class LibraryService {
  constructor(private readonly db: Database, private readonly clock: Clock, private readonly files: FileService, private readonly access: Access) {}

  /**
   * "Save to my library" without re-upload: the caller must be able to read each
   * file (through an album); the charge of each one added moves to the caller ([Note: one payer
   * per file]; its previous payer is refunded), the whole batch checked against the caller's
   * quota before anything changes. Files already in the library are left as they are.
   */
  async add(auth: AuthContext, items: { fileId: string; wrappedKeyB64: string; contentHash: string }[]): Promise<{ added: number; alreadyPresent: number }> {
    const wanted = new Map(items.map((i) => [i.fileId.toLowerCase(), i]));
    const present = new Set((await this.db.repos.library.findMany(auth.userId, [...wanted.keys()]))
      .filter((i) => i.state !== 'deleted').map((i) => i.fileId));
    const adding: { fileId: string; wrappedKeyB64: string; contentHash: string }[] = [];
    const uploading: string[] = [];
    const missing = [...wanted.keys()].filter((id) => !present.has(id));
    // One access check for the whole batch ([Note: one access module]).
    const grants = await this.access.require(this.db.repos, {
      actor: { auth }, permission: 'file.read', ids: missing,
      hidden: (ids) => notFound(`${ids.length === 1 ? 'file' : 'files'} ${ids.slice(0, 5).map(shortId).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''} not found among the photos you can see; nothing was saved`),
    });
    for (const fileId of missing) {
      const grant = grants.get(fileId)!;
      if (grant.file.status !== 'complete') { uploading.push(fileId); continue; }
      adding.push({ ...wanted.get(fileId)!, fileId });
    }
    if (uploading.length > 0) throw conflict(`${uploading.length === 1 ? 'file' : 'files'} ${uploading.slice(0, 5).map(shortId).join(', ')} still uploading; save once complete; nothing was saved`);
    if (adding.length === 0) return { added: 0, alreadyPresent: present.size };
    await this.db.tx(async (r) => {
      // [Note: charge lock order] files, then everyone a charge moves between.
      const files = await r.files.lock(adding.map((i) => i.fileId));
      const gone = adding.filter((i) => !files.some((f) => f.id === i.fileId)).map((i) => i.fileId);
      if (gone.length > 0) throw notFound(`${gone.length === 1 ? 'file' : 'files'} ${gone.slice(0, 5).map(shortId).join(', ')} no longer stored; nothing was saved`);
      await lockParties(r, files, [auth.userId]);
      const ledger = new Ledger();
      for (const f of files) await ledger.move(r, f, auth.userId, true);
      await ledger.apply(r, async (_userId, needed) => {
        const u = await r.users.findById(auth.userId);
        return new AppError('quota-exceeded', `storage full: ${formatBytes(u?.usedBytes ?? 0)} of ${formatBytes(u?.quotaBytes ?? 0)} used, saving ${
          adding.length === 1 ? 'this photo' : `these ${adding.length} photos`} needs ${formatBytes(needed)}; nothing was saved`);
      });
      const now = this.clock.now();
      let seq = (await r.users.advanceLibrarySeq(auth.userId, adding.length)) - adding.length + 1;
      for (const i of adding) {
        await r.library.put({
          userId: auth.userId, fileId: i.fileId, wrappedKey: fromB64(i.wrappedKeyB64), contentHash: i.contentHash, state: 'active',
          changeSeq: seq++, createdAt: now, updatedAt: now,
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
      // [Note: charge lock order] deleting may move charges: lock the files, then the people involved.
      const files = to === 'deleted' ? await r.files.lock(ids) : [];
      if (to === 'deleted') await lockParties(r, files, [auth.userId]);
      const items = await this.ownItems(r, auth.userId, ids);
      const now = this.clock.now();
      const moving = items.filter((i) => from.includes(i.state));
      if (moving.length > 0) {
        let seq = (await r.users.advanceLibrarySeq(auth.userId, moving.length)) - moving.length + 1;
        for (const item of moving) await r.library.setState(auth.userId, item.fileId, to, seq++, now);
      }
      let unreferenced: FileRow[] = [];
      if (to === 'deleted') {
        // [Note: one payer per file] if I paid, the charge moves to whoever still holds it; a file
        // nobody holds is deleted and refunded.
        const released = new Set(moving.map((i) => i.fileId));
        const ledger = new Ledger();
        unreferenced = await settleReleased(r, ledger, files.filter((f) => released.has(f.id)));
        await ledger.apply(r, async () => new AppError('internal', 'a released charge was refused'));
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
