import { PENDING_UPLOAD_TTL_MS } from '@obscura/protocol';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Database } from '../repositories/index.ts';
import type { FileService } from './files.ts';

export interface SweepResult { pendingFilesRemoved: number; attemptsPurged: number; sessionsPurged: number; rateLimitsPurged: number; linkThrottlePurged: number }

/** Housekeeping: abandoned uploads (blobs deleted, quota refunded), expired auth state. */
export class Sweeper {
  constructor(private readonly db: Database, private readonly clock: Clock, private readonly files: FileService, private readonly logger: Logger) {}

  async sweep(): Promise<SweepResult> {
    const now = this.clock.now();
    let pendingFilesRemoved = 0;
    for (;;) {
      const stale = await this.db.repos.files.pendingCreatedBefore(now - PENDING_UPLOAD_TTL_MS, 100);
      if (stale.length === 0) break;
      for (const f of stale) if (await this.files.discardPending(f.id)) pendingFilesRemoved++;
    }
    const attemptsPurged = await this.db.repos.attempts.purgeExpired(now);
    const sessionsPurged = await this.db.repos.sessions.purgeEnded(now - 7 * 24 * 3600_000);
    const rateLimitsPurged = await this.db.repos.rateLimits.purgeOlderThan(now - 3600_000);
    const linkThrottlePurged = await this.db.repos.linkThrottle.purgeIdleBefore(now - 2 * 3600_000);
    if (pendingFilesRemoved > 0) this.logger.info(`sweeper: removed ${pendingFilesRemoved} abandoned uploads`);
    return { pendingFilesRemoved, attemptsPurged, sessionsPurged, rateLimitsPurged, linkThrottlePurged };
  }
}
