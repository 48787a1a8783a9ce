// [Note: the timeline is built on the client] The server sees no capture time, so it cannot
// sort. The client pulls the change feed since its cursor, verifies and decrypts each item's
// metadata, and keeps a local index that it sorts by capture time.
import {
  verifyManifest, checkBlob, unwrapFileKeyForLibrary, decryptMetadata, fromBase64, CryptoError, type FileMetadata,
} from '@obscura/crypto';
import type { LibraryChange } from '@obscura/protocol';
import type { Library } from './library.ts';
import { mapConcurrent } from './concurrency.ts';

export interface TimelineEntry {
  readonly fileId: string;
  readonly state: 'active' | 'trashed';
  readonly seq: number;
  /** The email is the one pinned for the key that signed the photo ([Note: uploader shown authentically]). */
  readonly uploader: { readonly id: string; readonly displayName: string; readonly email?: string };
  readonly encryptedSize: number;
  readonly uploadedAt: string;
  readonly contentHash: string | null;
  /** Decrypted metadata; absent when the item failed verification (see `problem`). */
  readonly metadata?: FileMetadata;
  /** Why the item was refused (tampered, key changed, ...). Shown, never hidden. */
  readonly problem?: string;
}

export interface TimelineIndexJSON {
  readonly version: 1;
  readonly userId: string;
  readonly since: number;
  readonly entries: readonly TimelineEntry[];
}

export class TimelineIndex {
  private readonly entries = new Map<string, TimelineEntry>();
  since = 0;

  constructor(readonly userId: string) {}

  static fromJSON(json: TimelineIndexJSON): TimelineIndex {
    const t = new TimelineIndex(json.userId);
    t.since = json.since;
    for (const e of json.entries) t.entries.set(e.fileId, e);
    return t;
  }

  toJSON(): TimelineIndexJSON {
    return { version: 1, userId: this.userId, since: this.since, entries: [...this.entries.values()] };
  }

  get size(): number {
    return this.entries.size;
  }

  get(fileId: string): TimelineEntry | undefined {
    return this.entries.get(fileId);
  }

  /** Newest first by capture time; trashed items only with `{ trashed: true }`. */
  list(opts: { trashed?: boolean } = {}): TimelineEntry[] {
    const want = opts.trashed ? 'trashed' : 'active';
    return [...this.entries.values()]
      .filter((e) => e.state === want)
      .sort((a, b) => (b.metadata?.capturedAt ?? 0) - (a.metadata?.capturedAt ?? 0) || a.fileId.localeCompare(b.fileId));
  }

  /** Pulls every change since the cursor. Returns how many items changed. */
  async sync(library: Library, opts: { pageSize?: number; onPage?: (n: number) => void } = {}): Promise<number> {
    if (library.session.user.id !== this.userId) throw new Error('this timeline index belongs to another account');
    let changed = 0;
    for (;;) {
      const page = await library.session.api.call('libraryChanges', { query: { since: this.since, limit: opts.pageSize ?? 1000 } });
      // verify and decrypt a page concurrently, then apply in feed order
      const entries = await mapConcurrent(page.items, 32, (item) => this.open(library, item));
      page.items.forEach((item, i) => {
        const e = entries[i];
        if (e) this.entries.set(item.fileId, e);
        else this.entries.delete(item.fileId);
        changed++;
      });
      this.since = page.nextSince;
      opts.onPage?.(changed);
      if (!page.hasMore) return changed;
    }
  }

  /** The index entry for a feed item (undefined = deleted). */
  private async open(library: Library, item: LibraryChange): Promise<TimelineEntry | undefined> {
    if (item.state === 'deleted') return undefined;
    const base = {
      fileId: item.fileId, state: item.state, seq: item.seq, uploader: { id: item.uploader.id, displayName: item.uploader.displayName, ...(item.uploader.email ? { email: item.uploader.email } : {}) },
      encryptedSize: item.encryptedSize, uploadedAt: item.createdAt, contentHash: item.contentHash,
    };
    const session = library.session;
    try {
      const signer = library.pins.signingKeyOf(session, item.uploader);
      const manifest = await verifyManifest(fromBase64(item.manifestB64), fromBase64(item.signatureB64), signer, { fileId: item.fileId, uploaderId: item.uploader.id });
      const fileKey = await unwrapFileKeyForLibrary(session.bundle.libraryKey, fromBase64(item.wrappedKeyB64), { fileId: item.fileId, ownerId: session.user.id });
      const metadataCt = fromBase64(item.metadataB64);
      await checkBlob(manifest, 'metadata', metadataCt);
      const metadata = await decryptMetadata(fileKey, item.fileId, metadataCt);
      return { ...base, metadata };
    } catch (e) {
      if (!(e instanceof CryptoError) && !(e instanceof Error && e.name === 'KeyChangedError')) throw e;
      return { ...base, problem: `failed verification and was refused: ${(e as Error).message}` };
    }
  }
}
