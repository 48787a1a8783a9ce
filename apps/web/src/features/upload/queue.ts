// The page's upload queue: which file is where, what to start next, totals and speed. No DOM and
// no worker import: the worker is reached through `UploadPort`, so the scheduling is unit-tested
// with a fake one (apps/web/test/upload-queue.test.ts).
import type { AppErrorInfo } from '../../shared/rpc.ts';
import type { QueueEntry, SkipKind, UploadEvent, UploadOutcome, UploadTarget, WorkPhase } from './model.ts';

/** What the queue needs from the worker (worker.uploads fits it). */
export interface UploadPort {
  enqueue(entries: QueueEntry[]): Promise<void>;
  upload(id: string, file: Blob): Promise<UploadOutcome>;
  cancel(id: string): Promise<void>;
}

export type ItemStatus = 'queued' | WorkPhase | 'done' | 'skipped' | 'failed' | 'cancelled';

export interface UploadItem extends UploadTarget {
  readonly id: string;
  readonly name: string;
  readonly relativePath?: string;
  readonly size: number;
  readonly status: ItemStatus;
  /** Bytes of the current phase done (0 when not working). */
  readonly phaseDone: number;
  /** Uploaded, resumed, or (into an album) added from my library. */
  readonly outcome?: 'uploaded' | 'resumed' | 'added';
  readonly skip?: { readonly kind: SkipKind; readonly reason: string };
  /** Failed: the error in words; cancelled: what happened to what was already sent. */
  readonly message?: string;
  readonly errorKind?: AppErrorInfo['kind'];
  readonly fileId?: string;
  /** Cancel was asked; the worker is stopping it. */
  readonly cancelling?: boolean;
}

export interface QueueSnapshot {
  readonly items: readonly UploadItem[];
  readonly counts: { readonly total: number; readonly queued: number; readonly active: number; readonly done: number; readonly skipped: number; readonly failed: number; readonly cancelled: number };
  /** 0..1 over every file of the queue, weighted by size (skipped and failed files count as finished). */
  readonly progress: number;
  readonly bytesTotal: number;
  /** Upload speed over the last few seconds, bytes per second. */
  readonly speed: number;
  /** Set while new files are not started: why, in words. */
  readonly paused?: { readonly reason: string; readonly kind: AppErrorInfo['kind'] };
  readonly finished: boolean;
}

export interface AddedFile {
  readonly file: Blob;
  readonly name: string;
  readonly relativePath?: string;
  readonly lastModified: number;
  /** The interrupted entry (from before a reload) this file takes over. */
  readonly resumes?: string;
  /** Overrides the batch target (a resumed file goes where it was going). */
  readonly target?: UploadTarget;
}

const ACTIVE: ReadonlySet<ItemStatus> = new Set(['hashing', 'checking', 'preparing', 'uploading']);
const FINISHED: ReadonlySet<ItemStatus> = new Set(['done', 'skipped', 'failed', 'cancelled']);
/** Errors after which starting the next file would fail the same way: the queue pauses instead. */
const PAUSING: ReadonlySet<AppErrorInfo['kind']> = new Set(['network', 'not-logged-in', 'rate-limited']);
const SPEED_WINDOW_MS = 4000;

/**
 * [Note: upload progress] a file's share of the total bar: hashing reads it once (15 %),
 * preparing encrypts it once to hash the blocks (15 %), uploading sends it (70 %). The split is
 * by time spent on a typical connection, so the bar moves evenly; only the upload phase counts
 * toward the speed.
 */
export function fractionOf(status: ItemStatus, phaseDone: number, size: number): number {
  const f = size > 0 ? Math.min(1, phaseDone / size) : 1;
  switch (status) {
    case 'queued': return 0;
    case 'hashing': return 0.15 * f;
    case 'checking': return 0.15;
    case 'preparing': return 0.15 + 0.15 * f;
    case 'uploading': return 0.3 + 0.7 * f;
    default: return 1;
  }
}

let seq = 0;
const newId = () => (typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `u${Date.now()}-${++seq}`);

export interface QueueOptions {
  /** Files worked on at once (each sends up to 3 blocks of 4 MiB at once). */
  readonly concurrency?: number;
  readonly now?: () => number;
  /** Called when a file finished as uploaded, resumed or added (the library changed). */
  readonly onFinished?: (item: UploadItem) => void;
  /** Classifies a thrown error (the page's AppError carries `info`). */
  readonly errorInfo?: (e: unknown) => { kind: AppErrorInfo['kind']; message: string; code?: string };
}

const defaultInfo = (e: unknown) => {
  const info = (e as { info?: AppErrorInfo }).info;
  if (info) return info;
  return { kind: 'internal' as const, message: e instanceof Error ? e.message : String(e) };
};

export class UploadQueue {
  private items: UploadItem[] = [];
  private readonly files = new Map<string, Blob>();
  private readonly running = new Set<string>();
  private listeners = new Set<() => void>();
  private snap: QueueSnapshot | undefined;
  private paused: QueueSnapshot['paused'];
  /** (time, bytes uploaded so far) samples for the speed. */
  private samples: { t: number; bytes: number }[] = [];
  private uploadedBytes = 0;
  private readonly concurrency: number;
  private readonly now: () => number;
  private readonly info: NonNullable<QueueOptions['errorInfo']>;

  constructor(private readonly port: UploadPort, private readonly opts: QueueOptions = {}) {
    this.concurrency = Math.max(1, opts.concurrency ?? 2);
    this.now = opts.now ?? (() => Date.now());
    this.info = opts.errorInfo ?? defaultInfo;
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  };

  snapshot = (): QueueSnapshot => {
    this.snap ??= this.compute();
    return this.snap;
  };

  private changed(): void {
    this.snap = undefined;
    for (const l of this.listeners) l();
  }

  private compute(): QueueSnapshot {
    const c = { total: this.items.length, queued: 0, active: 0, done: 0, skipped: 0, failed: 0, cancelled: 0 };
    let weighted = 0;
    let bytesTotal = 0;
    for (const it of this.items) {
      if (it.status === 'queued') c.queued++;
      else if (ACTIVE.has(it.status)) c.active++;
      else c[it.status as 'done' | 'skipped' | 'failed' | 'cancelled']++;
      // an empty file still counts for one byte, so a queue of empty files moves too
      const w = Math.max(1, it.size);
      bytesTotal += w;
      weighted += w * fractionOf(it.status, it.phaseDone, it.size);
    }
    return {
      items: this.items, counts: c, progress: bytesTotal > 0 ? weighted / bytesTotal : 0, bytesTotal: bytesTotal,
      speed: this.speed(), ...(this.paused ? { paused: this.paused } : {}),
      finished: c.total > 0 && c.queued === 0 && c.active === 0,
    };
  }

  private speed(): number {
    const now = this.now();
    this.samples = this.samples.filter((s) => now - s.t <= SPEED_WINDOW_MS);
    const first = this.samples[0];
    if (!first || this.running.size === 0) return 0;
    const dt = Math.max(500, now - first.t);
    return ((this.uploadedBytes - first.bytes) * 1000) / dt;
  }

  private set(id: string, patch: Partial<UploadItem>): UploadItem | undefined {
    let updated: UploadItem | undefined;
    this.items = this.items.map((it) => (it.id === id ? (updated = { ...it, ...patch }) : it));
    return updated;
  }

  private get(id: string): UploadItem | undefined {
    return this.items.find((it) => it.id === id);
  }

  /** Adds files (to the end of the queue) and starts them as slots free up. Returns their ids. */
  async add(files: readonly AddedFile[], target: UploadTarget = {}): Promise<string[]> {
    if (files.length === 0) return [];
    const entries: QueueEntry[] = files.map((f) => {
      const t = f.target ?? target;
      return {
        id: newId(), name: f.name, size: f.file.size, lastModified: f.lastModified,
        ...(f.relativePath ? { relativePath: f.relativePath } : {}),
        ...(t.albumId ? { albumId: t.albumId, ...(t.albumName ? { albumName: t.albumName } : {}) } : {}),
        ...(f.resumes ? { resumes: f.resumes } : {}),
      };
    });
    // Recorded first, so a reload from here on lists every one of them ([Note: uploads survive a reload]).
    await this.port.enqueue(entries);
    entries.forEach((e, i) => {
      this.files.set(e.id, files[i]!.file);
      this.items = [...this.items, {
        id: e.id, name: e.name, size: e.size, status: 'queued', phaseDone: 0,
        ...(e.relativePath ? { relativePath: e.relativePath } : {}),
        ...(e.albumId ? { albumId: e.albumId, ...(e.albumName ? { albumName: e.albumName } : {}) } : {}),
      }];
    });
    this.changed();
    this.pump();
    return entries.map((e) => e.id);
  }

  /** Progress reported by the worker. */
  onEvent = (e: UploadEvent): void => {
    const it = this.get(e.id);
    if (!it || !this.running.has(e.id)) return;
    if (e.phase === 'uploading') {
      const before = it.status === 'uploading' ? it.phaseDone : 0;
      const delta = Math.max(0, e.bytesDone - before);
      if (this.samples.length === 0) this.samples.push({ t: this.now(), bytes: this.uploadedBytes });
      this.uploadedBytes += delta;
      this.samples.push({ t: this.now(), bytes: this.uploadedBytes });
    }
    this.set(e.id, { status: e.phase, phaseDone: e.bytesDone });
    this.changed();
  };

  private pump(): void {
    if (this.paused) return;
    while (this.running.size < this.concurrency) {
      const next = this.items.find((it) => it.status === 'queued' && !this.running.has(it.id));
      if (!next) return;
      void this.run(next.id);
    }
  }

  private async run(id: string): Promise<void> {
    const file = this.files.get(id);
    if (!file) return;
    this.running.add(id);
    this.set(id, { status: 'hashing', phaseDone: 0 });
    this.changed();
    try {
      const outcome = await this.port.upload(id, file);
      this.finish(id, outcome);
    } catch (e) {
      const info = this.info(e);
      if (info.kind === 'cancelled' || this.get(id)?.cancelling) {
        this.set(id, { status: 'cancelled', phaseDone: 0, message: 'cancelled', cancelling: false });
      } else {
        this.set(id, { status: 'failed', phaseDone: 0, message: info.message, errorKind: info.kind });
        if (PAUSING.has(info.kind) || info.code === 'quota-exceeded' || info.code === 'storage-full') {
          this.paused = { reason: info.message, kind: info.kind };
        }
      }
    } finally {
      this.running.delete(id);
      this.changed();
      this.pump();
    }
  }

  private finish(id: string, o: UploadOutcome): void {
    if (o.status === 'cancelled') {
      this.set(id, {
        status: 'cancelled', phaseDone: 0, cancelling: false,
        message: o.released ? 'cancelled; nothing of it is kept' : 'cancelled; what was already sent is freed within the hour',
      });
      return;
    }
    // Finished for good: the File is no longer needed (retry is only for failures).
    this.files.delete(id);
    if (o.status === 'skipped') {
      this.set(id, { status: 'skipped', phaseDone: 0, skip: { kind: o.kind, reason: o.reason } });
      return;
    }
    const done = this.set(id, { status: 'done', phaseDone: 0, outcome: o.status, fileId: o.fileId });
    if (done) this.opts.onFinished?.(done);
  }

  /**
   * Cancels one file: a queued (or failed) one is dropped from the queue, a running one is
   * stopped; the worker discards whatever the server already holds of it.
   */
  async cancel(id: string): Promise<void> {
    const it = this.get(id);
    if (!it || (FINISHED.has(it.status) && it.status !== 'failed') || it.cancelling) return;
    if (!this.running.has(id)) {
      this.set(id, { status: 'cancelled', phaseDone: 0, message: 'cancelled' });
      this.files.delete(id);
      this.changed();
      await this.port.cancel(id);
      return;
    }
    this.set(id, { cancelling: true });
    this.changed();
    await this.port.cancel(id);
  }

  /** Cancels every file not finished yet. */
  async cancelAll(): Promise<void> {
    const open = this.items.filter((it) => !FINISHED.has(it.status)).map((it) => it.id);
    // queued ones first, so no slot picks one up while the running ones stop
    const queued = open.filter((id) => !this.running.has(id));
    const running = open.filter((id) => this.running.has(id));
    await Promise.all([...queued, ...running].map((id) => this.cancel(id)));
  }

  /** Puts a failed (or cancelled) file back in the queue. */
  retry(id: string): void {
    const it = this.get(id);
    if (!it || (it.status !== 'failed' && it.status !== 'cancelled') || !this.files.has(id)) return;
    this.set(id, { status: 'queued', phaseDone: 0, message: undefined, errorKind: undefined });
    this.paused = undefined;
    this.changed();
    this.pump();
  }

  retryFailed(): void {
    for (const it of this.items) if (it.status === 'failed' && this.files.has(it.id)) this.set(it.id, { status: 'queued', phaseDone: 0, message: undefined, errorKind: undefined });
    this.paused = undefined;
    this.changed();
    this.pump();
  }

  /** Starts queued files again after a pause (connection back, space freed, logged in again). */
  resume(): void {
    if (!this.paused) return;
    this.paused = undefined;
    this.changed();
    this.pump();
  }

  canRetry(id: string): boolean {
    return this.files.has(id);
  }

  /** The File of a queued or running item (for the page's video poster). */
  fileOf(id: string): Blob | undefined {
    return this.files.get(id);
  }

  /** Recomputes the snapshot (the speed decays while nothing is reported). */
  tick(): void {
    if (this.running.size > 0) this.changed();
  }

  /** Forgets finished files, failed ones included (the panel's "Clear"). */
  async clearFinished(): Promise<void> {
    const failed = this.items.filter((it) => it.status === 'failed').map((it) => it.id);
    this.items = this.items.filter((it) => !FINISHED.has(it.status));
    for (const id of [...this.files.keys()]) if (!this.items.some((it) => it.id === id)) this.files.delete(id);
    this.samples = [];
    if (this.items.length === 0) this.paused = undefined;
    this.changed();
    // the worker forgets them too (and discards what the server holds of a failed one)
    await Promise.all(failed.map((id) => this.port.cancel(id)));
  }
}
