import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import {
  receiveBlob, type BlobKey, type BlobStore, type PutOptions, type PutResult,
} from './blob-store.ts';

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
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = join(dirname(path), `.tmp-${randomBytes(8).toString('hex')}`);
    const fh = await open(tmp, 'wx');
    let done = false;
    try {
      const result = await receiveBlob(source, opts, async (chunk) => { await fh.write(chunk); });
      await fh.sync();
      await fh.close();
      done = true;
      await rename(tmp, path);
      return result;
    } finally {
      if (!done) {
        await fh.close().catch(() => {});
        await rm(tmp, { force: true });
      }
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
}
