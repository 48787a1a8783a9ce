import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Kysely } from 'kysely';
import { openKysely, type DialectName } from '../src/db/dialect/index.ts';
import type { DB } from '../src/db/schema.ts';

export const DIALECTS: DialectName[] = ['sqlite', 'postgres'];
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDb { kysely: Kysely<DB>; close(): Promise<void> }

/**
 * A fresh, empty database of the given dialect: a temp SQLite file, or a
 * PostgreSQL schema of its own (so parallel test files never collide).
 * Postgres must be running: these tests fail rather than skip without it.
 */
export async function freshDb(dialect: DialectName): Promise<TestDb> {
  if (dialect === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'obscura-db-'));
    const kysely = openKysely({ kind: 'sqlite', file: join(dir, 'test.db') });
    return { kysely, close: async () => { await kysely.destroy(); await rm(dir, { recursive: true, force: true }); } };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_URL} (${(e as Error).message}). Medium tests need it: start it with ` +
      '`pg_ctlcluster 15 main start` (or `docker run -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:15`), ' +
      'or point TEST_DATABASE_URL at another server.');
  }
  await admin.query(`CREATE SCHEMA ${schema}`);
  const kysely = openKysely({ kind: 'postgres', url: PG_URL, searchPath: schema, poolSize: 3 });
  return {
    kysely,
    close: async () => {
      await kysely.destroy();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}
