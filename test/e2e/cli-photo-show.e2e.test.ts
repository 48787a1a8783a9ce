// `obscura photo show`, `--version` and `completion` through the real binary against a real
// server process: every decrypted detail, local times with their offset, UTC ISO in --json,
// a photo readable only through an album (uploader's key pinned), refusals and usage errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeJpeg } from '../support/fixtures.ts';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { cliUser, type CliUser } from '../../apps/cli/test/subprocess.ts';

let server: ServerProcess;
let work: string;
let ann: CliUser;
let bob: CliUser;
let photoId: string;
const CAPTURED = new Date(Date.UTC(2026, 0, 24, 14, 11, 53)); // 23:11:53 in Kyoto (+09:00)
const ALBUM = 'Kyoto 2026';

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-cli-show-'));
  server = await startServerProcess();
  const tag = String(process.pid);
  [ann, bob] = await Promise.all([cliUser('Ann', tag), cliUser('Bob', tag)]);
  const signups = await Promise.all([ann, bob].map((u) => u.run(['signup', '--server', server.url, '--email', u.email, '--name', u.name])));
  for (const r of signups) assert.equal(r.code, 0, r.stderr);
  await writeFile(join(work, 'IMG_1054.JPG'), await makeJpeg({
    width: 64, height: 48, capturedAt: CAPTURED, offset: '+09:00', make: 'Apple', model: 'iPhone 15',
    gps: { latitude: 35.0116, longitude: 135.7681, altitude: 41.5 }, seed: 7,
  }));
  await ann.ok('upload', join(work, 'IMG_1054.JPG'));
  photoId = (await ann.json<{ photos: { id: string }[] }>('photos', '--json')).photos[0]!.id;
  await ann.ok('album', 'create', ALBUM);
  await ann.ok('album', 'add', ALBUM, photoId);
});

after(async () => {
  await server?.stop();
  if (work) await removeDir(work);
  if (server) await removeDir(server.dataDir);
  for (const u of [ann, bob]) if (u) await removeDir(join(u.home, '..'));
});

test('photo show: every detail, the capture time in the local zone with its offset, verified', async () => {
  const r = await ann.run(['photo', 'show', photoId.slice(0, 8)], { TZ: 'Asia/Tokyo' });
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout;
  assert.match(out, /^photo: +IMG_1054\.JPG$/m);
  assert.match(out, new RegExp(`^id: +${photoId}$`, 'm'));
  assert.match(out, /^type: +image\/jpeg$/m);
  assert.match(out, /^captured: +2026-01-24 23:11:53 \+09:00 {2}\(in this machine's time zone, Asia\/Tokyo; the photo records no offset\)$/m);
  assert.match(out, /^ {2}from: +the photo's EXIF data$/m);
  assert.match(out, /^camera: +Apple iPhone 15$/m);
  assert.match(out, /^lens: +-$/m);
  assert.match(out, /^size: +[\d.]+ (B|KiB) \(\d+ bytes\)$/m);
  assert.match(out, /^dimensions: +64 × 48$/m);
  assert.match(out, /^gps: +35\.01\d+, 135\.76\d+, altitude 41\.5 m$/m);
  assert.match(out, new RegExp(`^uploader: +Ann <${ann.email}> \\(you\\)$`, 'm'));
  const fp = (await ann.ok('fingerprint')).trim().split(/ {2}/)[1]!;
  assert.match(out, new RegExp(`^ {2}key: +${fp}$`, 'm'));
  assert.match(out, /^in: +your library$/m);
  assert.match(out, /^albums: +"Kyoto 2026"$/m);
  assert.match(out, /^check: +signature verified \(your own key\)$/m);

  // the same instant on a machine in New York: another wall clock, another offset
  const ny = await ann.run(['photo', 'show', photoId], { TZ: 'America/New_York' });
  assert.match(ny.stdout, /^captured: +2026-01-24 09:11:53 -05:00 {2}\(in this machine's time zone, America\/New_York;/m);
});

test('photo show --json: UTC ISO times, GPS numbers, every field', async () => {
  const r = await ann.run(['photo', 'show', photoId, '--json'], { TZ: 'Asia/Tokyo' });
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.id, photoId);
  assert.equal(j.capturedAt, '2026-01-24T14:11:53.000Z');
  assert.match(j.uploadedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.equal(j.captureSource, 'exif');
  assert.deepEqual(j.camera, { make: 'Apple', model: 'iPhone 15' });
  assert.equal(typeof j.gps.latitude, 'number');
  assert.ok(Math.abs(j.gps.latitude - 35.0116) < 1e-4 && Math.abs(j.gps.longitude - 135.7681) < 1e-4, JSON.stringify(j.gps));
  assert.equal(j.gps.altitude, 41.5);
  assert.deepEqual([j.width, j.height, j.durationMs, j.lens], [64, 48, null, null]);
  assert.equal(j.contentSha256.length, 64);
  assert.deepEqual([j.uploader.email, j.uploader.me, j.in, j.state, j.verified], [ann.email, true, 'library', 'active', true]);
  assert.deepEqual(j.albums.map((a: { name: string }) => a.name), [ALBUM]);
});

test('photo show of a photo seen only through a shared album: uploader named with the pinned key; --album looks there', async () => {
  await ann.ok('share', ALBUM, bob.email, '--role', 'viewer');
  await bob.ok('accept', ALBUM);
  const annFp = (await ann.ok('fingerprint')).trim().split(/ {2}/)[1]!;
  for (const args of [['photo', 'show', photoId.slice(0, 10)], ['photo', 'show', photoId.slice(0, 8), '--album', ALBUM]]) {
    const r = await bob.run(args, { TZ: 'UTC' });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /^captured: +2026-01-24 14:11:53 \+00:00/m);
    assert.match(r.stdout, new RegExp(`^uploader: +Ann <${ann.email}>$`, 'm'));
    assert.match(r.stdout, new RegExp(`^ {2}key: +${annFp}$`, 'm'));
    assert.match(r.stdout, /^in: +an album you are in \(not in your library\)$/m);
    assert.match(r.stdout, /^check: +signature verified \(uploader's key pinned\)$/m);
  }
});

test('photo show: unknown photo exit 1, too short a prefix or a wrong subcommand exit 2, not logged in exit 1', async () => {
  const none = await ann.run(['photo', 'show', 'ffffffff']);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /^obscura: no photo matches "ffffffff"/m);
  const short = await ann.run(['photo', 'show', 'ab']);
  assert.equal(short.code, 2, short.stderr);
  const wrong = await ann.run(['photo', 'list']);
  assert.deepEqual([wrong.code, wrong.stderr], [2, 'obscura: unknown photo subcommand list; see obscura help photo\n']);
  const missing = await ann.run(['photo', 'show']);
  assert.equal(missing.code, 2);
  const nobody = await cliUser('Nobody', String(process.pid));
  try {
    const r = await nobody.run(['photo', 'show', photoId]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not logged in/);
  } finally { await removeDir(join(nobody.home, '..')); }
});

test('--version / version [--json]: CLI, protocol and node versions; completion bash is valid bash', async () => {
  const pkg = JSON.parse(await readFile(new URL('../../apps/cli/package.json', import.meta.url), 'utf8')) as { version: string };
  for (const args of [['--version'], ['-V'], ['version']]) {
    const r = await ann.run(args);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `obscura ${pkg.version} (protocol 1, node ${process.version}, ${process.platform} ${process.arch})\n`);
    assert.equal(r.stderr, '');
  }
  for (const args of [['--version', '--json'], ['version', '--json']]) {
    assert.deepEqual(await ann.json(...args), { cli: pkg.version, protocol: 1, node: process.version, platform: `${process.platform} ${process.arch}` });
  }
  assert.equal((await ann.run(['--version', '--frob'])).code, 2);
  const script = await ann.ok('completion', 'bash');
  const path = join(work, 'obscura.bash');
  await writeFile(path, script);
  execFileSync('bash', ['-n', path]);
  assert.match(script, /photo\) subs='show'/);
});
