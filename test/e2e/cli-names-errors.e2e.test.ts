// Names, typos and error messages of the `obscura` CLI (subprocesses) against a real server
// process: "did you mean" for commands and album names, refusing a twin album name, emails
// checked before sending, revoke/backup/accept/album add worded for people.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeJpeg } from '../support/fixtures.ts';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { cliUser, type CliUser } from '../../apps/cli/test/subprocess.ts';

let server: ServerProcess;
let work: string;
let olivia: CliUser, pat: CliUser, vera: CliUser;
const KYOTO = 'Kyoto 2026';
const ID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-cli-names-'));
  server = await startServerProcess();
  const tag = String(process.pid);
  [olivia, pat, vera] = await Promise.all([cliUser('Olivia', tag), cliUser('Pat', tag), cliUser('Vera', tag)]);
  const signups = await Promise.all([olivia, pat, vera].map((u) => u.run(['signup', '--server', server.url, '--email', u.email, '--name', u.name])));
  for (const r of signups) assert.equal(r.code, 0, r.stderr);
  await olivia.ok('album', 'create', KYOTO);
});

after(async () => {
  await server?.stop();
  await removeDir(work);
  if (server) await removeDir(server.dataDir);
  for (const u of [olivia, pat, vera]) if (u) await removeDir(join(u.home, '..'));
});

test('a mistyped command suggests the closest one, only when it is close', async () => {
  const typo = await olivia.run(['alubms']);
  assert.equal(typo.code, 2);
  assert.equal(typo.stderr, 'obscura: unknown command alubms (did you mean albums?); see obscura --help\n');
  const far = await olivia.run(['frobnicate']);
  assert.equal(far.code, 2);
  assert.equal(far.stderr, 'obscura: unknown command frobnicate; see obscura --help\n');
});

test('an album name that matches nothing suggests the closest album names', async () => {
  const r = await olivia.run(['share', 'Kyto 2026', vera.email, '--role', 'viewer']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `obscura: no album matches "Kyto 2026" (did you mean "${KYOTO}"?)\n`);
  const none = await olivia.run(['album', 'show', 'Holidays in Rome']);
  assert.equal(none.stderr, 'obscura: no album matches "Holidays in Rome"; see obscura albums\n');
});

test('album create refuses a name you already have unless --allow-duplicate', async () => {
  const [kyoto] = (await olivia.json<{ albums: { id: string; name: string }[] }>('albums', '--json')).albums;
  const twin = await olivia.run(['album', 'create', KYOTO]);
  assert.equal(twin.code, 1);
  assert.equal(twin.stderr, `obscura: you already have an album named "${KYOTO}" (id ${kyoto!.id}); use --allow-duplicate to make another\n`);
  assert.equal((await olivia.json<{ albums: unknown[] }>('albums', '--json')).albums.length, 1, 'no twin was made');
  const misplaced = await olivia.run(['album', 'show', KYOTO, '--allow-duplicate']);
  assert.equal(misplaced.code, 2);
  assert.match(await olivia.ok('album', 'create', 'Twins', '--allow-duplicate'), new RegExp(`^${ID} {2}Twins\n$`));
  assert.match(await olivia.ok('album', 'create', 'Twins', '--allow-duplicate'), new RegExp(`^${ID} {2}Twins\n$`));
  assert.match((await olivia.run(['album', 'show', 'Twins'])).stderr, /"Twins" is ambiguous: 2 albums have that name/);
});

test('share checks every email before sending anything and names the bad one (exit 2)', async () => {
  const r = await olivia.run(['share', KYOTO, vera.email, 'vera.example.org', '--role', 'viewer']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'obscura: "vera.example.org" is not an email address: share takes an ALBUM then the invitees\' emails; see obscura share --help\n');
  assert.deepEqual((await vera.json<{ invitations: unknown[] }>('invitations', '--json')).invitations, [], 'nobody was invited');
  const photo = await olivia.run(['share-photo', 'abcdef12', 'bad@', '--role', 'viewer']);
  assert.equal(photo.code, 2);
  assert.match(photo.stderr, /^obscura: "bad@" is not an email address/);
});

test('accept of an invitation already accepted says so', async () => {
  await olivia.ok('share', KYOTO, vera.email, '--role', 'viewer');
  assert.match(await vera.ok('accept', KYOTO), /^accepted: /);
  const again = await vera.run(['accept', KYOTO]);
  assert.equal(again.code, 1);
  assert.equal(again.stderr, `obscura: you already accepted the invitation to "${KYOTO}": it is in your albums as viewer (from Olivia <${olivia.email}>)\n`);
});

test('revoking someone who is not a member names them by email, and says why', async () => {
  const stranger = await olivia.run(['revoke', KYOTO, pat.email]);
  assert.equal(stranger.code, 1);
  assert.equal(stranger.stderr, `obscura: ${pat.email} is not a member of "${KYOTO}" (nor invited to it); see obscura members\n`);
  assert.equal(await olivia.ok('revoke', KYOTO, vera.email), `${vera.email} no longer has access to "${KYOTO}"\n`);
  const twice = await olivia.run(['revoke', KYOTO, vera.email]);
  assert.equal(twice.code, 1);
  assert.equal(twice.stderr, `obscura: ${vera.email} is not a member of "${KYOTO}" (they were already removed); see obscura members\n`);
});

test('backup of a missing folder says it does not exist; of a file, that it is not a folder', async () => {
  const missing = join(work, 'no-such-folder');
  const r = await olivia.run(['backup', missing]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `obscura: ${missing} does not exist\n`);
  const file = join(work, 'a-file.txt');
  await writeFile(file, 'not a folder');
  const f = await olivia.run(['backup', file]);
  assert.equal(f.code, 1);
  assert.match(f.stderr, new RegExp(`^obscura: ${file.replace(/[.]/g, '\\.')} is not a folder`));
});

test('album add of a photo already in the album says it was already there', async () => {
  const dir = join(work, 'one');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'ONE.jpg'), await makeJpeg({ width: 32, height: 24, capturedAt: new Date(Date.UTC(2026, 3, 1, 9)), make: 'Obscura', model: 'Test', seed: 5 }));
  await olivia.ok('upload', join(dir, 'ONE.jpg'));
  const [p] = (await olivia.json<{ photos: { id: string }[] }>('photos', '--json')).photos;
  assert.equal(await olivia.ok('album', 'add', KYOTO, p!.id.slice(0, 8)), `added 1 photo to "${KYOTO}"\n`);
  assert.equal(await olivia.ok('album', 'add', KYOTO, p!.id.slice(0, 8)), `nothing added to "${KYOTO}": 1 photo was already in the album\n`);
});

test('accept NAME with two pending invitations of that name is ambiguous and lists them', async () => {
  await olivia.ok('album', 'create', 'Summer');
  await pat.ok('album', 'create', 'Summer');
  await olivia.ok('share', 'Summer', vera.email, '--role', 'viewer');
  await pat.ok('share', 'Summer', vera.email, '--role', 'editor');
  const ids = (await vera.json<{ invitations: { id: string; albumName: string }[] }>('invitations', '--json')).invitations.filter((i) => i.albumName === 'Summer').map((i) => i.id);
  assert.equal(ids.length, 2);
  const r = await vera.run(['accept', 'Summer']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^obscura: "Summer" is ambiguous: 2 pending invitations have that name: /);
  assert.ok(r.stderr.includes(`(from Olivia <${olivia.email}>, as viewer)`), r.stderr);
  assert.ok(r.stderr.includes(`(from Pat <${pat.email}>, as editor)`), r.stderr);
  for (const id of ids) assert.ok(r.stderr.includes(id.slice(0, 8)), r.stderr);
  assert.match(r.stderr, /use the invitation id: obscura accept ID\n$/);
  assert.match(await vera.ok('accept', ids[0]!.slice(0, 8)), /^accepted: "Summer"/);
});
