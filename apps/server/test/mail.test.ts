import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../src/config.ts';
import { ManualClock } from '../src/ports/clock.ts';
import { MemoryLogger } from '../src/ports/logger.ts';
import { OutboxMailer, SmtpMailer } from '../src/ports/mailer.ts';
import { systemRandom } from '../src/ports/random.ts';
import { invitationMail } from '../src/services/invitation-mail.ts';
import { decodeWords, htmlText, parseEml } from './eml.ts';
import { randomUUID } from 'node:crypto';
import { blob, createAlbum, invitationOf, invite, signedState } from './album-helpers.ts';
import { call, makeTestApp, MemoryMailer, signup } from './helpers.ts';

const sharer = { displayName: 'Alice Liddell', email: 'alice@example.org' };

test('outbox: one RFC 5322 .eml per mail (UTF-8, plain text and HTML) and one log line; the album name only with opt-in', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'obscura-outbox-'));
  try {
    const logger = new MemoryLogger();
    const mailer = new OutboxMailer(join(dir, 'outbox'), 'Obscura <no-reply@localhost>', new ManualClock(), systemRandom, logger);
    await mailer.send(invitationMail({ to: 'bob@example.org', sharer, role: 'editor', albumName: 'Été à Montréal', message: 'Ajoute les tiennes ✨', publicUrl: 'https://photos.example.org' }));
    await mailer.send(invitationMail({ to: 'carol@example.org', sharer, role: 'viewer' }));
    const files = (await readdir(join(dir, 'outbox'))).sort();
    assert.equal(files.length, 2);
    assert.ok(files.every((f) => /\.eml$/.test(f)));
    assert.equal(logger.lines.length, 2);
    assert.match(logger.lines[0]!, /^mail: invitation for bob@example\.org written to outbox\/.+\.eml$/);

    const emls = await Promise.all(files.map((f) => readFile(join(dir, 'outbox', f), 'utf8')));
    const withName = parseEml(emls.find((e) => /^To: bob@example\.org$/m.test(e))!);
    const without = parseEml(emls.find((e) => /^To: carol@example\.org$/m.test(e))!);
    for (const e of [withName, without]) {
      assert.equal(e.headers.get('from'), 'Obscura <no-reply@localhost>');
      assert.ok(e.headers.has('date') && e.headers.get('message-id')!.startsWith('<'));
      assert.match(e.headers.get('content-type')!, /^multipart\/alternative;/);
      assert.deepEqual(e.parts.map((p) => p.headers.get('content-type')), ['text/plain; charset=utf-8', 'text/html; charset=utf-8']);
    }
    // Non-ASCII subject is RFC 2047-encoded; the body is UTF-8 (quoted-printable or 8bit): decoded by parseEml.
    assert.match(withName.headers.get('subject')!, /^=\?UTF-8\?/);
    assert.match(withName.body, /"Alice Liddell" <alice@example\.org> shared the album "Été à Montréal" with you as an editor/);
    assert.match(withName.body, /> Ajoute les tiennes ✨/);
    assert.match(withName.body, /https:\/\/photos\.example\.org\//);
    assert.match(htmlText(withName.html!), /"Alice Liddell" <alice@example\.org> shared the album "Été à Montréal" with you as an editor/);
    assert.match(htmlText(withName.html!), /Ajoute les tiennes ✨/);
    // The subject quotes the sharer's name; nodemailer RFC 2047-encodes any subject with a quotation mark.
    assert.equal(without.subject, '"Alice Liddell" shared an album with you on Obscura');
    for (const part of [without.body, htmlText(without.html!)]) {
      assert.match(part, /as a viewer/);
      assert.match(part, /The album name is end-to-end encrypted/);
      assert.doesNotMatch(part, /Montréal|Ajoute/);
    }
    assert.doesNotMatch(emls.find((e) => /^To: carol@example\.org$/m.test(e))!, /Montr|Ajoute/, 'not in any part or header');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the invitation link: PUBLIC_URL/invitations/<id>?email=<invitee>, in both parts; none without PUBLIC_URL', () => {
  const invitationId = '3b241101-e2bb-4255-8caf-4136c566a962';
  const m = invitationMail({ to: 'bob+photos@example.org', sharer, role: 'viewer', invitationId, publicUrl: 'https://photos.example.org/' });
  const link = `https://photos.example.org/invitations/${invitationId}?email=bob%2Bphotos%40example.org`;
  assert.match(m.text, new RegExp(`^Open the invitation to accept or decline it: ${link.replace(/[.?+]/g, '\\$&')}$`, 'm'));
  assert.match(m.text, /^Log in, or create your account with this email address \(bob\+photos@example\.org\), to see it\.$/m);
  const hrefs = [...m.html!.matchAll(/href="([^"]*)"/g)].map((x) => x[1]);
  assert.deepEqual(hrefs, [link, link], 'the button and the written-out address, nothing else');

  const bare = invitationMail({ to: 'bob@example.org', sharer, role: 'viewer', invitationId });
  assert.doesNotMatch(bare.text, /https?:|invitations\//);
  assert.doesNotMatch(bare.html!, /href=/);
  assert.match(bare.text, /in the Obscura app, under "Shared with me"/);
});

test('a one-photo share says "photo", not "album", in the subject and both parts', () => {
  const without = invitationMail({ to: 'bob@example.org', sharer, role: 'viewer', kind: 'photo' });
  assert.equal(without.subject, '"Alice Liddell" shared a photo with you on Obscura');
  for (const part of [without.text, htmlText(without.html!)]) {
    assert.match(part, /shared a photo with you as a viewer: you can see it and save it to your library/);
    assert.match(part, /The photo's name is end-to-end encrypted/);
    assert.doesNotMatch(part, /album/i);
  }
  const named = invitationMail({ to: 'bob@example.org', sharer, role: 'editor', kind: 'photo', albumName: 'IMG_0042.jpg' });
  assert.equal(named.subject, '"Alice Liddell" shared the photo "IMG_0042.jpg" with you on Obscura');
  assert.doesNotMatch(named.text, /album/i);
});

test('the HTML part escapes every piece of user text: names, album name, message, email', () => {
  const hostile = {
    to: 'bob@example.org', role: 'editor' as const, invitationId: '3b241101-e2bb-4255-8caf-4136c566a962', publicUrl: 'https://photos.example.org',
    sharer: { displayName: 'Eve <img src=x onerror=alert(1)> & "co"', email: 'eve"<b>@example.org' },
    albumName: '</title><script>alert(2)</script>', message: '<a href="https://evil.example">click</a>\n\'quoted\' & <b>bold</b>',
  };
  const m = invitationMail(hostile);
  const html = m.html!;
  // The only tags are ours: no tag from user text survives.
  const tags = [...html.matchAll(/<\/?([a-z!]+)/gi)].map((x) => x[1]!.toLowerCase());
  assert.deepEqual([...new Set(tags)].sort(), ['!doctype', 'a', 'blockquote', 'body', 'br', 'div', 'head', 'html', 'meta', 'p', 'strong', 'title'].sort());
  assert.equal((html.match(/<a /g) ?? []).length, 2, 'only the two invitation links');
  assert.doesNotMatch(html, /<script|<img|href="https:\/\/evil/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt; &amp; &#39;co&#39;/);
  assert.match(html, /&lt;\/title&gt;&lt;script&gt;alert\(2\)&lt;\/script&gt;/);
  assert.match(html, /&lt;a href=&quot;https:\/\/evil\.example&quot;&gt;click&lt;\/a&gt;<br>&#39;quoted&#39; &amp; &lt;b&gt;bold&lt;\/b&gt;/);
  assert.match(html, /&lt;eve&quot;&lt;b&gt;@example\.org&gt;/);
  // What a reader sees is the same words as the plain-text part.
  assert.match(htmlText(html), /"Eve <img src=x onerror=alert\(1\)> & 'co'" <eve"<b>@example\.org> shared the album "<\/title><script>alert\(2\)<\/script>" with you as an editor/);
});

test('sharing through the API: each invitee gets the link to their own invitation, and a one-photo share says "photo"', async () => {
  const mailer = new MemoryMailer();
  const t = await makeTestApp({ mailer, publicUrl: 'https://photos.example.org' });
  try {
    const alice = await signup(t.app, undefined, undefined, 'Alice');
    const [bob, carol] = [await signup(t.app), await signup(t.app)];
    const albumId = await createAlbum(t.app, alice);
    assert.equal((await invite(t.app, alice, albumId, [bob, carol], 'viewer')).statusCode, 200);
    for (const who of [bob, carol]) {
      const mail = mailer.sent.find((m) => m.to === who.email)!;
      const link = `https://photos.example.org/invitations/${await invitationOf(t.app, who, albumId)}?email=${encodeURIComponent(who.email)}`;
      assert.ok(mail.text.includes(link), mail.text);
      assert.ok(mail.html!.includes(`href="${link}"`));
      assert.match(mail.subject, /shared an album with you/);
    }
    const photoId = randomUUID();
    const c = await call(t.app, 'createAlbum', { token: alice.token, body: { albumId: photoId, kind: 'photo', metadataB64: blob(40), sealedKeyB64: blob(), state: signedState(1) } });
    assert.equal(c.statusCode, 200, c.body);
    mailer.sent.length = 0;
    assert.equal((await invite(t.app, alice, photoId, [bob], 'viewer')).statusCode, 200);
    assert.equal(mailer.sent[0]!.subject, '"Alice" shared a photo with you on Obscura');
    assert.ok(mailer.sent[0]!.text.includes(`/invitations/${await invitationOf(t.app, bob, photoId)}?email=`));
  } finally {
    await t.close();
  }
});

test('SMTP: the invitation is delivered to a real SMTP server (in process)', async () => {
  const received: { from: string; to: string[]; data: string }[] = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onAuth: (auth, _s, cb) => cb(null, { user: auth.username }),
    onData: (stream, session, cb) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ from: String((session.envelope.mailFrom as { address: string }).address), to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  const logger = new MemoryLogger();
  const mailer = new SmtpMailer(`smtp://user:pass@127.0.0.1:${port}`, 'Obscura <no-reply@obscura.test>', logger);
  try {
    await mailer.send(invitationMail({ to: 'bob@example.org', sharer, role: 'viewer' }));
    assert.equal(received.length, 1);
    assert.equal(received[0]!.from, 'no-reply@obscura.test');
    assert.deepEqual(received[0]!.to, ['bob@example.org']);
    assert.equal(subjectOf(received[0]!.data), '"Alice Liddell" shared an album with you on Obscura');
    assert.deepEqual(logger.lines, ['mail: invitation for bob@example.org sent by SMTP']);
  } finally {
    mailer.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('config: SMTP_URL and MAIL_FROM, with a clear error for a malformed URL', () => {
  assert.equal(loadConfig({}).smtpUrl, undefined);
  assert.equal(loadConfig({}).mailFrom, 'Obscura <no-reply@localhost>');
  assert.equal(loadConfig({ SMTP_URL: 'smtp://u:p@mail:587', MAIL_FROM: 'X <x@y.z>' }).smtpUrl, 'smtp://u:p@mail:587');
  assert.throws(() => loadConfig({ SMTP_URL: 'mail.example.org' }), /SMTP_URL must look like smtp:\/\/user:pass@host:587/);
});

/** The Subject header of a raw mail, unfolded, its RFC 2047 words decoded. */
function subjectOf(eml: string): string {
  return decodeWords(/^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(eml)![1]!.replace(/\r?\n[ \t]+/g, ' '));
}

test('outbox: the invitation to an email without an account and the email code, as .eml; the log line never holds the code', async () => {
  const { externalInvitationMail } = await import('../src/services/invitation-mail.ts');
  const { emailCodeMail } = await import('../src/services/email-codes.ts');
  const dir = await mkdtemp(join(tmpdir(), 'obscura-outbox-'));
  try {
    const logger = new MemoryLogger();
    const mailer = new OutboxMailer(join(dir, 'outbox'), 'Obscura <no-reply@localhost>', new ManualClock(), systemRandom, logger);
    const expiresAt = Date.UTC(2026, 11, 26, 12, 0, 0);
    await mailer.send(externalInvitationMail({ to: 'new+one@example.org', sharer, role: 'viewer', expiresAt, publicUrl: 'https://photos.example.org', albumName: 'Été' }));
    await mailer.send(emailCodeMail('new+one@example.org', '01234567'));
    const files = (await readdir(join(dir, 'outbox'))).sort();
    const emls = await Promise.all(files.map((f) => readFile(join(dir, 'outbox', f), 'utf8')));
    const inv = parseEml(emls.find((e) => /external-invitation/.test(files[emls.indexOf(e)]!))!);
    const code = parseEml(emls.find((e) => /email-code/.test(files[emls.indexOf(e)]!))!);
    assert.equal(inv.subject, '"Alice Liddell" invited you to the album "Été" on Obscura');
    assert.match(inv.body, /^Create one here: https:\/\/photos\.example\.org\/signup\?email=new%2Bone%40example\.org&invited=1$/m);
    assert.match(inv.body, /^This invitation lapses on 26 December 2026 at 12:00 UTC\.$/m);
    assert.match(htmlText(inv.html!), /Create your account .*Use this email address \(new\+one@example\.org\)/);
    assert.equal(code.subject, 'Your Obscura code: 0123 4567');
    assert.match(code.body, /^ {4}0123 4567$/m);
    assert.match(htmlText(code.html!), /0123 4567/);
    assert.equal(logger.lines.length, 2);
    assert.ok(logger.lines.every((l) => !/01234567|0123 4567/.test(l)), logger.lines.join('\n'));
    assert.match(logger.lines.find((l) => l.includes('email-code'))!, /^mail: email-code for new\+one@example\.org written to outbox\/.+\.eml$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
