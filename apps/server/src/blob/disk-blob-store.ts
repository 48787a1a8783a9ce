import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import {
  BlobMismatchError, BlobTooLargeError, type BlobKey, type BlobStore, type PutOptions, type PutResult,
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
    const hash = createHash('sha256');
    let size = 0;
    let done = false;
    try {
      const chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array> = source instanceof Uint8Array ? [source] : source;
      for await (const chunk of chunks) {
        size += chunk.byteLength;
        if (size > opts.maxBytes) throw new BlobTooLargeError(opts.maxBytes);
        hash.update(chunk);
        await fh.write(chunk);
      }
      const result = { size, sha256Hex: hash.digest('hex') };
      if (opts.expect && (opts.expect.size !== result.size || opts.expect.sha256Hex !== result.sha256Hex)) {
        throw new BlobMismatchError(result, opts.expect);
      }
      await fh.sync();
      await fh.close();
      done = true;
      await rename(tmp, path);
      return result;
    } finally {
      if (!done) {
        await fh.close().catch(() => {});
        await rm(tmp, { force: true });
        // Drain what the sender still has in flight so the socket stays usable.
        if (!(source instanceof Uint8Array) && !source.destroyed) source.resume();
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
