// Frozen migration: never edit after release, never import app code.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const binary = (db: Kysely<any>) => (db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob');

export async function up(db: Kysely<any>): Promise<void> {
  const bin = binary(db);

  // When the account proved its email with a mailed code (null: never).
  await db.schema.alterTable('users').addColumn('email_verified_at', 'bigint').execute();

  // One-time codes mailed to prove an email address. Only a hash of the code is kept.
  await db.schema.createTable('email_verifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('code_hash', bin, (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('email_verifications_email').on('email_verifications').column('email').execute();

  // An invitation to an email that has no account yet: the email, the role, the sharer and the
  // album — nothing that decrypts anything. 'signed-up': an account proved the email (invitee_id)
  // and waits for the sharer's client to seal the album keys; 'completed': it did (member_id).
  await db.schema.createTable('external_invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('album_id', 'text', (c) => c.notNull().references('albums.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('invitee_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('message_sealed', bin)
    .addColumn('invited_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('member_id', 'text')
    .addCheckConstraint('external_invitations_role', sql`role in ('viewer', 'editor')`)
    .addCheckConstraint('external_invitations_status', sql`status in ('pending', 'signed-up', 'completed', 'cancelled')`)
    .execute();
  // At most one live invitation per album and email.
  await db.schema.createIndex('external_invitations_live').on('external_invitations').columns(['album_id', 'email']).unique()
    .where(sql.ref('status'), 'in', ['pending', 'signed-up']).execute();
  await db.schema.createIndex('external_invitations_email_status').on('external_invitations').columns(['email', 'status']).execute();
  await db.schema.createIndex('external_invitations_invited_by').on('external_invitations').column('invited_by').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('external_invitations').execute();
  await db.schema.dropTable('email_verifications').execute();
  await db.schema.alterTable('users').dropColumn('email_verified_at').execute();
}
