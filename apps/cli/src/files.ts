// Local files: expanding PATH arguments, uploading with progress, saving originals to disk.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Library, PhotoKeys, UploadProgress, UploadResult } from '@obscura/sdk';
import { listFiles, saveOriginal as sdkSaveOriginal } from '@obscura/sdk/node';
import type { CliContext } from './context.ts';
import { CliError } from './errors.ts';
import type { Progress } from './progress.ts';

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
