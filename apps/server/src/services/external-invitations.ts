// [Note: external invitations]
// Sharing with an email that has no account on this server makes a pending external invitation:
// the email (normalized), the role, the sharer, the album, and the in-app message sealed to the
// SHARER's own keys — nothing that decrypts anything. It counts toward the album's 100 people
// (ALBUM_MEMBERS_MAX) while it is live (pending and unexpired, or signed-up), and it lapses after
// EXTERNAL_INVITATION_TTL_DAYS (an expired one is still 'pending' in the table, shown as 'expired'
// and re-sendable; inviting that email to that album again refreshes it in place). Each
// invitation sent or re-sent counts toward the sharer's EXTERNAL_INVITATIONS_PER_DAY.
// The invitee gets a mail ([Note: the external invitation mail]) linking to sign-up on this
// server. When an account proves that email with a mailed code ([Note: email codes]) — at
// sign-up or later with verifyEmail — every unexpired pending invitation for it becomes
// 'signed-up' with invitee_id = that account, in the same transaction. A plain sign-up without
// a code claims nothing: the code is what shows the account holds the address.
// The invitee then sees it as waiting (listInvitations.waiting) and the sharer's client, which
// lists its invitations (listExternalInvitations), seals the album keys to the new account's
// keys under the album-trust rules (its own roster, the next signed state) with an ordinary
// share naming `externalInvitationId`: under the album lock, that row must be this album's,
// 'signed-up', and claimed by exactly that account, and it becomes 'completed' in the same
// transaction as the member row and keys. From there it is an ordinary invitation (accept or
// decline). A direct share to an account also completes any open external invitation of the
// album for that account's email (it is the same person, now invited with keys), so nothing is
// counted twice. The sharer can cancel an open one (cancel takes the album lock too, so of a
// completion and a cancel exactly one wins), and stopping sharing cancels them all; deleting
// the album deletes them.
import {
  ALBUM_MEMBERS_MAX,
  type ExternalInvitation, type ExternalInviteInput, type UserRef, type WaitingInvitation,
} from '@obscura/protocol';
import { AppError, badRequest, conflict, notFound, shortId } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { Random } from '../ports/random.ts';
import type { AlbumRow, Database, ExternalInvitationRow, ExternalInvitationWithAlbum, Repos, UserRow } from '../repositories/index.ts';
import { OPEN_EXTERNAL } from '../repositories/external-invitations.ts';
import type { Access } from './access.ts';
import type { AuthContext } from './auth-context.ts';
import { fromB64, iso, normalizeEmail, toB64 } from './encoding.ts';
import { externalInvitationMail } from './invitation-mail.ts';
import type { RateLimiter } from './rate-limiter.ts';

const list = (xs: string[], max = 5) => `${xs.slice(0, max).join(', ')}${xs.length > max ? ` and ${xs.length - max} more` : ''}`;

const userRef = (u: UserRow): UserRef => ({
  id: u.id, email: u.email, displayName: u.displayName,
  x25519PublicKeyB64: toB64(u.x25519PublicKey), ed25519PublicKeyB64: toB64(u.ed25519PublicKey),
});

/** One entry of a share's `external`, its email normalized. */
export type ExternalInvite = ExternalInviteInput & { email: string };

/** What a share does to external invitations, decided under the album lock. */
export interface ExternalPlan {
  /** New rows. */
  insert: ExternalInvitationRow[];
  /** Expired pending rows invited again (refreshed in place). */
  refresh: ExternalInvitationRow[];
  /** Open rows the share completes: row → the invited account. */
  complete: { row: ExternalInvitationRow; userId: string }[];
  /** Live external invitations of the album before the share. */
  liveBefore: number;
  /** How many of `complete` were live (they stop counting: the member row counts instead). */
  liveCompleted: number;
}

/** A mail to send once the share is committed. */
export interface ExternalMail { row: ExternalInvitationRow; albumName?: string | undefined; message?: string | undefined }

export class ExternalInvitationService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly access: Access,
    private readonly mailer: Mailer,
    private readonly logger: Logger,
    private readonly publicUrl: string | undefined,
    /** EXTERNAL_INVITATION_TTL_DAYS in ms. */
    private readonly ttlMs: number,
    /** EXTERNAL_INVITATIONS_PER_DAY per sharer (a 24 h window). */
    private readonly limiter: RateLimiter,
  ) {}

  // ------------------------------------------------------------ routes

  /** listExternalInvitations: what the caller sent that is still open (pending, signed-up, expired), newest first. */
  async list(auth: AuthContext): Promise<{ invitations: ExternalInvitation[] }> {
    // Access: scoped to the invitations the caller sent.
    const rows = await this.db.repos.externalInvitations.sentBy(auth.userId, OPEN_EXTERNAL);
    return { invitations: await this.views(this.db.repos, rows) };
  }

  async cancel(auth: AuthContext, invitationId: string): Promise<{ ok: true }> {
    const x = await this.own(auth, invitationId);
    await this.db.tx(async (r) => {
      // [Note: respond under the album lock] the same lock as the share that would complete it.
      await r.albums.lock(x.albumId);
      if (await r.externalInvitations.cancel(x.id, this.clock.now())) return;
      const now = await r.externalInvitations.find(x.id);
      if (!now) throw notFound(`invitation ${shortId(x.id)} not found among the invitations you sent`);
      throw conflict(now.status === 'completed'
        ? `the invitation to ${x.email} was already completed: they are invited to the album with its keys now (remove them there instead)`
        : `the invitation to ${x.email} was already cancelled`);
    });
    return { ok: true };
  }

  async resend(auth: AuthContext, invitationId: string): Promise<ExternalInvitation> {
    const x = await this.own(auth, invitationId);
    const { row, album } = await this.db.tx(async (r) => {
      const a = await r.albums.lock(x.albumId);
      const cur = await r.externalInvitations.find(x.id);
      if (!a || !cur) throw notFound(`invitation ${shortId(x.id)} not found among the invitations you sent`);
      if (cur.status === 'signed-up') throw conflict(`${cur.email} has signed up: finish sharing from your app instead`);
      if (cur.status === 'completed') throw conflict(`the invitation to ${cur.email} was already completed: they are invited to the album with its keys now`);
      if (cur.status === 'cancelled') throw conflict(`the invitation to ${cur.email} was cancelled; invite them again instead`);
      if (await r.users.findByEmail(cur.email)) throw conflict(`${cur.email} has an Obscura account now: cancel this invitation and share with them directly`);
      const now = this.clock.now();
      if (cur.expiresAt <= now) {
        // An expired invitation stopped counting toward the 100 people; re-sent, it counts again.
        const members = await r.albums.countShared(a.id);
        const live = await r.externalInvitations.countLive(a.id, now);
        if (members + live + 1 > ALBUM_MEMBERS_MAX) throw tooMany(members + live, live, 1);
      }
      await this.countSent(r, auth.userId, 1);
      const expiresAt = now + this.ttlMs;
      if (!(await r.externalInvitations.extend(cur.id, expiresAt))) throw conflict(`the invitation to ${cur.email} changed meanwhile; reload and try again`);
      return { row: { ...cur, expiresAt }, album: a };
    });
    await this.sendMails(auth.userId, album, [{ row }]);
    return (await this.views(this.db.repos, [{ ...row, albumKind: album.kind, albumOwnerId: album.ownerId }]))[0]!;
  }

  /** listInvitations.waiting: invitations the caller claimed, waiting for the sharer's client to seal the keys. */
  async waiting(auth: AuthContext): Promise<WaitingInvitation[]> {
    // Access: scoped to the caller's own claimed invitations.
    const rows = await this.db.repos.externalInvitations.waitingFor(auth.userId);
    const users = await this.users(this.db.repos, rows.map((x) => x.invitedBy));
    return rows.flatMap((x) => {
      const by = users.get(x.invitedBy);
      return by ? [{ id: x.id, albumKind: x.albumKind, role: x.role, invitedBy: by, invitedAt: iso(x.invitedAt) }] : [];
    });
  }

  /** listMembers.external: the album's open external invitations (the caller is its owner). */
  async forAlbum(r: Repos, albumId: string): Promise<ExternalInvitation[]> {
    return this.views(r, await r.externalInvitations.forAlbum(albumId, OPEN_EXTERNAL));
  }

  // ------------------------------------------------------------ the share's part

  /** A share's `external`, checked before the transaction: emails normalized, not the sharer's own, none twice. */
  normalize(sharer: UserRow, external: ExternalInviteInput[]): ExternalInvite[] {
    const out = external.map((e) => ({ ...e, email: normalizeEmail(e.email) }));
    if (out.some((e) => e.email === sharer.email)) throw badRequest('you cannot invite your own email address');
    const emails = out.map((e) => e.email);
    const dup = emails.filter((e, n) => emails.indexOf(e) !== n);
    if (dup.length > 0) throw badRequest(`each email may be invited once per request; repeated: ${list([...new Set(dup)])}`);
    return out;
  }

  /**
   * Under the album lock: what the share does to external invitations, or a 4xx. `invites`: the
   * accounts the share invites (by id and email), each maybe naming the invitation it completes.
   */
  async plan(
    r: Repos, album: AlbumRow, sharerId: string, external: ExternalInvite[],
    invites: { userId: string; email: string; externalInvitationId?: string | undefined }[], now: number,
  ): Promise<ExternalPlan> {
    const plan: ExternalPlan = { insert: [], refresh: [], complete: [], liveBefore: 0, liveCompleted: 0 };
    const live = (x: ExternalInvitationRow) => x.status === 'signed-up' || (x.status === 'pending' && x.expiresAt > now);

    // Emails without an account only: an account is shared with directly (the client looks up first).
    const emails = external.map((e) => e.email);
    const accounts = (await r.users.findManyByEmail(emails)).map((u) => u.email);
    if (accounts.length > 0) {
      throw conflict(`${list(accounts)} ${accounts.length === 1 ? 'has an Obscura account now' : 'have Obscura accounts now'}: share with ${accounts.length === 1 ? 'them' : 'each'} directly; nothing was shared`);
    }
    const open = new Map((await r.externalInvitations.openFor(album.id, emails)).map((x) => [x.email, x]));
    const invited = [...open.values()].filter(live).map((x) => x.email);
    if (invited.length > 0) {
      throw conflict(`already invited to this album, waiting for ${invited.length === 1 ? 'them' : 'each'} to sign up: ${list(invited)}; re-send the invitation instead; nothing was shared`);
    }
    for (const e of external) {
      const messageSealed = e.messageSealedB64 ? fromB64(e.messageSealedB64) : null;
      const expired = open.get(e.email);
      if (expired) {
        plan.refresh.push({ ...expired, role: e.role, messageSealed, invitedAt: now, expiresAt: now + this.ttlMs });
      } else {
        plan.insert.push({
          id: this.random.uuid().toLowerCase(), albumId: album.id, email: e.email, role: e.role, status: 'pending', invitedBy: sharerId,
          inviteeId: null, messageSealed, invitedAt: now, expiresAt: now + this.ttlMs, endedAt: null, memberId: null,
        });
      }
    }

    // Completions: named ones must be waiting for exactly this account on this album.
    const named = invites.filter((i) => i.externalInvitationId);
    const rows = new Map((await r.externalInvitations.findMany(named.map((i) => i.externalInvitationId!))).map((x) => [x.id, x]));
    for (const i of named) {
      const x = rows.get(i.externalInvitationId!);
      if (!x || x.invitedBy !== sharerId) throw notFound(`invitation ${shortId(i.externalInvitationId!)} not found among the invitations you sent; nothing was shared`);
      const why = x.albumId !== album.id ? ': it is for another album'
        : x.status === 'cancelled' ? ': it was cancelled'
          : x.status === 'completed' ? ': it was already completed'
            : x.status === 'pending' ? ': no account has confirmed that address yet'
              : x.inviteeId !== i.userId ? `: it was claimed by another account than ${i.email}` : '';
      if (why) throw conflict(`the invitation to ${x.email} is not waiting for this account${why}; nothing was shared`);
      plan.complete.push({ row: x, userId: i.userId });
    }
    // A direct share to an account ends the album's open invitations to its email (same person).
    const byEmail = new Map(invites.map((i) => [i.email, i.userId]));
    for (const x of await r.externalInvitations.openFor(album.id, [...byEmail.keys()])) {
      if (!plan.complete.some((c) => c.row.id === x.id)) plan.complete.push({ row: x, userId: byEmail.get(x.email)! });
    }
    plan.liveBefore = await r.externalInvitations.countLive(album.id, now);
    plan.liveCompleted = plan.complete.filter((c) => live(c.row)).length;
    return plan;
  }

  /** Under the album lock, after every check: counts the sent invitations, then stores them. */
  async apply(r: Repos, plan: ExternalPlan, sharerId: string): Promise<void> {
    await this.countSent(r, sharerId, plan.insert.length + plan.refresh.length);
    for (const x of plan.insert) await r.externalInvitations.insert(x);
    for (const x of plan.refresh) {
      if (!(await r.externalInvitations.refresh(x.id, x))) throw conflict(`the invitation to ${x.email} changed meanwhile; nothing was shared; try again`);
    }
  }

  /** Mails for new, refreshed and re-sent invitations, after commit ([Note: mail never blocks sharing]). */
  async sendMails(sharerId: string, album: AlbumRow, mails: ExternalMail[]): Promise<void> {
    if (mails.length === 0) return;
    const sharer = await this.db.repos.users.findById(sharerId);
    if (!sharer) return;
    for (const m of mails) {
      try {
        await this.mailer.send(externalInvitationMail({
          to: m.row.email, sharer: { displayName: sharer.displayName, email: sharer.email }, role: m.row.role, kind: album.kind,
          albumName: m.albumName, message: m.message, expiresAt: m.row.expiresAt, publicUrl: this.publicUrl,
        }));
      } catch (e) {
        this.logger.error(`mail: invitation for ${m.row.email} (no account yet) could not be sent; the sharer can re-send it`, e);
      }
    }
  }

  async views(r: Repos, rows: ExternalInvitationWithAlbum[]): Promise<ExternalInvitation[]> {
    const now = this.clock.now();
    const users = await this.users(r, rows.flatMap((x) => (x.inviteeId ? [x.inviteeId] : [])));
    return rows.map((x) => ({
      id: x.id, albumId: x.albumId, albumKind: x.albumKind, email: x.email, role: x.role,
      status: x.status === 'signed-up' ? 'signed-up' as const : x.expiresAt <= now ? 'expired' as const : 'pending' as const,
      invitedAt: iso(x.invitedAt), expiresAt: iso(x.expiresAt),
      invitee: x.status === 'signed-up' && x.inviteeId ? users.get(x.inviteeId) ?? null : null,
      messageSealedB64: x.messageSealed ? toB64(x.messageSealed) : null,
    }));
  }

  // ------------------------------------------------------------ helpers

  private own(auth: AuthContext, invitationId: string): Promise<ExternalInvitationWithAlbum> {
    return this.access.one(this.db.repos, { actor: { auth }, permission: 'externalInvitation.manage', id: invitationId });
  }

  /** EXTERNAL_INVITATIONS_PER_DAY, counted in the transaction (a refused share counts nothing). */
  private async countSent(r: Repos, sharerId: string, n: number): Promise<void> {
    if (n === 0) return;
    await this.limiter.on(r.rateLimits).check('external-invitations', [{ label: 'today', key: `user:${sharerId}` }],
      { cost: n, what: 'invitations to people without an account' });
  }

  private async users(r: Repos, ids: string[]): Promise<Map<string, UserRef>> {
    return new Map((await r.users.findManyById(ids)).map((u) => [u.id, userRef(u)]));
  }
}

/** The 100-people limit, external invitations included. */
export function tooMany(current: number, external: number, adds: number): AppError {
  return new AppError('limit-reached', `an album can be shared with at most ${ALBUM_MEMBERS_MAX} people; this one has ${current}${
    external > 0 ? ` (${external} of them invited by email, without an account yet)` : ''} and the request adds ${adds}`);
}
