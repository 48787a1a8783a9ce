// [Note: dialect folder]
// Everything that differs between SQLite and PostgreSQL lives here: opening
// the connection (pragmas, search_path), the binary column type used by
// migrations, and the conversion of driver values (bigint strings, Buffers).
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver } from 'kysely';
import type { DB } from '../schema.ts';

export type DialectName = 'sqlite' | 'postgres';

export type DbTarget =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; searchPath?: string; poolSize?: number };

// [Note: disk full] SQLite rolls a transaction back by itself on some errors (SQLITE_FULL,
// SQLITE_IOERR, SQLITE_NOMEM); Kysely's ROLLBACK then fails with "cannot rollback - no
// transaction is active", and that error replaced the real one (a full disk answered 500).
class SqliteDriverKeepingErrors extends SqliteDriver {
  constructor(config: ConstructorParameters<typeof SqliteDriver>[0], private readonly database: Sqlite.Database) { super(config); }
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.database.inTransaction) await super.rollbackTransaction(connection);
  }
}

class SqliteDialectKeepingErrors extends SqliteDialect {
  constructor(private readonly database: Sqlite.Database) { super({ database }); }
  override createDriver(): Driver { return new SqliteDriverKeepingErrors({ database: this.database }, this.database); }
}

export function openKysely(target: DbTarget): Kysely<DB> {
  if (target.kind === 'sqlite') {
    const database = new Sqlite(target.file);
    try {
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = NORMAL');
      database.pragma('foreign_keys = ON');
      // [Note: several processes on one SQLite file] wait for the writer lock instead of failing.
      database.pragma('busy_timeout = 5000');
    } catch (e) {
      database.close(); // (a full disk cannot grow the -shm file: do not keep the file open)
      throw e;
    }
    return new Kysely<DB>({ dialect: new SqliteDialectKeepingErrors(database) });
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
