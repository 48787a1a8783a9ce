// Albums in the worker: list, create, rename, cover, delete, their photos (registered as the
// scope `album:<id>`, see [Note: photo scopes]), add/remove, and leaving with "save first".
// Everything is verified by the SDK (owner-signed state, uploader signatures); refusals
// (AlbumTrustError, KeyChangedError, IntegrityError) cross to the page as words via errors.ts.
import { AlbumTrustError, IntegrityError, KeyChangedError, type AlbumPhoto, type AlbumView, type BrokenAlbumPhoto, type PhotoKeys } from '@obscura/sdk';
import type { AlbumSummary, PhotoDetails, PhotoItem } from '../shared/types.ts';
import { AppError } from '../shared/rpc.ts';
import { registerScope, type PhotoHandle } from './media.ts';
import { photos as library } from './photos.ts';
import { cachedThumbnail } from './photos.ts';
import { state, type LoggedIn } from './state.ts';

/** An album photo as the page sees it: a PhotoItem with who added it and whether my library holds it too. */
export interface AlbumPhotoItem extends PhotoItem {
  /** Also in my library (active or trashed): removing it from the album, or deleting the album, keeps it there. */
  readonly inMyLibrary: boolean;
}

/** What deleting an album takes with it, for the confirmation (see [Note: what deleting an album deletes]). */
export interface AlbumDeletion {
  readonly name: string;
  readonly photos: number;
  /** Photos of the album my library does not hold: deleted for good unless someone else keeps them. Absent when the album's photos cannot be verified. */
  readonly notInMyLibrary?: number;
  readonly people: number;
  readonly links: number;
}

interface Listing {
  readonly photos: readonly AlbumPhoto[];
  readonly refused: readonly BrokenAlbumPhoto[];
}

interface Caches {
  /** The last verified view of each album (for covers and counts). */
  readonly views: Map<string, AlbumView>;
  /** The last verified listings of albums' photos (they hold file keys), the most recent last. */
  readonly listings: Map<string, Promise<Listing>>;
  /** Cover pictures, by album, cover and item count (a change of either makes a new entry). */
  readonly covers: Map<string, Promise<Blob | null>>;
}

/**
 * [Note: album caches die with the session] What this module caches (views, listings holding
 * file keys, cover pictures) hangs off the logged-in person's object: when the worker forgets
 * the session (log out, another person logs in), nothing refers to it any more and the caches
 * go with it, without this module having to be told.
 */
const perSession = new WeakMap<LoggedIn, Caches>();
/** Listings kept at once (an album of 10,000 photos holds 10,000 verified records). */
const LISTINGS_KEPT = 16;

function cache(): Caches {
  const c = state.need;
  let x = perSession.get(c);
  if (!x) {
    x = { views: new Map(), listings: new Map(), covers: new Map() };
    perSession.set(c, x);
  }
  return x;
}

const mine = () => state.need;

/** Forgets what is cached about an album after it changed (photos added or removed, renamed, deleted). */
function invalidate(albumId: string): void {
  const { listings, views } = cache();
  listings.delete(albumId);
  views.delete(albumId);
  forgetCovers(albumId);
}

function forgetCovers(albumId: string): void {
  const { covers } = cache();
  for (const k of covers.keys()) if (k.startsWith(`${albumId}|`)) covers.delete(k);
}

/** Key pins and album-state pins as they stand (small: one entry per person and per album). */
const pinsNow = (c: LoggedIn) => JSON.stringify([c.pins.toJSON(), c.albums.statePins.toJSON()]);

/**
 * Runs `fn` and, when it pinned something (a person's key seen for the first time, an album's
 * newer signed state), saves the pins, whatever happened: a refusal may have pinned too. Saving
 * only on a change keeps a grid of albums from re-sealing the whole timeline at every call.
 */
async function persisting<T>(fn: () => Promise<T>): Promise<T> {
  const c = state.need;
  const before = pinsNow(c);
  try {
    return await fn();
  } finally {
    if (state.maybe === c && pinsNow(c) !== before) await state.persist();
  }
}

function summary(v: AlbumView): AlbumSummary {
  cache().views.set(v.albumId, v);
  // [Note: an album awaiting its owner's setup] the SDK gives no problem text for it (nothing
  // is wrong, it is only read-only); the page shows the SDK's sentence for that refusal.
  const problem = v.problem ?? (v.trust === 'awaiting-owner-setup'
    ? "it waits for its owner's one-time setup (its state is not signed yet); you can look at it but not add to it or share it"
    : undefined);
  return {
    albumId: v.albumId, kind: v.kind, owner: { id: v.owner.id, email: v.owner.email, displayName: v.owner.displayName },
    myRole: v.myRole, itemCount: v.itemCount, memberCount: v.memberCount, linkCount: v.linkCount, sharedByMe: v.sharedByMe,
    rotationNeeded: v.rotationNeeded, trust: v.trust,
    ...(v.name !== undefined ? { name: v.name } : {}), ...(v.caption !== undefined ? { caption: v.caption } : {}),
    ...(v.coverFileId !== undefined ? { coverFileId: v.coverFileId } : {}), ...(problem ? { problem } : {}),
  };
}

// Thumbnails share the library's ciphertext cache (See [Note: thumbnail cache]): a file's
// thumbnail bytes are the same whichever album or library it is seen from.

/** The SDK's refusals (the album or a person's key is not what was signed or seen before). */
const isRefusal = (e: unknown) => e instanceof AlbumTrustError || e instanceof KeyChangedError || e instanceof IntegrityError;

const inMyLibrary = (fileId: string) => state.need.timeline.get(fileId) !== undefined;

function itemOf(p: AlbumPhoto): AlbumPhotoItem {
  const m = p.metadata;
  return {
    fileId: p.fileId, name: m.name, kind: m.mimeType.startsWith('video/') ? 'video' : 'photo', capturedAt: m.capturedAt, size: m.size,
    uploader: { id: p.uploader.id, displayName: p.uploader.displayName, ...(p.uploader.email ? { email: p.uploader.email } : {}) },
    addedBy: { id: p.addedBy.id, displayName: p.addedBy.displayName },
    ...(m.width !== undefined ? { width: m.width } : {}), ...(m.height !== undefined ? { height: m.height } : {}),
    ...(m.durationMs !== undefined ? { durationMs: m.durationMs } : {}),
    inMyLibrary: inMyLibrary(p.fileId),
  };
}

function brokenItemOf(b: BrokenAlbumPhoto): AlbumPhotoItem {
  return {
    fileId: b.fileId, name: '(refused)', kind: 'photo', capturedAt: 0, size: 0,
    uploader: { id: b.uploader.id, displayName: b.uploader.displayName, ...(b.uploader.email ? { email: b.uploader.email } : {}) },
    problem: b.problem, inMyLibrary: inMyLibrary(b.fileId),
  };
}

function handleOf(p: AlbumPhoto): PhotoHandle {
  const item = itemOf(p);
  const m = p.metadata;
  return {
    item, mimeType: m.mimeType,
    thumbnail: (size) => cachedThumbnail(p, size),
    async details(): Promise<PhotoDetails> {
      return {
        ...item, mimeType: m.mimeType, captureSource: m.captureSource,
        ...(m.cameraMake ? { cameraMake: m.cameraMake } : {}), ...(m.cameraModel ? { cameraModel: m.cameraModel } : {}),
        ...(m.gps ? { gps: m.gps } : {}),
        // The SDK lists an album photo only when its uploader's signature verified (else it is refused).
        signatureVerified: p.uploader.verified,
      };
    },
    download: () => state.need.library.download(p),
  };
}

function brokenHandleOf(b: BrokenAlbumPhoto): PhotoHandle {
  const item = brokenItemOf(b);
  const refuse = async (): Promise<never> => { throw new AppError({ kind: 'integrity', message: b.problem }); };
  return { item, details: refuse, thumbnail: refuse };
}

/** Lists and verifies an album's photos afresh, remembering the listing. */
function listPhotos(albumId: string): Promise<Listing> {
  const { albums } = mine();
  const { listings } = cache();
  const p = persisting(() => albums.photos(albumId));
  listings.delete(albumId);
  listings.set(albumId, p);
  if (listings.size > LISTINGS_KEPT) listings.delete(listings.keys().next().value!);
  p.catch(() => { if (listings.get(albumId) === p) listings.delete(albumId); });
  return p;
}

// Cover pictures of a grid of albums list at most two albums at a time (listing verifies every photo).
let listingSlots = 2;
const waiting: (() => void)[] = [];
async function withListingSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (listingSlots === 0) await new Promise<void>((resolve) => waiting.push(resolve));
  else listingSlots--;
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else listingSlots++;
  }
}

/**
 * [Note: album covers] A card's cover is the photo the owner chose, else the album's newest
 * photo. It is opened the cheapest way available: from a listing of the album already made
 * (e.g. the album was opened), else from my own library's kept keys when the cover is mine,
 * else by listing the album once (two at a time). Pictures are kept per album, cover and
 * item count, so going back to the grid decrypts nothing again.
 */
async function coverOf(albumId: string): Promise<Blob | null> {
  const { albums, library: lib, timeline } = mine();
  const { views, listings, covers } = cache();
  const view = views.get(albumId) ?? (await persisting(() => albums.get(albumId)));
  views.set(albumId, view);
  if (view.itemCount === 0 || view.trust === 'refused') return null;
  const key = `${albumId}|${view.coverFileId ?? ''}|${view.itemCount}`;
  let p = covers.get(key);
  if (!p) {
    p = (async () => {
      const pick = (l: Listing) => (view.coverFileId ? l.photos.find((x) => x.fileId === view.coverFileId) : undefined) ?? l.photos[0];
      let photo: PhotoKeys | undefined;
      const listed = listings.get(albumId);
      if (listed) photo = pick(await listed);
      if (!photo && view.coverFileId && timeline.get(view.coverFileId)?.metadata) photo = await timeline.photoKeys(lib, view.coverFileId);
      if (!photo) photo = pick(await withListingSlot(() => listings.get(albumId) ?? listPhotos(albumId)));
      if (!photo) return null;
      return new Blob([(await cachedThumbnail(photo, 'small')) as BlobPart], { type: 'image/jpeg' });
    })();
    p.catch(() => covers.delete(key));
    covers.set(key, p);
  }
  return p;
}

const ADD_BATCH = 200;

type Progress = (done: number, total: number) => void;
/** Calls a page callback (a Comlink proxy) without letting a closed page fail the work. */
function report(onProgress: Progress | undefined, done: number, total: number): void {
  if (onProgress) void Promise.resolve(onProgress(done, total)).catch(() => undefined);
}

export const albums = {
  /** My albums: owned, and shared with me and accepted. Refused ones are listed with their problem. */
  async list(): Promise<AlbumSummary[]> {
    const { albums: a } = mine();
    return (await persisting(() => a.list())).map(summary);
  },

  async get(albumId: string): Promise<AlbumSummary> {
    const { albums: a } = mine();
    return summary(await persisting(() => a.get(albumId)));
  },

  async create(name: string): Promise<AlbumSummary> {
    const { albums: a } = mine();
    return summary(await persisting(() => a.create(name.trim())));
  },

  async rename(albumId: string, name: string): Promise<AlbumSummary> {
    const { albums: a } = mine();
    invalidate(albumId);
    return summary(await persisting(() => a.rename(albumId, name.trim())));
  },

  async setCover(albumId: string, fileId: string): Promise<AlbumSummary> {
    const { albums: a } = mine();
    const v = await persisting(() => a.setCover(albumId, fileId));
    forgetCovers(albumId);
    return summary(v);
  },

  /**
   * [Note: what deleting an album deletes] The server deletes a photo with the album only
   * when nobody holds it any more: not in anyone's library (active or trashed) and in no other
   * album. Photos in my library stay; the ones it does not hold (uploaded straight into the
   * album, added by editors) are gone for everyone unless someone saved them or another album
   * holds them. This client can count only what my library holds, so the page says "up to".
   */
  async deletion(albumId: string): Promise<AlbumDeletion> {
    const { albums: a } = mine();
    await library.sync().catch(() => 0);
    try {
      const [view, listing] = await Promise.all([persisting(() => a.get(albumId)), listPhotos(albumId)]);
      const all = [...listing.photos.map((p) => p.fileId), ...listing.refused.map((b) => b.fileId)];
      return {
        name: view.name ?? 'this album', photos: all.length, notInMyLibrary: all.filter((id) => !inMyLibrary(id)).length,
        people: view.memberCount, links: view.linkCount,
      };
    } catch (e) {
      // A refused album can still be deleted by its owner: say what the listing of albums knows.
      const view = cache().views.get(albumId);
      if (!view || !isRefusal(e)) throw e;
      return { name: view.name ?? 'this album', photos: view.itemCount, people: view.memberCount, links: view.linkCount };
    }
  },

  /** Deletes the album (its owner only); returns how many photos were deleted for good with it. */
  async delete(albumId: string): Promise<number> {
    const { albums: a } = mine();
    const n = await persisting(() => a.delete(albumId));
    invalidate(albumId);
    return n;
  },

  /** The album's photos, verified, newest first; refused ones listed with their problem. Registers scope `album:<id>`. */
  async photos(albumId: string): Promise<AlbumPhotoItem[]> {
    mine();
    // My library decides `inMyLibrary`: bring it up to date first (cheap when nothing changed).
    await library.sync().catch(() => 0);
    const listing = await listPhotos(albumId);
    const handles = [...listing.photos.map(handleOf), ...listing.refused.map(brokenHandleOf)];
    registerScope(`album:${albumId}`, handles);
    return handles.map((h) => h.item as AlbumPhotoItem);
  },

  /** Adds photos of my library (keys re-wrapped, nothing uploaded); `onProgress(done, total)`. Returns how many were new to the album. */
  async addPhotos(albumId: string, fileIds: string[], onProgress?: Progress): Promise<number> {
    const { albums: a } = mine();
    let added = 0;
    try {
      for (let i = 0; i < fileIds.length; i += ADD_BATCH) {
        const batch = fileIds.slice(i, i + ADD_BATCH);
        added += await persisting(() => a.addPhotos(albumId, batch));
        report(onProgress, Math.min(i + ADD_BATCH, fileIds.length), fileIds.length);
      }
    } finally {
      invalidate(albumId);
    }
    return added;
  },

  /** Removes photos from the album (owner: any; editor: only those they added — the server refuses the rest). */
  async removePhotos(albumId: string, fileIds: string[]): Promise<number> {
    const { albums: a } = mine();
    try {
      return await persisting(() => a.removePhotos(albumId, fileIds));
    } finally {
      invalidate(albumId);
    }
  },

  /** The card picture of an album (see [Note: album covers]); null when it has no photo to show. */
  cover: coverOf,

  /** Photos others uploaded to the album that my library does not hold (what leaving would lose). */
  async photosToSave(albumId: string): Promise<PhotoItem[]> {
    const { albums: a } = mine();
    return (await persisting(() => a.photosToSave(albumId))).map(itemOf);
  },

  /** Saves album photos into my library (no re-upload); all that leaving would lose when `fileIds` is absent. */
  async saveToLibrary(albumId: string, fileIds: string[] | undefined, onProgress?: Progress): Promise<number> {
    const { albums: a } = mine();
    const candidates = fileIds ? (await listPhotos(albumId)).photos.filter((p) => fileIds.includes(p.fileId)) : await persisting(() => a.photosToSave(albumId));
    const n = await persisting(() => a.saveToLibrary(candidates, (done, total) => report(onProgress, done, total)));
    await library.sync().catch(() => 0);
    invalidate(albumId);
    return n;
  },

  /**
   * Leaves for good (not the owner). With `savePhotos`, first saves into my library what others
   * uploaded and my library lacks, reporting `onProgress(done, total)`. (The callback is an
   * argument of its own: a function inside an object cannot cross to the worker.)
   */
  async leave(albumId: string, savePhotos: boolean, onProgress?: Progress): Promise<{ saved: number }> {
    const { albums: a } = mine();
    const r = await persisting(() => a.leave(albumId, { savePhotos, onProgress: (done, total) => report(onProgress, done, total) }));
    invalidate(albumId);
    registerScope(`album:${albumId}`, []);
    if (r.saved > 0) await library.sync().catch(() => 0);
    return r;
  },
};
