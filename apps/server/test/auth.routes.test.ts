import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import * as opaque from '@serenity-kit/opaque';
import {
  call, changePassword, finishSignupLogin, keyStretching, login, makeTestApp, recover, signup, signupRequest, startPasswordChange, type TestApp,
} from './helpers.ts';

describe('accounts over OPAQUE', () => {
  let t: TestApp;
  before(async () => { t = await makeTestApp({ sessionTtlMs: 24 * 3600_000 }); });
  after(() => t.close());

  test('signup returns a session, public keys and the password envelope; /api/me shows quota and usage', async () => {
    const a = await signup(t.app, 'Alice@Example.com', 'pw-alice', 'Alice');
    assert.equal(a.session.user.email, 'alice@example.com');
    assert.equal(a.session.user.displayName, 'Alice');
    assert.equal(Buffer.from(a.session.passwordEnvelopeB64, 'base64').toString(), 'password-envelope');
    assert.match(a.session.token, /^[A-Za-z0-9_-]{43}$/);
    const me = await call(t.app, 'me', { token: a.token });
    assert.equal(me.statusCode, 200);
    assert.deepEqual(me.json().storage, { usedBytes: 0, quotaBytes: 1024 * 1024 * 1024 });
    assert.equal(me.json().user.id, a.session.user.id);
  });

  test('sign-up with a taken email answers exactly like one with a free email, and creates nothing', async () => {
    const owner = await signup(t.app, 'taken@example.com', 'the owner password');
    const users = async () => (await t.db.kysely.selectFrom('users').select('id').execute()).length;
    const before = await users();
    // Same password for both, so every message has the same inputs apart from the email.
    const taken = await signupRequest(t.app, 'TAKEN@example.com', 'a stranger password');
    const free = await signupRequest(t.app, 'free@example.com', 'a stranger password');
    const shape = (r: { statusCode: number; json(): Record<string, string> }) =>
      [r.statusCode, Object.entries(r.json()).map(([k, v]) => [k, typeof v, v.length]).sort()];
    assert.deepEqual(shape(taken.start), shape(free.start), 'signupStart');
    assert.equal(taken.start.statusCode, 200);
    const takenFinish = await call(t.app, 'signupFinish', { body: taken.body });
    const freeFinish = await call(t.app, 'signupFinish', { body: free.body });
    assert.equal(takenFinish.statusCode, 200, takenFinish.body);
    assert.deepEqual(shape(takenFinish), shape(freeFinish), 'signupFinish');
    assert.deepEqual(Object.keys(takenFinish.json()).sort(), ['loginId', 'loginResponseB64']);
    assert.deepEqual(Object.keys(takenFinish.headers).sort(), Object.keys(freeFinish.headers).sort());
    // Positive control: the free email got its account, and the login it started gives a session to it.
    assert.equal(await users(), before + 1, 'one account created, for the free email only');
    const freeLogin = await finishSignupLogin(t.app, freeFinish, free.clientLoginState, 'a stranger password');
    assert.equal(freeLogin?.statusCode, 200);
    assert.equal(freeLogin!.json().user.email, 'free@example.com');
    // The taken email: the password does not open its account (the client sees it), nothing changed for the owner.
    assert.equal(await finishSignupLogin(t.app, takenFinish, taken.clientLoginState, 'a stranger password'), undefined);
    assert.equal((await call(t.app, 'me', { token: owner.token })).statusCode, 200);
    const ownerLogin = await login(t.app, 'taken@example.com', 'the owner password');
    assert.equal(ownerLogin.statusCode, 200);
    assert.equal(Buffer.from(ownerLogin.json().passwordEnvelopeB64, 'base64').toString(), 'password-envelope');
    assert.deepEqual(ownerLogin.json().user, owner.session.user, 'same keys and name as before');
  });

  test("signing up again with an existing account's own password is simply a log-in to it", async () => {
    const owner = await signup(t.app, undefined, 'the owner password');
    const again = await signupRequest(t.app, owner.email, 'the owner password', 'Someone Else');
    const finish = await call(t.app, 'signupFinish', { body: again.body });
    assert.equal(finish.statusCode, 200);
    const s = await finishSignupLogin(t.app, finish, again.clientLoginState, 'the owner password');
    assert.equal(s?.statusCode, 200);
    assert.deepEqual(s!.json().user, owner.session.user, 'the existing account, with its own keys: the SDK tells the person to log in');
  });

  test('a malformed registration record is refused the same way for a taken and a free email', async () => {
    const a = await signup(t.app);
    for (const email of [a.email, 'another-free@example.com']) {
      const req = await signupRequest(t.app, email, 'whatever pw');
      const r = await call(t.app, 'signupFinish', { body: { ...req.body, registrationRecordB64: 'A'.repeat(req.body.registrationRecordB64.length) } });
      assert.equal(r.statusCode, 400, email);
      assert.match(r.json().error.message, /registrationRecordB64 is not a valid OPAQUE message/);
    }
  });

  test('login with the right password returns a session and the envelope; the server kept only a token hash', async () => {
    const a = await signup(t.app);
    const r = await login(t.app, a.email, a.password, { 'user-agent': 'obscura-test/1' });
    assert.equal(r.statusCode, 200, r.body);
    const s = r.json();
    assert.equal(s.user.id, a.session.user.id);
    assert.equal(Buffer.from(s.passwordEnvelopeB64, 'base64').toString(), 'password-envelope');
    const rows = await t.db.kysely.selectFrom('sessions').select(['token_hash', 'user_agent']).where('id', '=', s.sessionId).execute();
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0]!.token_hash, s.token);
    assert.match(rows[0]!.token_hash, /^[0-9a-f]{64}$/);
    assert.equal(rows[0]!.user_agent, 'obscura-test/1');
  });

  test('a wrong password and an unknown email fail the same way', async () => {
    const a = await signup(t.app);
    const wrong = await login(t.app, a.email, 'not the password');
    assert.equal(wrong.statusCode, 401);
    const unknown = await login(t.app, 'nobody@example.com', 'whatever');
    assert.equal(unknown.statusCode, 401);
    assert.deepEqual(unknown.json(), wrong.json());
    // Login start itself looks the same for both.
    const { startLoginRequest } = opaque.client.startLogin({ password: 'x' });
    const s1 = await call(t.app, 'loginStart', { body: { email: a.email, startLoginRequestB64: startLoginRequest } });
    const s2 = await call(t.app, 'loginStart', { body: { email: 'ghost@example.com', startLoginRequestB64: startLoginRequest } });
    assert.equal(s1.statusCode, 200);
    assert.equal(s2.statusCode, 200);
    assert.deepEqual(Object.keys(s1.json()).sort(), Object.keys(s2.json()).sort());
    assert.equal(s1.json().loginResponseB64.length, s2.json().loginResponseB64.length);
  });

  test('a login attempt can be finished once, and not after it expires', async () => {
    const a = await signup(t.app);
    const { clientLoginState, startLoginRequest } = opaque.client.startLogin({ password: a.password });
    const s = (await call(t.app, 'loginStart', { body: { email: a.email, startLoginRequestB64: startLoginRequest } })).json();
    const fin = opaque.client.finishLogin({ clientLoginState, loginResponse: s.loginResponseB64, password: a.password, keyStretching });
    assert.ok(fin);
    t.clock.advance(6 * 60_000);
    const late = await call(t.app, 'loginFinish', { body: { loginId: s.loginId, finishLoginRequestB64: fin.finishLoginRequest } });
    assert.equal(late.statusCode, 401);
    assert.match(late.json().error.message, /expired|already used/);
  });

  test('sessions expire, can be listed and revoked; logout ends the current one', async () => {
    const a = await signup(t.app);
    const second = (await login(t.app, a.email, a.password, { 'user-agent': 'phone' })).json();
    const list = await call(t.app, 'listSessions', { token: a.token });
    assert.equal(list.statusCode, 200);
    const sessions = list.json().sessions as { id: string; current: boolean; userAgent: string | null }[];
    assert.equal(sessions.length, 2);
    assert.deepEqual(sessions.filter((s) => s.current).map((s) => s.id), [a.session.sessionId]);
    assert.equal(sessions.find((s) => s.id === second.sessionId)?.userAgent, 'phone');

    assert.equal((await call(t.app, 'revokeSession', { token: a.token, params: { sessionId: second.sessionId } })).statusCode, 200);
    const revoked = await call(t.app, 'me', { token: second.token });
    assert.equal(revoked.statusCode, 401);
    assert.match(revoked.json().error.message, /ended|revoked/);
    // Revoking again, or someone else's session, is "not found".
    assert.equal((await call(t.app, 'revokeSession', { token: a.token, params: { sessionId: second.sessionId } })).statusCode, 404);
    const b = await signup(t.app);
    assert.equal((await call(t.app, 'revokeSession', { token: b.token, params: { sessionId: a.session.sessionId } })).statusCode, 404);
    assert.equal((await call(t.app, 'me', { token: a.token })).statusCode, 200);

    assert.equal((await call(t.app, 'logout', { token: a.token })).statusCode, 200);
    assert.equal((await call(t.app, 'me', { token: a.token })).statusCode, 401);

    // Expiry follows the (fake) clock: TTL is one day in this app.
    assert.equal((await call(t.app, 'me', { token: b.token })).statusCode, 200);
    t.clock.advance(24 * 3600_000 + 1);
    const expired = await call(t.app, 'me', { token: b.token });
    assert.equal(expired.statusCode, 401);
    assert.match(expired.json().error.message, /expired/);
  });

  test("the owner's password change (current password proven) ends the thief's session and keeps the owner's", async () => {
    const a = await signup(t.app);
    const thief = (await login(t.app, a.email, a.password)).json(); // a session whose token was stolen
    const { start, finish } = await changePassword(t.app, a.token, a.password, 'new password');
    assert.equal(start.statusCode, 200, start.body);
    assert.deepEqual(Object.keys(start.json()).sort(), ['changeId', 'loginResponseB64', 'registrationResponseB64']);
    assert.equal(finish?.statusCode, 200, finish?.body);
    assert.equal((await call(t.app, 'me', { token: a.token })).statusCode, 200, "the owner's session survives");
    const ended = await call(t.app, 'me', { token: thief.token });
    assert.equal(ended.statusCode, 401, "the thief's session ends");
    assert.match(ended.json().error.message, /ended/);
    assert.equal((await login(t.app, a.email, a.password)).statusCode, 401, 'old password no longer works');
    const ok = await login(t.app, a.email, 'new password');
    assert.equal(ok.statusCode, 200);
    assert.equal(Buffer.from(ok.json().passwordEnvelopeB64, 'base64').toString(), 'env2');
  });

  test('a stolen session token alone cannot change the password: refused, nothing changed', async () => {
    const a = await signup(t.app);
    const owner = (await login(t.app, a.email, a.password)).json(); // the owner's other device
    // The old protocol (a new registration only, no proof) is not accepted any more.
    const { registrationRequest } = opaque.client.startRegistration({ password: 'thief password' });
    const bare = await call(t.app, 'passwordChangeStart', { token: a.token, body: { registrationRequestB64: registrationRequest } });
    assert.equal(bare.statusCode, 400);
    // A guessed current password: the client cannot make a proof, and a junk one is refused.
    const guess = await startPasswordChange(t.app, a.token, 'a guess', 'thief password', 'thief envelope');
    assert.equal(guess.start.statusCode, 200);
    assert.equal(guess.proven, false);
    const refused = await call(t.app, 'passwordChangeFinish', { token: a.token, body: guess.finishBody });
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(refused.json().error, { code: 'forbidden', message: 'the current password is wrong; nothing was changed' });
    // Nor does the proof of another login (of another account, or used once already) count.
    const b = await signup(t.app);
    const other = await startPasswordChange(t.app, b.token, b.password, 'thief password');
    const foreign = await call(t.app, 'passwordChangeFinish', { token: a.token, body: other.finishBody });
    assert.equal(foreign.statusCode, 400);
    assert.match(foreign.json().error.message, /expired .* or was already used; nothing was changed/);
    // Nothing changed: the old password logs in with the old envelope, every session lives, the thief's password does not work.
    const still = await login(t.app, a.email, a.password);
    assert.equal(still.statusCode, 200);
    assert.equal(Buffer.from(still.json().passwordEnvelopeB64, 'base64').toString(), 'password-envelope');
    assert.equal((await login(t.app, a.email, 'thief password')).statusCode, 401);
    assert.equal((await call(t.app, 'me', { token: owner.token })).statusCode, 200);
    assert.equal((await call(t.app, 'me', { token: a.token })).statusCode, 200);
    assert.equal((await login(t.app, b.email, b.password)).statusCode, 200, 'the other account is untouched too');
  });

  test('a password change attempt can be finished once, and not after it expires', async () => {
    const a = await signup(t.app);
    const late = await startPasswordChange(t.app, a.token, a.password, 'new password 2');
    t.clock.advance(6 * 60_000);
    const r = await call(t.app, 'passwordChangeFinish', { token: a.token, body: late.finishBody });
    assert.equal(r.statusCode, 400);
    const { finish } = await changePassword(t.app, a.token, a.password, 'new password 2');
    assert.equal(finish?.statusCode, 200);
    const { finishBody } = await startPasswordChange(t.app, a.token, 'new password 2', 'new password 3');
    assert.equal((await call(t.app, 'passwordChangeFinish', { token: a.token, body: finishBody })).statusCode, 200);
    assert.equal((await call(t.app, 'passwordChangeFinish', { token: a.token, body: finishBody })).statusCode, 400, 'replayed');
  });

  test('recovery: a challenge signed with the account key sets a new password and ends every session', async () => {
    const a = await signup(t.app);
    const { start, finish } = await recover(t.app, a, 'recovered pw');
    assert.equal(start.statusCode, 200);
    assert.equal(Buffer.from(start.json().recoveryEnvelopeB64, 'base64').toString(), 'recovery-envelope');
    assert.equal(finish?.statusCode, 200, finish?.body);
    assert.equal((await call(t.app, 'me', { token: a.token })).statusCode, 401);
    assert.equal((await call(t.app, 'me', { token: finish!.json().token })).statusCode, 200);
    assert.equal((await login(t.app, a.email, a.password)).statusCode, 401);
    assert.equal((await login(t.app, a.email, 'recovered pw')).statusCode, 200);
  });

  test('recovery with a signature from another key is refused and changes nothing', async () => {
    const a = await signup(t.app);
    const { finish } = await recover(t.app, a, 'evil pw', generateKeyPairSync('ed25519').privateKey);
    assert.equal(finish?.statusCode, 401);
    assert.equal((await call(t.app, 'me', { token: a.token })).statusCode, 200);
    assert.equal((await login(t.app, a.email, a.password)).statusCode, 200);
  });

  test('recovery start for an unknown email has the same shape, with a stable stand-in envelope', async () => {
    const { registrationRequest } = opaque.client.startRegistration({ password: 'x' });
    const r1 = await call(t.app, 'recoveryStart', { body: { email: 'ghost@example.com', registrationRequestB64: registrationRequest } });
    const r2 = await call(t.app, 'recoveryStart', { body: { email: 'ghost@example.com', registrationRequestB64: registrationRequest } });
    assert.equal(r1.statusCode, 200);
    assert.deepEqual(Object.keys(r1.json()).sort(), ['challengeB64', 'recoveryEnvelopeB64', 'recoveryId', 'registrationResponseB64']);
    assert.equal(r1.json().recoveryEnvelopeB64, r2.json().recoveryEnvelopeB64);
    assert.notEqual(r1.json().challengeB64, r2.json().challengeB64);
  });
});

describe('rate limits on signup, login and recovery', () => {
  let t: TestApp;
  before(async () => { t = await makeTestApp({ rateLimit: { limit: 3, windowMs: 60_000 } }); });
  after(() => t.close());

  test('per email: the 4th login start in a minute is refused with a wait time, then allowed again', async () => {
    const { startLoginRequest } = opaque.client.startLogin({ password: 'x' });
    const go = (ip: string) => t.app.inject({
      method: 'POST', url: '/api/auth/login/start', remoteAddress: ip,
      payload: { email: 'target@example.com', startLoginRequestB64: startLoginRequest },
    });
    for (let i = 0; i < 3; i++) assert.equal((await go(`10.0.0.${i}`)).statusCode, 200);
    t.clock.advance(20_000);
    const r = await go('10.0.0.9');
    assert.equal(r.statusCode, 429);
    assert.equal(r.json().error.code, 'rate-limited');
    assert.match(r.json().error.message, /for this email; try again in 40 s/);
    assert.equal(r.headers['retry-after'], '40');
    t.clock.advance(40_000);
    assert.equal((await go('10.0.0.10')).statusCode, 200);
  });

  test('a wrong current password is refused, and password change attempts are rate-limited like log-in', async () => {
    const a = await signup(t.app);
    for (let i = 0; i < 3; i++) {
      const { start, finish } = await changePassword(t.app, a.token, `guess ${i}`, 'thief password');
      assert.equal(start.statusCode, 200);
      assert.equal(finish?.statusCode, 403);
    }
    const r = await changePassword(t.app, a.token, a.password, 'new password');
    assert.equal(r.start.statusCode, 429, 'even the right password waits: the limit counts attempts');
    assert.equal(r.start.json().error.code, 'rate-limited');
    assert.match(r.start.json().error.message, /^too many password change attempts for this email; try again in 60 s$/);
    assert.equal(r.start.headers['retry-after'], '60');
    assert.equal((await login(t.app, a.email, a.password)).statusCode, 200, 'nothing changed');
    t.clock.advance(60_000);
    const ok = await changePassword(t.app, a.token, a.password, 'new password');
    assert.equal(ok.finish?.statusCode, 200, ok.finish?.body);
  });

  test('per client address across different emails', async () => {
    const { startLoginRequest } = opaque.client.startLogin({ password: 'x' });
    const go = (n: number) => t.app.inject({
      method: 'POST', url: '/api/auth/recovery/start', remoteAddress: '192.0.2.7',
      payload: { email: `r${n}@example.com`, registrationRequestB64: startLoginRequest },
    });
    for (let i = 0; i < 3; i++) assert.notEqual((await go(i)).statusCode, 429);
    const r = await go(99);
    assert.equal(r.statusCode, 429);
    assert.match(r.json().error.message, /from this address/);
  });
});

describe('rate limit on user lookups (per account)', () => {
  let t: TestApp;
  before(async () => { t = await makeTestApp({ lookupRateLimit: { limit: 5, windowMs: 60_000 } }); });
  after(() => t.close());

  test('each looked-up email counts; beyond the limit a 429 names the wait; other accounts are not affected', async () => {
    const a = await signup(t.app);
    const b = await signup(t.app);
    const lookup = (token: string, emails: string[]) => call(t.app, 'usersLookup', { token, body: { emails } });
    assert.equal((await lookup(a.token, [b.email, a.email])).statusCode, 200);
    assert.equal((await lookup(a.token, ['nobody@example.com', 'NOBODY@example.com'])).statusCode, 404, 'a miss counts too (once per email)');
    assert.equal((await lookup(a.token, [b.email, 'ghost@example.com'])).statusCode, 404);
    t.clock.advance(15_000);
    const r = await lookup(a.token, [b.email]);
    assert.equal(r.statusCode, 429);
    assert.deepEqual(r.json().error, { code: 'rate-limited', message: 'too many email lookups for this account; try again in 45 s' });
    assert.equal(r.headers['retry-after'], '45');
    assert.equal((await lookup(b.token, [a.email])).statusCode, 200, 'per account');
    const many = await lookup(b.token, ['1@example.com', '2@example.com', '3@example.com', '4@example.com', '5@example.com', '6@example.com']);
    assert.equal(many.statusCode, 409);
    assert.match(many.json().error.message, /^6 email lookups at once is more than this server allows \(5 a minute\); ask for fewer at a time$/);
    t.clock.advance(45_000);
    assert.equal((await lookup(a.token, [b.email])).statusCode, 200, 'allowed again in the next window');
  });
});
