// Public links, both sides.
// - Owner: the links of an album or a photo (SDK `Links` of the logged-in person): list, create,
//   change settings, destroy. The URL with its #secret is returned: the owner copies it.
// - Visitor (no account): opens `BASE/s/LINK_ID#SECRET` with the SDK's `openLink`, registers the
//   photos under the scope `link:<linkId>` for the grid and viewer (media.ts), and streams the
//   album into a zip. [Note: visitors are visitors] this side never touches `state`: a person
//   who is also logged in in this browser opens the link exactly as anyone else would.
import { ApiClient, ApiError, IntegrityError, UsageError, openLink, parseLinkUrl, type LinkPhoto, type LinkView, type OpenedLink } from '@obscura/sdk';
import { CryptoError } from '@obscura/crypto';
import { makeZip } from 'client-zip';
import type { PhotoDetails, PhotoItem } from '../shared/types.ts';
import { AppError } from '../shared/rpc.ts';
import { classifyLinkFailure, zipEntryNames, zipFileName, type LinkRefusal } from '../features/links/logic.ts';
import { registerScope, type PhotoHandle } from './media.ts';
import { state } from './state.ts';

// ---------------------------------------------------------------- owner

/**
 * A link's target. A photo seen in an album names that album (`albumId`): the SDK opens it
 * through the album, since it may not be in my library (uploaded straight into the album).
 */
export type LinkTarget =
  | { readonly kind: 'album'; readonly albumId: string }
  | { readonly kind: 'file'; readonly fileId: string; readonly albumId?: string };

/** A link as its owner sees it (page-safe: the URL is the owner's to copy). */
export interface OwnedLink {
  readonly linkId: string;
  readonly url: string;
  readonly hasPassword: boolean;
  /** ISO instant after which the link stops answering; null: never. */
  readonly expiresAt: string | null;
  readonly allowDownload: boolean;
  readonly createdAt: string;
  /** How many times visitors opened it. */
  readonly accessCount: number;
}

export interface NewLinkSettings {
  readonly expiresAt: string | null;
  /** Absent or empty: no password. */
  readonly password?: string;
  readonly allowDownload: boolean;
}

export interface LinkChange {
  readonly expiresAt?: string | null;
  /** A new password; null removes it; absent keeps it. */
  readonly password?: string | null;
  readonly allowDownload?: boolean;
}

const owned = (v: LinkView): OwnedLink => ({
  linkId: v.linkId, url: v.url, hasPassword: v.hasPassword, expiresAt: v.expiresAt, allowDownload: v.allowDownload,
  createdAt: v.createdAt, accessCount: v.accessCount,
});

const instant = (iso: string | null): Date | null => {
  if (iso === null) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new AppError({ kind: 'usage', message: `"${iso}" is not a date` });
  return d;
};

// A photo's links are all the links to it, whatever holds it (my library or a one-photo share).
const isTarget = (v: LinkView, t: LinkTarget) =>
  t.kind === 'album' ? v.target.kind === 'album' && v.target.albumId === t.albumId : v.target.kind === 'file' && v.target.fileId === t.fileId;

// ---------------------------------------------------------------- visitor

/** What opening a link gives the page. */
export type LinkOpening =
  | {
    readonly status: 'open';
    readonly linkId: string;
    readonly kind: 'file' | 'album';
    readonly albumName?: string;
    readonly allowDownload: boolean;
    readonly expiresAt: string | null;
    /** Newest first; photos that failed verification are listed with `problem`, never shown. */
    readonly items: PhotoItem[];
    readonly totalBytes: number;
  }
  /** The link has a password: ask for it (`wrong`: the one given was refused). */
  | { readonly status: 'password'; readonly linkId: string; readonly wrong: boolean }
  | { readonly status: 'refused'; readonly refusal: LinkRefusal };

/** The links opened in this tab, by link id. */
const visits = new Map<string, OpenedLink>();

function itemOf(p: LinkPhoto): PhotoItem {
  const m = p.metadata;
  return {
    fileId: p.fileId, name: m.name, kind: m.mimeType.startsWith('video/') ? 'video' : 'photo', capturedAt: m.capturedAt, size: m.size,
    uploader: { id: p.uploader.id, displayName: p.uploader.displayName },
    ...(m.width !== undefined ? { width: m.width } : {}), ...(m.height !== undefined ? { height: m.height } : {}),
    ...(m.durationMs !== undefined ? { durationMs: m.durationMs } : {}),
  };
}

function handleOf(opened: OpenedLink, p: LinkPhoto): PhotoHandle {
  const item = itemOf(p);
  const m = p.metadata;
  return {
    item,
    mimeType: m.mimeType,
    thumbnail: (size) => opened.thumbnail(p, size),
    async details(): Promise<PhotoDetails> {
      return {
        ...item, mimeType: m.mimeType, captureSource: m.captureSource,
        ...(m.cameraMake ? { cameraMake: m.cameraMake } : {}), ...(m.cameraModel ? { cameraModel: m.cameraModel } : {}),
        ...(m.gps ? { gps: m.gps } : {}),
        // openLink verified the uploader's signature on the manifest and the metadata against it.
        signatureVerified: true,
      };
    },
    // Only when the link allows it (the server refuses the blocks otherwise too).
    ...(opened.allowDownload ? { download: () => opened.download(p) } : {}),
  };
}

function refusedHandle(fileId: string, problem: string): PhotoHandle {
  const item: PhotoItem = { fileId, name: '(refused)', kind: 'photo', capturedAt: 0, size: 0, uploader: { id: '', displayName: '' }, problem };
  const refuse = () => Promise.reject(new AppError({ kind: 'integrity', message: problem }));
  return { item, thumbnail: refuse, details: refuse };
}

function opening(linkId: string, opened: OpenedLink): LinkOpening {
  const handles = [...opened.photos.map((p) => handleOf(opened, p)), ...opened.refused.map((r) => refusedHandle(r.fileId, r.problem))];
  registerScope(`link:${linkId}`, handles);
  visits.set(linkId, opened);
  return {
    status: 'open', linkId, kind: opened.kind, ...(opened.albumName !== undefined ? { albumName: opened.albumName } : {}),
    allowDownload: opened.allowDownload, expiresAt: opened.expiresAt, items: handles.map((h) => h.item),
    totalBytes: opened.photos.reduce((n, p) => n + p.metadata.size, 0),
  };
}

// ---------------------------------------------------------------- download all (zip)

interface ZipJob {
  readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly progress: { bytesDone: number; filesDone: number };
}
const jobs = new Map<string, ZipJob>();
/** Bytes handed to the page per read: few round trips, little memory. */
const ZIP_SLICE = 2 * 1024 * 1024;

function integrityWords(e: unknown, name: string): unknown {
  if (e instanceof IntegrityError) return new AppError({ kind: 'integrity', message: `${name} failed verification; the download stopped: ${e.reason}` });
  return e;
}

export interface ZipProgress {
  /** The next part of the archive (absent once done). */
  readonly chunk?: Blob;
  readonly done: boolean;
  /** Bytes of originals written so far, of `totalBytes` from zipStart. */
  readonly bytesDone: number;
  readonly filesDone: number;
}

export const links = {
  // ------------------------------------------------ owner

  /** My links to this album or photo, newest first. */
  async list(target: LinkTarget): Promise<OwnedLink[]> {
    const all = await state.need.links.list();
    return all.filter((v) => isTarget(v, target)).map(owned).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  },

  async create(target: LinkTarget, settings: NewLinkSettings): Promise<OwnedLink> {
    const password = settings.password ? settings.password : undefined;
    const v = await state.need.links.create(
      target.kind === 'album' ? { kind: 'album', albumId: target.albumId }
        : { kind: 'file', fileId: target.fileId, ...(target.albumId !== undefined ? { albumId: target.albumId } : {}) }, {
        expiresAt: instant(settings.expiresAt), allowDownload: settings.allowDownload, ...(password !== undefined ? { password } : {}),
      });
    // A new one-photo share may hold the photo now (it shows in Shared).
    if (target.kind === 'file' && target.albumId !== undefined) await state.persist();
    return owned(v);
  },

  async update(linkId: string, change: LinkChange): Promise<OwnedLink> {
    if (typeof change.password === 'string' && change.password.length === 0) {
      throw new AppError({ kind: 'usage', message: 'type a password, or choose "Remove password"' });
    }
    const v = await state.need.links.update(linkId, {
      ...(change.expiresAt !== undefined ? { expiresAt: instant(change.expiresAt) } : {}),
      ...(change.allowDownload !== undefined ? { allowDownload: change.allowDownload } : {}),
      ...(change.password !== undefined ? { password: change.password } : {}),
    });
    return owned(v);
  },

  /** Destroys the link at once: visitors see "This link no longer exists". */
  async destroy(linkId: string): Promise<void> {
    await state.need.links.delete(linkId);
  },

  // ------------------------------------------------ visitor

  /**
   * Opens the link at `url` (the page's full address: the secret is in its fragment, and only
   * a proof derived from it ever reaches the server). Refusals come back as a status with their
   * reason, not as errors: each has its own words on the page.
   */
  async open(url: string, password?: string): Promise<LinkOpening> {
    let linkId: string;
    try {
      const parsed = parseLinkUrl(url);
      linkId = parsed.linkId;
      if (parsed.server !== self.location.origin) throw new AppError({ kind: 'usage', message: 'this page opens only links of its own server' });
    } catch (e) {
      if (e instanceof UsageError) return { status: 'refused', refusal: { reason: 'malformed' } };
      throw e;
    }
    // A password is asked for only when the link has one.
    const hasPassword = password !== undefined;
    try {
      if (password === undefined) {
        // Ask first whether a password is needed, so the page can ask for it (openLink would only refuse).
        const params = await new ApiClient({ baseUrl: self.location.origin }).call('linkParams', { params: { linkId } });
        if (params.hasPassword) return { status: 'password', linkId, wrong: false };
      }
      const opened = await openLink(url, password === undefined ? {} : { password });
      return opening(linkId, opened);
    } catch (e) {
      if (e instanceof CryptoError && e.code === 'malformed') return { status: 'refused', refusal: { reason: 'malformed' } };
      // The owner added a password between the two requests.
      if (e instanceof UsageError && /password/.test(e.message)) return { status: 'password', linkId, wrong: false };
      if (e instanceof ApiError && e.code !== 'network') {
        const refusal = classifyLinkFailure(e, hasPassword);
        if (refusal?.reason === 'wrong-password') return { status: 'password', linkId, wrong: true };
        if (refusal) return { status: 'refused', refusal };
      }
      throw e;
    }
  },

  /**
   * Starts a zip of all the link's photos. [Note: streamed zip] The archive is
   * made here as the page reads it (`zipRead`): each original is fetched block by block,
   * verified, decrypted and written into the zip (STORE: photos are compressed already) before
   * the next block is asked for, so the worker holds about one block plus one slice at a time.
   */
  async zipStart(linkId: string): Promise<{ jobId: string; fileName: string; files: number; totalBytes: number }> {
    const visit = visits.get(linkId);
    if (!visit) throw new AppError({ kind: 'usage', message: 'this link is not open any more; reload the page' });
    const opened: OpenedLink = visit;
    if (!opened.allowDownload) throw new AppError({ kind: 'usage', message: 'downloads are turned off for this link; previews only' });
    const photos = opened.photos;
    if (photos.length === 0) throw new AppError({ kind: 'usage', message: 'there are no photos to download' });
    const names = zipEntryNames(photos.map((p) => p.metadata.name));
    const jobId = crypto.randomUUID();
    const progress = { bytesDone: 0, filesDone: 0 };
    async function* counted(p: LinkPhoto, name: string): AsyncGenerator<Uint8Array> {
      try {
        for await (const chunk of opened.download(p)) {
          progress.bytesDone += chunk.length;
          yield chunk;
        }
      } catch (e) {
        throw integrityWords(e, name);
      }
      progress.filesDone++;
    }
    async function* entries() {
      for (let i = 0; i < photos.length; i++) {
        const p = photos[i]!;
        yield { name: names[i]!, lastModified: new Date(p.metadata.capturedAt > 0 ? p.metadata.capturedAt : Date.now()), input: counted(p, names[i]!) };
      }
    }
    jobs.set(jobId, { reader: makeZip(entries()).getReader(), progress });
    return { jobId, fileName: zipFileName(opened.albumName), files: photos.length, totalBytes: photos.reduce((n, p) => n + p.metadata.size, 0) };
  },

  /** The next slice of the archive, as a Blob (bytes never cross to the page raw). */
  async zipRead(jobId: string): Promise<ZipProgress> {
    const job = jobs.get(jobId);
    if (!job) throw new AppError({ kind: 'cancelled', message: 'this download was stopped' });
    const parts: Uint8Array[] = [];
    let size = 0;
    let done = false;
    try {
      while (size < ZIP_SLICE) {
        const r = await job.reader.read();
        if (r.done) { done = true; break; }
        parts.push(r.value);
        size += r.value.length;
      }
    } catch (e) {
      jobs.delete(jobId);
      throw e;
    }
    if (done) jobs.delete(jobId);
    return {
      ...(parts.length > 0 ? { chunk: new Blob(parts as BlobPart[], { type: 'application/zip' }) } : {}),
      done, bytesDone: job.progress.bytesDone, filesDone: job.progress.filesDone,
    };
  },

  async zipCancel(jobId: string): Promise<void> {
    const job = jobs.get(jobId);
    jobs.delete(jobId);
    await job?.reader.cancel().catch(() => undefined);
  },
};
