// Uploads: each file is read from the page's File (streamed, 4 MiB blocks), sniffed, hashed with
// this account's keyed hash, checked against the library, thumbnailed, encrypted and sent here,
// through the SDK. The page keeps the queue and its order; this module does the work for one file
// at a time per call, reports progress through the page's callback, and keeps the queue in
// IndexedDB so a reload can tell what did not finish.
import {
  AlbumTrustError, ApiError, UsageError, blobSource, detectKind, makeBrowserThumbnails,
  type ContentDigest, type Library, type Thumbnailer, type UploadProgress, type UploadResult,
} from '@obscura/sdk';
import { AppError } from '../shared/rpc.ts';
import { formatBytes } from '../ui/format.ts';
import {
  REASON_DUPLICATE, type AlbumTargetInfo, type InterruptedUpload, type QueueEntry, type UploadEvent, type UploadOutcome, type WorkPhase,
} from '../features/upload/model.ts';
import { photos } from './photos.ts';
import { state } from './state.ts';
import { sealGet, sealPut } from './vault.ts';

/** Blocks of one file in flight at once (memory ≈ 3 × 4 MiB per file; the page runs 2 files). */
const BLOCK_CONCURRENCY = 3;
const PROGRESS_EVERY_MS = 120;
const SYNC_AFTER_MS = 400;

// ---------------------------------------------------------------- the queue on disk

// [Note: uploads survive a reload] the queue's entries (name, size, modification time, target
// album, status, and the id of the pending file once the server holds one) are kept in
// IndexedDB, sealed under the device key like the timeline (file names are private; see
// [Note: what the browser keeps]), until each file is done, skipped or cancelled. A File object
// cannot be kept (the browser forgets the person's permission to read it), so after a reload the
// page lists what did not finish and asks for those files again; picking the same files resumes
// them through the SDK's pending-upload resume, which checks every block against the signed
// manifest of the interrupted upload. Every tab's worker holds a Web Lock named after its tab
// while it lives, so entries of a tab still open are not mistaken for interrupted ones, and
// read-modify-writes of the shared record take a second lock.

interface SavedEntry extends QueueEntry {
  status: 'queued' | 'working' | 'failed';
  error?: string;
  /** The pending file the server holds for this entry (to discard it, or to tell it completed). */
  fileId?: string;
  readonly tab: string;
  readonly userId: string;
}
interface SavedQueue { readonly v: 1; readonly entries: SavedEntry[] }

const TAB = crypto.randomUUID();
const STORE_LOCK = 'obscura-uploads-store';
const tabLock = (tab: string) => `obscura-uploads-tab:${tab}`;
const storeKey = (userId: string) => `uploads:${userId}`;
const locks: LockManager | undefined = typeof navigator !== 'undefined' ? navigator.locks : undefined;
// Held until this worker ends (the tab closes or reloads); never released on purpose.
void locks?.request(tabLock(TAB), () => new Promise<never>(() => undefined)).catch(() => undefined);

/** This tab's entries. */
const mine = new Map<string, SavedEntry>();
/** Entries of ended tabs to delete at the next write (dismissed, or taken over by a resumed file). */
const dropped = new Map<string, string>(); // id → userId
/** This tab's entries handed over as interrupted (the page left them: logout, session ended); written once. */
const handedOver: SavedEntry[] = [];
/** The abort reason of uploads stopped by `abandon` (kept for a resume, not discarded). */
const ABANDONED = 'abandoned';

const withStoreLock = async (fn: () => Promise<void>): Promise<void> => { await (locks ? locks.request(STORE_LOCK, fn) : fn()); };

async function readSaved(userId: string): Promise<SavedEntry[]> {
  const saved = await sealGet<SavedQueue>(storeKey(userId));
  return saved?.v === 1 && Array.isArray(saved.entries) ? saved.entries : [];
}

let writing: Promise<void> = Promise.resolve();
let writeTimer: ReturnType<typeof setTimeout> | undefined;

/** Writes this tab's entries (replacing its earlier ones) and drops the entries named in `dropped`. */
function writeNow(): Promise<void> {
  if (writeTimer) { clearTimeout(writeTimer); writeTimer = undefined; }
  writing = writing.then(async () => {
    const handed = handedOver.splice(0);
    const users = new Set([...[...mine.values(), ...handed].map((e) => e.userId), ...dropped.values(), ...(state.maybe ? [state.maybe.session.user.id] : [])]);
    const drop = new Set(dropped.keys());
    for (const userId of users) {
      await withStoreLock(async () => {
        const others = (await readSaved(userId)).filter((e) => e.tab !== TAB && !drop.has(e.id));
        const ours = [...mine.values(), ...handed].filter((e) => e.userId === userId);
        await sealPut(storeKey(userId), { v: 1, entries: [...others, ...ours] } satisfies SavedQueue);
      });
    }
    for (const id of drop) dropped.delete(id);
  }).catch((e: unknown) => {
    state.emit({ type: 'notice', text: `could not save the upload queue in this browser (a reload would not show what is left): ${(e as Error).message}` });
  });
  return writing;
}

function writeSoon(): void {
  writeTimer ??= setTimeout(() => { writeTimer = undefined; void writeNow(); }, 100);
}

function setEntry(id: string, patch: Partial<Pick<SavedEntry, 'status' | 'error' | 'fileId'>>): void {
  const e = mine.get(id);
  if (!e) return;
  mine.set(id, { ...e, ...patch });
  writeSoon();
}

function forgetEntry(id: string): void {
  if (mine.delete(id)) writeSoon();
}

async function liveTabs(): Promise<Set<string>> {
  if (!locks) return new Set([TAB]);
  const q = await locks.query();
  return new Set((q.held ?? []).map((l) => l.name ?? '').filter((n) => n.startsWith(tabLock(''))).map((n) => n.slice(tabLock('').length)));
}

/**
 * [Note: a reloaded tab's lock] After a reload the previous load's worker may still hold its
 * tab lock for a moment (a worker ends asynchronously), so its entries would look like another
 * open tab's. For a tab that still looks live, wait a few seconds to take its lock: taken, that
 * tab has ended and its entries are interrupted; not taken, it is a real open tab.
 */
async function endedSoon(tab: string): Promise<boolean> {
  if (!locks) return false;
  try {
    return await locks.request(tabLock(tab), { signal: AbortSignal.timeout(TAB_END_WAIT_MS) }, async () => true);
  } catch {
    return false;
  }
}
const TAB_END_WAIT_MS = 5000;

/** Entries of ended tabs (earlier loads of the page) for the logged-in person. */
async function interruptedEntries(): Promise<SavedEntry[]> {
  const { session } = state.need;
  const live = await liveTabs();
  const saved = (await readSaved(session.user.id)).filter((e) => e.tab !== TAB && !dropped.has(e.id));
  for (const tab of new Set(saved.map((e) => e.tab))) if (live.has(tab) && (await endedSoon(tab))) live.delete(tab);
  return saved.filter((e) => !live.has(e.tab));
}

// ---------------------------------------------------------------- talking to the page

let listener: ((e: UploadEvent) => void) | undefined;
let posterOf: ((id: string) => Promise<Blob | undefined>) | undefined;
const running = new Map<string, AbortController>();
/** Target and keyed hash → the file of this tab being uploaded with that content (twins in one upload). */
const inFlightContent = new Map<string, { id: string; name: string }>();
const forgetContent = (id: string) => { for (const [k, v] of inFlightContent) if (v.id === id) inFlightContent.delete(k); };

function reporter(id: string, total: number) {
  let last = 0;
  let lastPhase: WorkPhase | undefined;
  return (phase: WorkPhase, done: number, force = false) => {
    const now = performance.now();
    if (!force && phase === lastPhase && done < total && now - last < PROGRESS_EVERY_MS) return;
    last = now;
    lastPhase = phase;
    const l = listener;
    if (l) void Promise.resolve(l({ type: 'progress', id, phase, bytesDone: done, bytesTotal: total })).catch(() => undefined);
  };
}

// ---------------------------------------------------------------- after uploads

let syncTimer: ReturnType<typeof setTimeout> | undefined;
/** Pulls the timeline once uploads pause for a moment, then tells every screen that the library changed. */
function librarySoon(): void {
  if (syncTimer) clearTimeout(syncTimer);
  syncTimer = setTimeout(() => {
    syncTimer = undefined;
    // photos.sync emits 'library-changed' when the timeline moved; an album upload does not move
    // it (the photo lives in the album), so the album page is told here.
    void photos.sync().then((n) => { if (n === 0) state.emit({ type: 'library-changed' }); }, () => state.emit({ type: 'library-changed' }));
  }, SYNC_AFTER_MS);
}

// ---------------------------------------------------------------- errors in words

const UNIT_BYTES: Record<string, number> = { byte: 1, bytes: 1, B: 1, KiB: 1024, KB: 1024, MiB: 1024 ** 2, MB: 1024 ** 2, GiB: 1024 ** 3, GB: 1024 ** 3, TiB: 1024 ** 4, TB: 1024 ** 4 };
/** "543 KiB" (the server's words) in this app's units ("543 KB"), so one sentence does not mix them. */
function sizeIn(words: string | undefined): string | undefined {
  const m = /^([\d.]+) ?([A-Za-z]+)$/.exec(words?.trim() ?? '');
  const unit = m ? UNIT_BYTES[m[2]!] : undefined;
  return m && unit ? formatBytes(Math.round(Number(m[1]) * unit)) : words;
}

async function explain(e: unknown, entry: SavedEntry, library: Library): Promise<unknown> {
  if (e instanceof ApiError && e.code === 'quota-exceeded') {
    // into an album: the server's sentence names the album owner, whose storage is full
    if (entry.albumId) return e;
    const needs = sizeIn(/this file needs (.+)$/.exec(e.message)?.[1]);
    let left: string | undefined;
    try {
      const m = await library.session.me();
      left = formatBytes(Math.max(0, m.storage.quotaBytes - m.storage.usedBytes));
    } catch { /* the server's own sentence is kept below */ }
    return new AppError({
      kind: 'api', status: e.status, code: e.code,
      message: left
        ? `not enough storage: ${left} left${needs ? `, ${entry.name} needs ${needs}` : ''}. Free some space (empty the trash) or ask whoever runs the server for more`
        : e.message,
    });
  }
  // [Note: album may close] the owner may change my role or remove me while I upload into an album
  const albumRefusal = entry.albumId && (
    e instanceof UsageError || e instanceof AlbumTrustError
    || (e instanceof ApiError && (e.status === 403 || (e.status === 404 && /album/i.test(e.message)) || e.code === 'rotation-required' || e.code === 'setup-required'))
  );
  if (albumRefusal) {
    return new AppError({
      kind: 'usage', code: 'album-closed', ...(e instanceof ApiError ? { status: e.status } : {}),
      message: `you can no longer add photos to “${entry.albumName ?? 'this album'}”: ${(e as Error).message}`,
    });
  }
  return e;
}

const isAbort = (e: unknown, signal: AbortSignal) => signal.aborted || (e instanceof DOMException && e.name === 'AbortError');

/**
 * Discards what the server holds of an unfinished upload (refunding its storage): a pending
 * file in my library is deleted, one in an album is removed from it. 'complete' when it finished
 * after all (then it is kept), 'gone' when the server no longer has it.
 */
async function discardPending(entry: Pick<SavedEntry, 'fileId' | 'albumId'>): Promise<'discarded' | 'complete' | 'gone'> {
  const { session, library, albums } = state.need;
  const fileId = entry.fileId;
  if (!fileId) return 'gone';
  let status: string;
  try {
    status = (await session.api.call('uploadStatus', { params: { fileId } })).status;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return 'gone';
    throw e;
  }
  if (status !== 'pending') return 'complete';
  if (entry.albumId) await albums.removePhotos(entry.albumId, [fileId]);
  else await library.deleteForever([fileId]);
  return 'discarded';
}

// ---------------------------------------------------------------- one file

async function uploadOne(entry: SavedEntry, file: Blob, signal: AbortSignal): Promise<UploadOutcome> {
  const { library, albums } = state.need;
  const report = reporter(entry.id, file.size);
  const source = blobSource(file, entry.name, entry.lastModified);

  const kind = await detectKind(source);
  if (kind.kind === 'other') return { status: 'skipped', kind: 'not-media', reason: kind.reason };

  report('hashing', 0, true);
  const digest: ContentDigest = await library.digestOf(source, (n) => report('hashing', n), signal);
  report('checking', 0, true);
  const contentKey = `${entry.albumId ?? ''}|${digest.contentHash}`;
  const twin = inFlightContent.get(contentKey);
  if (twin && twin.id !== entry.id) return { status: 'skipped', kind: 'twin', reason: `the same file as ${twin.name}, being uploaded now` };
  inFlightContent.set(contentKey, { id: entry.id, name: entry.relativePath ?? entry.name });

  const thumbnailer: Thumbnailer = async (src, k, durationMs) => {
    // A frame grabbed on the page (no <video> in a worker), else the SDK's marked placeholder.
    // See [Note: video posters].
    let poster: Blob | undefined;
    if (k.kind === 'video' && posterOf) poster = await posterOf(entry.id).catch(() => undefined);
    return makeBrowserThumbnails(src, k, file, { ...(durationMs !== undefined ? { durationMs } : {}), ...(poster ? { poster } : {}) });
  };
  const opts = {
    digest, thumbnailer, signal, concurrency: BLOCK_CONCURRENCY,
    onProgress: (p: UploadProgress) => { if (p.phase !== 'done' && p.phase !== 'hashing') report(p.phase, p.bytesDone); },
    onCreated: (fileId: string) => {
      setEntry(entry.id, { fileId });
      // recorded before the page hears of it, so a reload from "Uploading" on can discard or resume it;
      // the first block's own progress comes once it is stored
      void writeNow().then(() => report('uploading', 0, true));
    },
  };

  let result: UploadResult;
  if (entry.albumId) {
    // An album upload is never resumed by the SDK ([Note: dedupe is per library]): a pending file
    // left by an earlier try is either finished after all, or discarded before starting afresh.
    if (entry.fileId) {
      const earlier = await discardPending(entry);
      if (earlier === 'complete') return { status: 'resumed', fileId: entry.fileId };
      setEntry(entry.id, { fileId: undefined });
    }
    result = await albums.upload(entry.albumId, source, opts);
    if (result.status === 'duplicate') return { status: 'added', fileId: result.fileId };
  } else {
    // The SDK looks the keyed hash up first ([Note: verify duplicates]): a file verifiably in my
    // library is reported before a byte is sent, an interrupted upload of it is resumed.
    result = await library.upload(source, opts);
    if (result.status === 'duplicate') return { status: 'skipped', kind: 'duplicate', reason: REASON_DUPLICATE };
  }
  if (result.status === 'skipped') return { status: 'skipped', kind: 'not-media', reason: result.reason };
  report('uploading', file.size, true);
  return {
    status: result.status === 'resumed' ? 'resumed' : 'uploaded', fileId: result.fileId,
    ...(result.warnings?.length ? { warnings: result.warnings.map((w) => w.message) } : {}),
  };
}

// ---------------------------------------------------------------- the module

export const uploads = {
  /**
   * Where progress goes (`onEvent`) and where video posters come from (`poster(id)`: a JPEG
   * frame grabbed on the page, or undefined). Both are Comlink proxies; the latest call wins.
   */
  async subscribe(onEvent: (e: UploadEvent) => void, poster: (id: string) => Promise<Blob | undefined>): Promise<void> {
    listener = onEvent;
    posterOf = poster;
  },

  /** Records files about to be uploaded (written before this returns). */
  async enqueue(entries: QueueEntry[]): Promise<void> {
    const userId = state.need.session.user.id;
    const earlier = entries.some((e) => e.resumes) ? await readSaved(userId) : [];
    for (const e of entries) {
      // A resumed file takes over its interrupted entry (and the pending file it left).
      const before = e.resumes ? earlier.find((x) => x.id === e.resumes) : undefined;
      if (e.resumes) dropped.set(e.resumes, userId);
      mine.set(e.id, {
        ...e, status: 'queued', tab: TAB, userId,
        ...(before?.fileId && before.albumId === e.albumId ? { fileId: before.fileId } : {}),
      });
    }
    await writeNow();
  },

  /** Uploads one enqueued file; resolves with how it ended, or throws an AppError in words. */
  async upload(id: string, file: Blob): Promise<UploadOutcome> {
    const entry = mine.get(id);
    if (!entry) throw new AppError({ kind: 'usage', message: 'this upload is no longer in the queue; add the file again' });
    if (entry.userId !== state.need.session.user.id) throw new AppError({ kind: 'usage', message: 'this upload belongs to someone who logged out; add the file again' });
    if (running.has(id)) throw new AppError({ kind: 'usage', message: `${entry.name} is already being uploaded` });
    const ctl = new AbortController();
    running.set(id, ctl);
    setEntry(id, { status: 'working', error: undefined });
    const library = state.need.library;
    try {
      const outcome = await uploadOne(entry, file, ctl.signal);
      forgetEntry(id);
      if (outcome.status === 'uploaded' || outcome.status === 'resumed' || outcome.status === 'added') librarySoon();
      return outcome;
    } catch (e) {
      const current = mine.get(id) ?? entry;
      if (ctl.signal.reason === ABANDONED) return { status: 'cancelled', released: false };
      if (isAbort(e, ctl.signal)) {
        // The SDK let the blocks in flight finish, so what the server holds can be discarded now
        // without racing them. See [Note: cancelling an upload] (packages/sdk/src/library.ts).
        let released = !current.fileId;
        if (current.fileId) released = (await discardPending(current).catch(() => 'failed' as const)) !== 'failed';
        forgetEntry(id);
        return { status: 'cancelled', released };
      }
      const why = await explain(e, current, library);
      // A pending file in my library is kept for a retry (the SDK resumes it); one in an album is
      // not resumable, so it is discarded now when possible (else at the retry, or by the server
      // after an hour without progress).
      if (current.albumId && current.fileId) {
        const r = await discardPending(current).catch(() => 'failed' as const);
        if (r === 'discarded' || r === 'gone') setEntry(id, { fileId: undefined });
      }
      setEntry(id, { status: 'failed', error: (why as Error).message });
      throw why;
    } finally {
      running.delete(id);
      forgetContent(id);
    }
  },

  /** Stops a running file (resolves its upload() as cancelled), or forgets a queued/failed one. */
  async cancel(id: string): Promise<void> {
    const ctl = running.get(id);
    if (ctl) { ctl.abort(); return; }
    const entry = mine.get(id);
    if (!entry) return;
    if (entry.fileId) await discardPending(entry).catch(() => undefined);
    forgetEntry(id);
    await writeNow();
  },

  /**
   * The page is leaving its queue (logout, or the session ended): running uploads stop where they
   * are, and every entry not finished is kept as interrupted, for the next login to list.
   */
  async abandon(): Promise<void> {
    const left = [...mine.values()];
    mine.clear();
    for (const ctl of running.values()) ctl.abort(ABANDONED);
    // After a logout the device key is gone with everything sealed under it: nothing is kept then.
    if (!state.maybe) return;
    handedOver.push(...left.map((e) => ({ ...e, tab: `ended:${TAB}` })));
    await writeNow();
  },

  /** What would happen to files dropped on an album's page. */
  async albumTarget(albumId: string): Promise<AlbumTargetInfo> {
    const v = await state.need.albums.get(albumId);
    const name = v.name ?? 'this album';
    const why = v.trust !== 'verified'
      ? (v.problem ?? 'this album is waiting for its owner\'s one-time setup; nothing can be added yet')
      : v.kind !== 'album' ? 'this is a single shared photo, not an album'
        : v.myRole === 'viewer' ? 'viewers cannot add photos to this album'
          : v.rotationNeeded && v.myRole !== 'owner' ? "someone left this album: its owner's app must renew the album key before photos can be added"
            : undefined;
    return { albumId, name, canAdd: why === undefined, ...(why ? { why } : {}) };
  },

  /** Uploads of earlier page loads that did not finish (this person's). */
  async interrupted(): Promise<InterruptedUpload[]> {
    return (await interruptedEntries()).map((e) => ({
      id: e.id, name: e.name, size: e.size, lastModified: e.lastModified, status: e.status,
      ...(e.relativePath ? { relativePath: e.relativePath } : {}),
      ...(e.albumId ? { albumId: e.albumId, ...(e.albumName ? { albumName: e.albumName } : {}) } : {}),
      ...(e.error ? { error: e.error } : {}),
    }));
  },

  /**
   * Forgets interrupted uploads (all, or these ids) and discards what the server holds of them.
   * Returns how many pending files were discarded, and how many could not be (freed by the server
   * within the hour).
   */
  async dismiss(ids?: string[]): Promise<{ discarded: number; failed: number }> {
    const userId = state.need.session.user.id;
    const chosen = (await interruptedEntries()).filter((e) => !ids || ids.includes(e.id));
    let discarded = 0;
    let failed = 0;
    for (const e of chosen) {
      if (e.fileId) {
        const r = await discardPending(e).catch(() => 'failed' as const);
        if (r === 'discarded') discarded++;
        if (r === 'failed') failed++;
      }
      dropped.set(e.id, userId);
    }
    await writeNow();
    if (discarded > 0) librarySoon();
    return { discarded, failed };
  },
};
