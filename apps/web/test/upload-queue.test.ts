/// <reference types="node" />
// The page's upload queue against a fake worker: bounded concurrency, progress and speed, pause on
// errors that would fail every next file, cancel, retry, and what a reload keeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UploadQueue, fractionOf, type UploadPort } from '../src/features/upload/queue.ts';
import { isHiddenPath, sameFileKey, type QueueEntry, type UploadOutcome } from '../src/features/upload/model.ts';
import type { AppErrorInfo } from '../src/shared/rpc.ts';

class Deferred<T> {
  resolve!: (v: T) => void;
  reject!: (e: unknown) => void;
  readonly promise = new Promise<T>((res, rej) => { this.resolve = res; this.reject = rej; });
}

/** A worker that does nothing until the test says how each upload ends. */
class FakePort implements UploadPort {
  enqueued: QueueEntry[] = [];
  started: string[] = [];
  cancelled: string[] = [];
  pending = new Map<string, Deferred<UploadOutcome>>();
  async enqueue(entries: QueueEntry[]) { this.enqueued.push(...entries); }
  upload(id: string): Promise<UploadOutcome> {
    this.started.push(id);
    const d = new Deferred<UploadOutcome>();
    this.pending.set(id, d);
    return d.promise;
  }
  async cancel(id: string) {
    this.cancelled.push(id);
    this.pending.get(id)?.resolve({ status: 'cancelled', released: true });
  }
}

const appError = (info: AppErrorInfo) => Object.assign(new Error(info.message), { info });
const file = (name: string, size: number) => ({ file: new Blob([new Uint8Array(size)]), name, lastModified: 1_700_000_000_000 });
const settle = () => new Promise((r) => setImmediate(r));

test('at most `concurrency` files at once; the next starts when one ends', async () => {
  const port = new FakePort();
  const q = new UploadQueue(port, { concurrency: 2 });
  const ids = await q.add([file('a.jpg', 10), file('b.jpg', 10), file('c.jpg', 10), file('d.jpg', 10)]);
  assert.equal(port.enqueued.length, 4, 'every file is recorded before any starts');
  assert.deepEqual(port.started, ids.slice(0, 2));
  assert.equal(q.snapshot().counts.active, 2);
  assert.equal(q.snapshot().counts.queued, 2);
  port.pending.get(ids[0]!)!.resolve({ status: 'uploaded', fileId: 'f1' });
  await settle();
  assert.deepEqual(port.started, ids.slice(0, 3));
  port.pending.get(ids[1]!)!.resolve({ status: 'skipped', kind: 'duplicate', reason: 'already in your library' });
  port.pending.get(ids[2]!)!.resolve({ status: 'skipped', kind: 'not-media', reason: 'not a photo or video (looks like text)' });
  await settle();
  port.pending.get(ids[3]!)!.resolve({ status: 'resumed', fileId: 'f4' });
  await settle();
  const s = q.snapshot();
  assert.deepEqual(s.counts, { total: 4, queued: 0, active: 0, done: 2, skipped: 2, failed: 0, cancelled: 0 });
  assert.ok(s.finished);
  assert.equal(s.progress, 1);
  assert.deepEqual(s.items.map((i) => i.skip?.reason ?? i.outcome), ['uploaded', 'already in your library', 'not a photo or video (looks like text)', 'resumed']);
});

test('progress by phase, weighted by size, and the upload speed over the last seconds', async () => {
  const port = new FakePort();
  let now = 0;
  const q = new UploadQueue(port, { concurrency: 2, now: () => now });
  const [a, b] = await q.add([file('big.mp4', 1000), file('small.jpg', 0)]);
  q.onEvent({ type: 'progress', id: a!, phase: 'hashing', bytesDone: 500, bytesTotal: 1000 });
  // big: half hashed (7.5 % of 1000 bytes); the empty file counts as one byte, hashed at once (15 %)
  assert.ok(Math.abs(q.snapshot().progress - (1000 * 0.075 + 0.15) / 1001) < 1e-9);
  q.onEvent({ type: 'progress', id: a!, phase: 'preparing', bytesDone: 1000, bytesTotal: 1000 });
  assert.equal(fractionOf('preparing', 1000, 1000), 0.3);
  q.onEvent({ type: 'progress', id: a!, phase: 'uploading', bytesDone: 0, bytesTotal: 1000 });
  now = 1000;
  q.onEvent({ type: 'progress', id: a!, phase: 'uploading', bytesDone: 400, bytesTotal: 1000 });
  now = 2000;
  q.onEvent({ type: 'progress', id: a!, phase: 'uploading', bytesDone: 800, bytesTotal: 1000 });
  assert.equal(q.snapshot().speed, 400, '800 bytes in 2 s');
  assert.equal(q.snapshot().items[0]!.status, 'uploading');
  port.pending.get(b!)!.resolve({ status: 'uploaded', fileId: 'x' });
  port.pending.get(a!)!.resolve({ status: 'uploaded', fileId: 'y' });
  await settle();
  assert.equal(q.snapshot().speed, 0, 'no speed once nothing runs');
});

test('a lost connection pauses the queue (the failed file can be retried); resume goes on', async () => {
  const port = new FakePort();
  const q = new UploadQueue(port, { concurrency: 1 });
  const [a, b] = await q.add([file('a.jpg', 5), file('b.jpg', 5)]);
  port.pending.get(a!)!.reject(appError({ kind: 'network', message: 'cannot reach the server: check your connection and try again' }));
  await settle();
  let s = q.snapshot();
  assert.equal(s.paused?.kind, 'network');
  assert.equal(s.items[0]!.status, 'failed');
  assert.match(s.items[0]!.message!, /cannot reach the server/);
  assert.deepEqual(port.started, [a], 'b is not started while paused');
  q.resume();
  assert.deepEqual(port.started, [a, b]);
  port.pending.get(b!)!.resolve({ status: 'uploaded', fileId: 'fb' });
  await settle();
  assert.ok(q.canRetry(a!));
  q.retry(a!);
  assert.deepEqual(port.started, [a, b, a]);
  port.pending.get(a!)!.resolve({ status: 'uploaded', fileId: 'fa' });
  await settle();
  s = q.snapshot();
  assert.deepEqual(s.counts, { total: 2, queued: 0, active: 0, done: 2, skipped: 0, failed: 0, cancelled: 0 });
  assert.equal(s.paused, undefined);
});

test('a full storage pauses too; an ordinary failure does not', async () => {
  const port = new FakePort();
  const q = new UploadQueue(port, { concurrency: 1 });
  const [a, b, c] = await q.add([file('a.jpg', 5), file('b.jpg', 5), file('c.jpg', 5)]);
  port.pending.get(a!)!.reject(appError({ kind: 'integrity', message: 'a.jpg changed while being read; try again' }));
  await settle();
  assert.equal(q.snapshot().paused, undefined);
  assert.deepEqual(port.started, [a, b]);
  port.pending.get(b!)!.reject(appError({ kind: 'api', code: 'quota-exceeded', status: 413, message: 'not enough storage: 1 KB left, b.jpg needs 5 KB' }));
  await settle();
  assert.match(q.snapshot().paused!.reason, /not enough storage/);
  assert.deepEqual(port.started, [a, b], 'c waits');
  q.retryFailed();
  assert.deepEqual(port.started, [a, b, a], 'retrying puts the failed files back in order');
  void c;
});

test('cancel: a queued file is dropped at once, a running one stops through the worker', async () => {
  const port = new FakePort();
  const q = new UploadQueue(port, { concurrency: 1 });
  const [a, b] = await q.add([file('a.mp4', 50), file('b.mp4', 50)]);
  await q.cancel(b!);
  assert.equal(q.snapshot().items[1]!.status, 'cancelled');
  assert.deepEqual(port.cancelled, [b]);
  const cancelling = q.cancel(a!);
  assert.equal(q.snapshot().items[0]!.cancelling, true);
  await cancelling;
  await settle();
  const s = q.snapshot();
  assert.equal(s.items[0]!.status, 'cancelled');
  assert.equal(s.items[0]!.message, 'cancelled; nothing of it is kept');
  assert.ok(s.finished);
  assert.deepEqual(port.started, [a], 'b never started');
});

test('cancel all, then clear: finished rows go, failed ones are forgotten by the worker too', async () => {
  const port = new FakePort();
  const q = new UploadQueue(port, { concurrency: 2 });
  const [a, b, c] = await q.add([file('a.jpg', 5), file('b.jpg', 5), file('c.jpg', 5)]);
  port.pending.get(a!)!.reject(appError({ kind: 'api', status: 500, message: 'the server failed' }));
  await settle();
  await q.cancelAll();
  await settle();
  assert.deepEqual(q.snapshot().items.map((i) => i.status), ['failed', 'cancelled', 'cancelled']);
  await q.clearFinished();
  assert.equal(q.snapshot().counts.total, 0);
  assert.ok(port.cancelled.includes(a!), 'the worker forgets the failed entry (and discards what the server holds)');
  void b; void c;
});

test('resume matching and dotfiles', () => {
  assert.equal(sameFileKey({ name: 'a.jpg', size: 3, lastModified: 5 }), sameFileKey({ name: 'a.jpg', size: 3, lastModified: 5 }));
  assert.notEqual(sameFileKey({ name: 'a.jpg', size: 3, lastModified: 5 }), sameFileKey({ name: 'a.jpg', size: 4, lastModified: 5 }));
  assert.ok(isHiddenPath('Trip/.DS_Store'));
  assert.ok(isHiddenPath('.git/objects/ab'));
  assert.ok(!isHiddenPath('Trip/IMG_1.jpg'));
  assert.ok(!isHiddenPath('Trip/my.photo.jpg'));
});
