// A SHA-256 `BlockHasher` that runs on a node:worker_threads thread, so hashing block i
// overlaps encrypting or decrypting block i on the main thread (node:crypto's AES-GCM and
// SHA-256 are synchronous, and each costs about as much as the other on one core).
// Node only; browsers use WebCrypto's digest, which already runs off the main thread.
//
// [Note: shared memory, one copy]
// Each request copies the bytes once into a SharedArrayBuffer slot that the worker reads in
// place; no transfer detaches the caller's buffer, and a subarray of a larger buffer never
// drags the whole buffer across (structured clone would copy all of it). Slots are reused;
// at most as many exist as hashes in flight (two in the file pipeline).
import { Worker } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import type { BlockHasher } from '../file.ts';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', (m) => {
  const digest = createHash('sha256').update(new Uint8Array(m.sab, 0, m.length)).digest();
  parentPort.postMessage({ id: m.id, digest });
});
`;

/** Below this size the round trip costs more than hashing inline. */
const INLINE_LIMIT = 256 * 1024;

export interface ParallelHasher extends BlockHasher {
  /** Terminates the worker; later calls hash inline. */
  close(): Promise<void>;
}

export function createParallelHasher(): ParallelHasher {
  let worker: Worker | undefined = new Worker(WORKER_SOURCE, { eval: true });
  const free: SharedArrayBuffer[] = [];
  const pending = new Map<number, { resolve: (d: Uint8Array) => void; reject: (e: unknown) => void; slot: SharedArrayBuffer }>();
  let nextId = 0;
  const failAll = (err: unknown) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (m: { id: number; digest: Uint8Array }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    free.push(p.slot);
    if (pending.size === 0) worker?.unref();
    p.resolve(new Uint8Array(m.digest.buffer, m.digest.byteOffset, m.digest.byteLength));
  });
  worker.on('error', (err) => { failAll(err); worker = undefined; });
  worker.on('exit', () => { failAll(new Error('hash worker exited')); worker = undefined; });
  // [Note: an idle hasher never keeps the process alive] listeners ref the worker, so unref
  // after attaching them; it is ref'd only while hashes are in flight.
  worker.unref();

  const inline = (bytes: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(bytes).digest());

  return {
    sha256(bytes: Uint8Array): Promise<Uint8Array> {
      if (!worker || bytes.length < INLINE_LIMIT) return Promise.resolve(inline(bytes));
      let slot = free.pop();
      if (!slot || slot.byteLength < bytes.length) slot = new SharedArrayBuffer(Math.max(bytes.length, slot?.byteLength ?? 0));
      new Uint8Array(slot, 0, bytes.length).set(bytes);
      const id = nextId++;
      const s = slot;
      const w = worker;
      return new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { resolve, reject, slot: s });
        if (pending.size === 1) w.ref();
        w.postMessage({ id, sab: s, length: bytes.length });
      });
    },
    async close(): Promise<void> {
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
}
