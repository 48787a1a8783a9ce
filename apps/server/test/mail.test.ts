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

const sharer = { displayName: 'Alice Liddell', email: 'alice@example.org' };

test('outbox: one RFC 5322 .eml per mail (UTF-8) and one log line; the album name only with opt-in', async () => {
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
    const withName = emls.find((e) => /^To: bob@example\.org$/m.test(e))!;
    const without = emls.find((e) => /^To: carol@example\.org$/m.test(e))!;
    for (const e of [withName, without]) {
      assert.match(e, /^From: Obscura <no-reply@localhost>$/m);
      assert.match(e, /^Date: /m);
      assert.match(e, /^Message-ID: </m);
      assert.match(e, /^Content-Type: text\/plain; charset=utf-8$/m);
    }
    // Non-ASCII subject is RFC 2047-encoded; the body is UTF-8 (quoted-printable or 8bit): decode and check.
    assert.match(withName, /^Subject: =\?UTF-8\?/m);
    const body = decodeBody(withName);
    assert.match(body, /"Alice Liddell" <alice@example\.org> shared the album "Été à Montréal" with you as an editor/);
    assert.match(body, /> Ajoute les tiennes ✨/);
    assert.match(body, /https:\/\/photos\.example\.org\//);
    const plain = decodeBody(without);
    // The subject quotes the sharer's name; nodemailer RFC 2047-encodes any subject with a quotation mark.
    assert.equal(subjectOf(without), '"Alice Liddell" shared an album with you on Obscura');
    assert.match(plain, /as a viewer/);
    assert.match(plain, /The album name is end-to-end encrypted/);
    assert.doesNotMatch(plain, /Montréal|Ajoute/);
  } finally {
    await rm(dir, { recursive: true, force: true });
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

/** The Subject header, unfolded, its RFC 2047 words (UTF-8, Q or B) decoded. */
function subjectOf(eml: string): string {
  const raw = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(eml)![1]!.replace(/\r?\n[ \t]+/g, ' ');
  return raw.replace(/\?= =\?/g, '?==?').replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, w: string) => enc.toUpperCase() === 'B'
    ? Buffer.from(w, 'base64').toString('utf8')
    : Buffer.from(w.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
}

function decodeBody(eml: string): string {
  const [head, ...rest] = eml.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (/Content-Transfer-Encoding: quoted-printable/i.test(head!)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  if (/Content-Transfer-Encoding: base64/i.test(head!)) return Buffer.from(body, 'base64').toString('utf8');
  return body;
}
