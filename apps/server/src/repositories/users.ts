import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { fromBytes, toBytes, toNumber, toNumberOrNull } from '../db/dialect/index.ts';

export interface UserRow {
  id: string;
  email: string;
  displayName: string;
  opaqueRecord: Uint8Array;
  x25519PublicKey: Uint8Array;
  ed25519PublicKey: Uint8Array;
  passwordEnvelope: Uint8Array;
  recoveryEnvelope: Uint8Array;
  quotaBytes: number;
  usedBytes: number;
  /** Version of the account's stored data (see ACCOUNT_DATA_VERSION and the one-time setup). */
  dataVersion: number;
  createdAt: number;
  /** When the account proved its email with a mailed code; null: never. */
  emailVerifiedAt: number | null;
}

/** A new account: usage starts at zero. */
export type NewUser = Omit<UserRow, 'usedBytes' | 'emailVerifiedAt'> & { emailVerifiedAt?: number | null };

export interface SetupRow {
  userId: string;
  targetVersion: number;
  holderSessionId: string;
  leaseUntil: number;
  done: number;
  total: number;
  startedAt: number;
}

export class UsersRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** false when the email is taken. */
  async insert(u: NewUser): Promise<boolean> {
    const r = await this.db.insertInto('users').values({
      id: u.id, email: u.email, display_name: u.displayName,
      opaque_record: fromBytes(u.opaqueRecord), x25519_public_key: fromBytes(u.x25519PublicKey),
      ed25519_public_key: fromBytes(u.ed25519PublicKey), password_envelope: fromBytes(u.passwordEnvelope),
      recovery_envelope: fromBytes(u.recoveryEnvelope), quota_bytes: u.quotaBytes, used_bytes: 0,
      library_seq: 0, data_version: u.dataVersion, created_at: u.createdAt,
      // Left out unless set (the column defaults to null), so rows can be written before migration 007 (tests of older migrations).
      ...(u.emailVerifiedAt != null ? { email_verified_at: u.emailVerifiedAt } : {}),
    }).onConflict((oc) => oc.column('email').doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async findByEmail(email: string): Promise<UserRow | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    return r && toUser(r);
  }

  async findById(id: string): Promise<UserRow | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toUser(r);
  }

  async findManyByEmail(emails: string[]): Promise<UserRow[]> {
    if (emails.length === 0) return [];
    const rows = await this.db.selectFrom('users').selectAll().where('email', 'in', emails).execute();
    return rows.map(toUser);
  }

  async findManyById(ids: string[]): Promise<UserRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('users').selectAll().where('id', 'in', [...new Set(ids)]).execute();
    return rows.map(toUser);
  }

  async setPassword(id: string, opaqueRecord: Uint8Array, passwordEnvelope: Uint8Array): Promise<void> {
    await this.db.updateTable('users')
      .set({ opaque_record: fromBytes(opaqueRecord), password_envelope: fromBytes(passwordEnvelope) })
      .where('id', '=', id).execute();
  }

  /**
   * Adds `bytes` to the user's usage only if it stays within the quota, in one
   * statement (atomic on both databases). Returns false when it would not fit.
   */
  async reserveBytes(id: string, bytes: number): Promise<boolean> {
    const r = await this.db.updateTable('users')
      .set({ used_bytes: sql`used_bytes + ${bytes}` })
      .where('id', '=', id)
      .where(sql<boolean>`used_bytes + ${bytes} <= quota_bytes`)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async releaseBytes(id: string, bytes: number): Promise<void> {
    await this.db.updateTable('users')
      .set({ used_bytes: sql`case when used_bytes >= ${bytes} then used_bytes - ${bytes} else 0 end` })
      .where('id', '=', id).execute();
  }

  /**
   * Adds `bytes` whatever the quota: a charge that moves to the last holder of a file
   * ([Note: one payer per file]) may take them past their quota; nothing new fits until they free space.
   */
  async addBytes(id: string, bytes: number): Promise<void> {
    await this.db.updateTable('users').set({ used_bytes: sql`used_bytes + ${bytes}` }).where('id', '=', id).execute();
  }

  /** Locks these users' rows, one by one in id order ([Note: charge lock order]). */
  async lockMany(ids: string[]): Promise<void> {
    for (const id of [...new Set(ids)].sort()) {
      await this.db.updateTable('users').set({ data_version: sql`data_version` }).where('id', '=', id).execute();
    }
  }

  /**
   * What the user's used bytes pay for ([Note: one payer per file]): their own photos (in their
   * library, or uploaded by them), photos others added to albums they own (not in their
   * library), and unfinished uploads charged to them. The three add up to `usedBytes`.
   */
  async charges(id: string): Promise<{ ownPhotosBytes: number; editorsPhotosBytes: number; pendingUploadsBytes: number }> {
    const r = await this.db.selectFrom('files as f')
      .select((eb) => [
        eb.fn.sum<number | string | bigint | null>('f.charged_bytes').as('total'),
        eb.fn.sum<number | string | bigint | null>(eb.case().when('f.status', '=', 'pending').then(eb.ref('f.charged_bytes')).else(sql.lit(0)).end()).as('pending'),
        eb.fn.sum<number | string | bigint | null>(eb.case()
          .when(eb.and([
            eb('f.status', '=', 'complete'),
            eb.or([
              eb('f.uploader_id', '=', id),
              eb.exists(eb.selectFrom('library_items as li').select('li.file_id')
                .whereRef('li.file_id', '=', 'f.id').where('li.user_id', '=', id).where('li.state', '!=', 'deleted')),
            ]),
          ])).then(eb.ref('f.charged_bytes')).else(sql.lit(0)).end()).as('own'),
      ])
      .where('f.quota_owner_id', '=', id).executeTakeFirstOrThrow();
    const n = (v: number | string | bigint | null) => (v === null ? 0 : toNumber(v));
    const [total, pending, own] = [n(r.total), n(r.pending), n(r.own)];
    return { ownPhotosBytes: own, editorsPhotosBytes: total - pending - own, pendingUploadsBytes: pending };
  }

  /**
   * Users whose stored `used_bytes` differs from what they pay for, recomputed from the rows
   * (the charged bytes of every file whose payer they are). Always empty; tests check it after each step.
   */
  async chargeMismatches(): Promise<{ userId: string; usedBytes: number; chargedBytes: number }[]> {
    const rows = await this.db.selectFrom('users as u')
      .select((eb) => ['u.id', 'u.used_bytes',
        eb.selectFrom('files as f').select((e) => e.fn.sum<number | string | bigint | null>('f.charged_bytes').as('s'))
          .whereRef('f.quota_owner_id', '=', 'u.id').as('charged')])
      .orderBy('u.id').execute();
    return rows
      .map((r) => ({ userId: r.id, usedBytes: toNumber(r.used_bytes), chargedBytes: r.charged === null ? 0 : toNumber(r.charged) }))
      .filter((r) => r.usedBytes !== r.chargedBytes);
  }

  /** Advances the user's library change counter by `n`; returns the last value (n values are reserved). */
  async advanceLibrarySeq(id: string, n: number): Promise<number> {
    const r = await this.db.updateTable('users')
      .set({ library_seq: sql`library_seq + ${n}` })
      .where('id', '=', id)
      .returning('library_seq')
      .executeTakeFirstOrThrow();
    return toNumber(r.library_seq);
  }

  // ------------------------------------------------------------ one-time setup

  /** Marks the account's email as proved (the first time counts). */
  async setEmailVerified(id: string, at: number): Promise<void> {
    await this.db.updateTable('users').set({ email_verified_at: at }).where('id', '=', id).where('email_verified_at', 'is', null).execute();
  }

  async setDataVersion(id: string, version: number): Promise<void> {
    await this.db.updateTable('users').set({ data_version: version }).where('id', '=', id).execute();
  }

  async setup(userId: string): Promise<SetupRow | undefined> {
    const r = await this.db.selectFrom('account_setups').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return r && {
      userId: r.user_id, targetVersion: toNumber(r.target_version), holderSessionId: r.holder_session_id, leaseUntil: toNumber(r.lease_until),
      done: toNumber(r.done), total: toNumber(r.total), startedAt: toNumber(r.started_at),
    };
  }

  /** Creates or replaces the user's setup lease (the caller checked, under the user's row lock, that it may). */
  async putSetup(s: SetupRow): Promise<void> {
    await this.db.deleteFrom('account_setups').where('user_id', '=', s.userId).execute();
    await this.db.insertInto('account_setups').values({
      user_id: s.userId, target_version: s.targetVersion, holder_session_id: s.holderSessionId, lease_until: s.leaseUntil,
      done: s.done, total: s.total, started_at: s.startedAt,
    }).execute();
  }

  async deleteSetup(userId: string): Promise<void> {
    await this.db.deleteFrom('account_setups').where('user_id', '=', userId).execute();
  }

  /** Locks the user's row for the rest of the transaction ([Note: row lock by no-op update]). */
  async lock(id: string): Promise<UserRow | undefined> {
    const r = await this.db.updateTable('users').set({ data_version: sql`data_version` }).where('id', '=', id).returningAll().executeTakeFirst();
    return r && toUser(r);
  }
}

function toUser(r: {
  id: string; email: string; display_name: string; opaque_record: Uint8Array; x25519_public_key: Uint8Array;
  ed25519_public_key: Uint8Array; password_envelope: Uint8Array; recovery_envelope: Uint8Array;
  quota_bytes: number | string | bigint; used_bytes: number | string | bigint; data_version: number | string | bigint; created_at: number | string | bigint;
  email_verified_at: number | string | bigint | null;
}): UserRow {
  return {
    id: r.id, email: r.email, displayName: r.display_name,
    opaqueRecord: toBytes(r.opaque_record), x25519PublicKey: toBytes(r.x25519_public_key),
    ed25519PublicKey: toBytes(r.ed25519_public_key), passwordEnvelope: toBytes(r.password_envelope),
    recoveryEnvelope: toBytes(r.recovery_envelope), quotaBytes: toNumber(r.quota_bytes),
    usedBytes: toNumber(r.used_bytes), dataVersion: toNumber(r.data_version), createdAt: toNumber(r.created_at),
    emailVerifiedAt: toNumberOrNull(r.email_verified_at),
  };
}
