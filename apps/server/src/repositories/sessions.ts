import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { toNumber, toNumberOrNull } from '../db/dialect/index.ts';

export interface SessionRow {
  id: string;
  userId: string;
  userAgent: string | null;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export class SessionsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(s: { id: string; userId: string; tokenHash: string; userAgent: string | null; createdAt: number; expiresAt: number }): Promise<void> {
    await this.db.insertInto('sessions').values({
      id: s.id, user_id: s.userId, token_hash: s.tokenHash, user_agent: s.userAgent,
      created_at: s.createdAt, last_seen_at: s.createdAt, expires_at: s.expiresAt, revoked_at: null,
    }).execute();
  }

  async findByTokenHash(tokenHash: string): Promise<SessionRow | undefined> {
    const r = await this.db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return r && toSession(r);
  }

  async touch(id: string, now: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
  }

  /** Sessions neither revoked nor expired, oldest first. */
  async listActive(userId: string, now: number): Promise<SessionRow[]> {
    const rows = await this.db.selectFrom('sessions').selectAll()
      .where('user_id', '=', userId).where('revoked_at', 'is', null).where('expires_at', '>', now)
      .orderBy('created_at').orderBy('id').execute();
    return rows.map(toSession);
  }

  /** Revokes one of the user's own live sessions; false when there is none with that id. */
  async revoke(userId: string, id: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('sessions').set({ revoked_at: now })
      .where('id', '=', id).where('user_id', '=', userId).where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async revokeAll(userId: string, now: number, exceptId?: string): Promise<number> {
    let q = this.db.updateTable('sessions').set({ revoked_at: now })
      .where('user_id', '=', userId).where('revoked_at', 'is', null);
    if (exceptId) q = q.where('id', '!=', exceptId);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Forget sessions that ended before `before`. */
  async purgeEnded(before: number): Promise<number> {
    const r = await this.db.deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

function toSession(r: {
  id: string; user_id: string; user_agent: string | null; created_at: number | string | bigint;
  last_seen_at: number | string | bigint; expires_at: number | string | bigint; revoked_at: number | string | bigint | null;
}): SessionRow {
  return {
    id: r.id, userId: r.user_id, userAgent: r.user_agent, createdAt: toNumber(r.created_at),
    lastSeenAt: toNumber(r.last_seen_at), expiresAt: toNumber(r.expires_at), revokedAt: toNumberOrNull(r.revoked_at),
  };
}
