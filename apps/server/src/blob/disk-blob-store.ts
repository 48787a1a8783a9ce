import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, rmdir, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import {
  asStorageFull, receiveBlob, type BlobKey, type BlobStore, type ListedBlob, type PutOptions, type PutResult,
} from './blob-store.ts';

const TMP_PREFIX = '.tmp-';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Writes all of `chunk`: a write near a full disk may store only part of it (a short write). */
async function writeAll(fh: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await fh.write(chunk, offset, chunk.byteLength - offset);
    if (bytesWritten <= 0) throw Object.assign(new Error('no space left on device (write stored nothing)'), { code: 'ENOSPC' });
    offset += bytesWritten;
  }
}

/** Entries of a folder; none when it does not exist (removed meanwhile). */
async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw e;
  }
}

/** BlobStore on a local folder: one file per key, written to a temp file, fsynced, renamed. */
export class DiskBlobStore implements BlobStore {
  private readonly root: string;
  constructor(root: string) { this.root = resolve(root); }

  private pathOf(key: BlobKey): string {
    const p = resolve(this.root, key);
    // Keys come from blobKeys, but refuse anything that would leave the root all the same.
    if (!p.startsWith(this.root + sep)) throw new Error(`blob key outside the store: ${key}`);
    return p;
  }

  async put(key: BlobKey, source: Readable | Uint8Array, opts: PutOptions): Promise<PutResult> {
    try {
      return await this.write(key, source, opts);
    } catch (e) {
      // [Note: disk full] nothing of the blob is left behind (the temp file is removed).
      throw asStorageFull(e, key);
    }
  }

  private async write(key: BlobKey, source: Readable | Uint8Array, opts: PutOptions): Promise<PutResult> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = join(dirname(path), `${TMP_PREFIX}${randomBytes(8).toString('hex')}`);
    const fh = await open(tmp, 'wx');
    let closed = false;
    let renamed = false;
    try {
      const result = await receiveBlob(source, opts, (chunk) => writeAll(fh, chunk));
      await fh.sync();
      await fh.close();
      closed = true;
      await rename(tmp, path);
      renamed = true;
      return result;
    } finally {
      if (!closed) await fh.close().catch(() => {});
      if (!renamed) await rm(tmp, { force: true }).catch(() => {});
    }
  }

  async get(key: BlobKey): Promise<{ stream: Readable; size: number } | null> {
    const path = this.pathOf(key);
    try {
      const s = await stat(path);
      return { stream: createReadStream(path), size: s.size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async exists(key: BlobKey): Promise<boolean> {
    try { await stat(this.pathOf(key)); return true; } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  async delete(keys: BlobKey[]): Promise<void> {
    const dirs = new Set<string>();
    for (const key of keys) {
      const p = this.pathOf(key);
      await rm(p, { force: true });
      dirs.add(dirname(p));
    }
    // Remove folders left empty (best effort; a concurrent writer may have just filled one).
    for (const d of dirs) await rmdir(d).catch(() => {});
  }

  /** Walks `files/<2 hex>/<file id>/`: blobs and temp files left by writes that never finished. */
  async *list(): AsyncIterable<ListedBlob> {
    const filesDir = join(this.root, 'files');
    for (const prefix of (await entries(filesDir)).sort()) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      for (const fileId of (await entries(join(filesDir, prefix))).sort()) {
        if (!UUID.test(fileId) || !fileId.startsWith(prefix)) continue;
        for (const name of await entries(join(filesDir, prefix, fileId))) {
          const key = `files/${prefix}/${fileId}/${name}` as BlobKey;
          let modifiedAt: number;
          try {
            modifiedAt = (await stat(this.pathOf(key))).mtimeMs;
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // deleted meanwhile
            throw e;
          }
          yield { key, fileId, modifiedAt, unfinished: name.startsWith(TMP_PREFIX) };
        }
      }
    }
  }
}
