// The library through the `obscura` CLI as subprocesses against a real server process:
// sign up, back up a folder, timeline order, byte-identical downloads, incremental backup,
// trash/restore/delete, isolation between accounts, logout/login, passwd, recover.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePhotoFolder, type PhotoFolderManifest } from '../support/fixtures.ts';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { cliUser, runCli, type CliUser } from '../../apps/cli/test/subprocess.ts';

let server: ServerProcess;
let work: string;
let folder: PhotoFolderManifest;
let ann: CliUser;
let ben: CliUser;
let recoveryKey: string;
const FINGERPRINT = /^\d{5}( \d{5}){7}$/;

interface PhotoJson { id: string; state: string; capturedAt: string | null; name: string | null; size: number | null; uploader: { id: string; name: string }; verified: boolean }
const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');
const media = () => folder.files.filter((f) => f.kind !== 'other');

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-cli-lib-'));
  server = await startServerProcess();
  folder = await writePhotoFolder(join(work, 'photos'), { photos: 20, videos: 1 });
  const tag = String(process.pid);
  ann = await cliUser('Ann', tag);
  ben = await cliUser('Ben', tag);
});

after(async () => {
  await server?.stop();
  await removeDir(work);
  if (server) await removeDir(server.dataDir);
  for (const u of [ann, ben]) if (u) await removeDir(join(u.home, '..'));
});

test('signup prints the recovery key once with a "write this down" line; whoami and sessions', async () => {
  const [a, b] = await Promise.all([
    ann.run(['signup', '--server', server.url, '--email', ann.email, '--name', 'Ann']),
    ben.run(['signup', '--server', server.url, '--email', ben.email]),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  recoveryKey = /^Recovery key: (\S+)$/m.exec(a.stdout)![1]!;
  assert.match(a.stdout, /WRITE THIS DOWN/);
  assert.equal(a.stdout.split(recoveryKey).length, 2, 'shown exactly once');
  assert.match(a.stderr, /^obscura: WARNING: OBSCURA_INSECURE_FAST_KDF=1: weak test-only/m, 'the test-only KDF announces itself');

  const me = await ann.json('whoami', '--json');
  assert.deepEqual(Object.keys(me), ['email', 'name', 'userId', 'server', 'storage', 'fingerprint']);
  assert.equal(me.email, ann.email);
  assert.equal(me.name, 'Ann');
  assert.equal(me.server, server.url);
  assert.equal(me.storage.usedBytes, 0);
  assert.ok(me.storage.quotaBytes > 0);
  assert.match(me.fingerprint, FINGERPRINT);
  assert.equal((await ben.json('whoami', '--json')).name, ben.email.split('@')[0], 'the name defaults to the email local part');
  const s = await ann.json('sessions', '--json');
  assert.equal(s.sessions.length, 1);
  assert.equal(s.sessions[0].current, true);
  assert.match(s.sessions[0].userAgent, /^obscura-cli\//);

  // every file in OBSCURA_HOME is private
  for (const f of await readdir(ann.home)) assert.equal((await stat(join(ann.home, f))).mode & 0o777, 0o600, f);
  assert.equal((await stat(ann.home)).mode & 0o777, 0o700);
});

test('backup of a folder, timeline newest first by capture time, byte-identical downloads, incremental second backup', async () => {
  const first = await ann.run(['backup', folder.dir]);
  assert.equal(first.code, 0, first.stderr);
  const n = media().length;
  assert.equal(n, 21);
  assert.match(first.stdout, /^skipped notes\.txt: not a photo or video/m, 'one line per skipped non-media file, with the reason');
  assert.match(first.stdout, new RegExp(`: ${n} uploaded, 0 resumed, 0 already backed up, 1 skipped, 0 failed$`, 'm'));
  assert.equal(first.stderr, '', 'not a TTY: no progress lines, the summary is on stdout');

  const { photos } = await ann.json<{ photos: PhotoJson[] }>('photos', '--json');
  assert.equal(photos.length, n);
  const expected = [...media()].sort((x, y) => y.capturedAt! - x.capturedAt!);
  assert.deepEqual(photos.map((p) => p.name), expected.map((f) => f.relativePath.split('/').pop()));
  assert.deepEqual(photos.map((p) => Date.parse(p.capturedAt!)), expected.map((f) => f.capturedAt));
  for (const p of photos) {
    assert.equal(p.verified, true);
    assert.equal(p.uploader.name, 'Ann');
    assert.equal(p.state, 'active');
  }
  assert.deepEqual(photos.map((p) => p.size), expected.map((f) => f.size));

  // the table: ids shortened, local ISO capture time, name, size, uploader
  const table = await ann.ok('photos');
  const rows = table.trimEnd().split('\n');
  assert.match(rows[0]!, /^ID\s+CAPTURED\s+NAME\s+SIZE\s+UPLOADER$/);
  assert.equal(rows.length, n + 1);
  assert.match(rows[1]!, /^[0-9a-f]{8,}\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\s+\S+\.(jpg|mp4)\s+[\d.]+ (B|KiB|MiB)\s+Ann <\S+@example\.org>$/);

  // download every original (some by 8-character prefix) into a folder
  const out = join(work, 'dl');
  const ids = photos.map((p, i) => (i % 2 ? p.id.slice(0, 8) : p.id));
  const dl = await ann.run(['download', ...ids, '-o', out]);
  assert.equal(dl.code, 0, dl.stderr);
  const paths = dl.stdout.trimEnd().split('\n');
  assert.equal(paths.length, n);
  for (const p of paths) {
    const f = media().find((m) => m.relativePath.endsWith(p.split('/').pop()!))!;
    assert.equal(await sha256(p), f.sha256, `${f.relativePath} is byte-identical`);
  }

  const second = await ann.run(['backup', folder.dir]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, new RegExp(`: 0 uploaded, 0 resumed, ${n} already backed up, 1 skipped, 0 failed$`, 'm'));
  assert.equal((await ann.json('photos', '--json')).photos.length, n);
});

test('prefix resolution errors, trash / restore / delete', async () => {
  const { photos } = await ann.json<{ photos: PhotoJson[] }>('photos', '--json');
  const [a, b, c] = photos;
  const short = await ann.run(['trash', a!.id.slice(0, 4)]);
  assert.equal(short.code, 2);
  assert.equal(short.stderr, `obscura: photo id "${a!.id.slice(0, 4)}" is too short: give the full id or at least 6 characters\n`);
  const unknown = await ann.run(['download', 'ffffffffff']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^obscura: no photo matches "ffffffffff"\n$/);

  assert.equal(await ann.ok('trash', a!.id.slice(0, 6), b!.id), '2 photos moved to the trash\n');
  const trashed = (await ann.json<{ photos: PhotoJson[] }>('photos', '--json', '--trashed')).photos;
  assert.deepEqual(trashed.map((p) => p.id).sort(), [a!.id, b!.id].sort());
  assert.ok(trashed.every((p) => p.state === 'trashed'));
  assert.equal((await ann.json('photos', '--json')).photos.length, photos.length - 2);
  assert.equal(await ann.ok('restore', a!.id.slice(0, 8)), '1 photo restored\n');
  assert.equal(await ann.ok('delete', b!.id), '1 photo deleted for good\n');
  assert.deepEqual((await ann.json('photos', '--json', '--trashed')).photos, []);
  const left = (await ann.json<{ photos: PhotoJson[] }>('photos', '--json')).photos.map((p) => p.id);
  assert.equal(left.length, photos.length - 1);
  assert.ok(left.includes(a!.id) && !left.includes(b!.id) && left.includes(c!.id));
});

test("another account sees nothing of Ann's and cannot download or trash her photos", async () => {
  const { photos } = await ann.json<{ photos: PhotoJson[] }>('photos', '--json');
  const victim = photos[0]!.id;
  assert.deepEqual((await ben.json('photos', '--json')).photos, []);
  const dl = await ben.run(['download', victim, '-o', join(work, 'ben')]);
  assert.equal(dl.code, 1);
  assert.match(dl.stderr, new RegExp(`^obscura: file ${victim.slice(0, 8)}\\S* not found\n$`));
  assert.equal(dl.stdout, '');
  const tr = await ben.run(['trash', victim]);
  assert.equal(tr.code, 1);
  assert.match(tr.stderr, /^obscura: file .* not in your library; nothing was changed\n$/);
  const prefix = await ben.run(['download', victim.slice(0, 8)]);
  assert.equal(prefix.code, 1);
  assert.equal(prefix.stderr, `obscura: no photo matches "${victim.slice(0, 8)}"\n`);
  assert.equal((await ann.json('photos', '--json')).photos.length, photos.length, 'still all there for Ann');
});

test('logout, login (wrong password refused), unreachable server', async () => {
  assert.equal(await ann.ok('logout'), `Logged out ${ann.email}.\n`);
  const gone = await ann.run(['photos']);
  assert.equal(gone.code, 1);
  assert.equal(gone.stderr, 'obscura: not logged in; run obscura login --server URL --email E\n');
  assert.ok(!(await readdir(ann.home)).some((f) => f.startsWith('timeline-') || f === 'state.json'), 'the decrypted timeline is forgotten too');
  const wrong = await ann.run(['login', '--server', server.url, '--email', ann.email], { OBSCURA_PASSWORD: 'not the password' });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /^obscura: .*(wrong|password).*$/m);
  const down = await ann.run(['login', '--server', 'http://127.0.0.1:9', '--email', ann.email]);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /^obscura: cannot reach the server at http:\/\/127\.0\.0\.1:9: /m);
  assert.match(await ann.ok('login', '--server', server.url, '--email', ann.email), /^Logged in as Ann </);
  assert.equal((await ann.json('photos', '--json')).photos.length, media().length - 1, 'the timeline is rebuilt from the server');
});

test('passwd needs the current password and ends the other sessions; recover with the recovery key sets a new password and logs in', async () => {
  const laptop = await cliUser('Ann', 'laptop');
  laptop.password = ann.password;
  await laptop.ok('login', '--server', server.url, '--email', ann.email);
  assert.equal((await ann.json('sessions', '--json')).sessions.length, 2);

  // A session alone is not enough: with a wrong current password nothing changes.
  const wrong = await ann.run(['passwd'], { OBSCURA_PASSWORD: 'not my password', OBSCURA_NEW_PASSWORD: 'a thief password' });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /^obscura: the current password is wrong; nothing was changed$/m);
  assert.equal((await laptop.json('whoami', '--json')).email, ann.email, 'the other session lives on');
  const thief = await cliUser('Ann', 'thief');
  thief.password = 'a thief password';
  assert.equal((await thief.run(['login', '--server', server.url, '--email', ann.email])).code, 1, 'the new password was not set');
  // Nor can a sign-up take over a taken email; the person is told what to do, and no one learns more from the server's answers.
  const taken = await thief.run(['signup', '--server', server.url, '--email', ann.email]);
  assert.equal(taken.code, 1);
  assert.match(taken.stderr, /^obscura: no account was created: ann-\S+ may already have one\. If it is yours, log in .*recovery key.*typo$/m);
  const mine = await thief.run(['signup', '--server', server.url, '--email', ann.email], { OBSCURA_PASSWORD: ann.password });
  assert.equal(mine.code, 1);
  assert.match(mine.stderr, /already has an account, and this password opens it: log in instead/);
  assert.equal((await ann.json('sessions', '--json')).sessions.length, 2, 'that sign-up left no session behind');

  // OBSCURA_PASSWORD (the current password, from cliUser) + OBSCURA_NEW_PASSWORD.
  const changed = await ann.run(['passwd'], { OBSCURA_NEW_PASSWORD: 'a brand new password' });
  assert.equal(changed.code, 0, changed.stderr);
  assert.match(changed.stdout, /other sessions were logged out/);
  const ended = await laptop.run(['whoami']);
  assert.equal(ended.code, 1);
  assert.equal(ended.stderr, 'obscura: your session has ended; run obscura login\n');
  assert.equal((await ann.json('whoami', '--json')).email, ann.email, 'this session stays');
  assert.equal((await laptop.run(['login', '--server', server.url, '--email', ann.email])).code, 1, 'the old password no longer works');
  laptop.password = 'a brand new password';
  await laptop.ok('login', '--server', server.url, '--email', ann.email);

  const phone = await cliUser('Ann', 'phone');
  const rec = await phone.run(['recover', '--server', server.url, '--email', ann.email], { OBSCURA_RECOVERY_KEY: recoveryKey, OBSCURA_NEW_PASSWORD: 'recovered password 1' });
  assert.equal(rec.code, 0, rec.stderr);
  assert.match(rec.stdout, /^Password reset\. Logged in as Ann/);
  const { photos } = await phone.json<{ photos: PhotoJson[] }>('photos', '--json');
  assert.equal(photos.length, media().length - 1);
  assert.ok(photos.every((p) => p.verified), 'same keys, same library');
  assert.equal((await ann.run(['whoami'])).stderr, 'obscura: your session has ended; run obscura login\n', 'recovery ended every other session');
  const bad = await runCli(['recover', '--server', server.url, '--email', ann.email], {
    OBSCURA_HOME: join(work, 'bad-home'), OBSCURA_INSECURE_FAST_KDF: '1', OBSCURA_RECOVERY_KEY: 'AAAA-BBBB', OBSCURA_NEW_PASSWORD: 'whatever password',
  });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^obscura: /m);
  for (const u of [laptop, phone, thief]) await removeDir(join(u.home, '..'));
});
