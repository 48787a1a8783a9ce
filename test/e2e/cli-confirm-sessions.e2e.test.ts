// The CLI as people expect it, against a real server process: destructive actions ask on a
// terminal (a pseudo-terminal through util-linux `script`) and need --yes without one;
// login remembers the server and email, retries a wrong password on a terminal and hints at
// recover; sign-up refuses a short password at once; sessions can be ended; members shows
// current access by default and the history with --all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeJpeg } from '../support/fixtures.ts';
import { runOnPty } from '../support/pty.ts';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { cliUser, type CliUser } from '../../apps/cli/test/subprocess.ts';

let server: ServerProcess;
let work: string;
let olga: CliUser, mia: CliUser, max: CliUser;
const photos: string[] = [];

interface MemberJson { email: string; status: string }
const live = (m: MemberJson) => m.status === 'active' || m.status === 'pending';
/** The environment of `u` on a terminal: no OBSCURA_PASSWORD, so passwords are asked for. */
const termEnv = (u: CliUser) => ({ OBSCURA_HOME: u.home, OBSCURA_INSECURE_FAST_KDF: '1', OBSCURA_PASSWORD: undefined });
const members = async (u: CliUser, album: string, ...more: string[]) =>
  u.json<{ members: MemberJson[]; publicLinks: number }>('members', album, '--json', ...more);

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-cli-confirm-'));
  server = await startServerProcess({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '1000' } });
  await mkdir(join(work, 'photos'), { recursive: true });
  for (let i = 0; i < 2; i++) {
    const path = join(work, 'photos', `P_${i + 1}.jpg`);
    await writeFile(path, await makeJpeg({ width: 64, height: 48, capturedAt: new Date(Date.UTC(2024, 2, 1 + i, 10)), make: 'Obscura', model: 'Test', seed: 300 + i }));
    photos.push(path);
  }
  const tag = String(process.pid);
  [olga, mia, max] = await Promise.all([cliUser('Olga', tag), cliUser('Mia', tag), cliUser('Max', tag)]);
  const signups = await Promise.all([olga, mia, max].map((u) => u.run(['signup', '--server', server.url, '--email', u.email, '--name', u.name])));
  for (const r of signups) assert.equal(r.code, 0, r.stderr);
});

after(async () => {
  await server?.stop();
  await removeDir(work);
  if (server) await removeDir(server.dataDir);
  for (const u of [olga, mia, max]) if (u) await removeDir(join(u.home, '..'));
});

test('unshare asks on a terminal (n: nothing happens, y: done), refuses without a terminal unless --yes', async () => {
  const A = 'Confirm-Unshare-Album';
  await olga.ok('album', 'create', A);
  await olga.ok('share', A, mia.email, max.email, '--role', 'viewer');
  await mia.ok('accept', A);
  await olga.ok('link', 'create', A);

  const refused = await olga.run(['unshare', A]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.equal(refused.stderr, `obscura: stop sharing "${A}" (removes 2 people and 1 link): there is no terminal to ask for confirmation; add --yes to go ahead\n`);
  assert.equal((await members(olga, A)).members.length, 3, 'nothing changed');

  const no = await runOnPty(['unshare', A], termEnv(olga), [{ expect: '[y/N] ', send: 'n\r' }]);
  assert.equal(no.code, 1, no.output);
  assert.ok(no.output.includes(`Stop sharing "${A}"? This removes 2 people and 1 link. [y/N] n`), no.output);
  assert.ok(no.output.includes(`obscura: did not stop sharing "${A}"; nothing changed`), no.output);
  assert.equal((await members(olga, A)).members.length, 3, 'nothing changed');
  assert.equal((await members(olga, A)).publicLinks, 1);

  const yes = await runOnPty(['unshare', A], termEnv(olga), [{ expect: '[y/N] ', send: 'y\r' }]);
  assert.equal(yes.code, 0, yes.output);
  assert.ok(yes.output.includes(`stopped sharing "${A}": everyone was removed (2 people and 1 link)\n`), yes.output);
  const after = await members(olga, A);
  assert.deepEqual(after.members.map((m) => m.email), [olga.email]);
  assert.equal(after.publicLinks, 0);

  // --yes: no question, for scripts
  await olga.ok('share', A, max.email, '--role', 'viewer');
  assert.equal(await olga.ok('unshare', A, '--yes'), `stopped sharing "${A}": everyone was removed (1 person and 0 links)\n`);
});

test('album delete of a shared album asks on a terminal, saying who loses access and how many photos go', async () => {
  const B = 'Confirm-Delete-Album';
  await olga.ok('album', 'create', B);
  await olga.ok('album', 'upload', B, ...photos);
  await olga.ok('share', B, mia.email, '--role', 'viewer');
  const names = async () => (await olga.json<{ albums: { name: string }[] }>('albums', '--json')).albums.map((a) => a.name);

  const refused = await olga.run(['album', 'delete', B]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /^obscura: delete "Confirm-Delete-Album" \(removes 1 person and 0 links, and its 2 photos go with it .*\): there is no terminal to ask for confirmation; add --yes to go ahead\n$/);

  const no = await runOnPty(['album', 'delete', B], termEnv(olga), [{ expect: '[y/N] ', send: 'N\r' }]);
  assert.equal(no.code, 1, no.output);
  assert.ok(no.output.includes(`Delete "${B}"? This removes 1 person and 0 links, and its 2 photos go with it`), no.output);
  assert.ok((await names()).includes(B), 'not deleted');

  const yes = await runOnPty(['album', 'delete', B], termEnv(olga), [{ expect: '[y/N] ', send: 'yes\r' }]);
  assert.equal(yes.code, 0, yes.output);
  assert.match(yes.output, /deleted "Confirm-Delete-Album".*; 1 person and 0 links lost access\n/);
  assert.ok(!(await names()).includes(B), 'deleted');
  assert.deepEqual((await mia.json('invitations', '--json')).invitations, [], "Mia's invitation went with it");

  // --yes for scripts; an album shared with nobody is deleted without a question
  const C = 'Confirm-Delete-Yes';
  await olga.ok('album', 'create', C);
  await olga.ok('share', C, max.email, '--role', 'viewer');
  assert.match(await olga.ok('album', 'delete', C, '--yes'), /^deleted "Confirm-Delete-Yes"; 1 person and 0 links lost access\n$/);
  const D = 'Confirm-Delete-Private';
  await olga.ok('album', 'create', D);
  assert.equal(await olga.ok('album', 'delete', D), `deleted "${D}"\n`);
  const misuse = await olga.run(['album', 'create', 'X', '--yes']);
  assert.equal(misuse.code, 2);
});

test('members shows current access (people and public links) by default, the history with --all', async () => {
  const E = 'Confirm-Members-Album';
  await olga.ok('album', 'create', E);
  await olga.ok('share', E, mia.email, max.email, '--role', 'viewer');
  await mia.ok('accept', E);
  await max.ok('decline', E);
  await olga.ok('link', 'create', E);

  const now = await members(olga, E);
  assert.deepEqual(now.members.map((m) => [m.email, m.status]).sort(), [[mia.email, 'active'], [olga.email, 'active']].sort());
  assert.equal(now.publicLinks, 1);
  const all = await members(olga, E, '--all');
  assert.deepEqual(all.members.map((m) => [m.email, m.status]).sort(), [[max.email, 'declined'], [mia.email, 'active'], [olga.email, 'active']].sort());

  const table = await olga.ok('members', E);
  assert.ok(!table.includes(max.email), table);
  assert.ok(table.includes(mia.email), table);
  assert.match(table, /^and 1 public link \(obscura links\)$/m);
  assert.match(table, /^\(1 more removed, left or declined: obscura members ALBUM --all\)$/m);
  const history = await olga.ok('members', E, '--all');
  assert.match(history, new RegExp(`^${max.email.replace(/[.]/g, '\\.')} .* declined`, 'm'));
});

test('sessions end ID and end --others end sessions; the ended session says so, and login needs no flags then', async () => {
  const laptop = await cliUser('Olga', String(process.pid)); // Olga on a second computer
  assert.equal((await laptop.run(['login', '--server', server.url, '--email', olga.email])).code, 0);
  const list = (await olga.json<{ sessions: { id: string; current: boolean }[] }>('sessions', '--json')).sessions;
  assert.equal(list.length, 2);
  const other = list.find((s) => !s.current)!;
  const mine = list.find((s) => s.current)!;

  const self = await olga.run(['sessions', 'end', mine.id]);
  assert.equal(self.code, 1);
  assert.equal(self.stderr, 'obscura: that is this session; to end it run obscura logout\n');

  assert.match(await olga.ok('sessions', 'end', other.id.slice(0, 8)), new RegExp(`^ended session ${other.id} \\(obscura-cli/`));
  const ended = await laptop.run(['whoami']);
  assert.equal(ended.code, 1);
  assert.equal(ended.stderr, 'obscura: your session has ended; run obscura login\n');

  // the ended session's state still knows the server and the email
  const again = await laptop.run(['login']);
  assert.equal(again.code, 0, again.stderr);
  assert.ok(again.stdout.startsWith(`Logged in as Olga <${olga.email}> on ${server.url}`), again.stdout);
  await laptop.ok('whoami');

  const others = await olga.ok('sessions', 'end', '--others');
  assert.equal(others.split('\n').filter(Boolean).length, 1, others);
  assert.equal((await laptop.run(['whoami'])).stderr, 'obscura: your session has ended; run obscura login\n');
  assert.equal(await olga.ok('sessions', 'end', '--others'), 'No other sessions.\n');
  assert.equal((await olga.json('sessions', '--json')).sessions.length, 1);
  assert.equal((await olga.run(['sessions', 'end'])).code, 2);
  await removeDir(join(laptop.home, '..'));
});

test('login after logout takes the server and email of the last login; without any, it asks for --server', async () => {
  assert.equal(await mia.ok('logout'), `Logged out ${mia.email}.\n`);
  const r = await mia.run(['login']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.startsWith(`Logged in as Mia <${mia.email}> on ${server.url}`), r.stdout);

  const stranger = await cliUser('Nobody', String(process.pid));
  const none = await stranger.run(['login']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^obscura: login needs --server/);
  await removeDir(join(stranger.home, '..'));
});

test('a wrong password on a terminal may be typed again; after the last try the hint names recover', async () => {
  const retried = await runOnPty(['login'], termEnv(max), [
    { expect: 'Password: ', send: 'not the password\r' },
    { expect: 'Password: ', send: `${max.password}\r` },
  ]);
  assert.equal(retried.code, 0, retried.output);
  assert.ok(retried.output.includes('wrong email or password; try again (2 tries left)'), retried.output);
  assert.ok(retried.output.includes(`Logged in as Max <${max.email}>`), retried.output);
  assert.ok(!retried.output.includes(max.password), 'the password is not echoed');

  const failed = await runOnPty(['login'], termEnv(max), [
    { expect: 'Password: ', send: 'wrong 1 wrong\r' },
    { expect: 'Password: ', send: 'wrong 2 wrong\r' },
    { expect: 'Password: ', send: 'wrong 3 wrong\r' },
  ]);
  assert.equal(failed.code, 1, failed.output);
  assert.ok(failed.output.includes('1 try left'), failed.output);
  assert.ok(failed.output.includes(`obscura: wrong email or password; forgot it? obscura recover --server ${server.url} --email ${max.email}\n`), failed.output);

  // without a terminal (OBSCURA_PASSWORD) there is one try, and the same hint
  const script = await max.run(['login'], { OBSCURA_PASSWORD: 'not the password' });
  assert.equal(script.code, 1);
  assert.equal(script.stderr.split('\n').filter((l) => l.startsWith('obscura: ') && !l.includes('WARNING')).join('\n'),
    `obscura: wrong email or password; forgot it? obscura recover --server ${server.url} --email ${max.email}`);
  await max.ok('whoami'); // the session from before the failed logins stays
});

test('signup refuses a short password right after the first entry', async () => {
  const newcomer = await cliUser('Newcomer', String(process.pid));
  const r = await runOnPty(['signup', '--server', server.url, '--email', newcomer.email], termEnv(newcomer), [{ expect: 'New password: ', send: 'short\r' }]);
  assert.equal(r.code, 1, r.output);
  assert.ok(r.output.includes('obscura: the password must have at least 8 characters'), r.output);
  assert.ok(!r.output.includes('Repeat password'), 'not asked a second time');
  await removeDir(join(newcomer.home, '..'));
});
