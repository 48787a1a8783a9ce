// Frozen migration: never edit after release, never import app code.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// [Note: binary type in frozen migrations] the column type is chosen here from
// kysely's own adapter class rather than from app code, so this file never changes.
const binary = (db: Kysely<any>) => (db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob');

export async function up(db: Kysely<any>): Promise<void> {
  const bin = binary(db);

  await db.schema.createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('opaque_record', bin, (c) => c.notNull())
    .addColumn('x25519_public_key', bin, (c) => c.notNull())
    .addColumn('ed25519_public_key', bin, (c) => c.notNull())
    .addColumn('password_envelope', bin, (c) => c.notNull())
    .addColumn('recovery_envelope', bin, (c) => c.notNull())
    .addColumn('quota_bytes', 'bigint', (c) => c.notNull())
    .addColumn('used_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('library_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('users_used_bytes_nonneg', sql`used_bytes >= 0`)
    .execute();

  await db.schema.createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_agent', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();

  // Short-lived server state of multi-step exchanges (OPAQUE login, recovery
  // challenges), in the database so any server process can finish them.
  await db.schema.createTable('auth_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('state', bin, (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('auth_attempts_expires_at').on('auth_attempts').column('expires_at').execute();

  await db.schema.createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .execute();

  // The encrypted object, apart from anyone's reference to it.
  await db.schema.createTable('files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('uploader_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('quota_owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('block_count', 'integer', (c) => c.notNull())
    .addColumn('encrypted_size', 'bigint', (c) => c.notNull())
    .addColumn('charged_bytes', 'bigint', (c) => c.notNull())
    .addColumn('manifest', bin, (c) => c.notNull())
    .addColumn('signature', bin, (c) => c.notNull())
    .addColumn('metadata', bin, (c) => c.notNull())
    .addColumn('thumb_small_size', 'integer', (c) => c.notNull())
    .addColumn('thumb_large_size', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .addCheckConstraint('files_status', sql`status in ('pending', 'complete')`)
    .execute();
  await db.schema.createIndex('files_status_created_at').on('files').columns(['status', 'created_at']).execute();

  await db.schema.createTable('file_blocks')
    .addColumn('file_id', 'text', (c) => c.notNull().references('files.id').onDelete('cascade'))
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('stored_at', 'bigint')
    .addPrimaryKeyConstraint('file_blocks_pk', ['file_id', 'idx'])
    .execute();

  // A user's reference to a file. No foreign key on file_id: a 'deleted' row
  // is a tombstone for the change feed and outlives the file it pointed to.
  await db.schema.createTable('library_items')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('file_id', 'text', (c) => c.notNull())
    .addColumn('wrapped_key', bin)
    .addColumn('content_hash', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('change_seq', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('library_items_pk', ['user_id', 'file_id'])
    .addCheckConstraint('library_items_state', sql`state in ('active', 'trashed', 'deleted')`)
    .execute();
  await db.schema.createIndex('library_items_user_seq').on('library_items').columns(['user_id', 'change_seq']).execute();
  await db.schema.createIndex('library_items_user_hash').on('library_items').columns(['user_id', 'content_hash']).execute();
  await db.schema.createIndex('library_items_file').on('library_items').column('file_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['library_items', 'file_blocks', 'files', 'rate_limits', 'auth_attempts', 'sessions', 'users', 'settings']) {
    await db.schema.dropTable(t).execute();
  }
}
