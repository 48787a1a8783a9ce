import { GiB } from '@obscura/protocol';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://… selects PostgreSQL; otherwise SQLite at `${dataDir}/obscura.db`. */
  databaseUrl: string | undefined;
  defaultQuotaBytes: number;
  sessionTtlDays: number;
  /** OPAQUE server setup; when absent it is generated once and kept in the database. */
  opaqueServerSetup: string | undefined;
  publicUrl: string | undefined;
  /** Attempts per minute per email and per client address for signup, login and recovery. */
  authRateLimitPerMinute: number;
  /** Trust X-Forwarded-For (behind a reverse proxy). */
  trustProxy: boolean;
  /** smtp://user:pass@host:587 sends mail by SMTP; unset writes `.eml` files into `${dataDir}/outbox`. */
  smtpUrl: string | undefined;
  mailFrom: string;
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
    defaultQuotaBytes: int(env, 'DEFAULT_QUOTA_BYTES', 10 * GiB, 0),
    sessionTtlDays: int(env, 'SESSION_TTL_DAYS', 30, 1),
    opaqueServerSetup: env.OPAQUE_SERVER_SETUP || undefined,
    publicUrl: env.PUBLIC_URL || undefined,
    authRateLimitPerMinute: int(env, 'AUTH_RATE_LIMIT_PER_MINUTE', 10, 1),
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    smtpUrl: smtpUrl(env.SMTP_URL),
    mailFrom: env.MAIL_FROM || 'Obscura <no-reply@localhost>',
  };
}

function smtpUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!/^smtps?:\/\/[^/]+/.test(raw)) throw new Error(`SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465, got "${raw.split('@').pop()}"`);
  return raw;
}
