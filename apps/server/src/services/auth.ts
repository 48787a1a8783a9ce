import { createHmac, createPublicKey, verify } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import {
  ACCOUNT_DATA_VERSION,
  recoverySignedMessage, type LoginFinishBody, type LoginStartBody, type LoginStartResponse, type Me,
  type PasswordChangeFinishBody, type PasswordChangeStartBody, type PasswordChangeStartResponse, type RecoveryFinishBody, type RecoveryStartBody,
  type RecoveryStartResponse, type RegistrationResponse, type Session, type SignupFinishBody, type SignupStartBody, type User,
} from '@obscura/protocol';
import { AppError, badRequest, unauthorized } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Random } from '../ports/random.ts';
import type { Database, Repos, UserRow } from '../repositories/index.ts';
import type { NewUser } from '../repositories/users.ts';
import type { AuthContext, ClientInfo } from './auth-context.ts';
import { fromB64, fromB64Url, iso, normalizeEmail, toB64, toB64Url } from './encoding.ts';
import type { OpaqueServer } from './opaque.ts';
import type { RateCheckOptions, RateLimiter } from './rate-limiter.ts';
import type { SessionService } from './sessions.ts';
import type { EmailCodes } from './email-codes.ts';

const LOGIN_ATTEMPT_TTL_MS = 5 * 60_000;
const RECOVERY_ATTEMPT_TTL_MS = 15 * 60_000;
const CHALLENGE_BYTES = 32;
/** Length of the stand-in recovery envelope returned for unknown emails. */
const FAKE_ENVELOPE_BYTES = 160;
const BAD_LOGIN = 'email or password is incorrect';
const BAD_RECOVERY = 'recovery failed: the signature does not match this account, or the request expired; start again';
const WRONG_CURRENT_PASSWORD = 'the current password is wrong; nothing was changed';
const STALE_CHANGE = 'this password change expired (after 5 minutes) or was already used; nothing was changed; start again';

type S<T extends import('@sinclair/typebox').TSchema> = Static<T>;

export function toWireUser(u: UserRow): S<typeof User> {
  return {
    id: u.id, email: u.email, displayName: u.displayName,
    x25519PublicKeyB64: toB64(u.x25519PublicKey), ed25519PublicKeyB64: toB64(u.ed25519PublicKey),
  };
}

/** Accounts: OPAQUE signup/login, password change, recovery. */
export class AuthService {
  private readonly fakeKey: Buffer;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly opaque: OpaqueServer,
    private readonly sessions: SessionService,
    private readonly limiter: RateLimiter,
    private readonly defaultQuotaBytes: number,
    serverSecret: string,
    private readonly emailCodes: EmailCodes,
    /** REQUIRE_EMAIL_VERIFICATION: sign-up needs a mailed code. */
    readonly requireEmailVerification = false,
  ) {
    this.fakeKey = createHmac('sha256', serverSecret).update('obscura fake recovery envelopes').digest();
  }

  private limit(action: string, email: string, client: ClientInfo, opts?: RateCheckOptions): Promise<void> {
    return this.limiter.check(action, [
      { label: 'for this email', key: `email:${email}` },
      { label: 'from this address', key: `ip:${client.ip}` },
    ], opts);
  }

  private async sessionFor(r: Repos, user: UserRow, client: ClientInfo): Promise<S<typeof Session>> {
    const s = await this.sessions.create(r, user.id, client.userAgent);
    return {
      sessionId: s.sessionId, token: s.token, expiresAt: iso(s.expiresAt),
      user: toWireUser(user), passwordEnvelopeB64: toB64(user.passwordEnvelope),
    };
  }

  // [Note: uniform sign-up] Sign-up must not tell a stranger whether an email has an account.
  // signupStart's OPAQUE registration response depends only on the email and the request, so it
  // is answered for every email. signupFinish creates the account only when the email is free,
  // and in both cases answers what loginStart answers: a login attempt for that email (against
  // the new record, or against the existing account's record). The client then finishes that
  // login with the password it just chose: it succeeds for a new account; for a taken email it
  // fails unless the password is that account's (then it is simply a log-in). The sign-up
  // answers are therefore the same shape and status either way; the person learns what happened
  // from the login, and the SDK words it ("this email may already have an account: log in, use
  // the recovery key, or check the address"). See docs/security.md, "Accounts and sessions".
  async signupStart(body: S<typeof SignupStartBody>, client: ClientInfo): Promise<S<typeof RegistrationResponse>> {
    const email = normalizeEmail(body.email);
    await this.limit('signup', email, client);
    return { registrationResponseB64: this.opaque.registrationResponse(email, body.registrationRequestB64) };
  }

  // [Note: sign-up with a proved email] signupFinish may carry a mailed code for the email
  // ([Note: email codes]); with REQUIRE_EMAIL_VERIFICATION it must. The code is checked FIRST,
  // before anything is created: a wrong one is a 400 and changes nothing (but the count of wrong
  // tries). The answer stays uniform ([Note: uniform sign-up]): when the email is free, the new
  // account is marked verified and claims the invitations sent to the email before it existed
  // ([Note: external invitations]), in the one transaction that creates it (using the code
  // there: of two sign-ups with one code, one wins); when the email is taken, nothing is claimed
  // or verified and the code is not used, and the answer has the same shape.
  async signupFinish(body: S<typeof SignupFinishBody>, client: ClientInfo): Promise<S<typeof LoginStartResponse>> {
    const email = normalizeEmail(body.email);
    await this.limit('signup-finish', email, client);
    const proof = body.emailVerification;
    if (!proof && this.requireEmailVerification) throw badRequest('this server asks you to confirm your email address: request a code first');
    if (proof) await this.emailCodes.check(proof.verificationId, proof.code, email);
    // Parsing the submitted record and login request first gives a malformed one the same 400
    // whether or not the email is free; for a free email this is also the answer.
    let login = this.opaque.startLogin(email, body.registrationRecordB64, body.startLoginRequestB64);
    const now = this.clock.now();
    const user: NewUser = {
      id: this.random.uuid(), email, displayName: body.displayName.trim(),
      opaqueRecord: fromB64Url(body.registrationRecordB64),
      x25519PublicKey: fromB64(body.x25519PublicKeyB64), ed25519PublicKey: fromB64(body.ed25519PublicKeyB64),
      passwordEnvelope: fromB64(body.passwordEnvelopeB64), recoveryEnvelope: fromB64(body.recoveryEnvelopeB64),
      quotaBytes: this.defaultQuotaBytes, dataVersion: ACCOUNT_DATA_VERSION, createdAt: now,
      emailVerifiedAt: proof ? now : null,
    };
    const loginId = this.random.uuid();
    await this.db.tx(async (r) => {
      let userId: string | null = user.id;
      if (!(await r.users.insert(user))) {
        // Taken: nothing is created; the attempt logs in to the existing account (or, should it
        // have been deleted meanwhile, is the fake one loginStart gives an unknown email).
        const existing = await r.users.findByEmail(email);
        login = this.opaque.startLogin(email, existing ? toB64Url(existing.opaqueRecord) : null, body.startLoginRequestB64);
        userId = existing?.id ?? null;
      } else if (proof) {
        await this.emailCodes.use(r, proof.verificationId);
        await r.externalInvitations.claim(email, user.id, now);
      }
      await r.attempts.insert({
        id: loginId, kind: 'login', userId, state: fromB64Url(login.state), expiresAt: now + LOGIN_ATTEMPT_TTL_MS,
      });
    });
    return { loginId, loginResponseB64: login.response };
  }

  async loginStart(body: S<typeof LoginStartBody>, client: ClientInfo): Promise<S<typeof LoginStartResponse>> {
    const email = normalizeEmail(body.email);
    await this.limit('login', email, client);
    const user = await this.db.repos.users.findByEmail(email);
    // [Note: unknown emails] OPAQUE answers an unknown account with a fake but
    // well-formed response and we store an attempt all the same, so the reply's
    // shape and the work done do not tell whether the email has an account.
    const { state, response } = this.opaque.startLogin(email, user ? toB64Url(user.opaqueRecord) : null, body.startLoginRequestB64);
    const loginId = this.random.uuid();
    await this.db.repos.attempts.insert({
      id: loginId, kind: 'login', userId: user?.id ?? null, state: fromB64Url(state), expiresAt: this.clock.now() + LOGIN_ATTEMPT_TTL_MS,
    });
    return { loginId, loginResponseB64: response };
  }

  async loginFinish(body: S<typeof LoginFinishBody>, client: ClientInfo): Promise<S<typeof Session>> {
    const attempt = await this.db.repos.attempts.take(body.loginId, 'login', this.clock.now());
    if (!attempt) throw unauthorized('this login attempt expired or was already used; start again');
    if (!attempt.userId || !this.opaque.finishLogin(toB64Url(attempt.state), body.finishLoginRequestB64)) throw unauthorized(BAD_LOGIN);
    const userId = attempt.userId;
    return this.db.tx(async (r) => {
      const user = await r.users.findById(userId);
      if (!user) throw unauthorized(BAD_LOGIN);
      return this.sessionFor(r, user, client);
    });
  }

  async me(auth: AuthContext): Promise<S<typeof Me>> {
    const user = await this.db.repos.users.findById(auth.userId);
    if (!user) throw unauthorized('this account no longer exists');
    return {
      user: toWireUser(user), emailVerified: user.emailVerifiedAt !== null,
      storage: { usedBytes: user.usedBytes, quotaBytes: user.quotaBytes }, charges: await this.db.repos.users.charges(user.id),
    };
  }

  // [Note: password change proves the password] A session token alone must not change the
  // password: whoever stole one could lock the owner out and end the owner's sessions. The change
  // therefore carries a fresh OPAQUE login with the current password: step 1 starts it (rate-limited
  // per email and per address, like log-in) next to the registration of the new password; step 2
  // must finish it for this same account, or nothing changes (403). The attempt is an ordinary
  // 'login' attempt in auth_attempts, bound to the caller's account; finishing it needs the
  // password either way. After the change every session except the caller's (which just proved
  // the password) ends, so a stolen token dies when the owner changes the password.
  async passwordChangeStart(auth: AuthContext, body: S<typeof PasswordChangeStartBody>, client: ClientInfo): Promise<S<typeof PasswordChangeStartResponse>> {
    const user = await this.db.repos.users.findById(auth.userId);
    if (!user) throw unauthorized('this account no longer exists');
    await this.limit('password-change', user.email, client, { what: 'password change attempts' });
    const login = this.opaque.startLogin(user.email, toB64Url(user.opaqueRecord), body.startLoginRequestB64);
    const registrationResponseB64 = this.opaque.registrationResponse(user.email, body.registrationRequestB64);
    const changeId = this.random.uuid();
    await this.db.repos.attempts.insert({
      id: changeId, kind: 'login', userId: user.id, state: fromB64Url(login.state), expiresAt: this.clock.now() + LOGIN_ATTEMPT_TTL_MS,
    });
    return { changeId, loginResponseB64: login.response, registrationResponseB64 };
  }

  async passwordChangeFinish(auth: AuthContext, body: S<typeof PasswordChangeFinishBody>): Promise<{ ok: true }> {
    const attempt = await this.db.repos.attempts.take(body.changeId, 'login', this.clock.now());
    if (!attempt || attempt.userId !== auth.userId) throw badRequest(STALE_CHANGE);
    if (!this.opaque.finishLogin(toB64Url(attempt.state), body.finishLoginRequestB64)) throw new AppError('forbidden', WRONG_CURRENT_PASSWORD);
    await this.db.tx(async (r) => {
      await r.users.setPassword(auth.userId, fromB64Url(body.registrationRecordB64), fromB64(body.passwordEnvelopeB64));
      await r.sessions.revokeAll(auth.userId, this.clock.now(), auth.sessionId);
    });
    return { ok: true };
  }

  async recoveryStart(body: S<typeof RecoveryStartBody>, client: ClientInfo): Promise<S<typeof RecoveryStartResponse>> {
    const email = normalizeEmail(body.email);
    await this.limit('recovery', email, client);
    const user = await this.db.repos.users.findByEmail(email);
    const challenge = this.random.bytes(CHALLENGE_BYTES);
    const recoveryId = this.random.uuid();
    await this.db.repos.attempts.insert({
      id: recoveryId, kind: 'recovery', userId: user?.id ?? null, state: challenge,
      expiresAt: this.clock.now() + RECOVERY_ATTEMPT_TTL_MS,
    });
    return {
      recoveryId,
      // Unknown email: a stable stand-in, so repeated asks look like a real account's.
      recoveryEnvelopeB64: toB64(user ? user.recoveryEnvelope : this.fakeEnvelope(email)),
      challengeB64: toB64(challenge),
      registrationResponseB64: this.opaque.registrationResponse(email, body.registrationRequestB64),
    };
  }

  async recoveryFinish(body: S<typeof RecoveryFinishBody>, client: ClientInfo): Promise<S<typeof Session>> {
    const attempt = await this.db.repos.attempts.take(body.recoveryId, 'recovery', this.clock.now());
    if (!attempt?.userId) throw unauthorized(BAD_RECOVERY);
    const userId = attempt.userId;
    const user = await this.db.repos.users.findById(userId);
    if (!user) throw unauthorized(BAD_RECOVERY);
    const message = recoverySignedMessage({
      challengeB64: toB64(attempt.state), registrationRecordB64: body.registrationRecordB64, passwordEnvelopeB64: body.passwordEnvelopeB64,
    });
    if (!verifyEd25519(user.ed25519PublicKey, message, fromB64(body.signatureB64))) throw unauthorized(BAD_RECOVERY);
    return this.db.tx(async (r) => {
      await r.users.setPassword(userId, fromB64Url(body.registrationRecordB64), fromB64(body.passwordEnvelopeB64));
      await r.sessions.revokeAll(userId, this.clock.now());
      const updated = await r.users.findById(userId);
      if (!updated) throw unauthorized(BAD_RECOVERY);
      return this.sessionFor(r, updated, client);
    });
  }

  private fakeEnvelope(email: string): Uint8Array {
    const out = Buffer.alloc(FAKE_ENVELOPE_BYTES);
    for (let i = 0, off = 0; off < out.length; i++) {
      off += createHmac('sha256', this.fakeKey).update(`${i}:${email}`).digest().copy(out, off);
    }
    return new Uint8Array(out);
  }
}

/** Ed25519 verification (node:crypto) with a raw 32-byte public key. */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
