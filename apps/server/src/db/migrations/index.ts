import { Migrator, PostgresAdapter, sql, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import * as m001 from './2026-11-26-001-initial.ts';
import * as m002 from './2026-11-26-002-albums.ts';
import * as m003 from './2026-11-26-003-links.ts';
import * as m004 from './2026-11-29-004-album-states.ts';
import * as m005 from './2026-11-29-005-account-setup.ts';
import * as m006 from './2026-11-29-006-one-payer.ts';
import * as m007 from './2026-11-30-007-external-invitations.ts';

/** Every migration, in order. Names sort by their date prefix. */
export const migrations: Record<string, Migration> = {
  '2026-11-26-001-initial': m001,
  '2026-11-26-002-albums': m002,
  '2026-11-26-003-links': m003,
  '2026-11-29-004-album-states': m004,
  '2026-11-29-005-account-setup': m005,
  '2026-11-29-006-one-payer': m006,
  '2026-11-30-007-external-invitations': m007,
};

/**
 * [Note: migration tables in our own schema] Kysely looks for its bookkeeping tables
 * (kysely_migration, kysely_migration_lock) among the tables of EVERY schema unless told which
 * one: with another schema of the same PostgreSQL database holding them (another application,
 * or parallel test files each in a schema of its own), it skips creating ours and fails with
 * "relation kysely_migration_lock does not exist". So on PostgreSQL they live in the schema the
 * connection uses (its search_path), named explicitly.
 */
export async function migrator(db: Kysely<any>): Promise<Migrator> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const schema = pg ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  return new Migrator({ db, provider: { getMigrations: async () => migrations }, ...(schema ? { migrationTableSchema: schema } : {}) });
}

function check(r: MigrationResultSet, what: string): void {
  if (r.error) {
    const failed = r.results?.find((x) => x.status === 'Error')?.migrationName;
    throw new Error(`database migration ${what} failed${failed ? ` at ${failed}` : ''}: ${String((r.error as Error).message ?? r.error)}`);
  }
}

export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  check(await (await migrator(db)).migrateToLatest(), 'up');
}

export async function migrateDownAll(db: Kysely<any>): Promise<void> {
  const m = await migrator(db);
  for (;;) {
    const r = await m.migrateDown();
    check(r, 'down');
    if (!r.results || r.results.length === 0) return;
  }
}
