import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as opaque from '@serenity-kit/opaque';
import { ManualClock } from '../src/ports/clock.ts';
import { MemoryLogger } from '../src/ports/logger.ts';
import { OutboxMailer } from '../src/ports/mailer.ts';
import { systemRandom } from '../src/ports/random.ts';
import { AppError } from '../src/errors.ts';
import { parseInstant } from '../src/services/encoding.ts';
import { album, createAlbum, invite, userId } from './album-helpers.ts';
import { call, keyStretching, makeTestApp, MemoryMailer, rawPublicKey, signup, uploadFile, type Account, type TestApp } from './helpers.ts';
import { linkBody } from './link-helpers.ts';
import { htmlText, parseEml, type Eml } from './eml.ts';

// Hardening items 8 (dates that are not instants), 10 (controls in plain text people see) and
// 11 (user text in the invitation mail is quoted; headers stay headers).

/** Instants the schema's 'date-time' used to let through (or Date.parse would misread), and plain junk. */
const BAD_INSTANTS = [
  '2026-12-31T23:59:60Z', // leap second: Date.parse gives NaN, once stored as "never expires"
  '2026-12-31T23:59:60+00:00',
  '2026-12-31T23:59:59+01', // offset without minutes: Date.parse gives NaN
  '2026-02-30T00:00:00Z', // Date.parse rolls it into March
  '+275760-09-13T00:00:00.001Z', // just past Date's range
  ' 2026-01-01',
  '2026-12-31',
];

describe('input hygiene: dates', () => {
  let t: TestApp;
  before(async () => { t = await makeTestApp(); });
  after(() => t.close());

  test('createLink refuses every date that is not a valid instant with a 400 naming the field and value, and stores nothing', async () => {
    const alice = await signup(t.app);
    const f = await uploadFile(t.app, alice.token);
    for (const expiresAt of BAD_INSTANTS) {
      const r = await call(t.app, 'createLink', { token: alice.token, body: { ...linkBody({ kind: 'file', fileId: f.body.fileId }).body, expiresAt } });
      assert.equal(r.statusCode, 400, `${expiresAt}: ${r.body}`);
      assert.equal(r.json().error.code, 'bad-request');
      assert.equal(r.json().error.message.startsWith(`expiresAt ${JSON.stringify(expiresAt)} is not a valid date-time: `), true, r.json().error.message);
      assert.match(r.json().error.message, /; use e\.g\. 2026-12-31T23:59:59Z$/);
    }
    const leap = await call(t.app, 'createLink', { token: alice.token, body: { ...linkBody({ kind: 'file', fileId: f.body.fileId }).body, expiresAt: '2026-12-31T23:59:60Z' } });
    assert.match(leap.json().error.message, /second 60 \(a leap second\) is not accepted/);
    const feb = await call(t.app, 'createLink', { token: alice.token, body: { ...linkBody({ kind: 'file', fileId: f.body.fileId }).body, expiresAt: '2026-02-30T00:00:00Z' } });
    assert.match(feb.json().error.message, /2026-02 has 28 days/);
    assert.deepEqual((await call(t.app, 'listLinks', { token: alice.token })).json().links, [], 'nothing stored');

    // A valid instant with an offset is stored as that instant.
    const ok = await call(t.app, 'createLink', { token: alice.token, body: { ...linkBody({ kind: 'file', fileId: f.body.fileId }).body, expiresAt: '2026-12-31T23:59:59+01:00' } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().expiresAt, '2026-12-31T22:59:59.000Z');
  });

  test('updateLink refuses them too and leaves the expiry as it was', async () => {
    const alice = await signup(t.app);
    const f = await uploadFile(t.app, alice.token);
    const created = await call(t.app, 'createLink', { token: alice.token, body: { ...linkBody({ kind: 'file', fileId: f.body.fileId }).body, expiresAt: '2026-12-01T00:00:00Z' } });
    assert.equal(created.statusCode, 200, created.body);
    const linkId = created.json().linkId;
    for (const expiresAt of BAD_INSTANTS) {
      const r = await call(t.app, 'updateLink', { token: alice.token, params: { linkId }, body: { expiresAt, allowDownload: false } });
      assert.equal(r.statusCode, 400, `${expiresAt}: ${r.body}`);
      assert.match(r.json().error.message, /^expiresAt ".*" is not a valid date-time: /);
    }
    const [link] = (await call(t.app, 'listLinks', { token: alice.token })).json().links;
    assert.deepEqual([link.expiresAt, link.allowDownload], ['2026-12-01T00:00:00.000Z', true], 'nothing changed');
  });

  test('the link service itself reads dates only through parseInstant: no NaN even without the route schema', async () => {
    const alice = await signup(t.app);
    const f = await uploadFile(t.app, alice.token);
    const auth = { userId: userId(alice), sessionId: alice.session.sessionId };
    await assert.rejects(
      t.app.services.links.create(auth, { ...linkBody({ kind: 'file', fileId: f.body.fileId }).body, expiresAt: '2026-12-31T23:59:60Z' }),
      (e: unknown) => e instanceof AppError && e.status === 400 && /expiresAt "2026-12-31T23:59:60Z" is not a valid date-time/.test(e.message),
    );
    assert.deepEqual((await call(t.app, 'listLinks', { token: alice.token })).json().links, []);
    for (const s of BAD_INSTANTS) {
      assert.throws(() => parseInstant('when', s), (e: unknown) => e instanceof AppError && e.status === 400 && e.message.startsWith(`when ${JSON.stringify(s)} is not a valid date-time: `), s);
    }
    assert.equal(parseInstant('when', '2024-02-29T12:00:00.5Z'), Date.UTC(2024, 1, 29, 12, 0, 0, 500));
    assert.equal(parseInstant('when', '2026-06-01t10:00:00-02:30'), Date.UTC(2026, 5, 1, 12, 30));
  });
});

/** Sign-up through the route with a chosen display name; returns the raw signupFinish answer. */
async function signupAs(t: TestApp, email: string, displayName: string) {
  const password = 'correct horse battery';
  const { clientRegistrationState, registrationRequest } = opaque.client.startRegistration({ password });
  const start = await call(t.app, 'signupStart', { body: { email, registrationRequestB64: registrationRequest } });
  assert.equal(start.statusCode, 200, start.body);
  const { registrationRecord } = opaque.client.finishRegistration({ password, clientRegistrationState, registrationResponse: start.json().registrationResponseB64, keyStretching });
  return call(t.app, 'signupFinish', {
    body: {
      email, displayName, registrationRecordB64: registrationRecord,
      x25519PublicKeyB64: rawPublicKey(generateKeyPairSync('x25519').publicKey).toString('base64'),
      ed25519PublicKeyB64: rawPublicKey(generateKeyPairSync('ed25519').publicKey).toString('base64'),
      passwordEnvelopeB64: Buffer.from('password-envelope').toString('base64'),
      recoveryEnvelopeB64: Buffer.from('recovery-envelope').toString('base64'),
      // Sign-up that also starts a login (ignored by a server whose sign-up answers with a session).
      startLoginRequestB64: opaque.client.startLogin({ password }).startLoginRequest,
    },
  });
}

describe('input hygiene: plain text other people see', () => {
  let t: TestApp;
  const mailer = new MemoryMailer();
  before(async () => { t = await makeTestApp({ mailer }); });
  after(() => t.close());

  test('sign-up refuses a display name with a control character, a bidi control or a line break, and says which', async () => {
    const cases: [string, RegExp][] = [
      ['Eve\u001b[31m', /U\+001B ESCAPE \(a control character\) at character 4/],
      ['Eve \u202Egpj.exe', /U\+202E RIGHT-TO-LEFT OVERRIDE \(a bidi control\) at character 5/],
      ['Eve\r\nMallory', /U\+000D CARRIAGE RETURN \(a line break\) at character 4/],
      ['Eve\nSubject: x', /U\+000A LINE FEED \(a line break\) at character 4/],
      ['Eve\tTab', /U\+0009 TAB/],
      ['Eve\u0085', /U\+0085 NEXT LINE \(a line break\)/],
      ['Eve\u2028x', /U\+2028 LINE SEPARATOR/],
      ['Eve\u2066x', /U\+2066 LEFT-TO-RIGHT ISOLATE \(a bidi control\)/],
      ['Eve\u007f', /U\+007F DELETE/],
      ['\u0000', /U\+0000 NUL/],
    ];
    for (const [name, why] of cases) {
      const email = `eve-${randomUUID().slice(0, 8)}@example.org`;
      const r = await signupAs(t, email, name);
      assert.equal(r.statusCode, 400, `${JSON.stringify(name)}: ${r.body}`);
      assert.equal(r.json().error.code, 'bad-request');
      assert.match(r.json().error.message, /^displayName contains /);
      assert.match(r.json().error.message, why);
      assert.match(r.json().error.message, /it must be one line of text, without control characters or bidi controls$/);
      assert.equal(await t.db.repos.users.findByEmail(email), undefined, 'no account was made');
    }
    // Letters of any script, emoji, quotes and ">" are fine.
    const fine = await signup(t.app, undefined, undefined, 'Zoë "Z" O\'Brien > مريم 🌸');
    assert.equal((await call(t.app, 'me', { token: fine.token })).json().user.displayName, 'Zoë "Z" O\'Brien > مريم 🌸');
  });

  test('the album name and message of an invitation email: controls refused (the message may have line breaks); nothing shared, nothing mailed', async () => {
    const alice = await signup(t.app, undefined, undefined, 'Alice');
    const bob = await signup(t.app);
    const albumId = await createAlbum(t.app, alice);
    const seq = (await album(t.app, alice.token, albumId)).state.seq;
    mailer.sent.length = 0;
    const refused: [object, RegExp][] = [
      [{ albumName: 'Kyoto\nBcc: all@example.org' }, /^invites\[0\]\.email\.albumName contains U\+000A LINE FEED \(a line break\) at character 6; it must be one line/],
      [{ albumName: 'Kyoto \u202E2026' }, /^invites\[0\]\.email\.albumName contains U\+202E RIGHT-TO-LEFT OVERRIDE/],
      [{ message: 'Hi!\n\u001b[2JObscura: your account is locked' }, /^invites\[0\]\.email\.message contains U\+001B ESCAPE \(a control character\) at character 5; line breaks are fine, other control characters and bidi controls are not$/],
      [{ message: 'Hi\u2029there' }, /^invites\[0\]\.email\.message contains U\+2029 PARAGRAPH SEPARATOR/],
    ];
    for (const [email, why] of refused) {
      const r = await invite(t.app, alice, albumId, [bob], 'viewer', { email });
      assert.equal(r.statusCode, 400, r.body);
      assert.match(r.json().error.message, why);
    }
    assert.equal(mailer.sent.length, 0, 'no mail');
    assert.equal((await album(t.app, alice.token, albumId)).state.seq, seq, 'no new album state');
    const { members } = (await call(t.app, 'listMembers', { token: alice.token, params: { albumId } })).json();
    assert.deepEqual(members.map((m: { user: { id: string } }) => m.user.id), [userId(alice)], 'nobody invited');

    const ok = await invite(t.app, alice, albumId, [bob], 'viewer', { email: { albumName: 'Kyoto', message: 'Line one\r\n\r\nLine two\nLine three' } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.match(mailer.sent[0]!.text, /\n> Line one\n>\n> Line two\n> Line three\n/);
  });
});

describe('input hygiene: the invitation mail quotes user text and keeps headers whole', () => {
  let t: TestApp;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'obscura-hygiene-'));
    const outbox = new OutboxMailer(join(dir, 'outbox'), 'Obscura <no-reply@localhost>', new ManualClock(), systemRandom, new MemoryLogger());
    t = await makeTestApp({ mailer: outbox });
  });
  after(async () => { await t.close(); await rm(dir, { recursive: true, force: true }); });

  /** Shares with `who` and returns the one new .eml. */
  async function shareAndRead(owner: Account, albumId: string, who: Account, email: object): Promise<Eml> {
    const before = new Set(await readdir(join(dir, 'outbox')).catch(() => [] as string[]));
    const r = await invite(t.app, owner, albumId, [who], 'editor', { email });
    assert.equal(r.statusCode, 200, r.body);
    const added = (await readdir(join(dir, 'outbox'))).filter((n) => !before.has(n));
    assert.equal(added.length, 1);
    return parseEml(await readFile(join(dir, 'outbox', added[0]!), 'utf8'));
  }

  test('quotes, ">" and non-ASCII in names and message: one line per header, RFC 2047 subject, user text only inside quotes or "> " lines', async () => {
    const zoe = await signup(t.app, `zoe-${randomUUID().slice(0, 6)}@example.org`, undefined, 'Zoë "Z" O\'Brien');
    const bob = await signup(t.app);
    const albumId = await createAlbum(t.app, zoe);
    const message = '> Obscura: your password expired\nFrom: support@obscura.example\n\nÇa va? "Oui" ✨';
    const m = await shareAndRead(zoe, albumId, bob, { albumName: 'Été > "2026"', message });

    assert.deepEqual(m.headerNames.sort(), HEADERS);
    assert.deepEqual(m.parts.map((p) => p.headerNames.sort()), [PART_HEADERS, PART_HEADERS]);
    assert.ok(m.rawHeader.split('\n').every((l) => /^[\x20-\x7e]*$/.test(l)), 'headers are ASCII (RFC 2047 for the rest)');
    assert.match(m.headers.get('subject')!, /^=\?UTF-8\?/);
    assert.equal(m.subject, '"Zoë \'Z\' O\'Brien" shared the album "Été > \'2026\'" with you on Obscura');

    assert.match(m.body, new RegExp(`^"Zoë 'Z' O'Brien" <${zoe.email}> shared the album "Été > '2026'" with you as an editor`, 'm'));
    assert.match(m.body, /^Message from "Zoë 'Z' O'Brien", as they wrote it:$/m);
    const quoted = ['> > Obscura: your password expired', '> From: support@obscura.example', '>', '> Ça va? "Oui" ✨'];
    assert.ok(m.body.includes(`\n\n${quoted.join('\n')}\n\n`), m.body);
    // Every line that carries user text is a quotation.
    for (const line of m.body.split('\n')) {
      if (/Obscura: your password|support@obscura|Ça va/.test(line)) assert.match(line, /^> /, line);
      if (/Zoë|Été/.test(line)) assert.match(line, /"Zoë 'Z' O'Brien"|"Été > '2026'"/, line);
    }
    // The HTML part: the same words, user text escaped (never markup), the message a blockquote.
    const html = m.html!;
    assert.match(html, /<strong>&quot;Zoë &#39;Z&#39; O&#39;Brien&quot;<\/strong> &lt;[^&]+&gt; shared the album <strong>&quot;Été &gt; &#39;2026&#39;&quot;<\/strong>/);
    assert.match(html, /<blockquote[^>]*>&gt; Obscura: your password expired<br>From: support@obscura\.example<br><br>Ça va\? &quot;Oui&quot; ✨<\/blockquote>/);
    assert.match(htmlText(html), /Message from "Zoë 'Z' O'Brien", as they wrote it:/);
  });

  test('a display name stored before the rule (with a line break) cannot forge a line or a header: it is flattened and quoted', async () => {
    const eve = await signup(t.app, `eve-${randomUUID().slice(0, 6)}@example.org`, undefined, 'Eve');
    await t.db.kysely.updateTable('users').set({ display_name: 'Eve\nSubject: x\r\nBcc: all@example.org\u202E' }).where('id', '=', userId(eve)).execute();
    const bob = await signup(t.app);
    const albumId = await createAlbum(t.app, eve);
    const m = await shareAndRead(eve, albumId, bob, { message: 'hello' });
    assert.deepEqual(m.headerNames.sort(), HEADERS);
    assert.deepEqual(m.parts.map((p) => p.headerNames.sort()), [PART_HEADERS, PART_HEADERS]);
    assert.equal(m.subject, '"Eve Subject: x Bcc: all@example.org" shared an album with you on Obscura');
    assert.doesNotMatch(m.body, /^(Subject|Bcc):/m);
    assert.match(m.body, new RegExp(`^"Eve Subject: x Bcc: all@example.org" <${eve.email}> shared an album with you`, 'm'));
    assert.doesNotMatch(m.body, /\u202E/);
    assert.doesNotMatch(m.html!, /\u202E|\nSubject: x|\nBcc:/);
    assert.match(m.html!, /<strong>&quot;Eve Subject: x Bcc: all@example\.org&quot;<\/strong>/);
  });
});

/** The headers of every mail, each exactly once (sorted): user text adds none. */
const HEADERS = ['Content-Type', 'Date', 'From', 'MIME-Version', 'Message-ID', 'Subject', 'To'];
/** The headers of each part (plain text, HTML). */
const PART_HEADERS = ['Content-Transfer-Encoding', 'Content-Type'];
