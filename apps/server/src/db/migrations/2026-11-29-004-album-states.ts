// Frozen migration: never edit after release, never import app code.
import { PostgresAdapter, type Kysely } from 'kysely';

const binary = (db: Kysely<any>) => (db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob');

export async function up(db: Kysely<any>): Promise<void> {
  const bin = binary(db);
  // The owner-signed states of each album, in order (seq 1 = genesis). The server cannot
  // check the signatures; it keeps the chain gap-free so clients can verify it.
  await db.schema.createTable('album_states')
    .addColumn('album_id', 'text', (c) => c.notNull().references('albums.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('state', bin, (c) => c.notNull())
    .addColumn('signature', bin, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('album_states_pk', ['album_id', 'seq'])
    .execute();
  // 0: an album made before signed states (waits for its owner's one-time setup).
  await db.schema.alterTable('albums').addColumn('state_seq', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('albums').dropColumn('state_seq').execute();
  await db.schema.dropTable('album_states').execute();
}
