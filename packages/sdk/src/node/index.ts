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

/**
 * [Note: safe file names] A file name comes from inside a photo's encrypted metadata: whoever
 * uploaded it chose it, so on download it is made safe for the file system before use:
 * - path separators, NUL and other C0 controls, DEL, C1 controls, Unicode bidi controls and
 *   line separators become "_" (nothing leaves DIR; "gpj.exe" cannot pose as "exe.jpg");
 *   on Windows also the characters it forbids (< > : " | ? *);
 * - trailing dots and spaces are dropped (Windows drops them itself, they hide in listings);
 * - a leading dot gets a "_" before it (no hidden files, no "..");
 * - Windows device names (CON, NUL, COM1, LPT1, … with any extension) get a "_" before them;
 * - at most 255 UTF-8 bytes (the limit of ext4, APFS, and NTFS' 255 UTF-16 units), cut at a
 *   character boundary (never inside an emoji or an accented letter) keeping the extension;
 * - nothing left (empty, only dots): "photo".
 */
export const MAX_NAME_BYTES = 255;
const UNSAFE_IN_NAMES = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069/\\]/g;
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\s*\..*)?$/i;
/** An extension kept when truncating: a dot and up to 16 bytes (".jpg", ".heic", ".mp4"). */
const MAX_EXT_BYTES = 17;

const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const trimEnd = (s: string) => s.replace(/[. ]+$/, '');

/** The longest start of `s` within `max` UTF-8 bytes, cut between graphemes (else code points). */
function cutToBytes(s: string, max: number): string {
  if (utf8Bytes(s) <= max) return s;
  let out = '';
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)) {
    if (utf8Bytes(out) + utf8Bytes(segment) > max) break;
    out += segment;
  }
  if (out !== '') return out;
  // one grapheme longer than the limit (a base letter with hundreds of combining marks)
  for (const ch of s) {
    if (utf8Bytes(out) + utf8Bytes(ch) > max) break;
    out += ch;
  }
  return out;
}

/** `stem` + `ext` within `max` bytes: the stem is shortened, the extension kept when short. */
function fitName(stem: string, ext: string, max: number): string {
  if (utf8Bytes(ext) > Math.min(MAX_EXT_BYTES, max - 1)) {
    stem += ext;
    ext = '';
  }
  return cutToBytes(stem, max - utf8Bytes(ext)) + ext;
}

/** Splits "name.ext" (a leading dot does not start an extension). */
function splitExt(name: string): [stem: string, ext: string] {
  const ext = extname(name);
  return [name.slice(0, name.length - ext.length), ext];
}

/** A name from a photo's metadata, safe to create in a folder ([Note: safe file names]). */
export function safeName(name: string, opts: { windows?: boolean; maxBytes?: number } = {}): string {
  const windows = opts.windows ?? process.platform === 'win32';
  const max = opts.maxBytes ?? MAX_NAME_BYTES;
  let n = name.replace(UNSAFE_IN_NAMES, '_');
  if (windows) n = n.replace(WINDOWS_FORBIDDEN, '_');
  n = trimEnd(n);
  if (n.startsWith('.')) n = `_${n}`;
  if (WINDOWS_DEVICE.test(n)) n = `_${n}`;
  n = trimEnd(fitName(...splitExt(n), max));
  return n === '' ? 'photo' : n;
}

/** `name` with `suffix` before its extension, within `max` bytes: ("a.jpg", " (1)") → "a (1).jpg". */
function withSuffix(name: string, suffix: string, max: number): string {
  let [stem, ext] = splitExt(name);
  if (utf8Bytes(ext) > MAX_EXT_BYTES) [stem, ext] = [name, ''];
  return cutToBytes(stem, max - utf8Bytes(suffix + ext)) + suffix + ext;
}

/** A path in `dir` for `name` that does not exist yet: "name.jpg", "name (1).jpg", … each within `maxBytes`. */
async function freePath(dir: string, name: string, maxBytes = MAX_NAME_BYTES): Promise<string> {
  for (let i = 0; ; i++) {
    const p = join(dir, i === 0 ? name : withSuffix(name, ` (${i})`, maxBytes));
    if (!(await stat(p).catch(() => null))) return p;
  }
}

const PARTIAL = '.obscura-partial';
/** The names a few file systems hold (eCryptfs: 143 bytes), tried when 255 bytes are refused. */
const SHORT_NAME_BYTES = 143;

/**
 * Writes a verified original into `dir` under its own name made safe ([Note: safe file
 * names]), never overwriting, block by block; written to a temporary file and renamed only
 * once every block verified, so a refused photo leaves nothing behind. The file's mtime is
 * set to the capture time. Works for any opened photo: from my library, an album, or a
 * public link.
 */
export async function saveOriginal(
  library: Pick<Library, 'download'>, photo: PhotoKeys & { readonly metadata: { readonly name: string; readonly capturedAt: number } }, dir: string,
  opts: { onBytes?: (n: number) => void } = {},
): Promise<{ path: string; bytes: number }> {
  await mkdir(dir, { recursive: true });
  try {
    return await saveAs(library, photo, dir, MAX_NAME_BYTES, opts);
  } catch (e) {
    // the temporary name (never shorter than the final one) is refused before any byte is fetched
    if ((e as NodeJS.ErrnoException).code !== 'ENAMETOOLONG') throw e;
    return saveAs(library, photo, dir, SHORT_NAME_BYTES, opts);
  }
}

async function saveAs(
  library: Pick<Library, 'download'>, photo: PhotoKeys & { readonly metadata: { readonly name: string; readonly capturedAt: number } }, dir: string,
  maxBytes: number, opts: { onBytes?: (n: number) => void },
): Promise<{ path: string; bytes: number }> {
  const target = await freePath(dir, safeName(photo.metadata.name, { maxBytes }), maxBytes);
  const tmp = join(dir, cutToBytes(basename(target), maxBytes - utf8Bytes(PARTIAL)) + PARTIAL);
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
