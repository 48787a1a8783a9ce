import { LINK_BACKOFF_BASE_MS, LINK_BACKOFF_MAX_MS, LINK_WRONG_PROOFS_PER_MINUTE } from '@obscura/protocol';
import { AppError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Database, ThrottleRow } from '../repositories/index.ts';

const WINDOW_MS = 60_000;

/** Subjects whose wrong proofs are counted: the link, and the client's address. */
export const throttleKeys = (linkId: string, ip: string) => [`link:${linkId}`, `ip:${ip}`];

const tooMany = (untilMs: number, now: number) => {
  const s = Math.max(1, Math.ceil((untilMs - now) / 1000));
  return new AppError('rate-limited', `too many attempts, try again in ${s} s`, { 'retry-after': String(s) });
};

// [Note: link throttling]
// The access proof carries 256 bits, so checking it is one SHA-256 — no slow hash on the
// server (the password's cost is the visitor's Argon2id). What guessing needs is a limit:
// per link AND per client address, LINK_WRONG_PROOFS_PER_MINUTE wrong proofs a minute, then
// a back-off that doubles each time (1 min, 2, 4, … 1 h). While a subject is blocked even the
// right proof is refused, so a guesser learns nothing. Right proofs never count. The state is
// in the database, so every server process agrees; time comes from the Clock port.
export class LinkThrottle {
  constructor(private readonly db: Database, private readonly clock: Clock) {}

  /** Refuses (429) while any of the subjects is blocked. */
  async check(keys: string[]): Promise<void> {
    const now = this.clock.now();
    const until = Math.max(0, ...(await this.db.repos.linkThrottle.get(keys)).map((t) => t.blockedUntil));
    if (until > now) throw tooMany(until, now);
  }

  /** Counts one wrong proof against every subject; returns the error to answer with (403, or 429 once blocked). */
  async fail(keys: string[]): Promise<AppError> {
    const now = this.clock.now();
    const until = await this.db.tx(async (r) => {
      let worst = 0;
      for (const key of keys) {
        const t = next(await r.linkThrottle.lock(key, now), now);
        await r.linkThrottle.save(t);
        worst = Math.max(worst, t.blockedUntil);
      }
      return worst;
    });
    return until > now ? tooMany(until, now) : new AppError('bad-link-proof', 'wrong link or password');
  }

  /** Forgets the state of a deleted link. */
  async forget(r: Pick<Database['repos'], 'linkThrottle'>, linkId: string): Promise<void> {
    await r.linkThrottle.deleteKey(`link:${linkId}`);
  }
}

/** The subject's state after one more wrong proof at `now`. */
export function next(t: ThrottleRow, now: number): ThrottleRow {
  if (t.blockedUntil > now) return t; // refused before its proof was looked at
  let { windowStart, failures, level } = t;
  if (now - windowStart >= WINDOW_MS) {
    windowStart = now;
    failures = 0;
    // A quiet hour after the last block forgets the back-off.
    if (now - t.blockedUntil >= LINK_BACKOFF_MAX_MS) level = 0;
  }
  failures += 1;
  if (failures <= LINK_WRONG_PROOFS_PER_MINUTE) return { ...t, windowStart, failures, level };
  const backoff = Math.min(LINK_BACKOFF_BASE_MS * 2 ** Math.min(level, 30), LINK_BACKOFF_MAX_MS);
  return { key: t.key, windowStart: now, failures: 0, level: level + 1, blockedUntil: now + backoff };
}
