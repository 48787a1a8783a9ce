import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { fromBytes, toBytes, toNumber } from '../db/dialect/index.ts';

export type AttemptKind = 'login' | 'recovery';

export interface AttemptRow {
  id: string;
  kind: AttemptKind;
  userId: string | null;
  state: Uint8Array;
  expiresAt: number;
}

/** Server-side state of a two-step exchange, kept in the database so any process can finish it. */
export class AuthAttemptsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(a: AttemptRow): Promise<void> {
    await this.db.insertInto('auth_attempts').values({
      id: a.id, kind: a.kind, user_id: a.userId, state: fromBytes(a.state), expires_at: a.expiresAt,
    }).execute();
  }

  /** Removes and returns the attempt (single use). Expired attempts are not returned. */
  async take(id: string, kind: AttemptKind, now: number): Promise<AttemptRow | undefined> {
    const r = await this.db.deleteFrom('auth_attempts').where('id', '=', id).where('kind', '=', kind)
      .returningAll().executeTakeFirst();
    if (!r || toNumber(r.expires_at) <= now) return undefined;
    return { id: r.id, kind, userId: r.user_id, state: toBytes(r.state), expiresAt: toNumber(r.expires_at) };
  }

  async purgeExpired(now: number): Promise<number> {
    const r = await this.db.deleteFrom('auth_attempts').where('expires_at', '<=', now).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
