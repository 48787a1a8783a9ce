import { createHash } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import { SESSION_TOKEN_BYTES, type SessionList } from '@obscura/protocol';
import { notFound, unauthorized } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Random } from '../ports/random.ts';
import type { Database, Repos } from '../repositories/index.ts';
import type { AuthContext } from './auth-context.ts';
import { iso, toB64Url } from './encoding.ts';

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
/** last_seen_at is written at most this often per session. */
const TOUCH_EVERY_MS = 60_000;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface NewSession { sessionId: string; token: string; expiresAt: number }

export class SessionService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly ttlMs: number,
  ) {}

  /** Creates a session (inside the caller's transaction when given). The token is returned once, stored hashed. */
  async create(r: Repos, userId: string, userAgent: string | null): Promise<NewSession> {
    const now = this.clock.now();
    const token = toB64Url(this.random.bytes(SESSION_TOKEN_BYTES));
    const sessionId = this.random.uuid();
    const expiresAt = now + this.ttlMs;
    await r.sessions.insert({ id: sessionId, userId, tokenHash: hashToken(token), userAgent: userAgent?.slice(0, 300) ?? null, createdAt: now, expiresAt });
    return { sessionId, token, expiresAt };
  }

  /** The caller behind an `Authorization: Bearer` header, or 401. */
  async authenticate(authorization: string | undefined): Promise<AuthContext> {
    const m = /^Bearer (\S+)$/.exec(authorization ?? '');
    if (!m) throw unauthorized('sign in required: send the session token as "Authorization: Bearer <token>"');
    const token = m[1] ?? '';
    if (!TOKEN_RE.test(token)) throw unauthorized('the session token is malformed; sign in again');
    const s = await this.db.repos.sessions.findByTokenHash(hashToken(token));
    const now = this.clock.now();
    if (!s) throw unauthorized('unknown session; sign in again');
    if (s.revokedAt !== null) throw unauthorized('this session was ended (logged out or revoked); sign in again');
    if (s.expiresAt <= now) throw unauthorized('this session has expired; sign in again');
    if (now - s.lastSeenAt >= TOUCH_EVERY_MS) await this.db.repos.sessions.touch(s.id, now);
    return { userId: s.userId, sessionId: s.id };
  }

  async list(auth: AuthContext): Promise<Static<typeof SessionList>> {
    const rows = await this.db.repos.sessions.listActive(auth.userId, this.clock.now());
    return {
      sessions: rows.map((s) => ({
        id: s.id, createdAt: iso(s.createdAt), lastSeenAt: iso(s.lastSeenAt), expiresAt: iso(s.expiresAt),
        userAgent: s.userAgent, current: s.id === auth.sessionId,
      })),
    };
  }

  async revoke(auth: AuthContext, sessionId: string): Promise<{ ok: true }> {
    // Only the caller's own sessions: anyone else's id is "not found".
    const ok = await this.db.repos.sessions.revoke(auth.userId, sessionId, this.clock.now());
    if (!ok) throw notFound(`session ${sessionId} not found (or already ended)`);
    return { ok: true };
  }

  async logout(auth: AuthContext): Promise<{ ok: true }> {
    await this.db.repos.sessions.revoke(auth.userId, auth.sessionId, this.clock.now());
    return { ok: true };
  }
}
