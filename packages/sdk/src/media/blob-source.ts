// Browser implementation of RandomAccessSource over a Blob or File. No Node imports here.
import { checkRange, type RandomAccessSource } from './source.ts';

export function blobSource(blob: Blob, name?: string, lastModified?: number): RandomAccessSource {
  const file = blob as Partial<File>;
  const size = blob.size;
  return {
    name: name ?? (typeof file.name === 'string' ? file.name : 'blob'),
    size,
    lastModified: lastModified ?? (typeof file.lastModified === 'number' ? file.lastModified : Date.now()),
    async read(offset, length) {
      const n = checkRange(size, offset, length);
      return new Uint8Array(await blob.slice(offset, offset + n).arrayBuffer());
    },
    async *stream() {
      const reader = blob.stream().getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          yield value;
        }
      } finally {
        reader.releaseLock();
      }
    },
  };
}
