// [Note: dialect folder]
// Everything that differs between SQLite and PostgreSQL lives here: opening
// the connection (pragmas, search_path), the binary column type used by
// migrations, and the conversion of driver values (bigint strings, Buffers).
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect } from 'kysely';
import type { DB } from '../schema.ts';

export type DialectName = 'sqlite' | 'postgres';

export type DbTarget =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; searchPath?: string; poolSize?: number };

export function openKysely(target: DbTarget): Kysely<DB> {
  if (target.kind === 'sqlite') {
    const database = new Sqlite(target.file);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    // [Note: several processes on one SQLite file] wait for the writer lock instead of failing.
    database.pragma('busy_timeout = 5000');
    return new Kysely<DB>({ dialect: new SqliteDialect({ database }) });
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: target.poolSize ?? 10,
    ...(target.searchPath ? { options: `-c search_path=${target.searchPath}` } : {}),
  });
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** bigint/int8 column → number (PostgreSQL's pg driver returns strings). */
export function toNumber(v: number | string | bigint): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`database integer out of range: ${String(v)}`);
  return n;
}

export function toNumberOrNull(v: number | string | bigint | null): number | null {
  return v === null ? null : toNumber(v);
}

/** Buffer (both drivers) → plain Uint8Array view. */
export function toBytes(v: Uint8Array): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/** Bytes to bind as a parameter: both drivers accept Buffers. */
export function fromBytes(v: Uint8Array): Uint8Array {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** Unique-constraint violation, whichever driver raised it. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
