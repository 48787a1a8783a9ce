import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { toNumber } from '../db/dialect/index.ts';

export interface RateLimitHit { count: number; windowStart: number }

/** Port used by the rate limiter (a fixed window counter per key). */
export interface RateLimitStore {
  hit(key: string, now: number, windowMs: number): Promise<RateLimitHit>;
}

export class RateLimitsRepository implements RateLimitStore {
  constructor(private readonly db: Kysely<DB>) {}

  /** Counts one hit in the key's current window (atomic upsert; a new window restarts at 1). */
  async hit(key: string, now: number, windowMs: number): Promise<RateLimitHit> {
    const expired = sql<boolean>`rate_limits.window_start <= ${now - windowMs}`;
    const r = await this.db.insertInto('rate_limits').values({ key, window_start: now, count: 1 })
      .onConflict((oc) => oc.column('key').doUpdateSet({
        count: sql`case when ${expired} then 1 else rate_limits.count + 1 end`,
        window_start: sql`case when ${expired} then ${now} else rate_limits.window_start end`,
      }))
      .returning(['count', 'window_start'])
      .executeTakeFirstOrThrow();
    return { count: toNumber(r.count), windowStart: toNumber(r.window_start) };
  }

  async purgeOlderThan(before: number): Promise<number> {
    const r = await this.db.deleteFrom('rate_limits').where('window_start', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
