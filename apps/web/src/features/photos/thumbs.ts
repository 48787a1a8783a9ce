// Thumbnails for the page: asked of the worker with bounded concurrency, newest request first,
// and kept as Blobs (never as object URLs) in a small memory; see [Note: thumbnail queue].
import { useEffect, useState } from 'react';
import type { ThumbnailSize } from '@obscura/crypto';
import { worker } from '../../client/worker.ts';
import type { PhotoScope } from '../../shared/types.ts';

/**
 * [Note: thumbnail queue] At most MAX_IN_FLIGHT thumbnails are being fetched and decrypted at
 * once. Requests wait in a stack (last in, first out: what just scrolled into view comes before
 * what was asked for a second ago), and a tile that leaves the screen withdraws its request
 * before it starts. The page keeps decrypted thumbnails as Blobs (cheap handles on the bytes);
 * an object URL exists only while a tile that shows it is mounted, and is revoked when it goes.
 */
const MAX_IN_FLIGHT = 8;
const MEMORY = 800;

interface Job {
  readonly key: string;
  readonly scope: PhotoScope;
  readonly fileId: string;
  readonly size: ThumbnailSize;
  readonly waiters: Set<Waiter>;
}
interface Waiter {
  resolve(b: Blob): void;
  reject(e: unknown): void;
}

const memory = new Map<string, Blob>();
const waiting = new Map<string, Job>();
const stack: Job[] = [];
let inFlight = 0;
/** For tests and the benchmark: how many requests ran at most at once. */
export const thumbnailStats = { peakInFlight: 0, started: 0, withdrawn: 0 };

const keyOf = (scope: PhotoScope, fileId: string, size: ThumbnailSize) => `${scope}|${fileId}|${size}`;

function remember(key: string, blob: Blob): void {
  memory.delete(key);
  memory.set(key, blob);
  if (memory.size > MEMORY) memory.delete(memory.keys().next().value!);
}

function pump(): void {
  while (inFlight < MAX_IN_FLIGHT && stack.length) {
    const job = stack.pop()!;
    if (!job.waiters.size) continue;
    waiting.delete(job.key);
    inFlight++;
    thumbnailStats.started++;
    thumbnailStats.peakInFlight = Math.max(thumbnailStats.peakInFlight, inFlight);
    worker.media.thumbnail(job.scope, job.fileId, job.size).then(
      (blob) => { remember(job.key, blob); for (const w of job.waiters) w.resolve(blob); },
      (e: unknown) => { for (const w of job.waiters) w.reject(e); },
    ).finally(() => { inFlight--; pump(); });
  }
}

/** A decrypted thumbnail; aborting `signal` withdraws the request if it has not started. */
export function loadThumbnail(scope: PhotoScope, fileId: string, size: ThumbnailSize, signal?: AbortSignal): Promise<Blob> {
  const key = keyOf(scope, fileId, size);
  const hit = memory.get(key);
  if (hit) { remember(key, hit); return Promise.resolve(hit); }
  return new Promise<Blob>((resolve, reject) => {
    let job = waiting.get(key);
    if (!job) {
      job = { key, scope, fileId, size, waiters: new Set() };
      waiting.set(key, job);
      stack.push(job);
    } else {
      // asked again: move it to the top of the stack
      const at = stack.indexOf(job);
      if (at >= 0) { stack.splice(at, 1); stack.push(job); }
    }
    const waiter: Waiter = { resolve, reject };
    job.waiters.add(waiter);
    const j = job;
    signal?.addEventListener('abort', () => {
      if (!j.waiters.delete(waiter)) return;
      if (!j.waiters.size && waiting.get(key) === j) {
        waiting.delete(key);
        const at = stack.indexOf(j);
        if (at >= 0) stack.splice(at, 1);
        thumbnailStats.withdrawn++;
      }
      reject(new DOMException('withdrawn', 'AbortError'));
    }, { once: true });
    pump();
  });
}

/** Drops what the page remembers (after a photo was deleted, or on logout). */
export function forgetThumbnails(): void {
  memory.clear();
}

export type ThumbState = { readonly url?: string; readonly error?: unknown };

/**
 * An object URL for a thumbnail while the calling component is mounted (revoked when it
 * unmounts or the photo changes). `enabled: false` asks for nothing (photos with a problem).
 */
export function useThumbnail(scope: PhotoScope, fileId: string, size: ThumbnailSize, enabled = true): ThumbState {
  const [state, setState] = useState<ThumbState & { key?: string }>({});
  const key = keyOf(scope, fileId, size);
  useEffect(() => {
    if (!enabled) return;
    const ac = new AbortController();
    let url: string | undefined;
    loadThumbnail(scope, fileId, size, ac.signal).then(
      (blob) => {
        if (ac.signal.aborted) return;
        url = URL.createObjectURL(blob);
        setState({ key, url });
      },
      (e: unknown) => { if (!ac.signal.aborted) setState({ key, error: e }); },
    );
    return () => {
      ac.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [scope, fileId, size, key, enabled]);
  // a state left from the previous photo is not this photo's
  return state.key === key ? state : {};
}
