// Issue 14 items 1 and 2 through the real `obscura` binary against a real server process:
// photos named by file name, local path (content), id prefix and capture dates; ambiguity
// lists the candidates (exit 2); album download / download --all to a folder, rclone-like:
// byte-identical, re-runs skip what is there, no "(1)" copies of identical files,
// --overwrite, --since, --dry-run, --json, and a re-run after an interrupted download.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePhotoFolder, type PhotoFolderManifest } from '../support/fixtures.ts';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { cliUser, type CliUser } from '../../apps/cli/test/subprocess.ts';

let server: ServerProcess;
let work: string;
let a: PhotoFolderManifest; // IMG_0001..0004.jpg
let b: PhotoFolderManifest; // another IMG_0001.jpg (other bytes, same capture time as a's)
let ann: CliUser;
interface PhotoJson { id: string; name: string; capturedAt: string; size: number }
let photos: PhotoJson[];

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');
const media = (m: PhotoFolderManifest) => m.files.filter((f) => f.kind !== 'other');
const localDay = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const byName = (name: string) => media(a).find((f) => f.relativePath.endsWith(name))!;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-cli-names-dl-'));
  server = await startServerProcess();
  a = await writePhotoFolder(join(work, 'a'), { photos: 4, videos: 0 });
  b = await writePhotoFolder(join(work, 'b'), { photos: 1, videos: 0, size: { width: 200, height: 160 } });
  ann = await cliUser('Ann', String(process.pid));
  assert.equal((await ann.run(['signup', '--server', server.url, '--email', ann.email, '--name', 'Ann'])).code, 0);
  assert.equal((await ann.run(['backup', a.dir])).code, 0);
  assert.equal((await ann.run(['upload', media(b)[0]!.path])).code, 0);
  photos = (await ann.json<{ photos: PhotoJson[] }>('photos', '--json')).photos;
  assert.equal(photos.length, 5);
});

after(async () => {
  await server?.stop();
  await removeDir(work);
  if (server) await removeDir(server.dataDir);
  if (ann) await removeDir(join(ann.home, '..'));
});

test('album add by file name and by local path; an ambiguous name lists the candidates (exit 2); nothing matched (exit 1)', async () => {
  await ann.ok('album', 'create', 'Kyoto 2026');
  // IMG_0001.jpg is in the library twice (two cameras): ambiguous, every candidate named
  const twins = photos.filter((p) => p.name === 'IMG_0001.jpg');
  assert.equal(twins.length, 2);
  const amb = await ann.run(['album', 'add', 'Kyoto 2026', 'IMG_0001.jpg']);
  assert.equal(amb.code, 2, amb.stderr);
  assert.match(amb.stderr, /^obscura: "IMG_0001\.jpg" is ambiguous: 2 photos have that name: /);
  for (const t of twins) assert.ok(amb.stderr.includes(t.id.slice(0, 6)), `candidate ${t.id} listed by id prefix`);
  assert.match(amb.stderr, /captured \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);

  // by unique name, by a local path (the other camera's IMG_0001.jpg: matched by content), case-insensitive
  const added = await ann.ok('album', 'add', 'Kyoto 2026', 'IMG_0003.jpg', media(b)[0]!.path, 'img_0004.JPG');
  assert.equal(added, 'added 3 photos to "Kyoto 2026"\n');
  const shown = (await ann.json<{ photos: { id: string; name: string }[] }>('album', 'show', 'Kyoto 2026', '--json')).photos;
  const fromB = photos.find((p) => p.name === 'IMG_0001.jpg' && p.size === media(b)[0]!.size)!;
  assert.deepEqual(shown.map((p) => p.id).sort(), [photos.find((p) => p.name === 'IMG_0003.jpg')!.id, fromB.id, photos.find((p) => p.name === 'IMG_0004.jpg')!.id].sort());

  // a local file that is not backed up, a name nobody has
  const stray = join(work, 'stray.jpg');
  await writeFile(stray, 'not a backed-up photo');
  const notUp = await ann.run(['album', 'add', 'Kyoto 2026', stray]);
  assert.equal(notUp.code, 1);
  assert.match(notUp.stderr, /stray\.jpg: no photo in your library has the content of this file/);
  const none = await ann.run(['album', 'add', 'Kyoto 2026', 'IMG_9999.jpg']);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /^obscura: no photo named "IMG_9999\.jpg" in your library.*; `obscura photos` lists them\n$/);

  // album cover by name, within the album (there IMG_0001.jpg is unique)
  assert.equal((await ann.run(['album', 'cover', 'Kyoto 2026', 'IMG_0001.jpg'])).code, 0);
  // share-photo and link create take names too
  const link = await ann.run(['link', 'create', 'IMG_0002.jpg']);
  assert.equal(link.code, 0, link.stderr);
  const links = (await ann.json<{ links: { target: { kind: string; id: string } }[] }>('links', '--json')).links;
  assert.deepEqual(links.map((l) => l.target.id), [photos.find((p) => p.name === 'IMG_0002.jpg')!.id]);
});

test('--from/--to select by capture date (local days, inclusive)', async () => {
  const p1 = byName('IMG_0002.jpg');
  const p2 = byName('IMG_0003.jpg');
  await ann.ok('album', 'create', 'Days');
  assert.equal(await ann.ok('album', 'add', 'Days', '--from', localDay(p1.capturedAt!), '--to', localDay(p2.capturedAt!)), 'added 2 photos to "Days"\n');
  const names = (await ann.json<{ photos: { name: string }[] }>('album', 'show', 'Days', '--json')).photos.map((p) => p.name).sort();
  assert.deepEqual(names, ['IMG_0002.jpg', 'IMG_0003.jpg']);
  const bad = await ann.run(['download', '--from', '2021-13-01']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--from "2021-13-01" is not a date/);
});

test('album download: byte-identical; re-run all "already there", no "(1)"; a changed file → "(1)", or replaced with --overwrite', async () => {
  const out = join(work, 'kyoto');
  const first = await ann.run(['album', 'download', 'Kyoto 2026', '-o', out]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /downloaded 3, already there 0, failed 0/);
  const expected = new Map([['IMG_0003.jpg', byName('IMG_0003.jpg').sha256], ['IMG_0001.jpg', media(b)[0]!.sha256], ['IMG_0004.jpg', byName('IMG_0004.jpg').sha256]]);
  assert.deepEqual((await readdir(out)).sort(), [...expected.keys()].sort());
  for (const [n, h] of expected) assert.equal(await sha256(join(out, n)), h, `${n} byte-identical`);

  const again = await ann.run(['album', 'download', 'Kyoto 2026', '-o', out]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, '', 'nothing saved');
  assert.match(again.stderr, /downloaded 0, already there 3, failed 0/);
  assert.deepEqual((await readdir(out)).sort(), [...expected.keys()].sort(), 'no "(1)" copies');

  // a different file under a photo's name is kept; the photo goes to "name (1).jpg", once
  await writeFile(join(out, 'IMG_0003.jpg'), 'my own edit');
  const changed = await ann.run(['album', 'download', 'Kyoto 2026', '-o', out]);
  assert.equal(changed.code, 0, changed.stderr);
  assert.equal(changed.stdout.trim(), join(out, 'IMG_0003 (1).jpg'));
  assert.equal(await sha256(join(out, 'IMG_0003 (1).jpg')), expected.get('IMG_0003.jpg'));
  assert.equal(await readFile(join(out, 'IMG_0003.jpg'), 'utf8'), 'my own edit');
  const thrice = await ann.run(['album', 'download', 'Kyoto 2026', '-o', out, '--json']);
  assert.equal(thrice.code, 0, thrice.stderr);
  const doc = JSON.parse(thrice.stdout);
  assert.equal(doc.downloaded, 0);
  assert.equal(doc.alreadyThere, 3);
  assert.ok(!(await readdir(out)).some((n) => n.includes('(2)')));

  // --overwrite replaces a different file of the photo's name
  await writeFile(join(out, 'IMG_0004.jpg'), 'scribbled over');
  const dry = await ann.run(['album', 'download', 'Kyoto 2026', '-o', out, '--overwrite', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(dry.stdout, `would replace: ${join(out, 'IMG_0004.jpg')}\n`);
  assert.equal(await readFile(join(out, 'IMG_0004.jpg'), 'utf8'), 'scribbled over', 'dry run changes nothing');
  const over = await ann.run(['album', 'download', 'Kyoto 2026', '-o', out, '--overwrite']);
  assert.equal(over.code, 0, over.stderr);
  assert.equal(await sha256(join(out, 'IMG_0004.jpg')), expected.get('IMG_0004.jpg'));
  assert.ok(!(await readdir(out)).includes('IMG_0004 (1).jpg'));
});

test('download --all [--since]; an interrupted download (partial file left behind) completes on a re-run', async () => {
  const out = join(work, 'all');
  const tomorrow = localDay(Date.now() + 86_400_000);
  const none = await ann.run(['download', '--all', '--since', tomorrow, '-o', out, '--json']);
  assert.equal(none.code, 0, none.stderr);
  assert.equal(JSON.parse(none.stdout).photos.length, 0);
  const all = await ann.run(['download', '--all', '--since', localDay(Date.now()), '-o', out]);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stderr, /downloaded 5, already there 0, failed 0/);
  const names = (await readdir(out)).sort();
  assert.deepEqual(names, ['IMG_0001 (1).jpg', 'IMG_0001.jpg', 'IMG_0002.jpg', 'IMG_0003.jpg', 'IMG_0004.jpg'], 'two photos named IMG_0001.jpg: both kept');
  const want = new Set([...media(a), ...media(b)].map((f) => f.sha256));
  const got = async () => new Set(await Promise.all((await readdir(out)).map((n) => sha256(join(out, n)))));
  assert.deepEqual(await got(), want);

  // interrupted: one file never renamed into place (its partial left behind), another missing
  const partial = await readFile(join(out, 'IMG_0002.jpg'));
  await rm(join(out, 'IMG_0002.jpg'));
  await writeFile(join(out, 'IMG_0002.jpg.obscura-partial'), partial.subarray(0, 100));
  await rm(join(out, 'IMG_0004.jpg'));
  const rerun = await ann.run(['download', '--all', '-o', out]);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.match(rerun.stderr, /downloaded 2, already there 3, failed 0/);
  assert.deepEqual((await readdir(out)).sort(), names, 'no partial file left, no "(1)" copies');
  assert.deepEqual(await got(), want);

  // by name, by local path, by prefix: the same resolver
  const one = join(work, 'one');
  const p3 = photos.find((p) => p.name === 'IMG_0003.jpg')!;
  const r = await ann.run(['download', byName('IMG_0002.jpg').path, p3.id.slice(0, 8), '-o', one]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((await readdir(one)).sort(), ['IMG_0002.jpg', 'IMG_0003.jpg']);
});
