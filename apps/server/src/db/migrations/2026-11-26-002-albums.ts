// Frozen migration: never edit after release, never import app code.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const binary = (db: Kysely<any>) => (db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob');

export async function up(db: Kysely<any>): Promise<void> {
  const bin = binary(db);

  // An album: only its encrypted metadata and key epochs; the server never sees its name.
  await db.schema.createTable('albums')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('current_epoch', 'integer', (c) => c.notNull())
    .addColumn('metadata', bin, (c) => c.notNull())
    .addColumn('metadata_epoch', 'integer', (c) => c.notNull())
    .addColumn('rotation_needed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('item_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('albums_epoch', sql`current_epoch >= 1 and metadata_epoch >= 1`)
    .execute();
  await db.schema.createIndex('albums_owner').on('albums').column('owner_id').execute();

  // One row per invitation (the owner has one too, role 'owner', status 'active').
  // Re-inviting someone who declined, left or was removed adds a fresh row.
  await db.schema.createTable('album_members')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('album_id', 'text', (c) => c.notNull().references('albums.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('invited_at', 'bigint', (c) => c.notNull())
    .addColumn('responded_at', 'bigint')
    .addColumn('message_sealed', bin)
    .addCheckConstraint('album_members_role', sql`role in ('owner', 'editor', 'viewer')`)
    .addCheckConstraint('album_members_status', sql`status in ('pending', 'active', 'declined', 'removed', 'left')`)
    .execute();
  await db.schema.createIndex('album_members_album_user').on('album_members').columns(['album_id', 'user_id']).execute();
  await db.schema.createIndex('album_members_user_status').on('album_members').columns(['user_id', 'status']).execute();
  // At most one live (pending or active) membership per person and album.
  await db.schema.createIndex('album_members_live').on('album_members').columns(['album_id', 'user_id']).unique()
    .where(sql.ref('status'), 'in', ['pending', 'active']).execute();

  // Each epoch key sealed to each person who may read it.
  await db.schema.createTable('album_keys')
    .addColumn('album_id', 'text', (c) => c.notNull().references('albums.id').onDelete('cascade'))
    .addColumn('epoch', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('sealed', bin, (c) => c.notNull())
    .addColumn('sealed_by', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('album_keys_pk', ['album_id', 'user_id', 'epoch'])
    .execute();

  // A file in an album. No foreign key on file_id: a 'removed' row is a tombstone
  // for the album feed. seq 0 = the file is still uploading (not in the feed yet).
  await db.schema.createTable('album_items')
    .addColumn('album_id', 'text', (c) => c.notNull().references('albums.id').onDelete('cascade'))
    .addColumn('file_id', 'text', (c) => c.notNull())
    .addColumn('epoch', 'integer', (c) => c.notNull())
    .addColumn('wrapped_key', bin)
    .addColumn('added_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('album_items_pk', ['album_id', 'file_id'])
    .addCheckConstraint('album_items_state', sql`state in ('active', 'removed')`)
    .execute();
  await db.schema.createIndex('album_items_album_seq').on('album_items').columns(['album_id', 'seq']).execute();
  await db.schema.createIndex('album_items_file').on('album_items').column('file_id').execute();

  // A library item saved from an album is charged to its holder on top of the file's quota owner.
  await db.schema.alterTable('library_items').addColumn('charged_bytes', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('library_items').dropColumn('charged_bytes').execute();
  for (const t of ['album_items', 'album_keys', 'album_members', 'albums']) {
    await db.schema.dropTable(t).execute();
  }
}
