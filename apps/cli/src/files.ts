// Local files: expanding PATH arguments, uploading with progress, saving originals to disk.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, utimes } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { ApiError, IntegrityError, type Library, type PhotoKeys, type UploadProgress, type UploadResult } from '@obscura/sdk';
import { listFiles, safeName, saveOriginal as sdkSaveOriginal } from '@obscura/sdk/node';
import { describeError } from './client.ts';
import type { CliContext } from './context.ts';
import { CliError } from './errors.ts';
import { createProgress, type Progress } from './progress.ts';
import { printJson } from './output.ts';
import { safe } from './terminal-text.ts';

/** Every file named, folders expanded (hidden entries skipped), in a stable order. */
export async function expandPaths(ctx: CliContext, paths: readonly string[]): Promise<{ path: string; size: number }[]> {
  const out: { path: string; size: number }[] = [];
  for (const p of paths) {
    const abs = resolve(ctx.cwd, p);
    const st = await stat(abs).catch(() => null);
    if (!st) throw new CliError(`${p}: no such file or folder`);
    const files = st.isDirectory() ? await listFiles(abs) : [abs];
    for (const f of files) {
      if (out.some((o) => o.path === f)) continue;
      out.push({ path: f, size: st.isDirectory() ? (await stat(f)).size : st.size });
    }
  }
  return out;
}

/**
 * Feeds a progress reporter from the SDK's per-phase upload progress: only the bytes
 * actually sent (phase "uploading") count; a duplicate or skipped file counts as done.
 */
export function uploadProgressFeeder(progress: Progress, size: number) {
  let counted = 0;
  return {
    onProgress(p: UploadProgress) {
      if (p.phase === 'uploading' && p.bytesDone > counted) {
        progress.addBytes(p.bytesDone - counted);
        counted = p.bytesDone;
      }
    },
    finish() {
      if (size > counted) progress.addBytes(size - counted);
      counted = size;
      progress.fileDone();
    },
  };
}

export function describeUpload(r: UploadResult, shown: string): string {
  if (r.status === 'skipped') return `skipped ${shown}: ${r.reason}`;
  const note = r.status === 'duplicate' ? '  (already uploaded)' : r.status === 'resumed' ? '  (resumed)' : '';
  return `${r.fileId}  ${shown}${note}`;
}

/** Writes a verified original into `dir` (the SDK's saveOriginal) with byte progress. */
export function saveOriginal(
  library: Library, photo: PhotoKeys, meta: { name: string; capturedAt: number }, dir: string, onBytes: (n: number) => void,
): Promise<{ path: string; bytes: number }> {
  return sdkSaveOriginal(library, { ...photo, metadata: meta }, dir, { onBytes });
}

/** Exit code of a batch download where some photos were saved and some were not. */
export const EXIT_PARTIAL = 3;

/** One photo of a batch download. */
export interface SaveJob {
  readonly id: string;
  /** Its file name when known before saving (for the failure line). */
  readonly name?: string;
  /** Bytes of the original, for progress (0 when unknown). */
  readonly size: number;
  /** Saves it (see saveOriginal); throws when it cannot. */
  save(onBytes: (n: number) => void): Promise<{ path: string }>;
}

/** Errors that would fail every remaining photo as well: stop the batch at once. */
const failsEveryPhoto = (err: unknown) => err instanceof ApiError && (err.status === 0 || err.status === 401);

function whyNotSaved(err: unknown): string {
  if (err instanceof IntegrityError) return `failed verification: ${err.reason}`;
  const e = describeError(err);
  return e instanceof Error ? e.message.split('\n')[0]! : String(e);
}

/**
 * [Note: batch downloads keep going] `download ID...` and `open URL -o DIR` save every photo
 * they can: one that fails (a block missing on the server, a refused signature, a name the
 * file system will not take) is one line on stderr — `obscura: photo ID (NAME) not saved:
 * REASON` — and the others are saved all the same; stdout lists only the paths saved. Exit 0
 * when all were saved, EXIT_PARTIAL (3) when some were, 1 when none was. Errors that would
 * fail every photo (server unreachable, session ended) stop the batch at once. A single photo
 * that fails is reported like any error (`obscura: MESSAGE`, exit 1), as before batches.
 */
export async function saveAll(ctx: CliContext, jobs: readonly SaveJob[], dir: string): Promise<number> {
  await mkdir(dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new CliError(`cannot create the folder ${dir}: ${err.message}`);
  });
  const progress = createProgress(ctx, { label: 'download', total: { bytes: jobs.reduce((a, j) => a + j.size, 0), files: jobs.length }, summaryOnlyWhenPlain: true });
  let saved = 0;
  let failed = 0;
  for (const j of jobs) {
    try {
      const { path } = await j.save((n) => progress.addBytes(n));
      saved++;
      progress.fileDone();
      ctx.stdout.write(safe`${path}\n`);
    } catch (err) {
      if (failsEveryPhoto(err) || jobs.length === 1) {
        progress.finish(null);
        throw err;
      }
      failed++;
      progress.fileDone();
      // on a terminal, clear the progress bar's line first (it is redrawn after)
      ctx.stderr.write(`${ctx.stderr.isTTY === true ? '\r\x1b[K' : ''}${safe`obscura: photo ${j.id}${j.name !== undefined ? ` (${j.name})` : ''} not saved: ${whyNotSaved(err)}\n`}`);
    }
  }
  const files = (n: number) => `${n} ${n === 1 ? 'file' : 'files'}`;
  progress.finish(failed === 0 ? `${files(saved)} saved in ${dir}` : `${files(saved)} saved in ${dir}, ${failed} not saved`);
  return failed === 0 ? 0 : saved > 0 ? EXIT_PARTIAL : 1;
}

// ---------------------------------------------------------------- local files by content

/** SHA-256 of a local file, lowercase hex. */
export function sha256File(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const h = createHash('sha256');
    createReadStream(path).on('error', fail).on('data', (c) => h.update(c)).on('end', () => done(h.digest('hex')));
  });
}

/**
 * For each PHOTO argument that names an existing local file (relative to the working folder),
 * its SHA-256: a backed-up file is then matched to its photo by content ([Note: photos by
 * name]). Other arguments (names, ids) are not in the map.
 */
export async function localHashes(ctx: Pick<CliContext, 'cwd'>, inputs: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const input of inputs) {
    const abs = resolve(ctx.cwd, input);
    const st = await stat(abs).catch(() => null);
    if (st?.isFile()) out.set(input, await sha256File(abs));
  }
  return out;
}

// ---------------------------------------------------------------- folder downloads (rclone-like)

/** One photo of a folder download: what its verified metadata says, and how to open it. */
export interface FolderJob {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly capturedAt: number;
  /** SHA-256 of the original from the signed metadata, when it has one. */
  readonly sha256?: string;
  /** The photo's keys (verified), or throws (refused, not found). */
  open(): Promise<PhotoKeys>;
}

export interface FolderOptions {
  /** Replace a file of the photo's name that holds something else (default: save as "name (1).jpg"). */
  overwrite?: boolean;
  /** Say what would be done, change nothing (no original is downloaded). */
  dryRun?: boolean;
  json?: boolean;
}

type Outcome =
  | { status: 'downloaded' | 'already there' | 'would download' | 'would replace'; path: string }
  | { status: 'failed'; reason: string };

/** The temporary name an original is written under before it is renamed into place. */
export const PARTIAL_SUFFIX = '.obscura-partial';
const MAX_NAME_BYTES = 255;
const SHORT_NAME_BYTES = 143;

/** "a.jpg" → "a (i).jpg", within `max` bytes (the stem is shortened, the extension kept). */
function numbered(base: string, i: number, max: number): string {
  if (i === 0) return base;
  const ext = extname(base);
  const suffix = ` (${i})${ext}`;
  return safeName(base.slice(0, base.length - ext.length), { maxBytes: max - Buffer.byteLength(suffix) }) + suffix;
}

/**
 * Where a photo goes in `dir`, looking at the files already there ([Note: folder downloads]):
 * its safe name, "name (1).jpg", … — the first that holds the same content means "already
 * there"; the first free one (or, with `overwrite`, the photo's own name) is where it is
 * written. `sha256` unknown: a file of the same size may be the same; `sameAs` then compares
 * it once the original is downloaded.
 */
async function placeFor(job: FolderJob, dir: string, o: FolderOptions, sha256: string | undefined, maxBytes: number, claimed: ReadonlySet<string>): Promise<{ there?: string; target: string; replace: boolean; maybe: string[] }> {
  const base = safeName(job.name, { maxBytes });
  const maybe: string[] = [];
  for (let i = 0; ; i++) {
    const path = join(dir, numbered(base, i, maxBytes));
    const st = await stat(path).catch(() => null);
    if (!st) return { target: path, replace: false, maybe };
    if (st.isFile() && st.size === job.size) {
      if (sha256 === undefined) maybe.push(path);
      else if ((await sha256File(path)) === sha256) return { there: path, target: path, replace: false, maybe };
    }
    if (claimed.has(path)) continue; // another photo of this run (a namesake) went there: never replaced
    if (i === 0 && o.overwrite && st.isFile()) {
      // an identical "name (1).jpg" from before still counts as there
      if (sha256 === undefined) return { target: path, replace: true, maybe };
      const rest = await placeFor(job, dir, { ...o, overwrite: false }, sha256, maxBytes, claimed);
      return rest.there !== undefined && rest.there !== path ? rest : { target: path, replace: true, maybe };
    }
  }
}

async function saveOne(library: Pick<Library, 'download'>, job: FolderJob, dir: string, o: FolderOptions, onBytes: (n: number) => void, maxBytes: number, claimed: ReadonlySet<string>): Promise<Outcome> {
  const place = await placeFor(job, dir, o, job.sha256, maxBytes, claimed);
  if (place.there !== undefined) return { status: 'already there', path: place.there };
  if (o.dryRun) return { status: place.replace ? 'would replace' : 'would download', path: place.target };
  const photo = await job.open();
  // a fixed temporary name per target: a re-run after an interruption writes over the leftover
  const base = safeName(job.name, { maxBytes: maxBytes - Buffer.byteLength(PARTIAL_SUFFIX) });
  const tmp = join(dir, base + PARTIAL_SUFFIX);
  const fh = await open(tmp, 'w', 0o644);
  const hash = createHash('sha256');
  try {
    for await (const chunk of library.download(photo)) {
      await fh.write(chunk);
      hash.update(chunk);
      onBytes(chunk.length);
    }
    await fh.sync();
    await fh.close();
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  }
  const got = hash.digest('hex');
  // no hash in the metadata: a file of the same size that holds exactly these bytes is the same photo
  for (const p of place.maybe) {
    if ((await sha256File(p)) === got) {
      await rm(tmp, { force: true });
      return { status: 'already there', path: p };
    }
  }
  let target = place.target;
  if (job.sha256 === undefined && !place.replace && (await stat(target).catch(() => null))) {
    target = (await placeFor(job, dir, o, got, maxBytes, claimed)).target; // taken meanwhile
  }
  await rename(tmp, target);
  const t = new Date(job.capturedAt);
  await utimes(target, t, t).catch(() => {});
  return { status: 'downloaded', path: target };
}

/**
 * [Note: folder downloads] `download … -o DIR` and `album download ALBUM -o DIR` work like
 * `rclone copy`: each photo goes to DIR under its own name made safe ([Note: safe file
 * names]). A file already there with the same content (same size, then the SHA-256 of the
 * signed metadata; a photo without one is downloaded and compared) is skipped ("already
 * there"), so a re-run only fetches what is missing and never makes "name (1).jpg" copies of
 * identical files; a different file of that name is kept and the photo saved as "name (1).jpg"
 * (or, with --overwrite, replaces it). Every original is written to NAME.obscura-partial and
 * renamed once all its blocks verified: an interrupted run leaves no half file under a real
 * name, and the next run writes over the leftover. A photo that fails is one line on stderr
 * and the others go on (exit 3 when some failed, 1 when all did; [Note: batch downloads keep
 * going]). stdout: each saved path (`--json`: one document); stderr: "already there" lines
 * and the summary "downloaded N, already there N, failed N".
 */
export async function downloadToFolder(ctx: CliContext, library: Pick<Library, 'download'>, jobs: readonly FolderJob[], dir: string, o: FolderOptions = {}): Promise<number> {
  if (!o.dryRun) {
    await mkdir(dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
      throw new CliError(`cannot create the folder ${dir}: ${err.message}`);
    });
  }
  const progress = createProgress(ctx, { label: o.dryRun ? 'download --dry-run' : 'download', total: { bytes: jobs.reduce((a, j) => a + j.size, 0), files: jobs.length }, summaryOnlyWhenPlain: true });
  const counts = { downloaded: 0, there: 0, failed: 0 };
  const rows: Record<string, unknown>[] = [];
  const clear = () => (ctx.stderr.isTTY === true ? '\r\x1b[K' : '');
  const claimed = new Set<string>();
  for (const j of jobs) {
    let out: Outcome;
    let counted = 0;
    const onBytes = (n: number) => { counted += n; progress.addBytes(n); };
    try {
      try {
        out = await saveOne(library, j, dir, o, onBytes, MAX_NAME_BYTES, claimed);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENAMETOOLONG') throw e;
        out = await saveOne(library, j, dir, o, onBytes, SHORT_NAME_BYTES, claimed);
      }
    } catch (err) {
      // one photo asked for: its failure is the command's error, as for any command
      if (failsEveryPhoto(err) || (jobs.length === 1 && !o.json)) {
        progress.finish(null);
        throw err;
      }
      out = { status: 'failed', reason: whyNotSaved(err) };
    }
    if (j.size > counted) progress.addBytes(j.size - counted);
    progress.fileDone();
    if (out.status === 'failed') {
      counts.failed++;
      ctx.stderr.write(`${clear()}${safe`obscura: photo ${j.id} (${j.name}) not saved: ${out.reason}\n`}`);
      rows.push({ id: j.id, name: j.name, status: 'failed', path: null, reason: out.reason });
      continue;
    }
    claimed.add(out.path);
    if (out.status === 'already there') counts.there++;
    else if (out.status === 'downloaded') counts.downloaded++;
    rows.push({ id: j.id, name: j.name, status: out.status, path: out.path });
    if (o.json) continue;
    if (out.status === 'downloaded') ctx.stdout.write(safe`${out.path}\n`);
    else if (out.status === 'already there') { if (!ctx.quiet) ctx.stderr.write(`${clear()}${safe`already there: ${out.path}\n`}`); }
    else ctx.stdout.write(safe`${out.status}: ${out.path}\n`);
  }
  const summary = o.dryRun
    ? `would download ${rows.filter((r) => r.status !== 'already there' && r.status !== 'failed').length}, already there ${counts.there}`
    : `downloaded ${counts.downloaded}, already there ${counts.there}, failed ${counts.failed}`;
  progress.finish(o.json ? null : `${summary} (${dir})`);
  if (o.json) {
    printJson(ctx.stdout, { dir, dryRun: o.dryRun === true, downloaded: counts.downloaded, alreadyThere: counts.there, failed: counts.failed, photos: rows });
  }
  return counts.failed === 0 ? 0 : counts.downloaded + counts.there > 0 ? EXIT_PARTIAL : 1;
}
