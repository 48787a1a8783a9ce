// Node implementation of RandomAccessSource over an fs FileHandle.
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { checkRange, type RandomAccessSource } from './source.ts';

export interface FileSource extends RandomAccessSource {
  /** Absolute or caller-given path; lets ffmpeg seek in the file instead of reading a pipe. */
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Opens `path` for random-access reads. The handle stays open until close();
 * `size` and `lastModified` are taken once, at open time.
 */
export async function openFileSource(path: string): Promise<FileSource> {
  const handle: FileHandle = await open(path, 'r');
  let closed = false;
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new Error(`${path} is not a regular file`);
    const size = st.size;
    return {
      name: basename(path),
      path,
      size,
      lastModified: Math.floor(st.mtimeMs),
      async read(offset, length) {
        if (closed) throw new Error(`${path}: read after close`);
        const n = checkRange(size, offset, length);
        const buf = new Uint8Array(n);
        let got = 0;
        while (got < n) {
          const { bytesRead } = await handle.read(buf, got, n - got, offset + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        return got === n ? buf : buf.subarray(0, got);
      },
      async *stream() {
        if (closed) throw new Error(`${path}: read after close`);
        const chunkSize = 1 << 20;
        let offset = 0;
        while (offset < size) {
          const buf = new Uint8Array(Math.min(chunkSize, size - offset));
          const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
          if (bytesRead === 0) break;
          offset += bytesRead;
          yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
        }
      },
      async close() {
        if (closed) return;
        closed = true;
        await handle.close();
      },
    };
  } catch (err) {
    await handle.close();
    throw err;
  }
}
