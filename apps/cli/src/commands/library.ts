// Library commands: upload, backup, photos, download, trash, restore, delete.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { IntegrityError, type AlbumPhoto, type PhotoKeys, type TimelineEntry, type TimelineIndex, type UploadResult } from '@obscura/sdk';
import { backup as backupFolder, uploadPath } from '@obscura/sdk/node';
import { boolOpt, stringOpt, type Command } from '../command.ts';
import { backupCacheFile, withClient, type Client } from '../client.ts';
import type { CliContext } from '../context.ts';
import { CliError } from '../errors.ts';
import { describeUpload, expandPaths, saveAll, saveOriginal, uploadProgressFeeder, type SaveJob } from '../files.ts';
import { formatBytes, personLabel, printJson, printTable } from '../output.ts';
import { createProgress } from '../progress.ts';
import { resolvePhotos, shortIdLength, type Candidate } from '../resolve.ts';
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

export const download: Command = {
  name: 'download',
  summary: 'Download originals, byte-identical and verified, into a folder (default: the current one).',
  usage: 'obscura download ID... [-o DIR]',
  description: 'ID is a photo id or a unique prefix of 6+ characters (from obscura photos, or obscura album show for photos\nof albums shared with you). Existing files are never overwritten ("name (1).jpg"); names are made safe for the\nfile system. Prints each saved path; a photo that cannot be saved is one line on stderr and the others are saved\n(exit 3 when some were not saved, 1 when none was).',
  options: { output: { type: 'string', short: 'o', value: 'DIR', description: 'folder to save into (created if needed)' } },
  positionals: { name: 'ID', min: 1, max: Infinity },
  run: (ctx, args) => withClient(ctx, async (c) => {
    const dir = resolve(ctx.cwd, stringOpt(args, 'output') ?? '.');
    const index = await c.timeline();
    let candidates = timelineCandidates(index);
    let inAlbums = new Map<string, AlbumPhoto>();
    const unmatched = args.positionals.some((i) => !candidates.some((cd) => cd.id.startsWith(i.toLowerCase())));
    if (unmatched) {
      inAlbums = await albumPhotos(c);
      candidates = [...candidates, ...[...inAlbums.values()].filter((p) => !index.get(p.fileId)).map((p) => ({ id: p.fileId, label: p.metadata.name }))];
    }
    const ids = resolvePhotos(args.positionals, candidates, { allowUnknownFullId: true });
    // [Note: batch downloads keep going] one job per photo; saveAll reports each failure and goes on.
    const jobs: SaveJob[] = ids.map((id) => {
      const entry = index.get(id);
      const ap = inAlbums.get(id);
      const keys = async (): Promise<{ photo: PhotoKeys; name: string; capturedAt: number }> => {
        if (!entry && ap) return { photo: ap, name: ap.metadata.name, capturedAt: ap.metadata.capturedAt };
        if (entry?.problem) throw new IntegrityError(id, entry.problem.replace(/^failed verification and was refused: /, ''));
        const opened = await c.library.open(id);
        return { photo: opened, name: opened.metadata.name, capturedAt: opened.metadata.capturedAt };
      };
      const name = entry ? entry.metadata?.name : ap?.metadata.name;
      return {
        id, size: (entry ? entry.metadata?.size : ap?.metadata.size) ?? 0, ...(name !== undefined ? { name } : {}),
        async save(onBytes) {
          const k = await keys();
          return saveOriginal(c.library, k.photo, { name: k.name, capturedAt: k.capturedAt }, dir, onBytes);
        },
      };
    });
    return saveAll(ctx, jobs, dir);
  }),
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
    usage: `obscura ${name} ID...`,
    description: 'ID is a photo id or a unique prefix of 6+ characters (see obscura photos / obscura photos --trashed).',
    options: {},
    positionals: { name: 'ID', min: 1, max: Infinity },
    run: (ctx, args) => withClient(ctx, async (c) => {
      const index = await c.timeline();
      const ids = resolvePhotos(args.positionals, timelineCandidates(index), { allowUnknownFullId: true });
      const changed = name === 'trash' ? await c.library.trash(ids) : name === 'restore' ? await c.library.restore(ids) : await c.library.deleteForever(ids);
      ctx.stdout.write(`${changed} ${changed === 1 ? 'photo' : 'photos'} ${words.done}\n`);
    }),
  };
}

export const trash = stateChange('trash');
export const restore = stateChange('restore');
export const del = stateChange('delete');
