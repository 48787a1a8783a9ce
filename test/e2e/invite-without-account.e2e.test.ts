// Issue 16 through the `obscura` CLI (subprocesses) against a real server process and its
// outbox: sharing with an email that has no account yet. The invitee gets a mail linking to
// sign-up, signs up proving the address with the mailed code, sees the invitation as waiting;
// the sharer sees "signed up — confirm their key" with the new fingerprint, and the sharer's
// next backup seals the album to it; the invitee accepts and downloads every photo
// byte-identical. Then: cancel and re-send (with an ambiguous email), expiry (the row's
// expires_at moved into the past in the server's SQLite file: what 30 days look like),
// the 100-people limit counting these invitations, terminal prompts, and the zero-knowledge
// scan. The key-swap attack through the CLI is in attack-external-key-swap.e2e.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { writePhotoFolder, type PhotoFolderManifest } from '../support/fixtures.ts';
import { startServerProcess, removeDir, readOutbox, mailedCode, type ServerProcess } from '../support/server-process.ts';
import { allFiles, findNeedles } from '../support/scan.ts';
import { runOnPty } from '../support/pty.ts';
import { cliUser, type CliUser } from '../../apps/cli/test/subprocess.ts';

const PUBLIC_URL = 'https://photos.example.test';
const ALBUM = 'ALBUMNAME-Kyoto-Unknown-9d2c';
const MESSAGE = 'SECRETMSG-welcome-to-the-album-4e1f';
/** Shared with --include-name: the one name that may reach the server (the scan's positive control). */
const NAMED = 'OPTEDIN-Paris-Named-77c0';
const tag = String(process.pid);

let server: ServerProcess;
let work: string;
let folder: PhotoFolderManifest;
let olivia: CliUser;
const people: CliUser[] = [];

interface ExternalJson {
  id: string; albumId: string; albumName: string | null; email: string; role: string; status: string; expiresAt: string;
  invitee: null | { email: string; name: string; fingerprint: string };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const fingerprintOf = async (u: CliUser) => (await u.ok('fingerprint')).trim().split(/\s{2}/)[1]!;
const pendingOf = async (u: CliUser) => (await u.json<{ invitations: ExternalJson[] }>('pending', '--json')).invitations;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A person who has no account yet (their OBSCURA_HOME exists, nothing else). */
async function newcomer(name: string): Promise<CliUser> {
  const u = await cliUser(name, tag);
  people.push(u);
  return u;
}

/** Signs `u` up with their email proved, in the two steps a script uses; returns stdout of the second. */
async function signUpVerified(u: CliUser): Promise<string> {
  const step1 = await u.run(['signup', '--server', server.url, '--email', u.email, '--request-code']);
  assert.equal(step1.code, 0, step1.stderr);
  assert.match(step1.stdout, /^[0-9a-f-]{36}\n$/, 'step 1 prints only the verification id');
  assert.match(step1.stderr, new RegExp(`mailed a code to ${escapeRe(u.email)} .*then: obscura signup --server \\S+ --email ${escapeRe(u.email)} --code CODE`));
  const code = mailedCode(server.dataDir, u.email);
  // as people copy it from the mail: "1234 5678"
  return u.ok('signup', '--server', server.url, '--email', u.email, '--name', u.name, '--code', `${code.slice(0, 4)} ${code.slice(4)}`);
}

/** Moves an invitation's expiry into the past, as the server operator's clock would after 30 days. */
function expire(email: string): void {
  const db = new Database(join(server.dataDir, 'obscura.db'));
  try {
    db.pragma('busy_timeout = 5000');
    const r = db.prepare("update external_invitations set expires_at = ? where email = ? and status in ('pending', 'signed-up')").run(Date.now() - 60_000, email);
    assert.ok(r.changes >= 1, `an open invitation to ${email}`);
  } finally {
    db.close();
  }
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-invite-new-'));
  server = await startServerProcess({
    env: {
      PUBLIC_URL,
      // many sign-ups, code requests and lookups from one test address, and the 100-people test
      AUTH_RATE_LIMIT_PER_MINUTE: '1000', USER_LOOKUP_RATE_LIMIT_PER_MINUTE: '1000', EXTERNAL_INVITATIONS_PER_DAY: '1000',
    },
  });
  folder = await writePhotoFolder(join(work, 'photos'), { photos: 3, videos: 0, markers: true });
  olivia = await cliUser('Olivia', tag);
  people.push(olivia);
  const r = await olivia.run(['signup', '--server', server.url, '--email', olivia.email, '--name', 'Olivia']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /If someone invited you, run obscura verify-email to receive their invitation\.\n$/);
});

after(async () => {
  await server?.stop();
  if (work) await removeDir(work);
  if (server) await removeDir(server.dataDir);
  for (const u of people) await removeDir(join(u.home, '..'));
});

test('invite an unknown address → mail → verified sign-up → waiting → the sharer\'s backup seals → accept → photos byte-identical', async () => {
  const bob = await newcomer('Bob');
  await olivia.ok('backup', folder.dir);
  const albumId = (await olivia.ok('album', 'create', ALBUM)).split(/\s+/)[0]!;
  const photos = (await olivia.json<{ photos: { id: string }[] }>('photos', '--json')).photos;
  await olivia.ok('album', 'add', ALBUM, ...photos.map((p) => p.id));

  // 1. share: bob has no account
  const shared = await olivia.ok('share', ALBUM, bob.email, '--role', 'viewer', '--message', MESSAGE);
  assert.equal(shared, `invited ${bob.email} to "${ALBUM}" as viewer — no account yet: they get a mail to sign up; your app finishes sharing once they have (obscura pending)\n`);

  // 2. the mail: who invites, a link to sign-up on this server with the email filled in; no name, message or photo
  const mails = readOutbox(server.dataDir).filter((m) => m.kind === 'external-invitation' && m.text.includes(bob.email));
  assert.equal(mails.length, 1);
  const mail = mails[0]!.text;
  assert.ok(mail.includes(`${PUBLIC_URL}/signup?email=${encodeURIComponent(bob.email)}`), mail);
  assert.ok(mail.includes(`"Olivia" <${olivia.email}> invited you to an album as a viewer`), mail);
  for (const secret of [ALBUM, MESSAGE, ...folder.markers!.needles]) assert.ok(!mail.includes(secret), `the mail holds no ${secret}`);

  // 3. the sharer sees it as "invited — no account yet"
  const [pending] = await pendingOf(olivia);
  assert.deepEqual([pending!.email, pending!.albumId, pending!.albumName, pending!.role, pending!.status, pending!.invitee], [bob.email, albumId, ALBUM, 'viewer', 'pending', null]);
  const table = await olivia.ok('members', ALBUM);
  assert.match(table, /^invited without an account \(obscura pending\):$/m);
  assert.match(table, new RegExp(`^${escapeRe(bob.email)} +viewer +invited — no account yet +\\d{4}-\\d{2}-\\d{2}$`, 'm'));
  assert.ok(table.split('\n').every((l) => l.length <= 100), `tables fit 100 columns:\n${table}`);

  // 4. bob signs up with the mailed code; his invitation waits for Olivia
  const signedUp = await signUpVerified(bob);
  assert.match(signedUp, /^Your email is confirmed; 1 invitation is waiting for the sharer to finish sharing \(obscura invitations\)\.$/m);
  const bobFp = await fingerprintOf(bob);
  assert.equal(await bob.ok('invitations'),
    `Olivia <${olivia.email}> invited you to an album as viewer — waiting for Olivia to finish sharing; your fingerprint: ${bobFp} (Olivia sees the same one)\n`);
  const bobJson = await bob.json<{ invitations: unknown[]; waiting: { role: string; from: { email: string } }[] }>('invitations', '--json');
  assert.deepEqual([bobJson.invitations, bobJson.waiting.map((w) => [w.role, w.from.email])], [[], [['viewer', olivia.email]]]);

  // 5. Olivia sees "signed up — confirm their key" and bob's fingerprint, as bob sees it himself
  const members = await olivia.ok('members', ALBUM);
  assert.match(members, new RegExp(`^${escapeRe(bob.email)} +viewer +signed up — confirm their key +\\d{4}-`, 'm'));
  assert.match(members, new RegExp(`^${escapeRe(bob.email)} signed up; their key fingerprint: ${bobFp}$`, 'm'));
  assert.ok(members.split('\n').filter((l) => !l.includes('fingerprint:')).every((l) => l.length <= 100), `tables fit 100 columns:\n${members}`);
  const membersJson = await olivia.json<{ invitedWithoutAccount: ExternalJson[] }>('members', ALBUM, '--json');
  assert.deepEqual(membersJson.invitedWithoutAccount.map((x) => [x.status, x.invitee?.email, x.invitee?.fingerprint]), [['signed-up', bob.email, bobFp]]);

  // logging in says that someone signed up (one cheap request)
  const login = await olivia.run(['login']);
  assert.equal(login.code, 0, login.stderr);
  assert.match(login.stderr, /^1 person you invited has signed up: run obscura pending$/m);

  // without a terminal, `pending finish` shows the fingerprint and asks for --yes
  const noTty = await olivia.run(['pending', 'finish']);
  assert.equal(noTty.code, 2, noTty.stderr);
  assert.ok(noTty.stdout.includes(`${bob.email} signed up; their key fingerprint: ${bobFp}\n`), noTty.stdout);
  assert.match(noTty.stderr, /there is no terminal to ask; check the fingerprints with them, then: obscura pending finish --yes\n$/);

  // 6. Olivia's next backup finishes sharing on the way and prints bob's fingerprint
  const backup = await olivia.run(['backup', folder.dir]);
  assert.equal(backup.code, 0, backup.stderr);
  assert.match(backup.stdout, /backup of .*: 0 uploaded, 0 resumed, 3 already backed up/);
  assert.ok(backup.stdout.endsWith(`finished sharing "${ALBUM}" with ${bob.email} as viewer (new account; fingerprint ${bobFp} — compare it with theirs)\n`), backup.stdout);
  assert.deepEqual(await pendingOf(olivia), []);
  const after = await olivia.json<{ members: { email: string; status: string; fingerprint: string; inRoster: boolean }[]; invitedWithoutAccount: unknown[] }>('members', ALBUM, '--json');
  assert.deepEqual(after.members.filter((m) => m.email === bob.email).map((m) => [m.status, m.fingerprint, m.inRoster]), [['pending', bobFp, true]]);
  assert.deepEqual(after.invitedWithoutAccount, []);
  const again = await olivia.run(['backup', folder.dir]);
  assert.ok(!again.stdout.includes('finished sharing'), 'once');

  // 7. bob now has an ordinary invitation (name and message readable), accepts, downloads byte-identical
  const { invitations, waiting } = await bob.json<{ invitations: { id: string; albumName: string; message: string; role: string }[]; waiting: unknown[] }>('invitations', '--json');
  assert.deepEqual(invitations.map((i) => [i.albumName, i.message, i.role]), [[ALBUM, MESSAGE, 'viewer']]);
  assert.deepEqual(waiting, []);
  assert.match(await bob.ok('accept', ALBUM), /^accepted: .* as viewer\n$/);
  const show = await bob.json<{ photos: { id: string; verified: boolean }[] }>('album', 'show', ALBUM, '--json');
  assert.equal(show.photos.length, 3);
  const out = join(work, 'bob-saved');
  const paths = (await bob.ok('download', ...show.photos.map((p) => p.id), '-o', out)).trimEnd().split('\n');
  const originals = new Set(folder.files.filter((f) => f.kind !== 'other').map((f) => f.sha256));
  const saved = await Promise.all(paths.map(async (p) => sha256(await readFile(p))));
  assert.deepEqual(saved.sort(), [...originals].sort(), 'every photo byte-identical');
});

test('--include-name puts the album name in the mail (opt-in); --no-invite-new refuses emails without an account', async () => {
  const named = await newcomer('Nadia');
  await olivia.ok('album', 'create', NAMED);
  const json = await olivia.json<{ albumId: string; members: unknown[]; invitedWithoutAccount: ExternalJson[] }>('share', NAMED, named.email, '--role', 'editor', '--include-name', '--json');
  assert.deepEqual([json.members, json.invitedWithoutAccount.map((x) => [x.email, x.role, x.status])], [[], [[named.email, 'editor', 'pending']]]);
  const mail = readOutbox(server.dataDir).filter((m) => m.kind === 'external-invitation' && m.text.includes(named.email));
  assert.equal(mail.length, 1);
  assert.ok(mail[0]!.text.includes(NAMED), 'opted in: the name is in the mail');

  const stranger = `stranger-${tag}@example.org`;
  const refused = await olivia.run(['share', NAMED, stranger, '--role', 'viewer', '--no-invite-new']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`^obscura: .*${escapeRe(stranger)}`));
  assert.ok(!(await pendingOf(olivia)).some((x) => x.email === stranger), 'nothing was sent');
});

test('cancel: the invitee then sees nothing waiting; resend: an email invited to two albums needs --album', async () => {
  const carol = await newcomer('Carol');
  const dave = await newcomer('Dave');
  await olivia.ok('album', 'create', 'CANCEL-A');
  await olivia.ok('album', 'create', 'CANCEL-B');
  await olivia.ok('share', 'CANCEL-A', carol.email, dave.email, '--role', 'viewer');
  await olivia.ok('share', 'CANCEL-B', dave.email, '--role', 'editor');

  assert.equal(await olivia.ok('pending', 'cancel', carol.email), `cancelled the invitation of ${carol.email} to "CANCEL-A"\n`);
  assert.ok(!(await pendingOf(olivia)).some((x) => x.email === carol.email), 'pending no longer lists it');
  assert.match(await signUpVerified(carol), /^Your email is confirmed\.$/m);
  assert.equal(await carol.ok('invitations'), 'No pending invitations.\n');
  assert.deepEqual((await carol.json<{ waiting: unknown[] }>('invitations', '--json')).waiting, []);

  const mailsToDave = () => readOutbox(server.dataDir).filter((m) => m.kind === 'external-invitation' && m.text.includes(dave.email)).length;
  assert.equal(mailsToDave(), 2);
  const ambiguous = await olivia.run(['pending', 'resend', dave.email]);
  assert.equal(ambiguous.code, 2);
  assert.match(ambiguous.stderr, new RegExp(`^obscura: ${escapeRe(dave.email)} is invited to 2 albums: "CANCEL-A" \\([0-9a-f]{8,}\\), "CANCEL-B" \\([0-9a-f]{8,}\\); say which: obscura pending resend ${escapeRe(dave.email)} --album ALBUM\n$`));
  assert.match(await olivia.ok('pending', 'resend', dave.email, '--album', 'CANCEL-B'),
    new RegExp(`^mailed the invitation to ${escapeRe(dave.email)} \\("CANCEL-B", as editor\\) again; it now expires on \\d{4}-\\d{2}-\\d{2}\n$`));
  assert.equal(mailsToDave(), 3, 'one more mail');
  const missing = await olivia.run(['pending', 'cancel', `nobody-${tag}@example.org`]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^obscura: you have no invitation to nobody-/);
});

test('expiry: shown as expired; a verified sign-up does not claim it; re-sent, a later verify-email claims it', async () => {
  const erin = await newcomer('Erin');
  const fay = await newcomer('Fay');
  await olivia.ok('album', 'create', 'EXPIRY');
  await olivia.ok('share', 'EXPIRY', erin.email, fay.email, '--role', 'viewer');
  expire(erin.email);
  expire(fay.email);

  const listed = (await pendingOf(olivia)).filter((x) => x.albumName === 'EXPIRY');
  assert.deepEqual(listed.map((x) => [x.email, x.status]).sort(), [[erin.email, 'expired'], [fay.email, 'expired']].sort());
  const members = await olivia.ok('members', 'EXPIRY');
  assert.match(members, new RegExp(`^${escapeRe(fay.email)} +viewer +expired +\\d{4}-`, 'm'));
  assert.match(members, /^2 invitations expired: obscura pending resend EMAIL --album EXPIRY$/m);

  // erin signs up, proving the address: the lapsed invitation is not hers
  assert.match(await signUpVerified(erin), /^Your email is confirmed\.$/m);
  assert.deepEqual((await erin.json<{ waiting: unknown[] }>('invitations', '--json')).waiting, []);
  assert.equal((await pendingOf(olivia)).find((x) => x.email === erin.email)?.status, 'expired');
  // re-sending it now is refused in the server's words (she has an account: share directly)
  const resend = await olivia.run(['pending', 'resend', erin.email]);
  assert.equal(resend.code, 1);
  assert.match(resend.stderr, new RegExp(`^obscura: ${escapeRe(erin.email)} has an Obscura account now`));
  assert.match(await olivia.ok('share', 'EXPIRY', erin.email, '--role', 'viewer'), new RegExp(`^invited ${escapeRe(erin.email)} to "EXPIRY" as viewer {2}fingerprint: \\d{5}`));

  // fay's is re-sent before she signs up: it is live again
  assert.match(await olivia.ok('pending', 'resend', fay.email), /again; it now expires on /);
  assert.equal((await pendingOf(olivia)).find((x) => x.email === fay.email)?.status, 'pending');
  // she signs up without a code (nothing claimed), then confirms the email in two steps
  const plain = await fay.ok('signup', '--server', server.url, '--email', fay.email, '--name', 'Fay');
  assert.match(plain, /If someone invited you, run obscura verify-email to receive their invitation\.\n$/);
  assert.deepEqual((await fay.json<{ waiting: unknown[] }>('invitations', '--json')).waiting, []);
  const noTty = await fay.run(['verify-email']);
  assert.equal(noTty.code, 2);
  assert.match(noTty.stderr, /run obscura verify-email --request, then obscura verify-email --code CODE\n$/);
  const step1 = await fay.run(['verify-email', '--request']);
  assert.equal(step1.code, 0, step1.stderr);
  assert.match(step1.stdout, /^[0-9a-f-]{36}\n$/);
  // step 2, the code from the environment and the verification id remembered by step 1
  const confirmed = await fay.run(['verify-email'], { OBSCURA_EMAIL_CODE: mailedCode(server.dataDir, fay.email) });
  assert.equal(confirmed.code, 0, confirmed.stderr);
  assert.equal(confirmed.stdout, 'email confirmed; 1 invitation is now yours; it waits for the sharer to finish sharing (obscura invitations)\n');
  assert.equal(await fay.ok('verify-email'), `${fay.email} is already confirmed.\n`);
  assert.match(await fay.ok('invitations'), /^Olivia <\S+> invited you to an album as viewer — waiting for Olivia to finish sharing; /);
  const fayFp = await fingerprintOf(fay);
  const finished = await olivia.ok('pending', 'finish', fay.email, '--yes');
  assert.equal(finished, `finished sharing "EXPIRY" with ${fay.email} as viewer (new account; fingerprint ${fayFp} — compare it with theirs)\n`);
  assert.match(await fay.ok('accept', 'EXPIRY'), /^accepted: "EXPIRY"/);
});

test('the 100-people limit counts invitations to emails without an account; the 101st is refused', async () => {
  const carol = people.find((u) => u.name === 'Carol')!; // has an account
  await olivia.ok('album', 'create', 'LIMIT');
  const unknown = Array.from({ length: 100 }, (_, i) => `limit-${i}-${tag}@example.org`);
  await olivia.ok('share', 'LIMIT', carol.email, ...unknown.slice(0, 49), '--role', 'viewer');
  const second = await olivia.json<{ invitedWithoutAccount: unknown[] }>('share', 'LIMIT', ...unknown.slice(49, 99), '--role', 'viewer', '--json');
  assert.equal(second.invitedWithoutAccount.length, 50);
  const members = await olivia.json<{ members: { role: string }[]; invitedWithoutAccount: unknown[] }>('members', 'LIMIT', '--json');
  assert.deepEqual([members.members.filter((m) => m.role !== 'owner').length, members.invitedWithoutAccount.length], [1, 99]);

  const refused = await olivia.run(['share', 'LIMIT', unknown[99]!, '--role', 'viewer']);
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, 'obscura: an album can be shared with at most 100 people; this one has 100 (99 of them invited by email, without an account yet) and the request adds 1\n');
  // positive control: one cancelled invitation makes room for exactly that one person
  await olivia.ok('pending', 'cancel', unknown[0]!, '--album', 'LIMIT');
  assert.match(await olivia.ok('share', 'LIMIT', unknown[99]!, '--role', 'viewer'), /— no account yet/);
});

test('on a terminal: pending finish shows the fingerprint and asks; signup --verify-email asks for the mailed code', async () => {
  const gus = await newcomer('Gus');
  const hal = await newcomer('Hal');
  await olivia.ok('album', 'create', 'TERMINAL');
  await olivia.ok('share', 'TERMINAL', gus.email, hal.email, '--role', 'editor');

  // gus signs up at a terminal: the code is asked for once it was mailed (typed as read in the outbox)
  const env = (u: CliUser) => ({ OBSCURA_HOME: u.home, OBSCURA_PASSWORD: u.password, OBSCURA_INSECURE_FAST_KDF: '1' });
  // (a mistyped code is asked for again)
  const wrong = (code: string) => (code === '00000000' ? '1111 1111' : '0000 0000');
  const signup = await runOnPty(['signup', '--server', server.url, '--email', gus.email, '--name', 'Gus', '--verify-email'], env(gus), [
    { expect: 'Code from the mail: ', get send() { return `${wrong(mailedCode(server.dataDir, gus.email))}\r`; } },
    { expect: 'Code from the mail: ', get send() { return `${mailedCode(server.dataDir, gus.email)}\r`; } },
  ]);
  assert.equal(signup.code, 0, signup.output);
  assert.match(signup.output, new RegExp(`We mailed a code to ${escapeRe(gus.email)} to confirm it`));
  assert.match(signup.output, /the code is wrong; \d tries left; type it again \(Ctrl-C stops\)/);
  assert.match(signup.output, /Your email is confirmed; 1 invitation is waiting for the sharer to finish sharing/);
  await signUpVerified(hal);
  const [gusFp, halFp] = await Promise.all([fingerprintOf(gus), fingerprintOf(hal)]);

  // Olivia answers y to the first question and n to the second (in the order her app asks them)
  const question = /Finish sharing "TERMINAL" with (\S+)\? \[y\/N\] /;
  const r = await runOnPty(['pending', 'finish', '--album', 'TERMINAL'], env(olivia), [{ expect: question, send: 'y\r' }, { expect: question, send: 'n\r' }]);
  assert.equal(r.code, 0, r.output);
  const asked = [...r.output.matchAll(/Finish sharing "TERMINAL" with (\S+)\? \[y\/N\]/g)].map((m) => m[1]);
  assert.equal(asked.length, 2, r.output);
  const [yes, no] = asked as [string, string];
  const fpOf = (email: string) => (email === gus.email ? gusFp : halFp);
  for (const email of asked) assert.ok(r.output.includes(`${email} signed up; their key fingerprint: ${fpOf(email!)}`), r.output);
  assert.ok(r.output.includes(`finished sharing "TERMINAL" with ${yes} as editor (new account; fingerprint ${fpOf(yes)} — compare it with theirs)`), r.output);
  assert.ok(r.output.includes(`not finished: "TERMINAL" with ${no}: not confirmed`), r.output);
  assert.deepEqual((await pendingOf(olivia)).filter((x) => x.albumName === 'TERMINAL').map((x) => [x.email, x.status]), [[no, 'signed-up']]);
});

test('a server that requires a confirmed email: signup without a terminal says which two steps to run; a wrong code creates nothing', async () => {
  const strict = await startServerProcess({ env: { REQUIRE_EMAIL_VERIFICATION: '1', AUTH_RATE_LIMIT_PER_MINUTE: '1000' } });
  try {
    const ivy = await newcomer('Ivy');
    const bare = await ivy.run(['signup', '--server', strict.url, '--email', ivy.email]);
    assert.equal(bare.code, 2);
    assert.equal(bare.stderr, `obscura: this server asks new accounts to confirm their email with a mailed code, and there is no terminal to ask: run obscura signup --server ${strict.url} --email ${ivy.email} --request-code, then the same with --code CODE\n`);
    assert.equal((await ivy.run(['signup', '--server', strict.url, '--email', ivy.email, '--request-code'])).code, 0);
    const code = mailedCode(strict.dataDir, ivy.email);
    const wrong = await ivy.run(['signup', '--server', strict.url, '--email', ivy.email, '--code', code === '00000000' ? '11111111' : '00000000']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /\nobscura: the code is wrong; \d tries left\n$/);
    assert.equal((await ivy.run(['whoami'])).code, 1, 'no account, not logged in');
    assert.match(await ivy.ok('signup', '--server', strict.url, '--email', ivy.email, '--code', code), /^Your email is confirmed\.$/m);
  } finally {
    await strict.stop();
    await removeDir(strict.dataDir);
  }
});

test('zero knowledge: after the flow the server keeps no album name, message or photo content (and the scan finds what did reach it)', async () => {
  const needles = [ALBUM, MESSAGE, ...folder.markers!.needles];
  assert.deepEqual(await findNeedles(server.dataDir, needles), []);
  // photo bytes: a slice of each original, anywhere in the database, blobs, outbox or log
  const files = await allFiles(server.dataDir);
  for (const f of folder.files.filter((x) => x.kind !== 'other')) {
    const bytes = await readFile(f.path);
    const slice = bytes.subarray(Math.floor(bytes.length / 2), Math.floor(bytes.length / 2) + 48);
    for (const file of files) assert.equal((await readFile(file)).indexOf(slice), -1, `a slice of ${f.relativePath} in ${file}`);
  }
  // positive control: the name shared with --include-name did reach the server, in its outbox only
  const hits = await findNeedles(server.dataDir, [NAMED]);
  assert.ok(hits.length > 0, 'the scan finds a name that is there');
  assert.ok(hits.every((h) => h.includes(`${join(server.dataDir, 'outbox')}/`)), hits.join('\n'));
});
