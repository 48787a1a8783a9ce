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

/**
 * Fixed-window counters in the database, so every server process agrees.
 * Every subject is counted, then the call is refused if any is over its limit.
 */
export class RateLimiter {
  constructor(private readonly store: RateLimitStore, private readonly clock: Clock, private readonly policy: RateLimitPolicy) {}

  async check(action: string, subjects: RateSubject[]): Promise<void> {
    const now = this.clock.now();
    let worst: { label: string; retryAfterS: number } | undefined;
    for (const s of subjects) {
      const hit = await this.store.hit(`${action}:${s.key}`, now, this.policy.windowMs);
      if (hit.count > this.policy.limit) {
        const retryAfterS = Math.max(1, Math.ceil((hit.windowStart + this.policy.windowMs - now) / 1000));
        if (!worst || retryAfterS > worst.retryAfterS) worst = { label: s.label, retryAfterS };
      }
    }
    if (worst) {
      throw new AppError('rate-limited',
        `too many ${action} attempts ${worst.label}; try again in ${worst.retryAfterS} s`,
        { 'retry-after': String(worst.retryAfterS) });
    }
  }
}
