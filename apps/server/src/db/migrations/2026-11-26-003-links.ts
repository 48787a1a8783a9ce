// Frozen migration: never edit after release, never import app code.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const binary = (db: Kysely<any>) => (db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob');

export async function up(db: Kysely<any>): Promise<void> {
  const bin = binary(db);

  // 'photo': one photo shared with people (an album holding exactly one photo).
  await db.schema.alterTable('albums').addColumn('kind', 'text', (c) => c.notNull().defaultTo('album')).execute();

  // A public link. The server keeps SHA-256 of the visitor's access proof, never the link key
  // or the URL secret; the owner's copies of both are wrapped by their client.
  // File links made from a shared photo (album of kind 'photo') name that album too, so they go with it.
  await db.schema.createTable('links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('file_id', 'text', (c) => c.references('files.id').onDelete('cascade'))
    .addColumn('album_id', 'text', (c) => c.references('albums.id').onDelete('cascade'))
    .addColumn('access_verifier', bin, (c) => c.notNull())
    .addColumn('password_params', bin)
    .addColumn('expires_at', 'bigint')
    .addColumn('allow_download', 'integer', (c) => c.notNull())
    .addColumn('owner_wrapped_link_key', bin, (c) => c.notNull())
    .addColumn('owner_wrapped_secret', bin, (c) => c.notNull())
    .addColumn('wrapped_file_key', bin)
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('access_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addCheckConstraint('links_kind', sql`(kind = 'file' and file_id is not null and wrapped_file_key is not null)
      or (kind = 'album' and album_id is not null and file_id is null and wrapped_file_key is null)`)
    .execute();
  await db.schema.createIndex('links_owner').on('links').column('owner_id').execute();
  await db.schema.createIndex('links_album').on('links').column('album_id').execute();
  await db.schema.createIndex('links_file').on('links').column('file_id').execute();

  // Album links: each album epoch key wrapped under the link key.
  await db.schema.createTable('link_keys')
    .addColumn('link_id', 'text', (c) => c.notNull().references('links.id').onDelete('cascade'))
    .addColumn('epoch', 'integer', (c) => c.notNull())
    .addColumn('wrapped', bin, (c) => c.notNull())
    .addPrimaryKeyConstraint('link_keys_pk', ['link_id', 'epoch'])
    .execute();

  // Wrong access proofs per link and per client address: a window counter, then back-off.
  await db.schema.createTable('link_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('blocked_until', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['link_throttle', 'link_keys', 'links']) await db.schema.dropTable(t).execute();
  await db.schema.alterTable('albums').dropColumn('kind').execute();
}
