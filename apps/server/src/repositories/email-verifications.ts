import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { fromBytes, toBytes, toNumber, toNumberOrNull } from '../db/dialect/index.ts';

export interface EmailVerificationRow {
  id: string;
  /** Normalized. */
  email: string;
  /** SHA-256 over the id and the code; the code itself is never stored. */
  codeHash: Uint8Array;
  expiresAt: number;
  attempts: number;
  usedAt: number | null;
}

/** One-time codes mailed to prove an email address ([Note: email codes] in services/email-codes.ts). */
export class EmailVerificationsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(v: EmailVerificationRow): Promise<void> {
    await this.db.insertInto('email_verifications').values({
      id: v.id, email: v.email, code_hash: fromBytes(v.codeHash), expires_at: v.expiresAt, attempts: v.attempts, used_at: v.usedAt,
    }).execute();
  }

  async find(id: string): Promise<EmailVerificationRow | undefined> {
    const r = await this.db.selectFrom('email_verifications').selectAll().where('id', '=', id).executeTakeFirst();
    return r && {
      id: r.id, email: r.email, codeHash: toBytes(r.code_hash), expiresAt: toNumber(r.expires_at),
      attempts: toNumber(r.attempts), usedAt: toNumberOrNull(r.used_at),
    };
  }

  /**
   * Takes one try before the code is compared, in one statement: only while the code is unused,
   * unexpired and has tries left, so concurrent guesses cannot go past the limit. Returns the
   * tries taken so far, or undefined when none is left.
   */
  async takeTry(id: string, now: number, attemptsMax: number): Promise<number | undefined> {
    const r = await this.db.updateTable('email_verifications').set({ attempts: sql`attempts + 1` })
      .where('id', '=', id).where('used_at', 'is', null).where('expires_at', '>', now).where('attempts', '<', attemptsMax)
      .returning('attempts').executeTakeFirst();
    return r ? toNumber(r.attempts) : undefined;
  }

  /** Gives back the try of a right code (only wrong codes count). */
  async giveBackTry(id: string): Promise<void> {
    await this.db.updateTable('email_verifications').set({ attempts: sql`attempts - 1` }).where('id', '=', id).where('attempts', '>', 0).execute();
  }

  /**
   * Uses the code: only if it is still unused and unexpired, in one statement (two requests with
   * the same right code: one wins). false: it no longer qualifies.
   */
  async use(id: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('email_verifications').set({ used_at: now })
      .where('id', '=', id).where('used_at', 'is', null).where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Codes used, or expired, before `before` (housekeeping). */
  async purgeEndedBefore(before: number): Promise<number> {
    const r = await this.db.deleteFrom('email_verifications')
      .where((eb) => eb.or([eb('expires_at', '<', before), eb('used_at', '<', before)])).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
