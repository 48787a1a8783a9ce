// Library commands: upload, backup, photos, download, trash, restore, delete.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { IntegrityError, type AlbumPhoto, type PhotoKeys, type TimelineEntry, type TimelineIndex, type UploadResult } from '@obscura/sdk';
import { backup as backupFolder, uploadPath } from '@obscura/sdk/node';
import { boolOpt, stringOpt, type Command, type CommandArgs } from '../command.ts';
import { backupCacheFile, withClient, type Client } from '../client.ts';
import type { CliContext } from '../context.ts';
import { CliError, UsageError } from '../errors.ts';
import { describeUpload, downloadToFolder, expandPaths, localHashes, uploadProgressFeeder, type FolderJob } from '../files.ts';
import { formatBytes, personLabel, printJson, printTable } from '../output.ts';
import { createProgress } from '../progress.ts';
import { parseDateBound, resolvePhotoRefs, SELECTION_OPTIONS, selectByCapture, shortIdLength, type Candidate, type PhotoCandidate, type PhotoRefOptions } from '../resolve.ts';
import { safe } from '../terminal-text.ts';
import { finishOnTheWay } from './pending.ts';
import { ensureSetup } from './setup.ts';

/** "2021-06-01T11:30:00" in the local time zone. */
export function isoLocal(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export const timelineCandidates = (index: TimelineIndex): Candidate[] =>
  [...index.list(), ...index.list({ trashed: true })].map((e) => ({ id: e.fileId, ...(e.metadata ? { label: e.metadata.name } : {}) }));

/** What a PHOTO argument may name in my library ([Note: photos by name]). */
export const photoCandidate = (e: { fileId: string; metadata?: { name: string; capturedAt: number; contentSha256Hex?: string } }): PhotoCandidate => ({
  id: e.fileId,
  ...(e.metadata ? { name: e.metadata.name, capturedAt: e.metadata.capturedAt, ...(e.metadata.contentSha256Hex ? { sha256: e.metadata.contentSha256Hex } : {}) } : {}),
});

export const libraryPhotoCandidates = (index: TimelineIndex, o: { trashed?: boolean } = {}): PhotoCandidate[] =>
  [...index.list(), ...(o.trashed === false ? [] : index.list({ trashed: true }))].map(photoCandidate);

/**
 * [Note: photos by name] PHOTO arguments → photo ids, among `candidates`: a full id, a local
 * file (its SHA-256 against the signed metadata: a backed-up file finds its photo), an exact
 * file name unique in the scope, a unique id prefix (6+), the name ignoring case. Several
 * matches: exit 2 listing them; none: exit 1. Resolving decrypts nothing new: the names come
 * from the local timeline index (or the album's verified photos), no original is downloaded.
 */
export async function resolvePhotoArgs(ctx: CliContext, inputs: readonly string[], candidates: readonly PhotoCandidate[], o: Omit<PhotoRefOptions, 'localSha256'> = {}): Promise<string[]> {
  return resolvePhotoRefs(inputs, candidates, { formatTime: isoLocal, ...o, localSha256: await localHashes(ctx, inputs) });
}

/** --from/--to DATE options → a capture-time range (undefined when neither is given). */
export function captureRange(args: CommandArgs): { from?: number; to?: number } | undefined {
  const from = stringOpt(args, 'from');
  const to = stringOpt(args, 'to');
  if (from === undefined && to === undefined) return undefined;
  const range = { ...(from !== undefined ? { from: parseDateBound(from, 'start', '--from') } : {}), ...(to !== undefined ? { to: parseDateBound(to, 'end', '--to') } : {}) };
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) throw new UsageError(`--from ${from} is after --to ${to}`);
  return range;
}


/** Photos in albums I can see, by id (for downloading album photos not in my library). */
export async function albumPhotos(c: Client): Promise<Map<string, AlbumPhoto>> {
  const out = new Map<string, AlbumPhoto>();
  for (const a of await c.albums.list()) {
    if (a.problem) continue;
    for (const p of (await c.albums.photos(a.albumId)).photos) if (!out.has(p.fileId)) out.set(p.fileId, p);
  }
  return out;
}

/**
 * [Note: verify duplicates] Each server answer the SDK refused (a photo named as a copy of a
 * file that is not one, so the file was uploaded all the same) is one WARNING line on stderr.
 */
function duplicateWarnings(ctx: Pick<CliContext, 'stderr'>) {
  let count = 0;
  return {
    print(r: UploadResult, shown: string): void {
      for (const w of r.status === 'skipped' ? [] : r.warnings ?? []) {
        count++;
        // on a terminal, clear the progress bar's line first (it is redrawn after)
        ctx.stderr.write(`${ctx.stderr.isTTY === true ? '\r\x1b[K' : ''}${safe`obscura: WARNING: ${shown}: ${w.message}\n`}`);
      }
    },
    /** ", 1 warning" for the summary line, or '' */
    get summary(): string {
      return count === 0 ? '' : `, ${count} ${count === 1 ? 'warning' : 'warnings'}`;
    },
  };
}

export const upload: Command = {
  name: 'upload',
  summary: 'Upload photos and videos (files or folders) to your library; prints each photo id.',
  usage: 'obscura upload PATH...',
  description: 'Prints one line per file: its photo id and name ("already uploaded" when it was). Files that are not\nphotos or videos are skipped with the reason. Progress goes to stderr, and so does a WARNING line when the server\nnamed a photo as a copy of a file that is not one (the file is uploaded all the same).',
  options: {},
  positionals: { name: 'PATH', min: 1, max: Infinity },
  run: (ctx, args) => withClient(ctx, async (c) => {
    const files = await expandPaths(ctx, args.positionals);
    const progress = createProgress(ctx, { label: 'upload', total: { bytes: files.reduce((a, f) => a + f.size, 0), files: files.length }, summaryOnlyWhenPlain: true });
    const counts = { uploaded: 0, already: 0, skipped: 0 };
    const warnings = duplicateWarnings(ctx);
    for (const f of files) {
      const feed = uploadProgressFeeder(progress, f.size);
      const r = await uploadPath(c.library, f.path, { onProgress: (p) => feed.onProgress(p) });
      feed.finish();
      if (r.status === 'skipped') counts.skipped++;
      else if (r.status === 'duplicate') counts.already++;
      else counts.uploaded++;
      warnings.print(r, f.path);
      ctx.stdout.write(safe`${describeUpload(r, f.path)}\n`);
    }
    progress.finish(`${counts.uploaded} uploaded, ${counts.already} already uploaded, ${counts.skipped} skipped${warnings.summary}`);
  }),
};

export const backup: Command = {
  name: 'backup',
  summary: 'Back up a folder incrementally: what is already backed up is skipped, interrupted uploads resume.',
  usage: 'obscura backup DIR',
  description: 'Files already in your library (same keyed content hash) are skipped without re-reading unchanged files\n(a local hash cache in OBSCURA_HOME); an interrupted upload resumes where it stopped. Prints one line per\nskipped non-media file with the reason, one per failed file, and a summary line. A file the server names as\nalready backed up is skipped only once the photo named verifies and holds the same content; otherwise it is\nuploaded and a WARNING line goes to stderr.\nThen it finishes sharing with the people you invited who have signed up since (no question; one line each\nwith the fingerprint of their new key: compare it with theirs); one that cannot be finished is a WARNING on\nstderr (see obscura pending).',
  options: {},
  positionals: { name: 'DIR', min: 1, max: 1 },
  run: (ctx, args) => withClient(ctx, async (c) => {
    const dir = resolve(ctx.cwd, args.positionals[0]!);
    const info = await stat(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') throw new CliError(safe`${dir} does not exist`);
      throw e;
    });
    if (!info.isDirectory()) throw new CliError(safe`${dir} is not a folder (it is a file: obscura upload sends single files)`);
    // [Note: one-time setup] backups pause (and say so) while the account's data is upgraded.
    await ensureSetup(ctx, c, 'backup');
    let progress: ReturnType<typeof createProgress> | undefined;
    let total = 0;
    const sizes = new Map<string, number>();
    const warnings = duplicateWarnings(ctx);
    const report = await backupFolder(c.library, dir, {
      cachePath: `${ctx.home}/${backupCacheFile(c.session.user.id, dir)}`,
      onEvent: (e) => {
        if (e.type === 'scanned') {
          total = e.files;
          progress = createProgress(ctx, { label: 'backup', total: { bytes: 0, files: total }, summaryOnlyWhenPlain: true });
        } else if (e.type === 'skipped') {
          ctx.stdout.write(safe`skipped ${e.path}: ${e.reason}\n`);
          progress?.fileDone();
        } else if (e.type === 'failed') {
          ctx.stdout.write(safe`failed ${e.path}: ${e.message}\n`);
          progress?.fileDone();
        } else if (e.type === 'progress' && e.progress.phase === 'uploading') {
          const before = sizes.get(e.path) ?? 0;
          if (e.progress.bytesDone > before) progress?.addBytes(e.progress.bytesDone - before);
          sizes.set(e.path, e.progress.bytesDone);
        } else if (e.type === 'done') {
          warnings.print(e.result, e.path);
          progress?.fileDone();
        }
      },
    });
    const summary = `${report.uploaded.length} uploaded, ${report.resumed.length} resumed, ${report.alreadyBackedUp} already backed up, ${report.skipped.length} skipped, ${report.failed.length} failed${warnings.summary}`;
    progress?.finish(null);
    ctx.stdout.write(safe`backup of ${dir}: ${summary}\n`);
    // [Note: backup finishes sharing] people who signed up after being invited get the album key now.
    await finishOnTheWay(ctx, c);
    return report.failed.length > 0 ? 1 : 0;
  }),
};

interface PhotoRow { id: string; entry: TimelineEntry }

export function photoJson(e: TimelineEntry) {
  const m = e.metadata;
  return {
    id: e.fileId,
    state: e.state,
    capturedAt: m ? new Date(m.capturedAt).toISOString() : null,
    name: m ? m.name : null,
    mimeType: m ? m.mimeType : null,
    size: m ? m.size : null,
    encryptedSize: e.encryptedSize,
    uploader: { id: e.uploader.id, name: e.uploader.displayName, email: e.uploader.email ?? null },
    uploadedAt: e.uploadedAt,
    verified: !e.problem,
    ...(e.problem ? { problem: e.problem } : {}),
  };
}

export const photos: Command = {
  name: 'photos',
  summary: 'Your timeline, newest first by capture time: id, captured, name, size, uploader.',
  usage: 'obscura photos [--json] [--trashed]',
  description: 'Syncs the local timeline index with the server first (only what changed). A photo that fails verification\nis listed as "REFUSED: reason", never hidden. Ids are shown shortened (any unique prefix of 6+ characters works).',
  options: {
    json: { type: 'boolean', description: 'print one JSON document on stdout (see docs/cli.md)' },
    trashed: { type: 'boolean', description: 'list the trash instead' },
  },
  run: (ctx, args) => withClient(ctx, async (c) => {
    const index = await c.timeline();
    const list = index.list({ trashed: boolOpt(args, 'trashed') });
    if (boolOpt(args, 'json')) {
      printJson(ctx.stdout, { photos: list.map(photoJson) });
      return;
    }
    if (list.length === 0) {
      ctx.stdout.write(boolOpt(args, 'trashed') ? 'The trash is empty.\n' : 'No photos yet; add some with obscura upload or obscura backup.\n');
      return;
    }
    const n = shortIdLength([...index.list(), ...index.list({ trashed: true })].map((e) => e.fileId));
    printTable(ctx.stdout, [
      { header: 'ID', value: (r: PhotoRow) => r.id.slice(0, n) },
      { header: 'CAPTURED', value: (r) => (r.entry.metadata ? isoLocal(r.entry.metadata.capturedAt) : '-') },
      { header: 'NAME', value: (r) => (r.entry.problem ? `REFUSED: ${r.entry.problem}` : r.entry.metadata!.name) },
      { header: 'SIZE', value: (r) => (r.entry.metadata ? formatBytes(r.entry.metadata.size) : '-'), align: 'right' },
      { header: 'UPLOADER', value: (r) => personLabel(r.entry.uploader) },
    ], list.map((entry) => ({ id: entry.fileId, entry })));
  }),
};

const FOLDER_OPTIONS = {
  output: { type: 'string', short: 'o', value: 'DIR', description: 'folder to save into (created if needed; default: the current one)' },
  overwrite: { type: 'boolean', description: 'replace a file of the same name that holds something else (default: save as "name (1).jpg")' },
  'dry-run': { type: 'boolean', description: 'print what would be downloaded, download nothing' },
  json: { type: 'boolean', description: 'print one JSON document on stdout (see docs/cli.md)' },
} as const;

/** A library photo as a folder-download job. */
export function libraryJob(c: Client, e: TimelineEntry): FolderJob {
  const m = e.metadata;
  return {
    id: e.fileId, name: m?.name ?? e.fileId, size: m?.size ?? 0, capturedAt: m?.capturedAt ?? Date.parse(e.uploadedAt),
    ...(m?.contentSha256Hex ? { sha256: m.contentSha256Hex } : {}),
    async open() {
      if (e.problem) throw new IntegrityError(e.fileId, e.problem.replace(/^failed verification and was refused: /, ''));
      return c.library.open(e.fileId);
    },
  };
}

/** A photo of an album (verified when the album was listed) as a folder-download job. */
export function albumJob(p: AlbumPhoto): FolderJob {
  const m = p.metadata;
  return { id: p.fileId, name: m.name, size: m.size, capturedAt: m.capturedAt, ...(m.contentSha256Hex ? { sha256: m.contentSha256Hex } : {}), open: async () => p };
}

export const folderOptions = (args: CommandArgs) => ({ overwrite: boolOpt(args, 'overwrite'), dryRun: boolOpt(args, 'dry-run'), json: boolOpt(args, 'json') });

export const download: Command = {
  name: 'download',
  summary: 'Download originals, byte-identical and verified, into a folder; files already there are skipped.',
  usage: 'obscura download PHOTO... | --all [--since DATE] | --album ALBUM | --from DATE --to DATE  [-o DIR] [--overwrite] [--dry-run] [--json]',
  description: 'PHOTO is a file name, a local file you backed up, a photo id or a unique prefix of 6+ characters (see\nobscura photos; photos of albums shared with you too). --all: your whole library (--since DATE: only photos\nuploaded since); --album: every photo of an album; --from/--to: photos captured in those days. A file already\nin DIR with the same content is skipped ("already there"), so a re-run fetches only what is missing; a\ndifferent file of the same name is kept and the photo saved as "name (1).jpg" unless --overwrite. Prints each\nsaved path; a summary "downloaded N, already there N, failed N" on stderr; exit 3 when some failed.\n\nexamples:\n  obscura download --all --dry-run -o obscura-backup\n  obscura download --from 2026-01-01 --to 2026-01-31 --dry-run -o january',
  options: {
    ...FOLDER_OPTIONS,
    all: { type: 'boolean', description: 'every photo of your library' },
    since: { type: 'string', value: 'DATE', description: 'with --all: only photos uploaded on or after DATE (YYYY-MM-DD, local time)' },
    album: { type: 'string', value: 'ALBUM', description: 'every photo of this album (name, id or id prefix)' },
    ...SELECTION_OPTIONS,
  },
  positionals: { name: 'PHOTO', min: 0, max: Infinity },
  run: (ctx, args) => {
    const all = boolOpt(args, 'all');
    const albumName = stringOpt(args, 'album');
    const range = captureRange(args);
    const sinceText = stringOpt(args, 'since');
    const since = sinceText === undefined ? undefined : parseDateBound(sinceText, 'start', '--since');
    if (args.positionals.length === 0 && !all && albumName === undefined && !range) {
      throw new UsageError('name the photos to download (PHOTO..., --all, --album ALBUM or --from/--to); see obscura download --help');
    }
    if (args.positionals.length > 0 && (all || albumName !== undefined)) throw new UsageError('give either PHOTO... or --all / --album, not both; see obscura download --help');
    if (all && albumName !== undefined) throw new UsageError('give either --all or --album; see obscura download --help');
    if (since !== undefined && !all) throw new UsageError('--since goes with --all (photos uploaded since DATE); see obscura download --help');
    return withClient(ctx, async (c) => {
      const dir = resolve(ctx.cwd, stringOpt(args, 'output') ?? '.');
      const index = await c.timeline();
      let jobs: (FolderJob & { at?: number })[] = [];
      if (albumName !== undefined) {
        const { findAlbum } = await import('./album.ts');
        const { albumId } = await findAlbum(c, albumName);
        const r = await c.albums.photos(albumId);
        await c.savePins();
        for (const p of r.refused) ctx.stderr.write(safe`obscura: photo ${p.fileId} not saved: failed verification: ${p.problem}\n`);
        jobs = r.photos.map(albumJob);
        if (r.refused.length > 0 && jobs.length === 0) throw new CliError('no photo of this album verified; nothing saved');
      } else if (all || args.positionals.length === 0) {
        jobs = index.list().filter((e) => since === undefined || Date.parse(e.uploadedAt) >= since).map((e) => libraryJob(c, e));
      } else {
        let candidates = libraryPhotoCandidates(index);
        let inAlbums = new Map<string, AlbumPhoto>();
        const ids = await resolvePhotoArgs(ctx, args.positionals, candidates, { allowUnknownFullId: true }).catch(async (err) => {
          // not (or not only) in my library: the photos of albums I am in count too
          if (!(err instanceof CliError) || err instanceof UsageError) throw err;
          inAlbums = await albumPhotos(c);
          candidates = [...candidates, ...[...inAlbums.values()].filter((p) => !index.get(p.fileId)).map(photoCandidate)];
          return resolvePhotoArgs(ctx, args.positionals, candidates, { allowUnknownFullId: true });
        });
        // A full id passes the resolver unchecked: one not in my library may be a photo of an album I am in.
        if (inAlbums.size === 0 && ids.some((id) => !index.get(id))) inAlbums = await albumPhotos(c);
        for (const id of ids) {
          const e = index.get(id);
          const ap = inAlbums.get(id);
          if (e) jobs.push(libraryJob(c, e));
          else if (ap) jobs.push(albumJob(ap));
          else {
            // a full id neither in my library nor in my albums: let the server say why
            const opened = await c.library.open(id);
            jobs.push({ id, name: opened.metadata.name, size: opened.metadata.size, capturedAt: opened.metadata.capturedAt, ...(opened.metadata.contentSha256Hex ? { sha256: opened.metadata.contentSha256Hex } : {}), open: async () => opened });
          }
        }
      }
      if (range) {
        const keep = new Set(selectByCapture(jobs.map((j) => ({ id: j.id, capturedAt: j.capturedAt })), range).map((j) => j.id));
        jobs = jobs.filter((j) => keep.has(j.id));
      }
      if (jobs.length === 0) {
        if (boolOpt(args, 'json')) return downloadToFolder(ctx, c.library, [], dir, folderOptions(args));
        ctx.stderr.write('obscura: no photo matches this selection; nothing to download\n');
        return 0;
      }
      return downloadToFolder(ctx, c.library, jobs, dir, folderOptions(args));
    });
  },
};

function stateChange(name: 'trash' | 'restore' | 'delete'): Command {
  const words = {
    trash: { summary: 'Move photos to the trash (obscura restore brings them back).', done: 'moved to the trash' },
    restore: { summary: 'Bring photos back from the trash.', done: 'restored' },
    delete: { summary: 'Delete photos for good (their storage is freed once nothing else uses them).', done: 'deleted for good' },
  }[name];
  return {
    name,
    summary: words.summary,
    usage: `obscura ${name} PHOTO...`,
    description: 'PHOTO is a file name, a local file you backed up, a photo id or a unique prefix of 6+ characters (see\nobscura photos / obscura photos --trashed).',
    options: {},
    positionals: { name: 'PHOTO', min: 1, max: Infinity },
    run: (ctx, args) => withClient(ctx, async (c) => {
      const index = await c.timeline();
      const ids = await resolvePhotoArgs(ctx, args.positionals, libraryPhotoCandidates(index), { allowUnknownFullId: true });
      const changed = name === 'trash' ? await c.library.trash(ids) : name === 'restore' ? await c.library.restore(ids) : await c.library.deleteForever(ids);
      ctx.stdout.write(`${changed} ${changed === 1 ? 'photo' : 'photos'} ${words.done}\n`);
    }),
  };
}

export const trash = stateChange('trash');
export const restore = stateChange('restore');
export const del = stateChange('delete');
