// [Note: the timeline is built on the client] The server sees no capture time, so it cannot
// sort. The client pulls the change feed since its cursor, verifies and decrypts each item's
// metadata, and keeps a local index that it sorts by capture time.
import {
  verifyManifest, checkBlob, unwrapFileKeyForLibrary, decryptMetadata, fromBase64, CryptoError, type FileMetadata,
} from '@obscura/crypto';
import type { LibraryChange } from '@obscura/protocol';
import type { Library, PhotoKeys } from './library.ts';
import type { PersonKeys } from './keys.ts';
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

/** What the server sent for a photo that it takes to re-derive its keys (kept with `keepItems`). */
export interface TimelineItemKeys {
  readonly uploader: PersonKeys;
  readonly manifestB64: string;
  readonly signatureB64: string;
  readonly wrappedKeyB64: string;
}

export interface TimelineIndexJSON {
  readonly version: 1;
  readonly userId: string;
  readonly since: number;
  readonly entries: readonly TimelineEntry[];
  /** Present when the index keeps items (`keepItems`); fileId → the server's signed record. */
  readonly items?: Readonly<Record<string, TimelineItemKeys>>;
}

export class TimelineIndex {
  private readonly entries = new Map<string, TimelineEntry>();
  private readonly items = new Map<string, TimelineItemKeys>();
  private readonly opened = new Map<string, Promise<PhotoKeys>>();
  since = 0;

  /**
   * `keepItems`: also keep each photo's signed record (manifest, signature, wrapped key: what
   * the server holds anyway) so `photoKeys` can re-derive its keys later without a request.
   */
  constructor(readonly userId: string, private readonly opts: { keepItems?: boolean } = {}) {}

  static fromJSON(json: TimelineIndexJSON, opts: { keepItems?: boolean } = {}): TimelineIndex {
    const t = new TimelineIndex(json.userId, opts);
    t.since = json.since;
    for (const e of json.entries) t.entries.set(e.fileId, e);
    if (opts.keepItems) for (const [id, item] of Object.entries(json.items ?? {})) t.items.set(id, item);
    return t;
  }

  toJSON(): TimelineIndexJSON {
    return {
      version: 1, userId: this.userId, since: this.since, entries: [...this.entries.values()],
      ...(this.opts.keepItems ? { items: Object.fromEntries(this.items) } : {}),
    };
  }

  /**
   * The verified keys of a photo of the index (kept with `keepItems`): the manifest's signature
   * is checked against the pinned uploader key and the file key unwrapped with my library key,
   * as when the index was built. Undefined when the index holds no record of it.
   */
  photoKeys(library: Library, fileId: string): Promise<PhotoKeys> | undefined {
    const item = this.items.get(fileId);
    if (!item) return undefined;
    let p = this.opened.get(fileId);
    if (!p) {
      p = (async () => {
        const session = library.session;
        const signer = library.pins.signingKeyOf(session, item.uploader);
        const manifest = await verifyManifest(fromBase64(item.manifestB64), fromBase64(item.signatureB64), signer, { fileId, uploaderId: item.uploader.id });
        const fileKey = await unwrapFileKeyForLibrary(session.bundle.libraryKey, fromBase64(item.wrappedKeyB64), { fileId, ownerId: session.user.id });
        return { fileId, manifest, fileKey };
      })();
      p.catch(() => this.opened.delete(fileId));
      this.opened.set(fileId, p);
    }
    return p;
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
        this.opened.delete(item.fileId);
        if (e) {
          this.entries.set(item.fileId, e);
          if (this.opts.keepItems && item.state !== 'deleted' && e.metadata) {
            this.items.set(item.fileId, { uploader: item.uploader, manifestB64: item.manifestB64, signatureB64: item.signatureB64, wrappedKeyB64: item.wrappedKeyB64 });
          }
        } else {
          this.entries.delete(item.fileId);
          this.items.delete(item.fileId);
        }
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
