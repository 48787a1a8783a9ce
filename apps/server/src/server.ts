import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildApp, type ObscuraApp } from './app.ts';
import type { BlobStore } from './blob/blob-store.ts';
import { DiskBlobStore } from './blob/disk-blob-store.ts';
import type { ServerConfig } from './config.ts';
import { openDatabase } from './db/index.ts';
import { systemClock, type Clock } from './ports/clock.ts';
import { consoleLogger, type Logger } from './ports/logger.ts';
import { OutboxMailer, SmtpMailer } from './ports/mailer.ts';
import { systemRandom } from './ports/random.ts';
import { generateOpaqueServerSetup } from './services/opaque.ts';
import type { Database } from './repositories/index.ts';

const SWEEP_EVERY_MS = 60 * 60_000;
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

/** Opens storage (migrating it), builds the app and listens. */
/** `http://host:port` for a listen address (a wildcard address becomes localhost). */
function listenUrlOf(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
}

export async function startServer(config: ServerConfig, opts: { logger?: Logger; clock?: Clock } = {}): Promise<RunningServer> {
  const logger = opts.logger ?? consoleLogger;
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const db = await openDatabase(config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl }
    : { kind: 'sqlite', file: join(dataDir, 'obscura.db') });
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
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.port;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    logger.info(`obscura server listening on ${url} (${db.dialect}, data in ${dataDir}, blobs in ${blobStore.where})`);
    return {
      url, app,
      close: async () => { clearInterval(timer); await app.close(); await db.close(); blobStore.close(); },
    };
  } catch (e) {
    await db.close();
    blobStore.close();
    throw e;
  }
}
