import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import * as opaque from '@serenity-kit/opaque';
import { call, keyStretching, login, makeTestApp, recover, signup, type TestApp } from './helpers.ts';

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

  test('signing up twice with one email is a conflict', async () => {
    const a = await signup(t.app);
    const { registrationRequest } = opaque.client.startRegistration({ password: 'x' });
    const r = await call(t.app, 'signupStart', { body: { email: a.email.toUpperCase(), registrationRequestB64: registrationRequest } });
    assert.equal(r.statusCode, 409);
    assert.equal(r.json().error.code, 'conflict');
    assert.match(r.json().error.message, /already exists/);
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

  test('password change sets a new OPAQUE record and envelope and ends the other sessions', async () => {
    const a = await signup(t.app);
    const other = (await login(t.app, a.email, a.password)).json();
    const { clientRegistrationState, registrationRequest } = opaque.client.startRegistration({ password: 'new password' });
    const start = await call(t.app, 'passwordChangeStart', { token: a.token, body: { registrationRequestB64: registrationRequest } });
    assert.equal(start.statusCode, 200, start.body);
    const { registrationRecord } = opaque.client.finishRegistration({
      password: 'new password', clientRegistrationState, registrationResponse: start.json().registrationResponseB64, keyStretching,
    });
    const fin = await call(t.app, 'passwordChangeFinish', {
      token: a.token, body: { registrationRecordB64: registrationRecord, passwordEnvelopeB64: Buffer.from('env2').toString('base64') },
    });
    assert.equal(fin.statusCode, 200, fin.body);
    assert.equal((await call(t.app, 'me', { token: a.token })).statusCode, 200, 'current session survives');
    assert.equal((await call(t.app, 'me', { token: other.token })).statusCode, 401, 'other sessions end');
    assert.equal((await login(t.app, a.email, a.password)).statusCode, 401, 'old password no longer works');
    const ok = await login(t.app, a.email, 'new password');
    assert.equal(ok.statusCode, 200);
    assert.equal(Buffer.from(ok.json().passwordEnvelopeB64, 'base64').toString(), 'env2');
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
