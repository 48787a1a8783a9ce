// Account: sign up, log in, recover, log out, settings. Passwords and recovery keys come in
// from the page (typed there); keys never go back out.
import { AccountSetup, ApiError, Session } from '@obscura/sdk';
import { CryptoError } from '@obscura/crypto';
import type { User } from '@obscura/protocol';
import { AppError } from '../shared/rpc.ts';
import { state } from './state.ts';

export interface Me {
  readonly user: User;
  readonly fingerprint: string;
  readonly usedBytes: number;
  readonly quotaBytes: number;
  /** What the usage is made of, when the server says (older servers do not). */
  readonly charges?: { readonly ownPhotosBytes: number; readonly editorsPhotosBytes: number; readonly pendingUploadsBytes: number };
  /** The account proved its email with a mailed code (false from older servers). */
  readonly emailVerified: boolean;
}

/** A code mailed to prove an email address: pass its id back with the code typed. */
export interface EmailCodeSent {
  readonly verificationId: string;
  readonly expiresAt: string;
}

export interface SessionRow {
  readonly id: string;
  readonly current: boolean;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  readonly userAgent: string | null;
}

/** A 401 from the server: the token no longer opens a session (ended, expired, account gone). */
function sessionRefused(e: unknown): e is ApiError {
  return e instanceof ApiError && e.status === 401;
}

/** Why the session ended, in words for the login screen ("You were logged out: …"). */
export function endedReason(e: ApiError): string {
  if (/no longer exists/i.test(e.message)) return 'this account no longer exists';
  if (/expired/i.test(e.message)) return 'your session expired; log in again';
  if (/ended|revoked/i.test(e.message)) return 'this session was ended, from another device or tab, or from Settings';
  return 'the server no longer knows this session; log in again';
}

let confirming: Promise<void> | undefined;

/**
 * [Note: a session ended elsewhere] Every error of every worker call passes through here (the
 * guard's onError, see guarded.ts). A 401 on any call may mean the session was ended from
 * another device (Settings → End session), by a password change or recovery elsewhere, or by
 * logging out in another tab; it may also be some other route's refusal. So the session is asked
 * once (`me`, shared by every call failing at the same time): only when that too is refused is
 * this browser's session forgotten, with the reason, and the page sends the person to log in.
 */
export async function noticeEndedSession(e: unknown): Promise<void> {
  const c = state.maybe;
  if (!c || !sessionRefused(e)) return;
  confirming ??= (async () => {
    try {
      await c.session.me();
    } catch (again) {
      if (sessionRefused(again) && state.maybe === c) await state.forget(endedReason(again));
    }
  })().finally(() => { confirming = undefined; });
  await confirming;
}

async function me(): Promise<Me> {
  const { session } = state.need;
  const m = await session.me();
  return {
    user: m.user, fingerprint: await session.fingerprint(), usedBytes: m.storage.usedBytes, quotaBytes: m.storage.quotaBytes,
    emailVerified: m.emailVerified === true,
    ...(m.charges ? { charges: { ...m.charges } } : {}),
  };
}

/** Brings older account data up to date (signs albums from before signed states); quiet when nothing to do. */
async function ensureSetup(): Promise<void> {
  const { albums } = state.need;
  await new AccountSetup(albums).ensure().catch(() => undefined);
  await state.persist();
}

/**
 * [Note: staying logged in] A reload restores the session sealed in IndexedDB ([Note: what the
 * browser keeps]) and asks the server whether it still stands: refused (ended elsewhere,
 * expired) → forgotten, and the page learns why through a 'logged-out' event; unreachable
 * (offline, server restarting) → kept, so a flaky network never logs anyone out; a saved
 * session that cannot be read (another device key, an old format) → forgotten quietly.
 */
async function restoreSession(): Promise<{ user: User } | null> {
  let c;
  try {
    c = await state.restore();
  } catch {
    await state.forget();
    return null;
  }
  if (!c) return null;
  if (Date.parse(c.session.expiresAt) <= Date.now()) {
    await state.forget('your session expired; log in again');
    return null;
  }
  try {
    const m = await c.session.me();
    return { user: m.user };
  } catch (e) {
    if (sessionRefused(e)) {
      await state.forget(endedReason(e));
      return null;
    }
    return { user: c.session.user };
  }
}

let restoring: Promise<{ user: User } | null> | undefined;

export const account = {
  /** Once per page load: the restored person, or null (log in). Concurrent calls share one restore. */
  init(config: { insecureFastKdf?: boolean }): Promise<{ user: User } | null> {
    state.config = config;
    restoring ??= restoreSession().finally(() => { restoring = undefined; });
    return restoring;
  },

  /**
   * What this server asks of new accounts: 'required' — sign-up needs the code mailed to the
   * address; 'optional' — a code only proves the address (to receive invitations sent to it
   * before the account existed).
   */
  async serverInfo(): Promise<{ emailVerification: 'required' | 'optional' }> {
    const { emailVerification } = await Session.serverInfo({ server: state.server });
    return { emailVerification };
  },

  /** Mails a one-time code to `email` (before sign-up); the server answers the same for every address. */
  async requestSignupCode(email: string): Promise<EmailCodeSent> {
    const { verificationId, expiresAt } = await Session.requestEmailCode({ server: state.server, email });
    return { verificationId, expiresAt };
  },

  /** `verification`: the mailed code (and its id) proving `email`; needed when the server requires it, or to receive invitations. */
  async signup(email: string, displayName: string, password: string, verification?: { verificationId: string; code: string }): Promise<{ user: User; recoveryKey: string }> {
    const { session, recoveryKey } = await Session.signup({
      ...state.connectOptions(), email, displayName, password, ...(verification ? { emailVerification: verification } : {}),
    });
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
    let session: Session;
    try {
      session = await Session.recover({ ...state.connectOptions(), email, recoveryKey: recoveryKey.trim(), newPassword });
    } catch (e) {
      // A typo, or a key that does not open this account: say so, nothing was changed.
      if (e instanceof CryptoError && e.code === 'bad-recovery-key') {
        const what = /does not open/.test(e.message) ? 'this recovery key does not open the account of this email' : e.message;
        throw new AppError({ kind: 'usage', code: 'bad-recovery-key', message: `${what}; check both and try again. Nothing was changed` });
      }
      if (e instanceof ApiError && e.status === 401) {
        throw new AppError({ kind: 'api', status: 401, code: e.code, message: 'this recovery key does not open the account of this email, or the attempt took too long; check both and try again. Nothing was changed' });
      }
      throw e;
    }
    await state.adopt(session);
    void ensureSetup();
    return { user: session.user };
  },

  /** Ends this session on the server (when reachable) and forgets everything this browser kept. */
  async logout(): Promise<void> {
    const c = state.maybe;
    try {
      await c?.session.logout();
    } catch (e) {
      // Already ended on the server: logging out is done. Unreachable: the token is forgotten
      // here all the same, and it expires on the server.
      if (!sessionRefused(e) && !(e instanceof ApiError && e.code === 'network')) throw e;
    } finally {
      await state.forget();
    }
  },

  me,

  async sessions(): Promise<SessionRow[]> {
    const { session } = state.need;
    const list = await session.sessions();
    return list.sessions.map((s) => ({
      id: s.id, current: s.current || s.id === session.sessionId, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, expiresAt: s.expiresAt, userAgent: s.userAgent,
    }));
  },

  /** Ends one of my sessions; ending this device's own logs this browser out. */
  async endSession(sessionId: string): Promise<{ loggedOut: boolean }> {
    const { session } = state.need;
    await session.revokeSession(sessionId);
    if (sessionId !== session.sessionId) return { loggedOut: false };
    await state.forget('you ended this device\'s session');
    return { loggedOut: true };
  },

  /**
   * Proves the current password and sets a new one (the SDK re-wraps the same keys). The server
   * ends every other session; this one, and its saved state (same token, same keys), stay.
   */
  async changePassword(current: string, next: string): Promise<void> {
    const { session } = state.need;
    await session.changePassword(current, next);
  },

  /** Mails a one-time code to my account's email, to confirm it (Settings). */
  async requestEmailCode(): Promise<EmailCodeSent> {
    const { verificationId, expiresAt } = await state.need.session.requestEmailCode();
    return { verificationId, expiresAt };
  },

  /** Confirms my email with the mailed code; invitations sent to it before I had an account become mine. */
  async verifyEmail(verificationId: string, code: string): Promise<{ claimedInvitations: number }> {
    const { claimedInvitations } = await state.need.session.verifyEmail({ verificationId, code });
    return { claimedInvitations };
  },
};
