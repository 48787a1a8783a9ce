// Account: sign up, log in, recover, log out, settings. Passwords and recovery keys come in
// from the page (typed there); keys never go back out.
import { AccountSetup, Session } from '@obscura/sdk';
import type { User } from '@obscura/protocol';
import { state } from './state.ts';

export interface Me {
  readonly user: User;
  readonly fingerprint: string;
  readonly usedBytes: number;
  readonly quotaBytes: number;
  /** What the usage is made of, when the server says (older servers do not). */
  readonly charges?: { readonly ownPhotosBytes: number; readonly editorsPhotosBytes: number; readonly pendingUploadsBytes: number };
}

export interface SessionRow {
  readonly id: string;
  readonly current: boolean;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  readonly userAgent: string | null;
}

async function me(): Promise<Me> {
  const { session } = state.need;
  const m = await session.me();
  return {
    user: m.user, fingerprint: await session.fingerprint(), usedBytes: m.storage.usedBytes, quotaBytes: m.storage.quotaBytes,
    ...(m.charges ? { charges: { ...m.charges } } : {}),
  };
}

/** Brings older account data up to date (signs albums from before signed states); quiet when nothing to do. */
async function ensureSetup(): Promise<void> {
  const { albums } = state.need;
  await new AccountSetup(albums).ensure().catch(() => undefined);
  await state.persist();
}

export const account = {
  async init(config: { insecureFastKdf?: boolean }): Promise<{ user: User } | null> {
    state.config = config;
    try {
      const c = await state.restore();
      if (!c) return null;
      // The saved session may have ended (logged out elsewhere, expired): ask the server.
      try {
        await c.session.me();
      } catch (e) {
        if ((e as { status?: number }).status === 401) {
          await state.forget();
          return null;
        }
        // Offline or server down: stay logged in; the page shows the error on its first call.
      }
      return { user: c.session.user };
    } catch {
      await state.forget();
      return null;
    }
  },

  async signup(email: string, displayName: string, password: string): Promise<{ user: User; recoveryKey: string }> {
    const { session, recoveryKey } = await Session.signup({ ...state.connectOptions(), email, displayName, password });
    await state.adopt(session);
    return { user: session.user, recoveryKey };
  },

  async login(email: string, password: string): Promise<{ user: User }> {
    const session = await Session.login({ ...state.connectOptions(), email, password });
    await state.adopt(session);
    void ensureSetup();
    return { user: session.user };
  },

  async recover(email: string, recoveryKey: string, newPassword: string): Promise<{ user: User }> {
    const session = await Session.recover({ ...state.connectOptions(), email, recoveryKey: recoveryKey.trim(), newPassword });
    await state.adopt(session);
    void ensureSetup();
    return { user: session.user };
  },

  async logout(): Promise<void> {
    const c = state.maybe;
    try {
      await c?.session.logout();
    } finally {
      await state.forget();
    }
  },

  me,

  async sessions(): Promise<SessionRow[]> {
    const { session } = state.need;
    const list = await session.sessions();
    return list.sessions.map((s) => ({
      id: s.id, current: s.id === session.sessionId, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, expiresAt: s.expiresAt, userAgent: s.userAgent,
    }));
  },

  async endSession(sessionId: string): Promise<void> {
    const { session } = state.need;
    await session.revokeSession(sessionId);
    if (sessionId === session.sessionId) await state.forget('you ended this session');
  },

  async changePassword(current: string, next: string): Promise<void> {
    const { session } = state.need;
    await session.changePassword(current, next);
    await state.adopt(session);
  },
};
