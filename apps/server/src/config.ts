import { fileURLToPath } from 'node:url';
import { EXTERNAL_INVITATIONS_PER_DAY_DEFAULT, EXTERNAL_INVITATION_TTL_DAYS_DEFAULT, GiB } from '@obscura/protocol';
import type { S3Settings } from './blob/s3-blob-store.ts';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://… selects PostgreSQL; otherwise SQLite at `${dataDir}/obscura.db`. */
  databaseUrl: string | undefined;
  /** Blobs in an S3 bucket when `S3_BUCKET` is set; otherwise in `${dataDir}/blobs`. */
  s3: S3Settings | undefined;
  defaultQuotaBytes: number;
  sessionTtlDays: number;
  /** OPAQUE server setup; when absent it is generated once and kept in the database. */
  opaqueServerSetup: string | undefined;
  publicUrl: string | undefined;
  /** Attempts per minute per email and per client address for signup, login and recovery. */
  authRateLimitPerMinute: number;
  /** Emails one account may look up per minute (usersLookup: sharing, fingerprints). */
  userLookupRateLimitPerMinute: number;
  /** Trust X-Forwarded-For (behind a reverse proxy). */
  trustProxy: boolean;
  /** Days an invitation to an email without an account stays open (it can be re-sent after). */
  externalInvitationTtlDays: number;
  /** Invitations to emails without an account one person may send or re-send per day. */
  externalInvitationsPerDay: number;
  /** Sign-up needs a mailed code proving the email (else only to receive invitations sent before the account existed). */
  requireEmailVerification: boolean;
  /** smtp://user:pass@host:587 sends mail by SMTP; unset writes `.eml` files into `${dataDir}/outbox`. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** The built web app served at `/` (WEB_DIR; default apps/web/dist of this checkout). */
  webDir: string;
}

function int(env: Record<string, string | undefined>, name: string, dflt: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return v;
}

/** Reads the configuration from environment variables (see apps/server/README.md). */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error(`DATABASE_URL must start with postgres:// or postgresql://, got "${databaseUrl.split('@').pop()}"`);
  }
  return {
    port: int(env, 'PORT', 8080, 0),
    host: env.HOST || '0.0.0.0',
    dataDir: env.DATA_DIR || './data',
    databaseUrl,
    s3: s3Settings(env),
    defaultQuotaBytes: int(env, 'DEFAULT_QUOTA_BYTES', 10 * GiB, 0),
    sessionTtlDays: int(env, 'SESSION_TTL_DAYS', 30, 1),
    opaqueServerSetup: env.OPAQUE_SERVER_SETUP || undefined,
    publicUrl: env.PUBLIC_URL || undefined,
    authRateLimitPerMinute: int(env, 'AUTH_RATE_LIMIT_PER_MINUTE', 10, 1),
    // 100 = SHARE_BATCH_MAX: sharing with the most people one request allows always fits.
    userLookupRateLimitPerMinute: int(env, 'USER_LOOKUP_RATE_LIMIT_PER_MINUTE', 100, 1),
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    externalInvitationTtlDays: int(env, 'EXTERNAL_INVITATION_TTL_DAYS', EXTERNAL_INVITATION_TTL_DAYS_DEFAULT, 1),
    externalInvitationsPerDay: int(env, 'EXTERNAL_INVITATIONS_PER_DAY', EXTERNAL_INVITATIONS_PER_DAY_DEFAULT, 1),
    requireEmailVerification: bool(env, 'REQUIRE_EMAIL_VERIFICATION', false),
    smtpUrl: smtpUrl(env.SMTP_URL),
    mailFrom: env.MAIL_FROM || 'Obscura <no-reply@localhost>',
    webDir: env.WEB_DIR || fileURLToPath(new URL('../../web/dist', import.meta.url)),
  };
}

function smtpUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!/^smtps?:\/\/[^/]+/.test(raw)) throw new Error(`SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465, got "${raw.split('@').pop()}"`);
  return raw;
}

const S3_VARS = ['S3_ENDPOINT', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_FORCE_PATH_STYLE', 'S3_PREFIX'] as const;

function bool(env: Record<string, string | undefined>, name: string, dflt: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new Error(`${name} must be true, false, 1 or 0, got "${raw}"`);
}

/** S3_* settings; undefined when S3_BUCKET is unset. Error messages never quote the secret. */
function s3Settings(env: Record<string, string | undefined>): S3Settings | undefined {
  const bucket = env.S3_BUCKET || undefined;
  if (!bucket) {
    const stray = S3_VARS.filter((v) => env[v]);
    if (stray.length > 0) throw new Error(`${stray.join(', ')} set but S3_BUCKET is not: set S3_BUCKET to store blobs in S3, or unset ${stray.length > 1 ? 'them' : 'it'}`);
    return undefined;
  }
  // Bucket names: 3-63 characters of a-z, 0-9, '.', '-' (the common rules of AWS and S3-compatible servers).
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new Error(`S3_BUCKET must be a bucket name (3-63 of a-z 0-9 . -), got "${bucket}"`);
  const endpoint = env.S3_ENDPOINT || undefined;
  if (endpoint !== undefined) {
    let ok = false;
    try { const u = new URL(endpoint); ok = (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password; } catch { /* not a URL */ }
    if (!ok) throw new Error(`S3_ENDPOINT must be an http:// or https:// URL without credentials, such as http://127.0.0.1:9000, got "${endpoint.split('@').pop()}"`);
  }
  const accessKeyId = env.S3_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY || undefined;
  if (!accessKeyId !== !secretAccessKey) {
    throw new Error(`S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: ${accessKeyId ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID'} is missing`);
  }
  const prefix = (env.S3_PREFIX ?? '').replace(/^\/+|\/+$/g, '');
  return {
    bucket, endpoint,
    region: env.S3_REGION || 'us-east-1',
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    forcePathStyle: bool(env, 'S3_FORCE_PATH_STYLE', endpoint !== undefined),
    prefix: prefix ? `${prefix}/` : '',
  };
}
