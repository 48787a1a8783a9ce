import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Database } from '../repositories/index.ts';
import type { FileService } from './files.ts';
import { PENDING_IDLE_MS, PENDING_MAX_AGE_MS } from './quota.ts';

export interface SweepResult {
  pendingFilesRemoved: number; attemptsPurged: number; sessionsPurged: number; rateLimitsPurged: number; linkThrottlePurged: number; emailCodesPurged: number;
}

/** The longest rate-limit window (EXTERNAL_INVITATIONS_PER_DAY counts over a day): older counters are over. */
const LONGEST_RATE_WINDOW_MS = 24 * 3600_000;

/** Housekeeping: abandoned uploads (blobs deleted, quota refunded; [Note: upload holds]), expired auth state, rate counters and email codes. */
export class Sweeper {
  constructor(private readonly db: Database, private readonly clock: Clock, private readonly files: FileService, private readonly logger: Logger) {}

  async sweep(): Promise<SweepResult> {
    const now = this.clock.now();
    let pendingFilesRemoved = 0;
    const kept = new Set<string>();
    for (;;) {
      const stale = (await this.db.repos.files.pendingIdle(now - PENDING_IDLE_MS, now - PENDING_MAX_AGE_MS, 100 + kept.size))
        .filter((f) => !kept.has(f.id));
      if (stale.length === 0) break;
      for (const f of stale) {
        // Checked again under the file's lock: a block may have arrived since.
        if (await this.files.discardPending(f.id, now)) pendingFilesRemoved++;
        else kept.add(f.id);
      }
    }
    const attemptsPurged = await this.db.repos.attempts.purgeExpired(now);
    const sessionsPurged = await this.db.repos.sessions.purgeEnded(now - 7 * 24 * 3600_000);
    const rateLimitsPurged = await this.db.repos.rateLimits.purgeOlderThan(now - LONGEST_RATE_WINDOW_MS);
    const linkThrottlePurged = await this.db.repos.linkThrottle.purgeIdleBefore(now - 2 * 3600_000);
    // Email codes a day after they expired or were used ([Note: email codes]).
    const emailCodesPurged = await this.db.repos.emailVerifications.purgeEndedBefore(now - 24 * 3600_000);
    if (pendingFilesRemoved > 0) this.logger.info(`sweeper: removed ${pendingFilesRemoved} abandoned uploads`);
    return { pendingFilesRemoved, attemptsPurged, sessionsPurged, rateLimitsPurged, linkThrottlePurged, emailCodesPurged };
  }
}
