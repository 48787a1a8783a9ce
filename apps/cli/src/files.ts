// Local files: expanding PATH arguments, uploading with progress, saving originals to disk.
import { mkdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ApiError, IntegrityError, type Library, type PhotoKeys, type UploadProgress, type UploadResult } from '@obscura/sdk';
import { listFiles, saveOriginal as sdkSaveOriginal } from '@obscura/sdk/node';
import { describeError } from './client.ts';
import type { CliContext } from './context.ts';
import { CliError } from './errors.ts';
import { createProgress, type Progress } from './progress.ts';
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
