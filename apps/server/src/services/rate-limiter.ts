import type { Clock } from '../ports/clock.ts';
import type { RateLimitStore } from '../repositories/rate-limits.ts';
import { AppError } from '../errors.ts';

export interface RateLimitPolicy {
  /** Attempts allowed per window, per subject. */
  limit: number;
  windowMs: number;
}

export interface RateSubject {
  /** For the message: "for this email", "from this address". */
  label: string;
  key: string;
}

export interface RateCheckOptions {
  /** How many units this call uses (e.g. the number of emails looked up); default 1. */
  cost?: number;
  /** What is counted, for the message: "email lookups"; default "<action> attempts". */
  what?: string;
}

/**
 * Fixed-window counters in the database, so every server process agrees.
 * Every subject is counted, then the call is refused if any is over its limit.
 */
export class RateLimiter {
  constructor(private readonly store: RateLimitStore, private readonly clock: Clock, private readonly policy: RateLimitPolicy) {}

  /** The same limits counted through another store: a transaction's, so a refused unit of work counts nothing. */
  on(store: RateLimitStore): RateLimiter {
    return new RateLimiter(store, this.clock, this.policy);
  }

  async check(action: string, subjects: RateSubject[], opts: RateCheckOptions = {}): Promise<void> {
    const cost = Math.max(1, opts.cost ?? 1);
    const what = opts.what ?? `${action} attempts`;
    if (cost > this.policy.limit) {
      throw new AppError('limit-reached',
        `${cost} ${what} at once is more than this server allows (${this.policy.limit} ${this.per()}); ask for fewer at a time`);
    }
    const now = this.clock.now();
    let worst: { label: string; retryAfterS: number } | undefined;
    for (const s of subjects) {
      // [Note: weighted hits] the store counts one unit per hit; a call costing n units hits
      // n times, stopping as soon as the subject is over its limit (the window does not move,
      // so further units would not change the answer). Costs are small (≤ the limit).
      for (let i = 0; i < cost; i++) {
        const hit = await this.store.hit(`${action}:${s.key}`, now, this.policy.windowMs);
        if (hit.count > this.policy.limit) {
          const retryAfterS = Math.max(1, Math.ceil((hit.windowStart + this.policy.windowMs - now) / 1000));
          if (!worst || retryAfterS > worst.retryAfterS) worst = { label: s.label, retryAfterS };
          break;
        }
      }
    }
    if (worst) {
      throw new AppError('rate-limited',
        `too many ${what} ${worst.label}; try again in ${wait(worst.retryAfterS)}`,
        { 'retry-after': String(worst.retryAfterS) });
    }
  }

  /** "a minute", "per 10 s": the window, for messages. */
  private per(): string {
    const s = Math.round(this.policy.windowMs / 1000);
    if (s === 60) return 'a minute';
    if (s === 3600) return 'an hour';
    if (s === 86_400) return 'a day';
    return s % 3600 === 0 ? `per ${s / 3600} hours` : s % 60 === 0 ? `per ${s / 60} minutes` : `per ${s} s`;
  }
}

/** A wait for messages: "45 s" up to two minutes, then "14 min", then "5 h 3 min". */
function wait(s: number): string {
  if (s < 120) return `${s} s`;
  const min = Math.ceil(s / 60);
  if (min < 120) return `${min} min`;
  return `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`;
}
