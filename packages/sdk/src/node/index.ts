// @obscura/sdk/node — Node-only extras: file sources, sharp/ffmpeg thumbnails, folder
// backup with a local cache, and downloads to disk.
import { mkdir, open, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { createParallelHasher, type ParallelHasher } from '@obscura/crypto/node';
import { ApiError } from '../errors.ts';
import { Library, type ContentDigest, type PhotoKeys, type Thumbnailer, type UploadProgress, type UploadResult } from '../library.ts';
import type { AlbumEpochKey } from '@obscura/crypto';
import type { KeyPins } from '../keys.ts';
import type { Session } from '../session.ts';
import { detectKind } from '../media/index.ts';
import { openFileSource, makeThumbnails } from '../media/node.ts';

export { openFileSource, makeThumbnails, findFfmpegOnPath, type FileSource } from '../media/node.ts';

let sharedHasher: ParallelHasher | undefined;
/**
 * A Library for Node: block hashes run on a worker thread, overlapping AES-GCM on the main
 * thread (see bench/crypto.ts). The worker is shared and never keeps the process alive.
 */
export function nodeLibrary(session: Session, opts: { pins?: KeyPins } = {}): Library {
  sharedHasher ??= createParallelHasher();
  return new Library(session, { ...opts, hasher: sharedHasher });
}

/** Thumbnails with sharp (photos) and ffmpeg or a marked placeholder (videos, undecodable formats). */
export const nodeThumbnailer: Thumbnailer = (source, kind, durationMs) =>
  makeThumbnails(source, kind, durationMs !== undefined ? { durationMs } : {});

/** Uploads one file from disk. */
export async function uploadPath(library: Library, path: string, opts: { onProgress?: (p: UploadProgress) => void; digest?: ContentDigest; thumbnailer?: Thumbnailer; album?: AlbumEpochKey } = {}): Promise<UploadResult> {
  const source = await openFileSource(path);
  try {
    return await library.upload(source, {
      thumbnailer: opts.thumbnailer ?? nodeThumbnailer,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.digest ? { digest: opts.digest } : {}),
      ...(opts.album ? { album: opts.album } : {}),
    });
  } finally {
    await source.close();
  }
}

/** Every regular file below `root` (hidden entries skipped), in a stable order. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string) {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  }
  await walk(root);
  return out;
}

// ---------------------------------------------------------------- backup

/** Local cache of keyed hashes by path, size and mtime, so an unchanged file is not re-read. */
interface BackupCache {
  version: 2;
  userId: string;
  files: Record<string, { size: number; mtimeMs: number; digest: ContentDigest }>;
}

async function readCache(path: string | undefined, userId: string): Promise<BackupCache> {
  if (path) {
    try {
      const c = JSON.parse(await readFile(path, 'utf8')) as BackupCache;
      if (c.version === 2 && c.userId === userId && c.files && typeof c.files === 'object') return c;
    } catch {
      // absent or unreadable: start afresh (it is only a cache)
    }
  }
  return { version: 2, userId, files: {} };
}

async function writeAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, path);
}

export type BackupEvent =
  | { readonly type: 'scanned'; readonly files: number }
  | { readonly type: 'skipped'; readonly path: string; readonly reason: string }
  | { readonly type: 'progress'; readonly path: string; readonly progress: UploadProgress }
  | { readonly type: 'done'; readonly path: string; readonly result: UploadResult }
  | { readonly type: 'failed'; readonly path: string; readonly message: string };

export interface BackupReport {
  readonly scanned: number;
  readonly uploaded: string[];
  readonly resumed: string[];
  /** Already backed up before this run. */
  alreadyBackedUp: number;
  readonly skipped: { path: string; reason: string }[];
  readonly failed: { path: string; message: string }[];
}

export interface BackupOptions {
  /** Where the hash cache lives (e.g. $OBSCURA_HOME/backup-cache.json). */
  readonly cachePath?: string;
  readonly thumbnailer?: Thumbnailer;
  readonly onEvent?: (e: BackupEvent) => void;
}

/**
 * Incremental backup of a folder: files already in the library (same keyed content hash)
 * are skipped, an interrupted upload resumes where it stopped, a non-media file is skipped
 * with one line saying why, and one failing file never aborts the rest — except errors
 * that would fail every file (server unreachable, session ended, storage full).
 */
export async function backup(library: Library, root: string, opts: BackupOptions = {}): Promise<BackupReport> {
  const emit = opts.onEvent ?? (() => {});
  const info = await stat(root).catch(() => null);
  if (!info?.isDirectory()) throw new Error(`${root} is not a folder`);
  const files = await listFiles(root);
  emit({ type: 'scanned', files: files.length });
  const cache = await readCache(opts.cachePath, library.session.user.id);
  const report: BackupReport = { scanned: files.length, uploaded: [], resumed: [], alreadyBackedUp: 0, skipped: [], failed: [] };

  // 1. what each file is, and its keyed hash (from the cache when the file is unchanged)
  const candidates: { path: string; digest: ContentDigest }[] = [];
  for (const path of files) {
    const rel = relative(root, path).split(sep).join('/');
    try {
      const source = await openFileSource(path);
      try {
        const kind = await detectKind(source);
        if (kind.kind === 'other') {
          report.skipped.push({ path: rel, reason: kind.reason });
          emit({ type: 'skipped', path: rel, reason: kind.reason });
          continue;
        }
        const cached = cache.files[rel];
        let digest = cached && cached.size === source.size && cached.mtimeMs === source.lastModified ? cached.digest : undefined;
        if (!digest) {
          digest = await library.digestOf(source, (n) =>
            emit({ type: 'progress', path: rel, progress: { name: source.name, phase: 'hashing', bytesDone: n, bytesTotal: source.size } }));
          cache.files[rel] = { size: source.size, mtimeMs: source.lastModified, digest };
        }
        candidates.push({ path: rel, digest });
      } finally {
        await source.close();
      }
    } catch (e) {
      report.failed.push({ path: rel, message: (e as Error).message });
      emit({ type: 'failed', path: rel, message: (e as Error).message });
    }
  }
  if (opts.cachePath) await writeAtomic(opts.cachePath, JSON.stringify(cache));

  // 2. one batched question to the server: which of these do I already have? Only a copy
  // verified to hold the same content counts ([Note: verify duplicates]); a file named wrongly
  // is uploaded, and the upload reports the warning in its result.
  const present = await library.verifiedDuplicates(candidates.map((c) => ({ ...c.digest, name: c.path })));
  const seen = new Set<string>();
  for (const c of candidates) {
    const hash = c.digest.contentHash;
    if (present.complete.has(hash) || seen.has(hash)) {
      report.alreadyBackedUp++;
      continue;
    }
    seen.add(hash);
    try {
      const result = await uploadPath(library, join(root, c.path), {
        digest: c.digest,
        ...(opts.thumbnailer ? { thumbnailer: opts.thumbnailer } : {}),
        onProgress: (progress) => emit({ type: 'progress', path: c.path, progress }),
      });
      if (result.status === 'uploaded') report.uploaded.push(result.fileId);
      else if (result.status === 'resumed') report.resumed.push(result.fileId);
      else if (result.status === 'duplicate') report.alreadyBackedUp++;
      else if (result.status === 'skipped') report.skipped.push({ path: c.path, reason: result.reason });
      emit({ type: 'done', path: c.path, result });
    } catch (e) {
      if (e instanceof ApiError && (e.status === 0 || e.status === 401 || e.code === 'quota-exceeded')) throw e;
      report.failed.push({ path: c.path, message: (e as Error).message });
      emit({ type: 'failed', path: c.path, message: (e as Error).message });
    }
  }
  return report;
}

// ---------------------------------------------------------------- download

function safeName(name: string): string {
  const base = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f]/g, '_');
  return base && base !== '.' && base !== '..' ? base : 'photo';
}

async function freePath(dir: string, name: string): Promise<string> {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 0; ; i++) {
    const p = join(dir, i === 0 ? name : `${stem} (${i})${ext}`);
    if (!(await stat(p).catch(() => null))) return p;
  }
}

/**
 * Writes a verified original into `dir` under its own name (never overwriting), block by
 * block; written to a temporary file and renamed only once every block verified, so a
 * refused photo leaves nothing behind. The file's mtime is set to the capture time. Works
 * for any opened photo: from my library, an album, or a public link.
 */
export async function saveOriginal(
  library: Pick<Library, 'download'>, photo: PhotoKeys & { readonly metadata: { readonly name: string; readonly capturedAt: number } }, dir: string,
  opts: { onBytes?: (n: number) => void } = {},
): Promise<{ path: string; bytes: number }> {
  await mkdir(dir, { recursive: true });
  const target = await freePath(dir, safeName(photo.metadata.name));
  const tmp = `${target}.obscura-partial`;
  const fh = await open(tmp, 'w', 0o644);
  let bytes = 0;
  try {
    for await (const chunk of library.download(photo)) {
      await fh.write(chunk);
      bytes += chunk.length;
      opts.onBytes?.(chunk.length);
    }
    await fh.sync();
    await fh.close();
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  }
  await rename(tmp, target);
  const t = new Date(photo.metadata.capturedAt);
  await utimes(target, t, t).catch(() => {});
  return { path: target, bytes };
}

/** Downloads a photo of my library into `dir` (see saveOriginal). */
export async function downloadToDir(library: Library, fileId: string, dir: string, opts: { onBytes?: (n: number) => void } = {}): Promise<{ path: string; bytes: number }> {
  return saveOriginal(library, await library.open(fileId), dir, opts);
}
