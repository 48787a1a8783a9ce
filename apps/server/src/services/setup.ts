// The one-time setup of an account's stored data (see [Note: one-time setup] in
// packages/sdk/src/setup.ts). Only clients hold keys, so clients do the work; the server keeps
// the account's data version, and a lease so that one device at a time runs the setup while
// the others wait and show its progress.
import { ACCOUNT_DATA_VERSION, SETUP_LEASE_MS, type SetupStatus } from '@obscura/protocol';
import { AppError, conflict, notFound } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Database, Repos, SetupRow, UserRow } from '../repositories/index.ts';
import type { AuthContext } from './auth-context.ts';
import { iso } from './encoding.ts';

const percent = (s: SetupRow) => (s.total === 0 ? 0 : Math.floor((100 * s.done) / s.total));

export class SetupService {
  constructor(private readonly db: Database, private readonly clock: Clock) {}

  async status(auth: AuthContext): Promise<SetupStatus> {
    // Access: the caller's own account only.
    const user = await this.db.repos.users.findById(auth.userId);
    if (!user) throw notFound('account not found');
    return this.view(auth, user, await this.db.repos.users.setup(auth.userId));
  }

  /** Takes the lease for the caller's device, unless another device holds a live one. */
  async start(auth: AuthContext, total: number): Promise<SetupStatus> {
    return this.db.tx(async (r) => {
      const user = await this.lockUser(r, auth);
      const current = await r.users.setup(auth.userId);
      if (user.dataVersion >= ACCOUNT_DATA_VERSION) {
        if (current) await r.users.deleteSetup(auth.userId);
        return this.view(auth, user, undefined);
      }
      const now = this.clock.now();
      if (current && current.holderSessionId !== auth.sessionId && current.leaseUntil > now) throw busy(current);
      const mine = current?.holderSessionId === auth.sessionId;
      const row: SetupRow = {
        userId: auth.userId, targetVersion: ACCOUNT_DATA_VERSION, holderSessionId: auth.sessionId, leaseUntil: now + SETUP_LEASE_MS,
        done: mine ? Math.min(current.done, total) : 0, total, startedAt: current?.startedAt ?? now,
      };
      await r.users.putSetup(row);
      return this.view(auth, user, row);
    });
  }

  /** Progress from the device holding the lease; renews it. */
  async progress(auth: AuthContext, done: number, total: number): Promise<SetupStatus> {
    return this.db.tx(async (r) => {
      const user = await this.lockUser(r, auth);
      const row = await this.held(r, auth);
      const next = { ...row, done: Math.min(done, total), total, leaseUntil: this.clock.now() + SETUP_LEASE_MS };
      await r.users.putSetup(next);
      return this.view(auth, user, next);
    });
  }

  /** Ends the setup: the account's data is at the current version (every album it owns is signed). */
  async finish(auth: AuthContext): Promise<SetupStatus> {
    return this.db.tx(async (r) => {
      const user = await this.lockUser(r, auth);
      if (user.dataVersion >= ACCOUNT_DATA_VERSION) return this.view(auth, user, undefined);
      await this.held(r, auth);
      const unsigned = await r.albums.unsignedOwnedBy(auth.userId);
      if (unsigned > 0) {
        throw conflict(`the one-time setup is not finished: ${unsigned} ${unsigned === 1 ? 'album you own has' : 'albums you own have'} no signed state yet; run it again`);
      }
      await r.users.setDataVersion(auth.userId, ACCOUNT_DATA_VERSION);
      await r.users.deleteSetup(auth.userId);
      return this.view(auth, { ...user, dataVersion: ACCOUNT_DATA_VERSION }, undefined);
    });
  }

  private async lockUser(r: Repos, auth: AuthContext): Promise<UserRow> {
    const user = await r.users.lock(auth.userId);
    if (!user) throw notFound('account not found');
    return user;
  }

  /** The caller's live lease (an expired one nobody else took is still theirs). */
  private async held(r: Repos, auth: AuthContext): Promise<SetupRow> {
    const row = await r.users.setup(auth.userId);
    if (!row) throw conflict('no one-time setup is running on this device; start it first');
    if (row.holderSessionId !== auth.sessionId) throw busy(row);
    return row;
  }

  private view(auth: AuthContext, user: UserRow, row: SetupRow | undefined): SetupStatus {
    const live = row && row.leaseUntil > this.clock.now() ? row : undefined;
    return {
      dataVersion: user.dataVersion, currentVersion: ACCOUNT_DATA_VERSION,
      running: live ? {
        byThisSession: live.holderSessionId === auth.sessionId, done: live.done, total: live.total,
        startedAt: iso(live.startedAt), leaseExpiresAt: iso(live.leaseUntil),
      } : null,
    };
  }
}

function busy(row: SetupRow): AppError {
  return new AppError('setup-in-progress', `your account's one-time setup is running on another device (${percent(row)} %, ${row.done} of ${row.total} albums); this device waits until it ends`);
}
