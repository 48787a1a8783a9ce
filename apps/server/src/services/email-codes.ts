import { createHash, timingSafeEqual } from 'node:crypto';
import { EMAIL_CODE_ATTEMPTS_MAX, EMAIL_CODE_DIGITS, EMAIL_CODE_TTL_MS } from '@obscura/protocol';
import { badRequest, unauthorized } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Mail, Mailer } from '../ports/mailer.ts';
import type { Random } from '../ports/random.ts';
import type { Database, Repos } from '../repositories/index.ts';
import type { AuthContext, ClientInfo } from './auth-context.ts';
import { iso, normalizeEmail } from './encoding.ts';
import { esc, plain } from './invitation-mail.ts';
import type { RateLimiter } from './rate-limiter.ts';

// [Note: email codes]
// Proving an email address: requestEmailCode mails an EMAIL_CODE_DIGITS-digit code (uniform
// digits from the Random port) to the address and keeps only SHA-256(id ":" code) with an
// expiry (EMAIL_CODE_TTL_MS) and a count of wrong tries. The answer ({verificationId,
// expiresAt}) is the same whether or not the address has an account, and the mail goes out
// either way, so asking tells nothing ([Note: uniform sign-up]). Requests are rate-limited per
// email and per client address like sign-up (the auth limiter, action 'email-code'), and each
// address gets at most EMAIL_CODES_PER_HOUR codes (default 5): nobody can flood an inbox with
// codes, and guessing someone's code gets at most 5 codes × 5 tries an hour (8 digits: about
// one chance in 900 a year).
// A code is checked (`check`) BEFORE the unit of work it unlocks: the row exists, is for the same
// (normalized) email, unused, unexpired, with fewer than EMAIL_CODE_ATTEMPTS_MAX wrong tries, and
// the hashes match (constant-time compare). Each check takes a try first, committed on its own
// (a conditional update: concurrent guesses share the limit, and a refused sign-up cannot roll the
// count back); a right code gives its try back, so only wrong codes count. The right code is then used (`use`) in
// the caller's transaction, by a conditional update: of two requests with the same code, one
// wins. The code is never logged and never stored; the mail log line names only the kind.
// What a proved email unlocks: invitations sent to it before it had an account
// ([Note: external invitations]), claimed in the same transaction.

const EXPIRED = 'this code expired or was already used; ask for a new one';

/** SHA-256 over the verification id and the code. */
const codeHash = (id: string, code: string): Buffer => createHash('sha256').update(`${id}:${code}`).digest();

/** "1234 5678": the code in groups of four, easier to read and type. */
export const groupedCode = (code: string): string => code.replace(/(\d{4})(?=\d)/g, '$1 ');

export class EmailCodes {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly mailer: Mailer,
    private readonly logger: Logger,
    private readonly limiter: RateLimiter,
    /** Codes mailed per address per hour ([Note: email codes]): bounds mail to one inbox and guesses at its codes. */
    private readonly mailLimiter?: RateLimiter,
  ) {}

  /** Mails a new code to `email`; the same answer for every address. */
  async request(rawEmail: string, client: ClientInfo): Promise<{ verificationId: string; expiresAt: string }> {
    // Access: anyone (the code goes to the address, not to the caller).
    const email = normalizeEmail(rawEmail);
    await this.limiter.check('email-code', [
      { label: 'for this email', key: `email:${email}` },
      { label: 'from this address', key: `ip:${client.ip}` },
    ], { what: 'code requests' });
    await this.mailLimiter?.check('email-code-mail', [{ label: 'for this email', key: `email:${email}` }], { what: 'codes mailed' });
    const id = this.random.uuid().toLowerCase();
    const code = this.newCode();
    const expiresAt = this.clock.now() + EMAIL_CODE_TTL_MS;
    await this.db.repos.emailVerifications.insert({ id, email, codeHash: codeHash(id, code), expiresAt, attempts: 0, usedAt: null });
    try {
      await this.mailer.send(emailCodeMail(email, code));
    } catch (e) {
      // Only the error's message: never the mail (it holds the code).
      this.logger.error(`mail: email code for ${email} could not be sent (${e instanceof Error ? e.message : 'unknown error'})`);
    }
    return { verificationId: id, expiresAt: iso(expiresAt) };
  }

  /**
   * Checks a code for `email` without using it (400 with what to do when it does not match; a
   * wrong code counts a try, committed now). See [Note: email codes].
   */
  async check(verificationId: string, code: string, email: string): Promise<void> {
    const id = verificationId.toLowerCase();
    const v = await this.db.repos.emailVerifications.find(id);
    if (!v || v.usedAt !== null || v.expiresAt <= this.clock.now() || v.attempts >= EMAIL_CODE_ATTEMPTS_MAX) throw badRequest(EXPIRED);
    if (v.email !== email) throw badRequest(`this code was sent to another email address, not ${email}; ask for a code for ${email}`);
    // The try is taken before the compare ([Note: email codes]): concurrent guesses share the limit.
    const tries = await this.db.repos.emailVerifications.takeTry(id, this.clock.now(), EMAIL_CODE_ATTEMPTS_MAX);
    if (tries === undefined) throw badRequest(EXPIRED);
    const given = codeHash(id, code);
    if (given.length !== v.codeHash.length || !timingSafeEqual(given, v.codeHash)) {
      const left = Math.max(0, EMAIL_CODE_ATTEMPTS_MAX - tries);
      throw badRequest(left > 0 ? `the code is wrong; ${left} ${left === 1 ? 'try' : 'tries'} left` : 'the code is wrong, and that was the last try; ask for a new one');
    }
    await this.db.repos.emailVerifications.giveBackTry(id);
  }

  /** Uses a checked code in the caller's transaction; 400 when another request used it first or it expired meanwhile. */
  async use(r: Repos, verificationId: string): Promise<void> {
    if (!(await r.emailVerifications.use(verificationId.toLowerCase(), this.clock.now()))) throw badRequest(EXPIRED);
  }

  /** verifyEmail: the code proves the caller's own email; invitations sent to it become theirs. */
  async verify(auth: AuthContext, body: { verificationId: string; code: string }, client: ClientInfo): Promise<{ ok: true; claimedInvitations: number }> {
    // Access: the caller's own account and email only.
    const user = await this.db.repos.users.findById(auth.userId);
    if (!user) throw unauthorized('this account no longer exists');
    await this.limiter.check('email-verify', [
      { label: 'for this email', key: `email:${user.email}` },
      { label: 'from this address', key: `ip:${client.ip}` },
    ], { what: 'code checks' });
    await this.check(body.verificationId, body.code, user.email);
    const claimedInvitations = await this.db.tx(async (r) => {
      await this.use(r, body.verificationId);
      const now = this.clock.now();
      await r.users.setEmailVerified(user.id, now);
      return r.externalInvitations.claim(user.email, user.id, now);
    });
    return { ok: true, claimedInvitations };
  }

  /** EMAIL_CODE_DIGITS decimal digits, each uniform: bytes ≥ 250 are thrown away (no modulo bias). */
  private newCode(): string {
    let code = '';
    while (code.length < EMAIL_CODE_DIGITS) {
      for (const b of this.random.bytes(EMAIL_CODE_DIGITS * 2)) {
        if (b < 250 && code.length < EMAIL_CODE_DIGITS) code += String(b % 10);
      }
    }
    return code;
  }
}

/** The mail with the code: what it is for, how long it works, and to ignore it if unasked. */
export function emailCodeMail(to: string, code: string): Mail {
  const minutes = Math.round(EMAIL_CODE_TTL_MS / 60_000);
  const shown = groupedCode(code);
  const subject = `Your Obscura code: ${shown}`;
  const intro = `Your code to confirm this email address (${plain(to)}) on Obscura:`;
  const use = 'Enter it in the Obscura app to create your account with this address, or to confirm it, so that invitations sent to this address reach you.';
  const expires = `It expires in ${minutes} minutes and works once. Obscura never asks you for this code by phone or mail.`;
  const ignore = 'If you did not ask for it, ignore this mail: without the code nothing happens.';
  const p = (inner: string) => `<p style="margin:0 0 16px">${inner}</p>`;
  const html = [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(subject)}</title></head>`,
    '<body style="margin:0;padding:24px 12px;background:#f4f4f1;color:#1c1c1a;font:16px/1.5 system-ui,-apple-system,\'Segoe UI\',Roboto,sans-serif">',
    '<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:12px;padding:24px">',
    p(esc(intro)),
    `<p style="margin:0 0 16px;font-size:28px;font-weight:700;letter-spacing:2px;font-family:ui-monospace,Menlo,Consolas,monospace">${esc(shown)}</p>`,
    p(esc(use)),
    p(esc(expires)),
    `<p style="margin:0;font-size:14px;color:#55554f">${esc(ignore)}</p>`,
    '</div></body></html>',
  ].join('\n');
  return {
    kind: 'email-code', to, subject,
    text: `${[intro, '', `    ${shown}`, '', use, '', expires, '', ignore].join('\n')}\n`,
    html: `${html}\n`,
  };
}
