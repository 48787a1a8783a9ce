// Frozen migration: never edit after release, never import app code.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The version of the account's stored data. Accounts that exist now are at 1 (albums without
  // signed states); a client of a newer version upgrades them in a one-time setup.
  await db.schema.alterTable('users').addColumn('data_version', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  // A running one-time setup: one device (session) at a time holds the lease until it expires.
  await db.schema.createTable('account_setups')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('target_version', 'integer', (c) => c.notNull())
    .addColumn('holder_session_id', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'bigint', (c) => c.notNull())
    .addColumn('done', 'integer', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('account_setups').execute();
  await db.schema.alterTable('users').dropColumn('data_version').execute();
}
