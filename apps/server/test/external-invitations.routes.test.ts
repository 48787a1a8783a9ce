// Invitations to people without an account ([Note: external invitations]) and the mailed codes
// that prove an email ([Note: email codes]), through the routes, on SQLite and PostgreSQL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ALBUM_MEMBERS_MAX, EMAIL_CODE_ATTEMPTS_MAX, EXTERNAL_INVITATION_TTL_DAYS_DEFAULT } from '@obscura/protocol';
import { DIALECTS } from './dialects.ts';
import { album, allEpochs, blob, createAlbum, invitationOf, invite, join, nextState, rotationFor, userId } from './album-helpers.ts';
import {
  call, finishSignupLogin, makeTestApp, MemoryMailer, signup, signupRequest, type Account, type TestApp, type TestAppOptions,
} from './helpers.ts';
import { htmlText } from './eml.ts';
import { EmailCodes } from '../src/services/email-codes.ts';
import { utcDate } from '../src/services/invitation-mail.ts';
import { RateLimiter } from '../src/services/rate-limiter.ts';
import type { Mail } from '../src/ports/mailer.ts';

const PUBLIC_URL = 'https://photos.example.org';
const DAY = 24 * 3600_000;
const TTL = EXTERNAL_INVITATION_TTL_DAYS_DEFAULT * DAY;
const newEmail = (tag = 'x') => `${tag}-${randomUUID().slice(0, 8)}@example.org`;

interface Env { t: TestApp; mailer: MemoryMailer }

async function env(opts: TestAppOptions = {}): Promise<Env> {
  const mailer = new MemoryMailer();
  // Sessions outlive the months the clock moves on here.
  return { t: await makeTestApp({ mailer, publicUrl: PUBLIC_URL, sessionTtlMs: 10 * 365 * DAY, ...opts }), mailer };
}

const body = (r: { statusCode: number; body: string }, status = 200) => {
  assert.equal(r.statusCode, status, r.body);
  return JSON.parse(r.body);
};

/** shareAlbum with only external invitations (or with invites too). */
async function shareExternal(t: TestApp, owner: Account, albumId: string, external: object[], extra: { invites?: object[]; state?: object } = {}) {
  return call(t.app, 'shareAlbum', { token: owner.token, params: { albumId }, body: { invites: extra.invites ?? [], external, ...(extra.state ? { state: extra.state } : {}) } });
}

const mailsTo = (m: MemoryMailer, to: string, kind?: string): Mail[] => m.sent.filter((x) => x.to === to && (!kind || x.kind === kind));

async function requestCode(e: Env, email: string): Promise<{ verificationId: string; code: string }> {
  const { verificationId } = body(await call(e.t.app, 'requestEmailCode', { body: { email } }));
  const mail = mailsTo(e.mailer, email.toLowerCase(), 'email-code').at(-1);
  assert.ok(mail, `a code mail to ${email}`);
  const m = /^Your Obscura code: (\d{4}) (\d{4})$/.exec(mail.subject);
  assert.ok(m, mail.subject);
  return { verificationId, code: `${m[1]}${m[2]}` };
}

/** Sign-up as a client does it, with a mailed code when given; the raw signupFinish answer and the account (when it logged in). */
async function signupWith(t: TestApp, email: string, proof?: { verificationId: string; code: string }, password = 'correct horse battery', name = 'New Person') {
  const req = await signupRequest(t.app, email, password, name);
  const finish = await call(t.app, 'signupFinish', { body: { ...req.body, ...(proof ? { emailVerification: proof } : {}) } });
  if (finish.statusCode !== 200) return { finish, account: undefined };
  const done = await finishSignupLogin(t.app, finish, req.clientLoginState, password);
  if (done?.statusCode !== 200) return { finish, account: undefined };
  const session = done.json();
  const account: Account = { email, password, token: session.token, session, signingKey: req.signingKey, auth: { authorization: `Bearer ${session.token}` } };
  return { finish, account };
}

const rows = (t: TestApp, albumId: string) => t.db.repos.externalInvitations.allForAlbum(albumId);
const memberCount = async (t: TestApp, albumId: string) => (await t.db.repos.albums.members(albumId)).length;

/** Completes an external invitation: the owner's client seals the album keys to the new account. */
async function complete(t: TestApp, owner: Account, albumId: string, who: Account, externalInvitationId: string | undefined, role: 'viewer' | 'editor' = 'viewer') {
  const { currentEpoch } = await album(t.app, owner.token, albumId);
  return call(t.app, 'shareAlbum', {
    token: owner.token, params: { albumId },
    body: {
      invites: [{ userId: userId(who), role, sealedKeys: allEpochs(currentEpoch), ...(externalInvitationId ? { externalInvitationId } : {}) }],
      state: await nextState(t.app, owner.token, albumId),
    },
  });
}

/** Users inserted straight into the table (fast), for the 100-people limit. */
async function bulkUsers(t: TestApp, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    await t.db.repos.users.insert({
      id, email: `bulk-${id}@example.org`, displayName: `Bulk ${i}`, opaqueRecord: randomBytes(192), x25519PublicKey: randomBytes(32),
      ed25519PublicKey: randomBytes(32), passwordEnvelope: randomBytes(10), recoveryEnvelope: randomBytes(10), quotaBytes: 1, dataVersion: 2, createdAt: 0,
    });
    ids.push(id);
  }
  return ids;
}

for (const dialect of DIALECTS) describe(`invitations to people without an account, on ${dialect}`, () => {
  let e: Env;
  let t: TestApp;
  let owner: Account;
  before(async () => {
    e = await env({ dialect });
    t = e.t;
    owner = await signup(t.app, newEmail('owner'), 'correct horse battery', 'Olive Owner');
  });
  after(() => t.close());

  test('sharing with an unknown email stores a pending invitation (email, role, sharer, album: nothing that decrypts) and mails it', async () => {
    const albumId = await createAlbum(t.app, owner);
    const email = newEmail('new+tag');
    const sealed = blob(60);
    const r = body(await shareExternal(t, owner, albumId, [{ email: email.toUpperCase(), role: 'editor', messageSealedB64: sealed }]));
    assert.deepEqual(r.members, []);
    assert.equal(r.external.length, 1);
    const x = r.external[0];
    assert.deepEqual({ ...x, id: undefined }, {
      id: undefined, albumId, albumKind: 'album', email, role: 'editor', status: 'pending', invitedAt: new Date(t.clock.now()).toISOString(),
      expiresAt: new Date(t.clock.now() + TTL).toISOString(), invitee: null, messageSealedB64: sealed,
    });
    // The row: exactly what the issue lists, and the message as given (sealed to the sharer, opaque here).
    const [row] = await rows(t, albumId);
    assert.deepEqual(Object.keys(row!).sort(), ['albumId', 'email', 'endedAt', 'expiresAt', 'id', 'invitedAt', 'invitedBy', 'inviteeId', 'memberId', 'messageSealed', 'role', 'status']);
    assert.equal(row!.invitedBy, userId(owner));
    assert.equal(Buffer.from(row!.messageSealed!).toString('base64'), sealed);
    // The owner sees it with the members and in their list; nobody else does.
    const members = body(await call(t.app, 'listMembers', { token: owner.token, params: { albumId } }));
    assert.deepEqual(members.external.map((y: { id: string }) => y.id), [x.id]);
    const mine = body(await call(t.app, 'listExternalInvitations', { token: owner.token }));
    assert.equal(mine.invitations.find((y: { id: string }) => y.id === x.id)?.status, 'pending');
    const viewer = await signup(t.app);
    await join(t.app, owner, albumId, viewer);
    assert.deepEqual(body(await call(t.app, 'listMembers', { token: viewer.token, params: { albumId } })).external, []);
    assert.deepEqual(body(await call(t.app, 'listExternalInvitations', { token: viewer.token })).invitations, []);
    // It counts toward the album's people? Not in memberCount (members only): see the limit test.
    assert.equal(mailsTo(e.mailer, email, 'external-invitation').length, 1);
  });

  test('the mail: who invites, the role, how to sign up here, when it lapses; album name and message only with opt-in; never album contents', async () => {
    const albumId = await createAlbum(t.app, owner);
    const [plainEmail, optEmail] = [newEmail('plain'), newEmail('opt&in')];
    const sealed = blob(60);
    body(await shareExternal(t, owner, albumId, [
      { email: plainEmail, role: 'viewer', messageSealedB64: sealed },
      { email: optEmail, role: 'editor', messageSealedB64: sealed, mail: { albumName: 'Été <b>2026</b>', message: 'Hello & welcome\n\nsecond "line"' } },
    ]));
    const lapses = `This invitation lapses on ${utcDate(t.clock.now() + TTL)}.`;
    const link = (to: string) => `${PUBLIC_URL}/signup?email=${encodeURIComponent(to)}&invited=1`;

    const [m] = mailsTo(e.mailer, plainEmail, 'external-invitation');
    assert.ok(m);
    assert.equal(m.subject, '"Olive Owner" invited you to an album on Obscura');
    const lines = m.text.split('\n');
    for (const want of [
      `"Olive Owner" <${owner.email}> invited you to an album as a viewer: you can see its photos and save them to your library.`,
      'The album name is end-to-end encrypted: you will see it in the Obscura app once you have joined.',
      'You do not have an account on this Obscura server yet.',
      `Create one here: ${link(plainEmail)}`,
      `Use this email address (${plainEmail}); you will confirm it with a code we mail you.`,
      '"Olive Owner"\'s app then finishes sharing, and you can accept or decline the invitation.',
      lapses,
      'If you did not expect this, you can ignore this mail: nothing is shared until you accept.',
    ]) assert.ok(lines.includes(want), `plain text has: ${want}\n${m.text}`);
    assert.doesNotMatch(m.text, /Message from|Été/);
    const hrefs = [...m.html!.matchAll(/href="([^"]*)"/g)].map((x) => x[1]);
    assert.deepEqual(hrefs, [link(plainEmail).replace(/&/g, '&amp;'), link(plainEmail).replace(/&/g, '&amp;')]);
    assert.match(htmlText(m.html!), /You do not have an account on this Obscura server yet\./);
    assert.ok(htmlText(m.html!).includes(lapses));

    const [o] = mailsTo(e.mailer, optEmail, 'external-invitation');
    assert.ok(o);
    assert.equal(o.subject, '"Olive Owner" invited you to the album "Été <b>2026</b>" on Obscura');
    assert.match(o.text, /invited you to the album "Été <b>2026<\/b>" as an editor/);
    assert.match(o.text, /^> Hello & welcome\n>\n> second "line"$/m);
    assert.ok(o.text.includes(`Create one here: ${link(optEmail)}`), 'the email is percent-encoded in the link');
    assert.match(o.html!, /&lt;b&gt;2026&lt;\/b&gt;/);
    assert.match(o.html!, /Hello &amp; welcome<br><br>second &quot;line&quot;/);
    assert.doesNotMatch(o.html!, /<b>2026/);

    // Nothing of the album: not its id, its encrypted metadata, nor the sealed message.
    const a = await album(t.app, owner.token, albumId);
    for (const mail of [m, o]) {
      for (const part of [mail.subject, mail.text, mail.html!]) {
        assert.ok(!part.includes(sealed) && !part.includes(albumId) && !part.includes(a.metadataB64), 'no album contents in the mail');
      }
    }
  });

  test('what a share may hold: refusals say what to do and change nothing', async () => {
    const albumId = await createAlbum(t.app, owner);
    const other = await signup(t.app);
    const invited = newEmail();
    body(await shareExternal(t, owner, albumId, [{ email: invited, role: 'viewer' }]));
    const before = [(await rows(t, albumId)).length, await memberCount(t, albumId)];
    const sentBefore = e.mailer.sent.length;
    const state = await nextState(t.app, owner.token, albumId);
    const cases: [object, number, RegExp][] = [
      [{ invites: [] }, 400, /^nothing to share/],
      [{ invites: [], external: [] }, 400, /^nothing to share/],
      [{ invites: [{ userId: userId(other), role: 'viewer', sealedKeys: allEpochs(1) }] }, 400, /needs the signed album state that adds them \(state\)/],
      [{ invites: [], external: [{ email: newEmail(), role: 'viewer' }], state }, 400, /^state goes with invites/],
      [{ invites: [], external: [{ email: owner.email.toUpperCase(), role: 'viewer' }] }, 400, /^you cannot invite your own email address$/],
      [{ invites: [], external: [{ email: 'twice@example.org', role: 'viewer' }, { email: 'Twice@Example.ORG', role: 'editor' }] }, 400, /once per request; repeated: twice@example\.org$/],
      [{ invites: [], external: [{ email: newEmail(), role: 'viewer' }, { email: other.email, role: 'viewer' }] }, 409, new RegExp(`^${other.email} has an Obscura account now: share with them directly; nothing was shared$`)],
      [{ invites: [], external: [{ email: invited, role: 'editor' }] }, 409, /already invited to this album.*re-send the invitation instead; nothing was shared$/],
    ];
    for (const [b, status, message] of cases) {
      const r = await call(t.app, 'shareAlbum', { token: owner.token, params: { albumId }, body: b });
      assert.equal(r.statusCode, status, `${JSON.stringify(b)}: ${r.body}`);
      assert.match(r.json().error.message, message);
    }
    assert.deepEqual([(await rows(t, albumId)).length, await memberCount(t, albumId)], before, 'nothing changed');
    assert.equal(e.mailer.sent.length, sentBefore, 'nothing mailed');
    // Only the owner shares (the editor is told so).
    const ed = await signup(t.app);
    await join(t.app, owner, albumId, ed, 'editor');
    const r = await shareExternal(t, ed, albumId, [{ email: newEmail(), role: 'viewer' }]);
    assert.equal(r.statusCode, 403);
  });

  test(`the ${ALBUM_MEMBERS_MAX}-people limit counts live external invitations; an expired one does not`, async () => {
    const albumId = await createAlbum(t.app, owner);
    const ids = await bulkUsers(t, ALBUM_MEMBERS_MAX);
    const share = async (who: string[]) => call(t.app, 'shareAlbum', {
      token: owner.token, params: { albumId },
      body: { invites: who.map((u) => ({ userId: u, role: 'viewer', sealedKeys: allEpochs(1) })), state: await nextState(t.app, owner.token, albumId) },
    });
    body(await share(ids.slice(0, 99)));
    const [a, b] = [newEmail(), newEmail()];
    const over = await shareExternal(t, owner, albumId, [{ email: a, role: 'viewer' }, { email: b, role: 'viewer' }]);
    assert.equal(over.statusCode, 409, over.body);
    assert.equal(over.json().error.code, 'limit-reached');
    assert.equal(over.json().error.message, 'an album can be shared with at most 100 people; this one has 99 and the request adds 2');
    assert.equal((await rows(t, albumId)).length, 0);
    body(await shareExternal(t, owner, albumId, [{ email: a, role: 'viewer' }]));
    // 99 members + 1 invitation by email: full.
    const full = await share([ids[99]!]);
    assert.equal(full.statusCode, 409);
    assert.equal(full.json().error.message, 'an album can be shared with at most 100 people; this one has 100 (1 of them invited by email, without an account yet) and the request adds 1');
    const fullToo = await shareExternal(t, owner, albumId, [{ email: b, role: 'viewer' }]);
    assert.equal(fullToo.statusCode, 409);
    // Once it lapsed it no longer counts: the 100th person fits...
    t.clock.advance(TTL);
    body(await share([ids[99]!]));
    // ...and re-sending the lapsed invitation would make 101.
    const [x] = await rows(t, albumId);
    const resend = await call(t.app, 'resendExternalInvitation', { token: owner.token, params: { invitationId: x!.id } });
    assert.equal(resend.statusCode, 409);
    assert.match(resend.json().error.message, /at most 100 people; this one has 100 and the request adds 1$/);
  });

  test('expiry and re-sending: a lapsed invitation shows as expired, claims nothing, and can be re-sent or invited again in place', async () => {
    const albumId = await createAlbum(t.app, owner);
    const [email, again] = [newEmail(), newEmail()];
    const [x] = body(await shareExternal(t, owner, albumId, [{ email, role: 'viewer' }, { email: again, role: 'viewer' }])).external;
    const status = async (id: string) => body(await call(t.app, 'listExternalInvitations', { token: owner.token })).invitations.find((y: { id: string }) => y.id === id)?.status;
    t.clock.advance(TTL - 1);
    assert.equal(await status(x.id), 'pending');
    // Re-sending a pending one restarts its expiry and mails it again.
    const r1 = body(await call(t.app, 'resendExternalInvitation', { token: owner.token, params: { invitationId: x.id } }));
    assert.equal(r1.expiresAt, new Date(t.clock.now() + TTL).toISOString());
    assert.equal(mailsTo(e.mailer, email, 'external-invitation').length, 2);
    t.clock.advance(TTL);
    assert.equal(await status(x.id), 'expired');
    // A lapsed invitation is not claimed by signing up.
    const { account } = await signupWith(t, email, await requestCode(e, email));
    assert.equal(body(await call(t.app, 'listInvitations', { token: account!.token })).waiting.length, 0);
    const resendNow = await call(t.app, 'resendExternalInvitation', { token: owner.token, params: { invitationId: x.id } });
    assert.equal(resendNow.statusCode, 409);
    assert.equal(resendNow.json().error.message, `${email} has an Obscura account now: cancel this invitation and share with them directly`);
    // The other lapsed one: inviting the email again refreshes the row in place (new role, dates), a re-send.
    const other = (await rows(t, albumId)).find((y) => y.email === again)!;
    const refreshed = body(await shareExternal(t, owner, albumId, [{ email: again, role: 'editor', messageSealedB64: blob(30) }])).external[0];
    assert.equal(refreshed.id, other.id);
    assert.equal(refreshed.role, 'editor');
    assert.equal(refreshed.status, 'pending');
    assert.equal(refreshed.invitedAt, new Date(t.clock.now()).toISOString());
    assert.equal(refreshed.expiresAt, new Date(t.clock.now() + TTL).toISOString());
    assert.equal((await rows(t, albumId)).filter((y) => y.email === again).length, 1);
    assert.equal(mailsTo(e.mailer, again, 'external-invitation').length, 2);
    t.clock.advance(TTL + 1);
    const r2 = body(await call(t.app, 'resendExternalInvitation', { token: owner.token, params: { invitationId: other.id } }));
    assert.equal(r2.status, 'pending');
    assert.equal(r2.expiresAt, new Date(t.clock.now() + TTL).toISOString());
  });

  test('cancel: the sharer only; an open invitation ends, a finished one says so; it no longer shows or counts', async () => {
    const albumId = await createAlbum(t.app, owner);
    const viewer = await signup(t.app);
    await join(t.app, owner, albumId, viewer);
    const email = newEmail();
    const [x] = body(await shareExternal(t, owner, albumId, [{ email, role: 'viewer' }])).external;
    for (const who of [viewer, await signup(t.app)]) {
      const r = await call(t.app, 'cancelExternalInvitation', { token: who.token, params: { invitationId: x.id } });
      assert.equal(r.statusCode, 404);
      assert.equal(r.json().error.message, `invitation ${x.id.slice(0, 8)}… not found among the invitations you sent`);
    }
    body(await call(t.app, 'cancelExternalInvitation', { token: owner.token, params: { invitationId: x.id } }));
    assert.equal((await rows(t, albumId))[0]!.status, 'cancelled');
    const again = await call(t.app, 'cancelExternalInvitation', { token: owner.token, params: { invitationId: x.id } });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.message, `the invitation to ${email} was already cancelled`);
    const resend = await call(t.app, 'resendExternalInvitation', { token: owner.token, params: { invitationId: x.id } });
    assert.equal(resend.statusCode, 409);
    assert.match(resend.json().error.message, /was cancelled; invite them again instead$/);
    assert.deepEqual(body(await call(t.app, 'listMembers', { token: owner.token, params: { albumId } })).external, []);
    assert.equal(body(await call(t.app, 'listExternalInvitations', { token: owner.token })).invitations.some((y: { id: string }) => y.id === x.id), false);
    // Cancelled, the email may be invited anew (a new row).
    const [y] = body(await shareExternal(t, owner, albumId, [{ email, role: 'viewer' }])).external;
    assert.notEqual(y.id, x.id);
    // Signing up with a code does not claim the cancelled one.
    const { account } = await signupWith(t, email, await requestCode(e, email));
    assert.deepEqual(body(await call(t.app, 'listInvitations', { token: account!.token })).waiting.map((w: { id: string }) => w.id), [y.id]);
    // A completed one cannot be cancelled.
    body(await complete(t, owner, albumId, account!, y.id));
    const done = await call(t.app, 'cancelExternalInvitation', { token: owner.token, params: { invitationId: y.id } });
    assert.equal(done.statusCode, 409);
    assert.match(done.json().error.message, /already completed/);
  });

  test('email codes: the same answer for every address, a mail saying what it is for, only a hash stored, never logged', async () => {
    const known = owner.email;
    const unknown = newEmail();
    const a = await call(t.app, 'requestEmailCode', { body: { email: known } });
    const b = await call(t.app, 'requestEmailCode', { body: { email: unknown } });
    const shape = (r: { statusCode: number; json(): Record<string, string> }) => [r.statusCode, Object.entries(r.json()).map(([k, v]) => [k, v.length]).sort()];
    assert.deepEqual(shape(a), shape(b));
    assert.equal(b.json().expiresAt, new Date(t.clock.now() + 15 * 60_000).toISOString());
    const mail = mailsTo(e.mailer, unknown, 'email-code').at(-1)!;
    assert.equal(mailsTo(e.mailer, known, 'email-code').length, 1, 'mailed either way');
    const code = /(\d{4}) (\d{4})$/.exec(mail.subject)!.slice(1).join('');
    assert.ok(mail.text.includes(`Your code to confirm this email address (${unknown}) on Obscura:`));
    assert.ok(mail.text.includes(`    ${code.slice(0, 4)} ${code.slice(4)}`));
    assert.match(mail.text, /create your account with this address, or to confirm it, so that invitations sent to this address reach you/);
    assert.match(mail.text, /It expires in 15 minutes and works once\./);
    assert.match(mail.text, /If you did not ask for it, ignore this mail/);
    assert.match(htmlText(mail.html!), /It expires in 15 minutes/);
    // Stored: a hash of id and code only.
    const row = await t.db.kysely.selectFrom('email_verifications').selectAll().where('id', '=', b.json().verificationId).executeTakeFirstOrThrow();
    assert.equal(Buffer.from(row.code_hash).toString('hex'), createHash('sha256').update(`${row.id}:${code}`).digest('hex'));
    assert.ok(!JSON.stringify(row).includes(code));
    assert.ok(![...t.logger.lines, ...t.logger.errors].some((l) => l.includes(code)), 'the code is never logged');
  });

  test('codes: a wrong one counts a try and says how many are left; after the last, or once used or expired, ask for a new one', async () => {
    const email = newEmail();
    const right = await requestCode(e, email);
    const wrong = right.code === '00000000' ? '00000001' : '00000000';
    for (let i = 1; i <= EMAIL_CODE_ATTEMPTS_MAX; i++) {
      const r = await signupWith(t, email, { verificationId: right.verificationId, code: wrong });
      assert.equal(r.finish.statusCode, 400);
      const left = EMAIL_CODE_ATTEMPTS_MAX - i;
      assert.equal(r.finish.json().error.message, left > 0 ? `the code is wrong; ${left} ${left === 1 ? 'try' : 'tries'} left` : 'the code is wrong, and that was the last try; ask for a new one');
    }
    const late = await signupWith(t, email, right);
    assert.equal(late.finish.statusCode, 400, 'even the right code, after the last try');
    assert.equal(late.finish.json().error.message, 'this code expired or was already used; ask for a new one');
    assert.equal(await t.db.repos.users.findByEmail(email), undefined, 'a refused code creates nothing');

    // Expired.
    const stale = await requestCode(e, email);
    t.clock.advance(15 * 60_000);
    assert.equal((await signupWith(t, email, stale)).finish.json().error.message, 'this code expired or was already used; ask for a new one');
    // Another address's code.
    const mine = await requestCode(e, email);
    const theirs = await requestCode(e, newEmail());
    const cross = await signupWith(t, email, theirs);
    assert.equal(cross.finish.statusCode, 400);
    assert.match(cross.finish.json().error.message, new RegExp(`^this code was sent to another email address, not ${email}`));
    // A right code after a wrong one works, and only once.
    assert.equal((await signupWith(t, email, { ...mine, code: mine.code === '99999999' ? '99999998' : '99999999' })).finish.statusCode, 400);
    const ok = await signupWith(t, email, mine);
    assert.ok(ok.account, ok.finish.body);
    const twice = await call(t.app, 'verifyEmail', { token: ok.account.token, body: mine });
    assert.equal(twice.statusCode, 400);
    assert.equal(twice.json().error.message, 'this code expired or was already used; ask for a new one');
    // verifyEmail takes only a code for the caller's own email.
    const foreign = await requestCode(e, newEmail());
    const f = await call(t.app, 'verifyEmail', { token: ok.account.token, body: foreign });
    assert.equal(f.statusCode, 400);
    assert.match(f.json().error.message, /sent to another email address/);
  });

  test('concurrent guesses share the tries: at most EMAIL_CODE_ATTEMPTS_MAX wrong codes are compared', async () => {
    const who = (await signupWith(t, newEmail())).account!;
    const { verificationId, code } = await requestCode(e, who.email);
    const guesses = Array.from({ length: 20 }, (_, i) => String((Number(code) + 1 + i) % 1e8).padStart(8, '0'));
    const answers = await Promise.all(guesses.map((g) => call(t.app, 'verifyEmail', { token: who.token, body: { verificationId, code: g } })));
    const messages = answers.map((r) => { assert.equal(r.statusCode, 400); return r.json().error.message as string; });
    assert.equal(messages.filter((m) => m.startsWith('the code is wrong')).length, EMAIL_CODE_ATTEMPTS_MAX, messages.join('\n'));
    assert.equal(messages.filter((m) => m === 'this code expired or was already used; ask for a new one').length, 20 - EMAIL_CODE_ATTEMPTS_MAX);
    // Positive control: the right code was among none of them, and is refused now too (no tries left).
    assert.equal((await call(t.app, 'verifyEmail', { token: who.token, body: { verificationId, code } })).statusCode, 400);
    assert.equal(body(await call(t.app, 'verifyEmail', { token: who.token, body: await requestCode(e, who.email) })).ok, true);
  });

  test('codes are uniform digits: random bytes of 250 and above are thrown away (no modulo bias)', async () => {
    const bytes = [255, 250, 251, 9, 252, 19, 253, 29, 254, 39, 249, 0, 100, 101, 102, 103];
    const random = { bytes: (n: number) => new Uint8Array(bytes.splice(0, n)), uuid: () => randomUUID() };
    const mailer = new MemoryMailer();
    const codes = new EmailCodes(t.db, t.clock, random, mailer, t.logger, new RateLimiter(t.db.repos.rateLimits, t.clock, { limit: 100, windowMs: 60_000 }));
    await codes.request(newEmail(), { ip: '10.9.9.9', userAgent: null });
    assert.equal(mailer.sent[0]!.subject, 'Your Obscura code: 9999 9001', '255, 250..254 are skipped; 9, 19, 29, 39, 249 → 9; 0, 100 → 0; 101 → 1');
  });

  test('signing up with a code claims the invitations to that email; without one nothing is claimed until verifyEmail', async () => {
    const albumId = await createAlbum(t.app, owner);
    const other = await createAlbum(t.app, owner);
    const [withCode, without] = [newEmail(), newEmail()];
    body(await shareExternal(t, owner, albumId, [{ email: withCode, role: 'editor' }, { email: without, role: 'viewer' }]));
    body(await shareExternal(t, owner, other, [{ email: withCode, role: 'viewer' }]));

    const a = (await signupWith(t, withCode, await requestCode(e, withCode))).account!;
    assert.equal(body(await call(t.app, 'me', { token: a.token })).emailVerified, true);
    const waiting = body(await call(t.app, 'listInvitations', { token: a.token })).waiting;
    assert.equal(waiting.length, 2);
    assert.deepEqual(Object.keys(waiting[0]).sort(), ['albumKind', 'id', 'invitedAt', 'invitedBy', 'role']);
    assert.equal(waiting[0].invitedBy.id, userId(owner));
    assert.equal(waiting[0].invitedBy.email, owner.email);
    const sent = body(await call(t.app, 'listExternalInvitations', { token: owner.token })).invitations.filter((x: { email: string }) => x.email === withCode);
    assert.deepEqual(sent.map((x: { status: string }) => x.status), ['signed-up', 'signed-up']);
    assert.equal(sent[0].invitee.id, userId(a));
    assert.equal(sent[0].invitee.x25519PublicKeyB64, a.session.user.x25519PublicKeyB64);
    // The owner's member list shows it as signed up, with the account's keys for the client to pin.
    const ext = body(await call(t.app, 'listMembers', { token: owner.token, params: { albumId } })).external;
    assert.deepEqual(ext.map((x: { email: string; status: string }) => `${x.email}:${x.status}`).sort(), [`${withCode}:signed-up`, `${without}:pending`].sort());

    const b = (await signupWith(t, without)).account!;
    assert.equal(body(await call(t.app, 'me', { token: b.token })).emailVerified, false);
    assert.deepEqual(body(await call(t.app, 'listInvitations', { token: b.token })).waiting, []);
    const v = body(await call(t.app, 'verifyEmail', { token: b.token, body: await requestCode(e, without) }));
    assert.deepEqual(v, { ok: true, claimedInvitations: 1 });
    assert.equal(body(await call(t.app, 'me', { token: b.token })).emailVerified, true);
    assert.equal(body(await call(t.app, 'listInvitations', { token: b.token })).waiting.length, 1);
  });

  test('a taken email: a valid code verifies and claims nothing, the answer has the same shape, and the code stays unused', async () => {
    const albumId = await createAlbum(t.app, owner);
    const email = newEmail();
    body(await shareExternal(t, owner, albumId, [{ email, role: 'viewer' }]));
    const holder = (await signupWith(t, email)).account!;
    const proof = await requestCode(e, email);
    const free = newEmail();
    const freeProof = await requestCode(e, free);
    const taken = await signupWith(t, email, proof, 'a stranger password');
    const fresh = await signupWith(t, free, freeProof, 'a stranger password');
    const shape = (r: { statusCode: number; json(): Record<string, string> }) => [r.statusCode, Object.entries(r.json()).map(([k, v]) => [k, typeof v, v.length]).sort()];
    assert.deepEqual(shape(taken.finish), shape(fresh.finish));
    assert.equal(taken.account, undefined, 'the stranger password does not open the account');
    assert.equal(body(await call(t.app, 'me', { token: holder.token })).emailVerified, false);
    assert.equal((await rows(t, albumId))[0]!.status, 'pending');
    // The holder can still use that code for their own account.
    assert.deepEqual(body(await call(t.app, 'verifyEmail', { token: holder.token, body: proof })), { ok: true, claimedInvitations: 1 });
  });

  test('completion: the sharer seals the keys to the new account naming the invitation; it must be this album\'s, signed up, and claimed by that account', async () => {
    const albumId = await createAlbum(t.app, owner);
    const otherAlbum = await createAlbum(t.app, owner);
    const [email, pendingEmail, otherEmail] = [newEmail(), newEmail(), newEmail()];
    const [x, p] = body(await shareExternal(t, owner, albumId, [{ email, role: 'editor', messageSealedB64: blob(20) }, { email: pendingEmail, role: 'viewer' }])).external;
    const [o] = body(await shareExternal(t, owner, otherAlbum, [{ email: otherEmail, role: 'viewer' }])).external;
    const invitee = (await signupWith(t, email, await requestCode(e, email), undefined, 'Ivy Invitee')).account!;
    const stranger = await signup(t.app);
    const otherInvitee = (await signupWith(t, otherEmail, await requestCode(e, otherEmail))).account!;
    const before = [JSON.stringify(await rows(t, albumId)), await memberCount(t, albumId)];
    const refused: [Account, string, number, string][] = [
      [stranger, x.id, 409, `the invitation to ${email} is not waiting for this account: it was claimed by another account than ${stranger.email}; nothing was shared`],
      [invitee, p.id, 409, `the invitation to ${pendingEmail} is not waiting for this account: no account has confirmed that address yet; nothing was shared`],
      [otherInvitee, o.id, 409, `the invitation to ${otherEmail} is not waiting for this account: it is for another album; nothing was shared`],
      [invitee, randomUUID(), 404, ''],
    ];
    for (const [who, id, status, message] of refused) {
      const r = await complete(t, owner, albumId, who, id);
      assert.equal(r.statusCode, status, r.body);
      if (message) assert.equal(r.json().error.message, message);
    }
    assert.deepEqual([JSON.stringify(await rows(t, albumId)), await memberCount(t, albumId)], before, 'refusals change nothing');

    const r = body(await complete(t, owner, albumId, invitee, x.id, 'editor'));
    assert.equal(r.members.length, 1);
    const row = (await rows(t, albumId)).find((y) => y.id === x.id)!;
    assert.equal(row.status, 'completed');
    assert.equal(row.memberId, r.members[0].invitationId);
    assert.equal(row.endedAt, t.clock.now());
    // From here it is an ordinary invitation: mailed as one, listed, accepted.
    assert.equal(mailsTo(e.mailer, email, 'invitation').length, 1);
    const list = body(await call(t.app, 'listInvitations', { token: invitee.token }));
    assert.deepEqual(list.waiting, []);
    assert.equal(list.invitations.length, 1);
    body(await call(t.app, 'acceptInvitation', { token: invitee.token, params: { invitationId: await invitationOf(t.app, invitee, albumId) } }));
    assert.equal((await album(t.app, invitee.token, albumId)).myRole, 'editor');
    // Completed is completed.
    assert.match((await call(t.app, 'resendExternalInvitation', { token: owner.token, params: { invitationId: x.id } })).json().error.message, /already completed/);
    // Cancelled meanwhile: the completion is refused.
    const late = newEmail();
    const [y] = body(await shareExternal(t, owner, albumId, [{ email: late, role: 'viewer' }])).external;
    const lateAccount = (await signupWith(t, late, await requestCode(e, late))).account!;
    body(await call(t.app, 'cancelExternalInvitation', { token: owner.token, params: { invitationId: y.id } }));
    const c = await complete(t, owner, albumId, lateAccount, y.id);
    assert.equal(c.statusCode, 409);
    assert.equal(c.json().error.message, `the invitation to ${late} is not waiting for this account: it was cancelled; nothing was shared`);
  });

  test('re-sending a signed-up invitation is refused (finish sharing instead); sharing directly completes it without naming it', async () => {
    const albumId = await createAlbum(t.app, owner);
    const email = newEmail();
    const [x] = body(await shareExternal(t, owner, albumId, [{ email, role: 'viewer' }])).external;
    const who = (await signupWith(t, email, await requestCode(e, email))).account!;
    const r = await call(t.app, 'resendExternalInvitation', { token: owner.token, params: { invitationId: x.id } });
    assert.equal(r.statusCode, 409);
    assert.equal(r.json().error.message, `${email} has signed up: finish sharing from your app instead`);
    body(await invite(t.app, owner, albumId, [who]));
    const row = (await rows(t, albumId))[0]!;
    assert.equal(row.status, 'completed');
    assert.deepEqual(body(await call(t.app, 'listInvitations', { token: who.token })).waiting, []);
  });

  test('stopping sharing cancels the album\'s invitations by email; deleting the album deletes them', async () => {
    const albumId = await createAlbum(t.app, owner);
    const [a, b] = [newEmail(), newEmail()];
    body(await shareExternal(t, owner, albumId, [{ email: a, role: 'viewer' }, { email: b, role: 'viewer' }]));
    const signedUp = (await signupWith(t, b, await requestCode(e, b))).account!;
    const rot = await rotationFor(t.app, owner, albumId, [userId(owner)]);
    body(await call(t.app, 'unshareAlbum', { token: owner.token, params: { albumId }, body: { rotation: rot } }));
    assert.deepEqual((await rows(t, albumId)).map((x) => x.status), ['cancelled', 'cancelled']);
    assert.deepEqual(body(await call(t.app, 'listInvitations', { token: signedUp.token })).waiting, []);
    assert.deepEqual(body(await call(t.app, 'listMembers', { token: owner.token, params: { albumId } })).external, []);

    const gone = await createAlbum(t.app, owner);
    body(await shareExternal(t, owner, gone, [{ email: newEmail(), role: 'viewer' }]));
    body(await call(t.app, 'deleteAlbum', { token: owner.token, params: { albumId: gone } }));
    assert.deepEqual(await rows(t, gone), []);
  });

  test('usersLookup with allowMissing answers the emails without an account instead of refusing', async () => {
    const stranger = newEmail();
    const r = body(await call(t.app, 'usersLookup', { token: owner.token, body: { emails: [owner.email, stranger.toUpperCase()], allowMissing: true } }));
    assert.deepEqual(r.users.map((u: { email: string }) => u.email), [owner.email]);
    assert.deepEqual(r.missing, [stranger]);
    const strict = await call(t.app, 'usersLookup', { token: owner.token, body: { emails: [owner.email, stranger] } });
    assert.equal(strict.statusCode, 404);
  });

  test('health and me say what sign-up needs and whether my email is proved', async () => {
    assert.deepEqual(body(await call(t.app, 'health')).signup, { emailVerification: 'optional' });
    assert.equal(body(await call(t.app, 'me', { token: owner.token })).emailVerified, false);
  });
});

describe('REQUIRE_EMAIL_VERIFICATION', () => {
  let e: Env;
  before(async () => { e = await env({ requireEmailVerification: true }); });
  after(() => e.t.close());

  test('sign-up needs a code; health says so; with one it works', async () => {
    assert.deepEqual(body(await call(e.t.app, 'health')).signup, { emailVerification: 'required' });
    const email = newEmail();
    const r = await signupWith(e.t, email);
    assert.equal(r.finish.statusCode, 400);
    assert.equal(r.finish.json().error.message, 'this server asks you to confirm your email address: request a code first');
    assert.equal(await e.t.db.repos.users.findByEmail(email), undefined);
    const ok = await signupWith(e.t, email, await requestCode(e, email));
    assert.ok(ok.account, ok.finish.body);
    assert.equal(body(await call(e.t.app, 'me', { token: ok.account.token })).emailVerified, true);
  });
});

describe('rate limits', () => {
  test('invitations to people without an account: at most EXTERNAL_INVITATIONS_PER_DAY per sharer, sent or re-sent; refused shares count nothing', async () => {
    const e = await env({ externalInvitationsPerDay: 3 });
    const { t } = e;
    try {
      const owner = await signup(t.app);
      const albumId = await createAlbum(t.app, owner);
      const taken = await signup(t.app);
      // A share refused for another reason does not use the allowance.
      assert.equal((await shareExternal(t, owner, albumId, [{ email: newEmail(), role: 'viewer' }, { email: taken.email, role: 'viewer' }])).statusCode, 409);
      const tooMany = await shareExternal(t, owner, albumId, [1, 2, 3, 4].map(() => ({ email: newEmail(), role: 'viewer' })));
      assert.equal(tooMany.statusCode, 409);
      assert.equal(tooMany.json().error.message, '4 invitations to people without an account at once is more than this server allows (3 a day); ask for fewer at a time');
      const [x] = body(await shareExternal(t, owner, albumId, [{ email: newEmail(), role: 'viewer' }, { email: newEmail(), role: 'viewer' }])).external;
      const over = await shareExternal(t, owner, albumId, [{ email: newEmail(), role: 'viewer' }, { email: newEmail(), role: 'viewer' }]);
      assert.equal(over.statusCode, 429, over.body);
      assert.equal(over.json().error.message, 'too many invitations to people without an account today; try again in 24 h');
      assert.equal(over.headers['retry-after'], String(24 * 3600));
      assert.equal((await rows(t, albumId)).length, 2, 'the refused share stored nothing');
      t.clock.advance(2 * 3600_000);
      // The hourly sweep keeps the day's count (it once purged counters older than an hour).
      await t.app.services.sweeper.sweep();
      body(await call(t.app, 'resendExternalInvitation', { token: owner.token, params: { invitationId: x.id } }));
      const resend = await call(t.app, 'resendExternalInvitation', { token: owner.token, params: { invitationId: x.id } });
      assert.equal(resend.statusCode, 429);
      assert.equal(resend.json().error.message, 'too many invitations to people without an account today; try again in 22 h');
      // Another sharer has their own allowance.
      const other = await signup(t.app);
      body(await shareExternal(t, other, await createAlbum(t.app, other), [{ email: newEmail(), role: 'viewer' }]));
      t.clock.advance(22 * 3600_000);
      body(await call(t.app, 'resendExternalInvitation', { token: owner.token, params: { invitationId: x.id } }));
    } finally {
      await t.close();
    }
  });

  test('code requests are limited per email and per client address, like sign-up', async () => {
    const e = await env({ rateLimit: { limit: 2, windowMs: 60_000 } });
    try {
      const email = newEmail();
      for (let i = 0; i < 2; i++) body(await call(e.t.app, 'requestEmailCode', { body: { email } }));
      const r = await call(e.t.app, 'requestEmailCode', { body: { email } });
      assert.equal(r.statusCode, 429);
      assert.equal(r.json().error.message, 'too many code requests for this email; try again in 60 s');
      assert.equal(mailsTo(e.mailer, email, 'email-code').length, 2, 'no mail beyond the limit');
      const other = await call(e.t.app, 'requestEmailCode', { body: { email: newEmail() } });
      assert.equal(other.statusCode, 429, 'the same client address');
      assert.match(other.json().error.message, /from this address/);
    } finally {
      await e.t.close();
    }
  });

  test('by default at most 5 codes an hour are mailed to one address (no inbox flooding, few guesses at its codes)', async () => {
    const e = await env({ emailCodeMailLimit: undefined });
    try {
      const email = newEmail();
      for (let i = 0; i < 5; i++) body(await call(e.t.app, 'requestEmailCode', { body: { email } }));
      const r = await call(e.t.app, 'requestEmailCode', { body: { email } });
      assert.equal(r.statusCode, 429);
      assert.match(r.json().error.message, /^too many codes mailed for this email; try again in /);
      assert.equal(mailsTo(e.mailer, email, 'email-code').length, 5, 'no mail beyond the limit');
      body(await call(e.t.app, 'requestEmailCode', { body: { email: newEmail() } }));
      e.t.clock.advance(3600_000);
      body(await call(e.t.app, 'requestEmailCode', { body: { email } }));
    } finally {
      await e.t.close();
    }
  });

  test('the sweeper removes codes a day after they ended', async () => {
    const e = await env();
    try {
      const email = newEmail();
      await requestCode(e, email);
      e.t.clock.advance(15 * 60_000 + 24 * 3600_000 + 1);
      assert.equal((await e.t.app.services.sweeper.sweep()).emailCodesPurged, 1);
    } finally {
      await e.t.close();
    }
  });
});
