import { randomBytes } from 'node:crypto';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { buildApp, type ObscuraApp } from './app.ts';
import type { BlobStore } from './blob/blob-store.ts';
import { DiskBlobStore } from './blob/disk-blob-store.ts';
import type { ServerConfig } from './config.ts';
import { openDatabase } from './db/index.ts';
import { isStorageFull } from './errors.ts';
import { systemClock, type Clock } from './ports/clock.ts';
import { consoleLogger, type Logger } from './ports/logger.ts';
import { OutboxMailer, SmtpMailer } from './ports/mailer.ts';
import { systemRandom } from './ports/random.ts';
import { generateOpaqueServerSetup } from './services/opaque.ts';
import type { Database } from './repositories/index.ts';

const SWEEP_EVERY_MS = 60 * 60_000;
/**
 * When the start-up check for orphaned blobs runs ([Note: orphaned blobs]): late enough that a
 * create another process (sharing the database and the store) began just before this start has
 * committed, so its thumbnails are not taken for orphans.
 */
const ORPHAN_CHECK_AFTER_MS = 10_000;
const OPAQUE_SETUP_KEY = 'opaque_server_setup';

export interface RunningServer {
  url: string;
  app: ObscuraApp;
  close(): Promise<void>;
}

/** The OPAQUE server setup: from config, else the one in the database, else a new one stored there (first writer wins). */
async function opaqueSetup(db: Database, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  return (await db.repos.settings.get(OPAQUE_SETUP_KEY))
    ?? db.repos.settings.getOrInsert(OPAQUE_SETUP_KEY, await generateOpaqueServerSetup());
}

/** The blob store of the configuration, checked to be usable; `where` for the log (never a credential). */
async function openBlobStore(config: ServerConfig, dataDir: string): Promise<{ blobs: BlobStore; where: string; close(): void }> {
  if (!config.s3) {
    const dir = join(dataDir, 'blobs');
    return { blobs: new DiskBlobStore(dir), where: dir, close: () => {} };
  }
  // Loaded only when used: the AWS SDK is large.
  const { S3BlobStore, describeS3 } = await import('./blob/s3-blob-store.ts');
  const store = S3BlobStore.fromSettings(config.s3);
  const where = describeS3(config.s3);
  try {
    await store.check(where);
  } catch (e) {
    store.destroy();
    throw e;
  }
  return { blobs: store, where, close: () => store.destroy() };
}

// [Note: DATA_DIR checked first]
// A data folder the server cannot use must stop it at once with a sentence, not later in some
// request: on a file system such as /proc, mkdir answers ENOENT for a folder whose parent
// exists, and node's recursive mkdir then retries for ever (the server spun at full CPU without
// a word). So DATA_DIR is created one level at a time, a probe file is written, fsynced and
// removed, and (SQLite) the database opened, before anything else; any failure is
// "DATA_DIR … is not usable: <reason>". A full disk alone does not stop the start (with
// PostgreSQL elsewhere what is stored stays readable): it is logged, and writes answer 507 until
// space returns; SQLite, though, cannot open its database without a free byte, which is said so.

/** Thrown when DATA_DIR cannot hold the server's data; `obscura serve` prints it and exits 1. */
export class DataDirError extends Error {
  constructor(dataDir: string, why: string, options?: { cause?: unknown }) {
    super(`DATA_DIR ${dataDir} is not usable: ${why}`, options);
    this.name = 'DataDirError';
  }
}

/** mkdir -p that gives up: each missing level once, from the nearest folder that exists. */
async function makeDir(dir: string): Promise<void> {
  try {
    await mkdir(dir);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if ((await stat(dir)).isDirectory()) return;
      throw Object.assign(new Error(`${dir} exists and is not a folder`), { code: 'ENOTDIR' });
    }
    const parent = dirname(dir);
    // ENOENT with the parent present: this file system does not take new folders here.
    if (code !== 'ENOENT' || parent === dir || (await stat(parent).then(() => true, () => false))) throw e;
  }
  await makeDir(dirname(dir));
  await mkdir(dir).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; });
}

/** Why an fs call failed, in words ("permission denied (EACCES)"). */
function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const words = /^[A-Z]+: ([^,]+)/.exec(err.message ?? '')?.[1];
  return err.code && words ? `${words} (${err.code})` : (err.message ?? String(e));
}

/** Creates DATA_DIR if missing and proves a file can be written, synced and removed in it; `full` when it has no space left. */
async function checkDataDir(dataDir: string, logger: Logger): Promise<{ full: boolean }> {
  try {
    await makeDir(dataDir);
  } catch (e) {
    throw new DataDirError(dataDir, `cannot create the folder: ${reason(e)}`, { cause: e });
  }
  const probe = join(dataDir, `.probe-${randomBytes(6).toString('hex')}`);
  try {
    const fh = await open(probe, 'wx');
    try {
      await fh.write('obscura: can this folder keep data?\n');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rm(probe);
  } catch (e) {
    await rm(probe, { force: true }).catch(() => {});
    if (isStorageFull(e)) {
      logger.error(`DATA_DIR ${dataDir}: the disk is full (${reason(e)}); requests that store anything are refused (507) until space is freed`);
      return { full: true };
    }
    throw new DataDirError(dataDir, `cannot write a file in it: ${reason(e)}`, { cause: e });
  }
  return { full: false };
}

/** `http://host:port` for a listen address (a wildcard address becomes localhost). */
function listenUrlOf(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
}

/** Opens storage (migrating it), builds the app and listens. */
export async function startServer(config: ServerConfig, opts: { logger?: Logger; clock?: Clock } = {}): Promise<RunningServer> {
  // The real clock, as the blob store's modification times ([Note: orphaned blobs]).
  const startedAt = Date.now();
  const logger = opts.logger ?? consoleLogger;
  const dataDir = resolve(config.dataDir);
  const { full } = await checkDataDir(dataDir, logger);
  let db: Database;
  if (config.databaseUrl) {
    db = await openDatabase({ kind: 'postgres', url: config.databaseUrl });
  } else {
    const file = join(dataDir, 'obscura.db');
    try {
      db = await openDatabase({ kind: 'sqlite', file });
    } catch (e) {
      // SQLite cannot open a database (its shared-memory file) on a disk without a free byte.
      const why = full || isStorageFull(e) ? `the disk is full, so the database ${file} cannot be opened (${reason(e)}); free space, then start the server again`
        : `cannot open the database ${file}: ${reason(e)}`;
      throw new DataDirError(dataDir, why, { cause: e });
    }
  }
  let blobStore: Awaited<ReturnType<typeof openBlobStore>>;
  try {
    blobStore = await openBlobStore(config, dataDir);
  } catch (e) {
    await db.close();
    throw e;
  }
  const clock = opts.clock ?? systemClock;
  const mailer = config.smtpUrl
    ? new SmtpMailer(config.smtpUrl, config.mailFrom, logger)
    : new OutboxMailer(join(dataDir, 'outbox'), config.mailFrom, clock, systemRandom, logger);
  try {
    const app = await buildApp({
      mailer,
      db, blobs: blobStore.blobs, opaqueServerSetup: await opaqueSetup(db, config.opaqueServerSetup),
      clock, logger, defaultQuotaBytes: config.defaultQuotaBytes,
      sessionTtlMs: config.sessionTtlDays * 24 * 3600_000,
      authRateLimit: { limit: config.authRateLimitPerMinute, windowMs: 60_000 },
      lookupRateLimit: { limit: config.userLookupRateLimitPerMinute, windowMs: 60_000 },
      externalInvitationTtlDays: config.externalInvitationTtlDays,
      externalInvitationsPerDay: config.externalInvitationsPerDay,
      requireEmailVerification: config.requireEmailVerification,
      trustProxy: config.trustProxy, ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
      webDir: config.webDir,
      ...(config.port !== 0 ? { listenUrl: listenUrlOf(config.host, config.port) } : {}),
    });
    const sweep = () => app.services.sweeper.sweep().catch((e) => logger.error('sweeper failed', e));
    await app.listen({ port: config.port, host: config.host });
    void sweep();
    const timer = setInterval(sweep, SWEEP_EVERY_MS);
    timer.unref();
    // [Note: orphaned blobs] what a stopped run left in the blob store, once, in the background.
    const stopOrphans = new AbortController();
    let orphans: Promise<void> = Promise.resolve();
    const orphanTimer = setTimeout(() => {
      orphans = app.services.files.collectOrphans(startedAt, stopOrphans.signal).then((r) => {
        if (r.blobs > 0) logger.info(`start-up: removed ${r.blobs} blobs left by an interrupted run (${r.files} files never recorded)`);
      }, (e) => { if (!stopOrphans.signal.aborted) logger.error('start-up: looking for blobs left by an interrupted run failed', e); });
    }, ORPHAN_CHECK_AFTER_MS);
    orphanTimer.unref();
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.port;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    logger.info(`obscura server listening on ${url} (${db.dialect}, data in ${dataDir}, blobs in ${blobStore.where})`);
    return {
      url, app,
      close: async () => {
        clearInterval(timer); clearTimeout(orphanTimer); stopOrphans.abort(); await orphans;
        await app.close(); await db.close(); blobStore.close();
      },
    };
  } catch (e) {
    await db.close();
    blobStore.close();
    throw e;
  }
}
