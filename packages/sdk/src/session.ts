// A logged-in person: the API client plus the account keys, unwrapped in memory only.
import * as opaque from '@serenity-kit/opaque';
import {
  createAccount, openAccountWithPassword, openAccountWithRecoveryKey, rewrapAccountForPassword,
  serializeAccountBundle, deserializeAccountBundle, publicKeysOf, fingerprint, signRecoveryMessage,
  toBase64, fromBase64, constantTimeEqual, DEFAULT_KDF_PARAMS,
  type AccountBundle, type KdfParams, type PublicKeys,
} from '@obscura/crypto';
import { EMAIL_CODE_DIGITS, recoverySignedMessage, type RouteResponse, type User } from '@obscura/protocol';
import { ApiClient } from './api.ts';
import { ApiError, IntegrityError, UsageError } from './errors.ts';

export type KeyStretching = Parameters<typeof opaque.client.finishLogin>[0]['keyStretching'];

export interface ConnectOptions {
  readonly server: string;
  readonly fetch?: typeof fetch;
  readonly userAgent?: string;
  /** Argon2id cost of the password envelope made at sign-up / password change. Default: the shipped 64 MiB, t=3. */
  readonly kdfParams?: KdfParams;
  /**
   * OPAQUE's own key stretching. Must be the same at sign-up and every login. Default:
   * the library's "memory-constrained" Argon2id (RFC 9106). Tests pass a cheaper setting.
   */
  readonly opaqueKeyStretching?: KeyStretching;
}

/** What a client persists to stay logged in (the CLI writes it mode 0600). */
export interface SessionState {
  readonly version: 1;
  readonly server: string;
  readonly sessionId: string;
  readonly token: string;
  readonly expiresAt: string;
  readonly user: User;
  readonly bundleB64: string;
}

/**
 * Weak, test-only password stretching (1 MiB, one pass). The CLI takes it with
 * OBSCURA_INSECURE_FAST_KDF=1 and the web app with a developer setting; both warn loudly.
 * Never used unless asked for: the shipped defaults are DEFAULT_KDF_PARAMS and OPAQUE's own.
 */
export const INSECURE_FAST_KDF = { memoryKiB: 1024, iterations: 1, parallelism: 1 } as const satisfies KdfParams;
export const INSECURE_FAST_OPAQUE = { 'argon2id-custom': { iterations: 1, memory: 1024, parallelism: 1 } } as const satisfies KeyStretching;

function checkPassword(password: string): void {
  if (typeof password !== 'string' || password.length < 8) throw new UsageError('the password must have at least 8 characters');
}

export interface EmailVerification {
  readonly verificationId: string;
  /** As mailed; spaces and dashes are ignored ("1234 5678"). */
  readonly code: string;
}

/** The code's digits only: people copy "1234 5678" or "1234-5678" from the mail. */
function normalizeCode(code: string): string {
  const digits = code.replace(/[\s-]/g, '');
  if (!new RegExp(`^[0-9]{${EMAIL_CODE_DIGITS}}$`).test(digits)) throw new UsageError(`the code is the ${EMAIL_CODE_DIGITS} digits from the mail`);
  return digits;
}

const WRONG_CURRENT_PASSWORD = 'the current password is wrong; nothing was changed';

export class Session {
  private constructor(
    readonly api: ApiClient,
    readonly user: User,
    readonly bundle: AccountBundle,
    readonly sessionId: string,
    readonly expiresAt: string,
    private readonly options: ConnectOptions,
  ) {}

  get publicKeys(): PublicKeys {
    return publicKeysOf(this.bundle);
  }

  /**
   * Creates an account and logs in to it. The recovery key is returned once: show it to the person.
   * [Note: sign-up ends in a login] the server answers sign-up the same way whether or not the
   * email already has an account (see the server's [Note: uniform sign-up]), so we learn which it
   * was by finishing the login it started with the password just chosen. A login that fails means
   * nothing was created (the email is taken); one that opens an account with other keys than the
   * ones made here means the email is taken AND this is that account's password.
   */
  static async signup(o: ConnectOptions & {
    email: string; password: string; displayName: string;
    /** The code mailed by `requestEmailCode`: proves the address (needed to receive invitations sent to it before the account existed; required by some servers). */
    emailVerification?: EmailVerification;
  }): Promise<{ session: Session; recoveryKey: string }> {
    checkPassword(o.password);
    await opaque.ready;
    const api = new ApiClient({ baseUrl: o.server, fetch: o.fetch, userAgent: o.userAgent });
    const stretching = o.opaqueKeyStretching ? { keyStretching: o.opaqueKeyStretching } : {};
    const account = await createAccount(o.password, o.kdfParams ?? DEFAULT_KDF_PARAMS);
    const reg = opaque.client.startRegistration({ password: o.password });
    const { registrationResponseB64 } = await api.call('signupStart', { body: { email: o.email, registrationRequestB64: reg.registrationRequest } });
    const { registrationRecord } = opaque.client.finishRegistration({
      clientRegistrationState: reg.clientRegistrationState, registrationResponse: registrationResponseB64, password: o.password, ...stretching,
    });
    const login = opaque.client.startLogin({ password: o.password });
    const { loginId, loginResponseB64 } = await api.call('signupFinish', {
      body: {
        email: o.email, displayName: o.displayName, registrationRecordB64: registrationRecord,
        x25519PublicKeyB64: toBase64(account.publicKeys.x25519), ed25519PublicKeyB64: toBase64(account.publicKeys.ed25519),
        passwordEnvelopeB64: toBase64(account.passwordEnvelope), recoveryEnvelopeB64: toBase64(account.recoveryEnvelope),
        startLoginRequestB64: login.startLoginRequest,
        ...(o.emailVerification ? { emailVerification: { verificationId: o.emailVerification.verificationId, code: normalizeCode(o.emailVerification.code) } } : {}),
      },
    });
    const finished = opaque.client.finishLogin({ clientLoginState: login.clientLoginState, loginResponse: loginResponseB64, password: o.password, ...stretching });
    if (!finished) {
      throw new ApiError(409, 'conflict', `no account was created: ${o.email} may already have one. If it is yours, log in ` +
        '(or, if you forgot the password, use your recovery key); otherwise check the address for a typo');
    }
    const s = await api.call('loginFinish', { body: { loginId, finishLoginRequestB64: finished.finishLoginRequest } });
    const mine = account.publicKeys;
    if (!constantTimeEqual(fromBase64(s.user.x25519PublicKeyB64), mine.x25519) || !constantTimeEqual(fromBase64(s.user.ed25519PublicKeyB64), mine.ed25519)) {
      api.token = s.token;
      await api.call('logout').catch(() => undefined);
      throw new ApiError(409, 'conflict', `${o.email} already has an account, and this password opens it: log in instead. ` +
        'Nothing was created; the recovery key from that account\'s sign-up is still the one that counts');
    }
    return { session: Session.fromServerSession(api, s, account.bundle, o), recoveryKey: account.recoveryKey };
  }

  /**
   * What the server asks of new accounts: whether sign-up needs a mailed code
   * ('required'), or a code only proves the address for invitations sent to it ('optional').
   */
  static async serverInfo(o: Pick<ConnectOptions, 'server' | 'fetch' | 'userAgent'>): Promise<{ emailVerification: 'required' | 'optional' }> {
    const api = new ApiClient({ baseUrl: o.server, fetch: o.fetch, userAgent: o.userAgent });
    const h = await api.call('health');
    return { emailVerification: h.signup?.emailVerification ?? 'optional' };
  }

  /**
   * Mails a one-time code to `email` (before sign-up). The answer is the same for every address;
   * pass `{ verificationId, code }` to `signup` (or, logged in, to `verifyEmail`).
   */
  static async requestEmailCode(o: Pick<ConnectOptions, 'server' | 'fetch' | 'userAgent'> & { email: string }): Promise<{ verificationId: string; expiresAt: string }> {
    const api = new ApiClient({ baseUrl: o.server, fetch: o.fetch, userAgent: o.userAgent });
    return api.call('requestEmailCode', { body: { email: o.email.trim() } });
  }

  /** Logs in with OPAQUE (the password never leaves this process) and unwraps the account keys. */
  static async login(o: ConnectOptions & { email: string; password: string }): Promise<Session> {
    await opaque.ready;
    const api = new ApiClient({ baseUrl: o.server, fetch: o.fetch, userAgent: o.userAgent });
    const start = opaque.client.startLogin({ password: o.password });
    const { loginId, loginResponseB64 } = await api.call('loginStart', { body: { email: o.email, startLoginRequestB64: start.startLoginRequest } });
    const finished = opaque.client.finishLogin({
      clientLoginState: start.clientLoginState, loginResponse: loginResponseB64, password: o.password,
      ...(o.opaqueKeyStretching ? { keyStretching: o.opaqueKeyStretching } : {}),
    });
    if (!finished) throw new ApiError(401, 'unauthorized', 'wrong email or password');
    const s = await api.call('loginFinish', { body: { loginId, finishLoginRequestB64: finished.finishLoginRequest } });
    const bundle = await openAccountWithPassword(fromBase64(s.passwordEnvelopeB64), o.password);
    return Session.fromServerSession(api, s, bundle, o);
  }

  /** Sets a new password with the recovery key shown at sign-up. Ends every other session. */
  static async recover(o: ConnectOptions & { email: string; recoveryKey: string; newPassword: string }): Promise<Session> {
    checkPassword(o.newPassword);
    await opaque.ready;
    const api = new ApiClient({ baseUrl: o.server, fetch: o.fetch, userAgent: o.userAgent });
    const reg = opaque.client.startRegistration({ password: o.newPassword });
    const start = await api.call('recoveryStart', { body: { email: o.email, registrationRequestB64: reg.registrationRequest } });
    const bundle = await openAccountWithRecoveryKey(fromBase64(start.recoveryEnvelopeB64), o.recoveryKey);
    const { registrationRecord } = opaque.client.finishRegistration({
      clientRegistrationState: reg.clientRegistrationState, registrationResponse: start.registrationResponseB64, password: o.newPassword,
      ...(o.opaqueKeyStretching ? { keyStretching: o.opaqueKeyStretching } : {}),
    });
    const passwordEnvelopeB64 = toBase64(await rewrapAccountForPassword(bundle, o.newPassword, o.kdfParams ?? DEFAULT_KDF_PARAMS));
    const message = recoverySignedMessage({ challengeB64: start.challengeB64, registrationRecordB64: registrationRecord, passwordEnvelopeB64 });
    const signature = await signRecoveryMessage(bundle.signingKeys, message);
    const s = await api.call('recoveryFinish', {
      body: { recoveryId: start.recoveryId, signatureB64: toBase64(signature), registrationRecordB64: registrationRecord, passwordEnvelopeB64 },
    });
    return Session.fromServerSession(api, s, bundle, o);
  }

  /** Restores a session saved with `toState()`. */
  static async restore(state: SessionState, o: Omit<ConnectOptions, 'server'> = {}): Promise<Session> {
    if (state.version !== 1) throw new UsageError(`saved session has unknown version ${String(state.version)}; log in again`);
    const api = new ApiClient({ baseUrl: state.server, token: state.token, fetch: o.fetch, userAgent: o.userAgent });
    const bundle = await deserializeAccountBundle(fromBase64(state.bundleB64));
    return new Session(api, state.user, bundle, state.sessionId, state.expiresAt, { ...o, server: state.server });
  }

  private static fromServerSession(api: ApiClient, s: RouteResponse<'loginFinish'>, bundle: AccountBundle, o: ConnectOptions): Session {
    // [Note: the server cannot swap our keys] the public keys the server holds for us must be
    // the ones derived from the bundle we just unwrapped; otherwise people sharing with us
    // would seal to a key the server chose.
    const mine = publicKeysOf(bundle);
    if (!constantTimeEqual(fromBase64(s.user.x25519PublicKeyB64), mine.x25519) || !constantTimeEqual(fromBase64(s.user.ed25519PublicKeyB64), mine.ed25519)) {
      throw new IntegrityError('-', `the server lists public keys for ${s.user.email} that are not this account's keys`);
    }
    api.token = s.token;
    return new Session(api, s.user, bundle, s.sessionId, s.expiresAt, o);
  }

  toState(): SessionState {
    if (!this.api.token) throw new UsageError('not logged in');
    return {
      version: 1, server: this.api.baseUrl, sessionId: this.sessionId, token: this.api.token, expiresAt: this.expiresAt,
      user: this.user, bundleB64: toBase64(serializeAccountBundle(this.bundle)),
    };
  }

  fingerprint(): Promise<string> {
    return fingerprint(this.publicKeys);
  }

  me() {
    return this.api.call('me');
  }

  /** Mails a one-time code to this account's email, to prove it with `verifyEmail`. */
  requestEmailCode(): Promise<{ verificationId: string; expiresAt: string }> {
    return this.api.call('requestEmailCode', { body: { email: this.user.email } });
  }

  /**
   * Proves this account's email with the mailed code. Invitations sent to the address before
   * the account existed become this account's: they wait for their sharers' apps to finish sharing.
   */
  async verifyEmail(v: EmailVerification): Promise<{ claimedInvitations: number }> {
    const r = await this.api.call('verifyEmail', { body: { verificationId: v.verificationId, code: normalizeCode(v.code) } });
    return { claimedInvitations: r.claimedInvitations };
  }

  async logout(): Promise<void> {
    await this.api.call('logout');
    this.api.token = undefined;
  }

  sessions() {
    return this.api.call('listSessions');
  }

  revokeSession(sessionId: string) {
    return this.api.call('revokeSession', { params: { sessionId } });
  }

  /**
   * Changes the password: new OPAQUE record + the same keys re-wrapped. The current password is
   * proven by an OPAQUE login inside the change (a session token alone cannot change it); a wrong
   * one throws ApiError 403 and changes nothing. Every other session ends; this one stays.
   */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    if (typeof currentPassword !== 'string' || currentPassword === '') throw new UsageError('give the current password to change it');
    checkPassword(newPassword);
    await opaque.ready;
    const stretching = this.options.opaqueKeyStretching ? { keyStretching: this.options.opaqueKeyStretching } : {};
    const login = opaque.client.startLogin({ password: currentPassword });
    const reg = opaque.client.startRegistration({ password: newPassword });
    const start = await this.api.call('passwordChangeStart', { body: { startLoginRequestB64: login.startLoginRequest, registrationRequestB64: reg.registrationRequest } });
    // OPAQUE lets the client see a wrong password itself: there is then no proof to send.
    const proof = opaque.client.finishLogin({ clientLoginState: login.clientLoginState, loginResponse: start.loginResponseB64, password: currentPassword, ...stretching });
    if (!proof) throw new ApiError(403, 'forbidden', WRONG_CURRENT_PASSWORD);
    const { registrationRecord } = opaque.client.finishRegistration({
      clientRegistrationState: reg.clientRegistrationState, registrationResponse: start.registrationResponseB64, password: newPassword, ...stretching,
    });
    const envelope = await rewrapAccountForPassword(this.bundle, newPassword, this.options.kdfParams ?? DEFAULT_KDF_PARAMS);
    await this.api.call('passwordChangeFinish', {
      body: { changeId: start.changeId, finishLoginRequestB64: proof.finishLoginRequest, registrationRecordB64: registrationRecord, passwordEnvelopeB64: toBase64(envelope) },
    });
  }
}
