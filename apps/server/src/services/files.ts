import type { Readable } from 'node:stream';
import type { Static } from '@sinclair/typebox';
import type { BlockStored, CreateFileBody, FileInfo, UploadStatus } from '@obscura/protocol';
import { AppError, badRequest, conflict, isStorageFull, notFound, shortId, storageFull } from '../errors.ts';
import { BlobMismatchError, BlobTooLargeError, blobKeys, type BlobKey, type BlobStore, type ListedBlob } from '../blob/blob-store.ts';
import { isUniqueViolation } from '../db/dialect/index.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Database, FileRow } from '../repositories/index.ts';
import type { AuthContext } from './auth-context.ts';
import { b64Bytes, fromB64, iso, toB64 } from './encoding.ts';
import type { Access, Permission, Grants } from './access.ts';
import { keyChanged, onePhotoOnly, rotationRequired } from './album-errors.ts';
import {
  chargedBytes, foreignPendingFits, foreignPendingLimit, formatBytes, PENDING_IDLE_MS, PENDING_MAX_AGE_MS, quotaExceeded, tooMuchPending,
} from './quota.ts';

export interface BinaryBody { stream: Readable; size: number }

const fileLabel = (id: string) => `file ${shortId(id)}`;

/** What a backup is told to do after a refusal for lack of space ([Note: disk full]). */
const RUN_BACKUP_AGAIN = 'run the backup again';

/** How many file ids the orphan check looks up at once. */
const ORPHAN_BATCH = 500;

/** Upload (create → blocks → complete) and download of encrypted files. */
export class FileService {
  constructor(
    private readonly db: Database,
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
    private readonly access: Access,
    private readonly logger: Logger,
  ) {}

  /** The caller's grant on one file ([Note: one access module]). */
  private fileGrant<P extends Permission & `file.${string}`>(auth: AuthContext, permission: P, fileId: string, albumId?: string): Promise<Grants[P]> {
    return this.access.one(this.db.repos, { actor: { auth }, permission, id: fileId, ...(albumId !== undefined ? { albumId } : {}) });
  }

  private async uploadStatus(file: FileRow): Promise<Static<typeof UploadStatus>> {
    return {
      fileId: file.id, status: file.status, blockCount: file.blockCount,
      storedBlocks: await this.db.repos.files.storedBlockIndexes(file.id),
    };
  }

  async create(auth: AuthContext, body: Static<typeof CreateFileBody>): Promise<Static<typeof UploadStatus>> {
    // Access: any account may upload into its own library; straight into an album only
    // its owner and editors may (checked again below, in the transaction); the quota decides how much.
    if (body.album) await this.access.one(this.db.repos, { actor: { auth }, permission: 'album.addPhotos', id: body.album.albumId });
    if (body.blocks.length !== body.blockCount) {
      throw badRequest(`blockCount is ${body.blockCount} but ${body.blocks.length} blocks were declared`);
    }
    const declaredTotal = body.blocks.reduce((n, b) => n + b.size, 0);
    if (declaredTotal !== body.encryptedSize) {
      throw badRequest(`encryptedSize is ${body.encryptedSize} but the declared blocks add up to ${declaredTotal} bytes`);
    }
    const fileId = body.fileId.toLowerCase();
    const thumbSmallSize = b64Bytes(body.thumbnailSmallB64);
    const thumbLargeSize = b64Bytes(body.thumbnailLargeB64);
    const manifest = fromB64(body.manifestB64);
    const metadata = fromB64(body.metadataB64);
    const charge = chargedBytes({
      encryptedSize: body.encryptedSize, thumbSmallSize, thumbLargeSize, metadataSize: metadata.length, manifestSize: manifest.length,
    });
    const now = this.clock.now();

    // [Note: no pending file without its parts] the thumbnails are stored BEFORE the
    // transaction that records the file: a server stopped in between (kill -9, power loss)
    // leaves two orphaned blobs, removed at the next start ([Note: orphaned blobs]), never a
    // pending file that can be resumed but not completed. Checked first: a file that exists
    // keeps its thumbnails (a racing create of the same id, which only its own client knows,
    // loses in the transaction below and then leaves the blobs to the winner).
    const taken = conflict(`${fileLabel(fileId)} already exists; resume it or choose a new id`);
    if (await this.db.repos.files.exists(fileId)) throw taken;
    const thumbKeys = [blobKeys.thumbnail(fileId, 'small'), blobKeys.thumbnail(fileId, 'large')];
    try {
      await this.blobs.put(thumbKeys[0]!, fromB64(body.thumbnailSmallB64), { maxBytes: thumbSmallSize });
      await this.blobs.put(thumbKeys[1]!, fromB64(body.thumbnailLargeB64), { maxBytes: thumbLargeSize });
    } catch (e) {
      await this.deleteKeys(fileId, thumbKeys);
      if (isStorageFull(e)) throw storageFull(`nothing was stored of ${fileLabel(fileId)}`, { then: RUN_BACKUP_AGAIN, cause: e });
      throw e;
    }

    // [Note: reserve before storing] quota is taken in the same transaction that records the
    // file, before any of its blocks reaches the blob store (only its two thumbnails, bounded by
    // the request's size limit, are already there, and removed if this fails).
    try {
      await this.db.tx(async (r) => {
        if (await r.files.exists(fileId)) throw taken;
        // [Note: album uploads are the owner's] a photo uploaded into an album counts against
        // the album owner's storage (as the sharing guide promises editors), not the uploader's.
        let quotaOwnerId = auth.userId;
        if (body.album) {
          const albumId = body.album.albumId.toLowerCase();
          const { album } = await this.access.one(r, { actor: { auth }, permission: 'album.addPhotos', id: albumId });
          const locked = (await r.albums.lock(album.id))!;
          if (locked.rotationNeeded) throw rotationRequired();
          if (body.album.epoch !== locked.currentEpoch) throw keyChanged();
          if (locked.kind === 'photo' && (await r.albums.activeFileIds(locked.id)).length > 0) throw onePhotoOnly();
          quotaOwnerId = locked.ownerId;
          if (quotaOwnerId !== auth.userId) {
            // [Note: upload holds] unfinished uploads into someone else's storage are capped per
            // uploader; the owner's row lock makes the check and the reservation one step.
            const owner = await r.users.lock(quotaOwnerId);
            const pending = await r.files.pendingChargedTo(auth.userId, quotaOwnerId);
            const limit = foreignPendingLimit(owner?.quotaBytes ?? 0);
            if (!foreignPendingFits(pending, charge, limit)) throw tooMuchPending(pending, owner?.displayName ?? 'the album owner', limit);
          }
        }
        if (!(await r.users.reserveBytes(quotaOwnerId, charge))) {
          const u = await r.users.findById(quotaOwnerId);
          if (quotaOwnerId !== auth.userId) {
            throw new AppError('quota-exceeded', `storage of the album owner (${u?.displayName ?? 'unknown'}) is full: ${
              formatBytes(u?.usedBytes ?? 0)} of ${formatBytes(u?.quotaBytes ?? 0)} used, this file needs ${formatBytes(charge)}`);
          }
          throw quotaExceeded(u?.usedBytes ?? 0, u?.quotaBytes ?? 0, charge);
        }
        await r.files.insert({
          id: fileId, uploaderId: auth.userId, quotaOwnerId, status: 'pending', blockCount: body.blockCount,
          encryptedSize: body.encryptedSize, chargedBytes: charge, manifest, signature: fromB64(body.signatureB64), metadata,
          thumbSmallSize, thumbLargeSize, createdAt: now,
        }, body.blocks);
        if (body.album) {
          // No library item for the uploader: the file lives in the album. In its feed once complete (seq 0 until then).
          await r.albums.putItem({
            albumId: body.album.albumId.toLowerCase(), fileId, epoch: body.album.epoch, wrappedKey: fromB64(body.wrappedKeyB64),
            addedBy: auth.userId, addedAt: now, seq: 0, state: 'active',
          });
          return;
        }
        // Not in the change feed until complete (seq 0); lookup already sees it so a backup can resume.
        await r.library.insert({
          userId: auth.userId, fileId, wrappedKey: fromB64(body.wrappedKeyB64), contentHash: body.contentHash,
          state: 'active', changeSeq: 0, createdAt: now, updatedAt: now,
        });
      });
    } catch (e) {
      if (e === taken || isUniqueViolation(e)) throw taken;
      await this.deleteKeys(fileId, thumbKeys);
      if (isStorageFull(e)) throw storageFull(`nothing was stored of ${fileLabel(fileId)}`, { then: RUN_BACKUP_AGAIN, cause: e });
      throw e;
    }
    return { fileId, status: 'pending', blockCount: body.blockCount, storedBlocks: [] };
  }

  async putBlock(auth: AuthContext, fileId: string, index: number, body: Readable, contentLength: number | undefined): Promise<Static<typeof BlockStored>> {
    const file = await this.fileGrant(auth, 'file.upload', fileId);
    if (file.status !== 'pending') throw conflict(`${fileLabel(file.id)} is already complete; its blocks cannot change`);
    const block = await this.db.repos.files.block(file.id, index);
    if (!block) throw badRequest(`block index ${index} is out of range: ${fileLabel(file.id)} has ${file.blockCount} blocks`);
    const what = `block ${index} of ${fileLabel(file.id)}`;
    if (contentLength !== undefined && contentLength > block.size) {
      throw new AppError('payload-too-large', `${what}: ${contentLength} bytes sent, ${block.size} declared at creation`);
    }
    try {
      await this.blobs.put(blobKeys.block(file.id, index), body, { maxBytes: block.size, expect: { size: block.size, sha256Hex: block.sha256Hex } });
      // Idempotent: a re-sent block has the same bytes (same hash) and stays stored. A newly
      // stored block renews the upload's hold ([Note: upload holds]).
      await this.db.repos.files.markBlockStored(file.id, index, this.clock.now());
    } catch (e) {
      if (e instanceof BlobTooLargeError) throw new AppError('payload-too-large', `${what}: more than the ${block.size} bytes declared at creation`);
      if (e instanceof BlobMismatchError) {
        throw new AppError('hash-mismatch', e.actual.size !== block.size
          ? `${what}: ${e.actual.size} bytes received, ${block.size} declared at creation`
          : `${what}: SHA-256 does not match the hash declared at creation`);
      }
      // Not marked stored: the backup sends it again when it resumes.
      if (isStorageFull(e)) throw storageFull(`${what} was not stored`, { then: `${RUN_BACKUP_AGAIN} (it resumes where it stopped)`, cause: e });
      throw e;
    }
    if (!(await this.db.repos.files.exists(file.id))) {
      // Swept (or cancelled) while this block was on its way: nothing may keep its bytes.
      await this.deleteBlobs({ id: file.id, blockCount: file.blockCount });
      throw notFound(`${fileLabel(file.id)} is gone: it was cancelled, or dropped after an hour without a new block; upload it again`);
    }
    return { index, size: block.size };
  }

  async getUploadStatus(auth: AuthContext, fileId: string): Promise<Static<typeof UploadStatus>> {
    const file = await this.fileGrant(auth, 'file.uploadStatus', fileId);
    return this.uploadStatus(file);
  }

  async complete(auth: AuthContext, fileId: string): Promise<Static<typeof UploadStatus>> {
    const file = await this.fileGrant(auth, 'file.upload', fileId);
    if (file.status === 'complete') return this.uploadStatus(file);
    const stored = new Set(await this.db.repos.files.storedBlockIndexes(file.id));
    const missing: number[] = [];
    for (let i = 0; i < file.blockCount && missing.length < 10; i++) if (!stored.has(i)) missing.push(i);
    if (missing.length > 0) {
      throw conflict(`cannot complete ${fileLabel(file.id)}: ${file.blockCount - stored.size} of ${file.blockCount} blocks are missing (first missing: ${missing.join(', ')})`);
    }
    for (const size of ['small', 'large'] as const) {
      if (!(await this.blobs.exists(blobKeys.thumbnail(file.id, size)))) {
        // [Note: no pending file without its parts] only a server that stopped half-way through
        // an older version's create (or a lost blob) leaves this: the file can never complete,
        // so it is discarded (quota refunded) rather than offered for resuming again.
        this.logger.error(`pending file ${file.id} has no ${size} thumbnail in the blob store; discarded`);
        await this.discardPending(file.id);
        throw conflict(`cannot complete ${fileLabel(file.id)}: its ${size} thumbnail is missing on the server, so this unfinished upload was discarded; create the file again`);
      }
    }
    const now = this.clock.now();
    try {
      await this.db.tx(async (r) => {
        // [Note: charge lock order] the albums waiting for it before the file's row.
        for (const albumId of [...new Set((await r.albums.uploadingItemsOf(file.id)).map((i) => i.albumId))].sort()) await r.albums.lock(albumId);
        if (!(await r.files.markComplete(file.id, now))) return; // a concurrent complete won
        if (await r.library.find(auth.userId, file.id)) {
          const seq = await r.users.advanceLibrarySeq(auth.userId, 1);
          await r.library.setSeq(auth.userId, file.id, seq, now);
        }
        for (const item of await r.albums.uploadingItemsOf(file.id)) {
          await r.albums.setItemSeq(item.albumId, file.id, await r.albums.advanceItemSeq(item.albumId, 1));
        }
      });
    } catch (e) {
      // Rolled back: still pending with every block stored, so the next run only completes it.
      if (isStorageFull(e)) throw storageFull(`${fileLabel(file.id)} was not completed`, { then: `${RUN_BACKUP_AGAIN} (it resumes where it stopped)`, cause: e });
      throw e;
    }
    return this.uploadStatus({ ...file, status: 'complete' });
  }

  async info(auth: AuthContext, fileId: string, albumId?: string): Promise<Static<typeof FileInfo>> {
    const { file, wrappedKey, albumId: viaAlbum, epoch } = await this.fileGrant(auth, 'file.read', fileId, albumId);
    const [blocks, uploader] = [await this.db.repos.files.blocks(file.id), await this.db.repos.users.findById(file.uploaderId)];
    if (!uploader) throw notFound(`${fileLabel(file.id)}: its uploader no longer exists`);
    return {
      fileId: file.id, status: file.status, blockCount: file.blockCount,
      blocks: blocks.map((b) => ({ size: b.size, sha256Hex: b.sha256Hex })),
      encryptedSize: file.encryptedSize, manifestB64: toB64(file.manifest), signatureB64: toB64(file.signature),
      metadataB64: toB64(file.metadata), thumbnailSmallSize: file.thumbSmallSize, thumbnailLargeSize: file.thumbLargeSize,
      uploader: { id: uploader.id, email: uploader.email, displayName: uploader.displayName, ed25519PublicKeyB64: toB64(uploader.ed25519PublicKey) },
      wrappedKeyB64: toB64(wrappedKey), keyEpoch: epoch, albumId: viaAlbum, createdAt: iso(file.createdAt),
      completedAt: file.completedAt === null ? null : iso(file.completedAt),
    };
  }

  async block(auth: AuthContext, fileId: string, index: number): Promise<BinaryBody> {
    const { file } = await this.fileGrant(auth, 'file.read', fileId);
    return this.blockOf(file, index);
  }

  async thumbnail(auth: AuthContext, fileId: string, size: 'small' | 'large'): Promise<BinaryBody> {
    const { file } = await this.fileGrant(auth, 'file.read', fileId);
    return this.thumbnailOf(file, size);
  }

  /** One ciphertext block of a file the caller was found allowed to read (by `FileAccess` or a public link). */
  async blockOf(file: FileRow, index: number): Promise<BinaryBody> {
    const block = await this.db.repos.files.block(file.id, index);
    if (!block) throw notFound(`block ${index} of ${fileLabel(file.id)} not found: the file has ${file.blockCount} blocks`);
    if (block.storedAt === null) throw notFound(`block ${index} of ${fileLabel(file.id)} has not been uploaded yet`);
    return this.blob(blobKeys.block(file.id, index), `block ${index} of ${fileLabel(file.id)}`);
  }

  async thumbnailOf(file: FileRow, size: 'small' | 'large'): Promise<BinaryBody> {
    return this.blob(blobKeys.thumbnail(file.id, size), `${size} thumbnail of ${fileLabel(file.id)}`);
  }

  private async blob(key: Parameters<BlobStore['get']>[0], what: string): Promise<BinaryBody> {
    const b = await this.blobs.get(key);
    if (!b) {
      this.logger.error(`blob missing from the store: ${key}`);
      throw notFound(`${what} is missing from storage`);
    }
    return b;
  }

  /**
   * Removes a pending file entirely and refunds its quota (used when create fails half-way, and
   * by the sweeper, which passes `ifIdleAt`: then only if the upload is still idle at that time,
   * see [Note: upload holds]).
   */
  async discardPending(fileId: string, ifIdleAt?: number): Promise<boolean> {
    const removed = await this.db.tx(async (r) => {
      const [f] = await r.files.lock([fileId]);
      if (!f || f.status !== 'pending') return null;
      if (ifIdleAt !== undefined && ifIdleAt - f.createdAt <= PENDING_MAX_AGE_MS && ifIdleAt - (await r.files.lastProgress(f)) <= PENDING_IDLE_MS) return null;
      await r.library.deleteAllForFile(fileId);
      await r.albums.deleteItemsOfFile(fileId);
      await r.files.delete(fileId);
      await r.users.releaseBytes(f.quotaOwnerId, f.chargedBytes);
      return f;
    });
    if (!removed) return false;
    await this.deleteBlobs(removed);
    return true;
  }

  /** Deletes a file's ciphertext after its rows are gone (after commit: files cannot roll back). */
  async deleteBlobs(file: Pick<FileRow, 'id' | 'blockCount'>): Promise<void> {
    await this.deleteKeys(file.id, blobKeys.allOfFile(file.id, file.blockCount));
  }

  private async deleteKeys(fileId: string, keys: BlobKey[]): Promise<void> {
    try {
      await this.blobs.delete(keys);
    } catch (e) {
      this.logger.error(`could not delete the ciphertext of file ${fileId}; it is orphaned until the next start`, e);
    }
  }

  // [Note: orphaned blobs]
  // A server stopped at the wrong moment leaves blobs no row accounts for: the thumbnails of a
  // create whose transaction never committed ([Note: no pending file without its parts]), the
  // temp file of a block being written, the ciphertext of a deleted file whose blobs could not
  // be deleted. Only a stopped (or failing) process leaves them, so they are looked for once,
  // 10 s after start-up (server.ts, in the background): a blob written before this process
  // started whose file has no row is removed, and so is an unfinished write (temp file) of any
  // file. Blobs written since the start are left alone: they may belong to a create in progress
  // here; the 10 s let a create that another process sharing the store began just before this
  // start commit first. (A create whose own client reuses an orphan's id during the check could
  // lose its thumbnails; then complete discards it and the client creates it again.)

  /** Removes what an interrupted run left in the blob store (see [Note: orphaned blobs]); counts what went. */
  async collectOrphans(writtenBefore: number, signal?: AbortSignal): Promise<{ files: number; blobs: number }> {
    const removed = { files: 0, blobs: 0 };
    if (!this.blobs.list) return removed;
    let batch = new Map<string, ListedBlob[]>();
    const settle = async () => {
      const known = new Set((await this.db.repos.files.findMany([...batch.keys()])).map((f) => f.id));
      for (const [fileId, blobs] of batch) {
        const orphan = !known.has(fileId) && blobs.every((b) => b.modifiedAt < writtenBefore);
        const gone = orphan ? blobs : blobs.filter((b) => b.unfinished && b.modifiedAt < writtenBefore);
        if (gone.length === 0) continue;
        await this.blobs.delete(gone.map((b) => b.key));
        removed.blobs += gone.length;
        if (orphan) removed.files++;
      }
      batch = new Map();
    };
    for await (const b of this.blobs.list()) {
      if (signal?.aborted) return removed;
      const same = batch.get(b.fileId);
      if (same) same.push(b);
      else {
        if (batch.size >= ORPHAN_BATCH) await settle();
        batch.set(b.fileId, [b]);
      }
    }
    if (batch.size > 0) await settle();
    return removed;
  }
}
