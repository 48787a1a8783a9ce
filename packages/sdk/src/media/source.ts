// The one way the media layer touches a file: random-access reads plus a stream.
// Implementations: node-source.ts (fs FileHandle), blob-source.ts (Blob/File), bytesSource (memory).

export interface RandomAccessSource {
  /** File name as the user knows it (no directories). */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** Last modification time, ms since the epoch. */
  readonly lastModified: number;
  /** Reads up to `length` bytes at `offset`; shorter only at the end of the file. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** The whole file, front to back, in chunks. */
  stream(): AsyncIterable<Uint8Array>;
}

export function checkRange(size: number, offset: number, length: number): number {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`invalid read offset ${offset}`);
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`invalid read length ${length}`);
  return Math.max(0, Math.min(length, size - offset));
}

/** A source over bytes already in memory (tests, small files, thumbnails of generated images). */
export function bytesSource(name: string, bytes: Uint8Array, lastModified = Date.now()): RandomAccessSource {
  return {
    name,
    size: bytes.length,
    lastModified,
    async read(offset, length) {
      const n = checkRange(bytes.length, offset, length);
      return bytes.subarray(offset, offset + n);
    },
    async *stream() {
      const chunk = 1 << 20;
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, Math.min(bytes.length, i + chunk));
    },
  };
}

/** Reads the first `max` bytes (or the whole file when smaller). */
export function readHead(source: RandomAccessSource, max: number): Promise<Uint8Array> {
  return source.read(0, Math.min(max, source.size));
}

/** Collects the whole file; only for inputs whose size the caller has already bounded. */
export async function readAll(source: RandomAccessSource): Promise<Uint8Array> {
  const out = new Uint8Array(source.size);
  let at = 0;
  for await (const chunk of source.stream()) {
    if (at + chunk.length > out.length) throw new Error(`${source.name} grew while being read`);
    out.set(chunk, at);
    at += chunk.length;
  }
  if (at !== out.length) throw new Error(`${source.name} shrank while being read (${at} of ${out.length} bytes)`);
  return out;
}
