// Public links and single-photo shares through the `obscura` CLI (subprocesses), against the
// real server run in THIS process so the test drives its clock port (expiry, back-off) and
// reads its log — never sleeping. Visitors open links with no account and no OBSCURA_HOME.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, loadConfig, ManualClock, MemoryLogger, type RunningServer } from '@obscura/server';
import { makeJpeg } from '../support/fixtures.ts';
import { removeDir } from '../support/server-process.ts';
import { cliUser, runCli, type CliResult, type CliUser } from '../../apps/cli/test/subprocess.ts';
import { allFiles, findNeedles } from '../support/scan.ts';

const LINK_PASSWORD = 'LINKPASS-correct-horse-7731';
const NEW_LINK_PASSWORD = 'LINKPASS-second-staple-4410';
const ALBUM = 'LINKALBUM-Picnic-9e2';
const DAY = 86_400_000;

let server: RunningServer;
let dataDir: string;
let work: string;
let visitorHome: string;
const clock = new ManualClock(Date.now());
const logger = new MemoryLogger();
let lena: CliUser, vic: CliUser, eda: CliUser;
const secrets: string[] = [];
const photos: Record<string, { path: string; sha256: string; id: string }> = {};
const urls: Record<string, string> = {};

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const secretOf = (url: string) => url.split('#')[1]!;
const linkIdOf = (url: string) => /\/s\/([0-9a-f-]{36})#/.exec(url)![1]!;
/** The local date (YYYY-MM-DD) `days` from now, as a person would type it. */
function localDate(days: number): string {
  const d = new Date(Date.now() + days * DAY);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A visitor: no account, an OBSCURA_HOME that does not exist (and must not be created). */
const visit = (args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> =>
  runCli(['open', ...args], { OBSCURA_HOME: visitorHome, OBSCURA_PASSWORD: undefined, OBSCURA_LINK_PASSWORD: undefined, OBSCURA_INSECURE_FAST_KDF: undefined, ...env });

async function createLink(args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await lena.run(['link', 'create', ...args], env);
  assert.equal(r.code, 0, r.stderr);
  const url = r.stdout.trim();
  assert.match(url, new RegExp(`^${server.url}/s/[0-9a-f-]{36}#[A-Za-z0-9_-]{43}$`));
  assert.equal(r.stdout, `${url}\n`, 'only the URL on stdout');
  secrets.push(secretOf(url));
  return url;
}

/** Writes test photos; `upload` (default: obscura upload) sends them in one run and records their ids. */
async function addPhotos(list: [key: string, seed: number][], upload = (paths: string[]) => lena.ok('upload', ...paths)): Promise<void> {
  const paths: string[] = [];
  for (const [key, seed] of list) {
    const path = join(work, `${key}.jpg`);
    const bytes = await makeJpeg({ width: 80, height: 60, capturedAt: new Date(Date.UTC(2025, 4, seed, 8)), make: 'Obscura', model: 'CliLinks', seed });
    await writeFile(path, bytes);
    photos[key] = { path, sha256: sha256(bytes), id: '' };
    paths.push(path);
  }
  const out = await upload(paths);
  for (const [key] of list) {
    const id = new RegExp(`^([0-9a-f-]{36}) {2}${photos[key]!.path}$`, 'm').exec(out)?.[1];
    assert.ok(id, out);
    photos[key] = { ...photos[key]!, id };
  }
}

async function savedFiles(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of await readdir(dir).catch(() => [] as string[])) out.set(name, sha256(await readFile(join(dir, name))));
  return out;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-cli-links-'));
  dataDir = await mkdtemp(join(tmpdir(), 'obscura-cli-links-data-'));
  visitorHome = join(work, 'visitor-home-never-created');
  server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }), { clock, logger });
  const tag = String(process.pid);
  [lena, vic, eda] = await Promise.all([cliUser('Lena', tag), cliUser('Vic', tag), cliUser('Eda', tag)]);
  const signups = await Promise.all([lena, vic, eda].map((u) => u.run(['signup', '--server', server.url, '--email', u.email, '--name', u.name])));
  for (const r of signups) assert.equal(r.code, 0, r.stderr);
  await addPhotos([['lake', 1], ['throttled', 2], ['expiring', 3], ['album-1', 4], ['single', 6]]);
});

after(async () => {
  await server?.close();
  await removeDir(work);
  if (dataDir) await removeDir(dataDir);
  for (const u of [lena, vic, eda]) if (u) await removeDir(join(u.home, '..'));
});

test('a photo link with a password and an expiry opens, without an account, and saves the original byte-identical', async () => {
  const p = photos.lake!;
  const url = await createLink([p.id.slice(0, 8), '--password', '--expires', localDate(7)], { OBSCURA_LINK_PASSWORD: LINK_PASSWORD });
  urls.lake = url;
  const out = join(work, 'visitor-lake');
  const r = await visit([url, '--password', LINK_PASSWORD, '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^link: +one photo$/m);
  assert.match(r.stdout, new RegExp(`^expires: +${localDate(7)}T23:59:59$`, 'm'));
  assert.match(r.stdout, /^downloads: +on$/m);
  assert.match(r.stdout, /^2025-05-01T\d\d:00:00 +lake\.jpg +\S+ \S+ +Lena$/m, 'captured, name, size, uploader');
  assert.deepEqual([...(await savedFiles(out)).entries()], [['lake.jpg', p.sha256]]);
  assert.match(r.stdout, new RegExp(`^${join(out, 'lake.jpg')}$`, 'm'));

  // the password from the environment; a wrong one; none at all (no terminal to ask); the URL
  // without its "#KEY" (as an unquoted shell would leave it)
  const [viaEnv, wrong, none, cut] = await Promise.all([
    visit([url], { OBSCURA_LINK_PASSWORD: LINK_PASSWORD }),
    visit([url, '--password', 'not the password']),
    visit([url]),
    visit([url.split('#')[0]!]),
  ]);
  assert.equal(viaEnv.code, 0, viaEnv.stderr);
  assert.deepEqual([wrong.code, wrong.stderr], [1, 'obscura: wrong link or password\n']);
  assert.equal(none.code, 1);
  assert.equal(none.stderr, 'obscura: this link is protected by a password; give it with --password or OBSCURA_LINK_PASSWORD\n');
  assert.equal(cut.code, 2);
  assert.match(cut.stderr, /^obscura: the URL has no key after "#": copy the whole link, and put it in quotes/);
  await assert.rejects(stat(visitorHome), 'open created no OBSCURA_HOME');
});

test('more than 10 wrong passwords → "too many attempts" (429), even for the right one; after the back-off it works', async () => {
  const url = await createLink([photos.throttled!.id, '--password'], { OBSCURA_LINK_PASSWORD: LINK_PASSWORD });
  const results = await Promise.all(Array.from({ length: 11 }, (_, i) => visit([url, '--password', `guess ${i}`])));
  for (const r of results) {
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^obscura: (wrong link or password|too many attempts, try again in \d+ s)\n$/);
  }
  assert.ok(results.some((r) => /too many attempts/.test(r.stderr)), results.map((r) => r.stderr).join(''));
  const blocked = await visit([url, '--password', LINK_PASSWORD]);
  assert.equal(blocked.code, 1);
  assert.match(blocked.stderr, /^obscura: too many attempts, try again in \d+ s\n$/);
  clock.advance(2 * 3600_000);
  const ok = await visit([url, '--password', LINK_PASSWORD]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /throttled\.jpg/);
});

test('expiry: refused once past; --no-expiry revives the same URL; a new password keeps the URL; delete destroys it', async () => {
  const url = await createLink([photos.expiring!.id.slice(0, 6), '--expires', localDate(0)]);
  assert.equal((await visit([url])).code, 0);
  clock.advance(3 * DAY);
  const expired = await visit([url]);
  assert.equal(expired.code, 1);
  assert.match(expired.stderr, /^obscura: this link expired on .+\n$/);

  const linkId = linkIdOf(url);
  const revived = await lena.ok('link', 'set', linkId.slice(0, 8), '--no-expiry');
  assert.match(revived, /^link [0-9a-f-]{36} updated: password no; expires never; downloads on\n$/);
  assert.equal((await visit([url])).code, 0, 'the same URL opens again');

  const rekey = await lena.run(['link', 'set', linkId, '--password'], { OBSCURA_LINK_PASSWORD: NEW_LINK_PASSWORD });
  assert.equal(rekey.code, 0, rekey.stderr);
  assert.ok(rekey.stdout.includes(`the URL stays the same (${url})`), rekey.stdout);
  const [withoutPassword, withPassword] = await Promise.all([visit([url]), visit([url], { OBSCURA_LINK_PASSWORD: NEW_LINK_PASSWORD })]);
  assert.match(withoutPassword.stderr, /protected by a password/);
  assert.equal(withPassword.code, 0, withPassword.stderr);

  assert.equal(await lena.ok('link', 'delete', linkId.slice(0, 10)), `deleted link ${linkId}: its URL no longer opens anything\n`);
  const gone = await visit([url], { OBSCURA_LINK_PASSWORD: NEW_LINK_PASSWORD });
  assert.deepEqual([gone.code, gone.stderr], [1, 'obscura: this link no longer exists\n']);
});

test('an album link shows photos added later; with downloads off, -o refuses; turned on, -o saves them', async () => {
  const created = await lena.ok('album', 'create', ALBUM);
  await lena.ok('album', 'add', created.split(/\s+/)[0]!, photos['album-1']!.id);
  const url = await createLink([ALBUM, '--no-download']);
  urls.album = url;
  let r = await visit([url]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^link: +album "${ALBUM}" \\(1 photo\\)$`, 'm'));
  assert.match(r.stdout, /^downloads: +off \(previews only\)$/m);

  await addPhotos([['album-2', 5]], (paths) => lena.ok('album', 'upload', ALBUM, ...paths));
  const later = photos['album-2']!;
  r = await visit([url]);
  assert.match(r.stdout, /\(2 photos\)/);
  assert.match(r.stdout, /album-1\.jpg/);
  assert.match(r.stdout, /album-2\.jpg/);

  const out = join(work, 'visitor-album');
  const refused = await visit([url, '-o', out]);
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, 'obscura: downloads are turned off for this link; previews only\n');
  assert.deepEqual([...(await savedFiles(out)).keys()], [], 'nothing saved');

  await lena.ok('link', 'set', linkIdOf(url), '--download');
  const saved = await visit([url, '-o', out]);
  assert.equal(saved.code, 0, saved.stderr);
  assert.deepEqual(new Map([...(await savedFiles(out)).entries()].sort()), new Map([['album-1.jpg', photos['album-1']!.sha256], ['album-2.jpg', later.sha256]]));
});

test('links --json: the documented fields, password and access count; the table says the same', async () => {
  const { links } = await lena.json<{ links: Record<string, unknown>[] }>('links', '--json');
  for (const l of links) assert.deepEqual(Object.keys(l), ['id', 'url', 'target', 'createdAt', 'expiresAt', 'hasPassword', 'allowDownload', 'accessCount']);
  const lake = links.find((l) => l.url === urls.lake)!;
  assert.deepEqual(lake.target, { kind: 'photo', id: photos.lake!.id, name: 'lake.jpg' });
  assert.equal(lake.hasPassword, true);
  assert.ok(typeof lake.accessCount === 'number' && lake.accessCount >= 2, `accessCount ${lake.accessCount}`);
  assert.ok(typeof lake.expiresAt === 'string');
  const album = links.find((l) => l.url === urls.album)!;
  assert.deepEqual([(album.target as { kind: string }).kind, (album.target as { name: string }).name, album.hasPassword, album.allowDownload, album.expiresAt], ['album', ALBUM, false, true, null]);
  assert.equal(links.length, 3, 'the deleted link is gone');
  // the table fits 100 columns (no URL, days only); --wide adds the URL and full times
  const table = await lena.ok('links');
  assert.match(table, /^ID +TARGET +CREATED +EXPIRES +PASSWORD +DOWNLOADS +OPENED$/m);
  assert.ok(table.split('\n').every((line) => line.length <= 100), table);
  assert.ok(!table.includes('http'), table);
  const lakeRow = table.split('\n').find((line) => line.includes('photo "lake.jpg"'));
  assert.match(lakeRow ?? '', new RegExp(`^${(lake.id as string).slice(0, 8)}[0-9a-f-]* +photo "lake\\.jpg" +\\d{4}-\\d{2}-\\d{2} +\\d{4}-\\d{2}-\\d{2}( \\(expired\\))? +yes +(on|off) +\\d+$`), table);
  const wide = await lena.ok('links', '--wide');
  assert.match(wide, /^ID +TARGET +URL +CREATED +EXPIRES +PASSWORD +DOWNLOADS +OPENED$/m);
  assert.ok(wide.split('\n').some((line) => line.includes('photo "lake.jpg"') && line.includes(urls.lake!) && /\byes\b/.test(line) && /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(line)), wide);
  const ids = table.split('\n').slice(1).filter(Boolean).map((line) => line.split(' ')[0]!);
  assert.equal(new Set(ids.map((id) => id.length)).size, 1, 'one id length in the table');
});

test('obscura open URL | head -1: the first line, no stack trace; obscura exits 0 or 141 (closed pipe)', async () => {
  const cli = `"${process.execPath}" --import tsx "${new URL('../../apps/cli/src/main.ts', import.meta.url).pathname}"`;
  const r = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('bash', ['-c', `set -o pipefail; ${cli} open "$URL" | head -1; echo "status $?"`], {
      env: { ...process.env, URL: urls.album!, OBSCURA_HOME: visitorHome, OBSCURA_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.once('error', reject);
    child.once('close', () => resolve({ stdout, stderr }));
  });
  assert.match(r.stdout, /^link: {7}album "[^"]+" \(\d+ photos?\)\nstatus (0|141)\n$/, r.stdout);
  assert.equal(r.stderr, '');
});

test('share-photo: the invitee sees a "photo" invitation, accepts and downloads it byte-identical; its owner sets the caption, an editor cannot', async () => {
  const p = photos.single!;
  const shared = await lena.ok('share-photo', p.id.slice(0, 8), vic.email, '--role', 'viewer', '--message', 'look at this');
  const shareId = /^shared photo "single\.jpg" as ([0-9a-f-]{36})$/m.exec(shared)?.[1];
  assert.ok(shareId, shared);
  assert.match(shared, new RegExp(`^invited ${vic.email} to photo "single\\.jpg" as viewer {2}fingerprint: \\d{5}`, 'm'));
  await lena.ok('share', shareId!, eda.email, '--role', 'editor');

  const [invText, { invitations }] = await Promise.all([
    vic.ok('invitations'),
    eda.json<{ invitations: { id: string; kind: string; albumName: string; role: string }[] }>('invitations', '--json'),
  ]);
  assert.match(invText, /^INVITATION +KIND +NAME/m);
  assert.match(invText, /^\S+ +photo +single\.jpg +Lena <\S+> +viewer +look at this$/m);
  assert.deepEqual(invitations.map((i) => [i.kind, i.albumName, i.role]), [['photo', 'single.jpg', 'editor']]);
  const [accepted] = await Promise.all([vic.ok('accept', 'single.jpg'), eda.ok('accept', invitations[0]!.id.slice(0, 8))]);
  assert.match(accepted, new RegExp(`^accepted: photo "single\\.jpg" \\(${shareId}\\) is in your albums as viewer\n$`));

  const byEditor = await eda.run(['caption', 'single.jpg', 'mine now']);
  assert.equal(byEditor.code, 1);
  assert.match(byEditor.stderr, /editors cannot edit the caption of this photo; only its owner can/);
  assert.equal(await lena.ok('caption', shareId!.slice(0, 8), 'Sunset over the bay'), 'caption of photo "single.jpg" set to "Sunset over the bay"\n');
  const out = join(work, 'vic-downloads');
  const [withMe, byMe, show, , onAlbum] = await Promise.all([
    vic.json<{ albums: { id: string; kind: string; name: string; caption: string | null }[] }>('albums', '--shared-with-me', '--json'),
    lena.json<{ albums: { id: string; kind: string }[] }>('albums', '--shared', '--json'),
    vic.ok('album', 'show', shareId!.slice(0, 8)),
    vic.ok('download', p.id.slice(0, 8), '-o', out),
    lena.run(['caption', ALBUM, 'nope']), // a caption is for shared photos, not albums
  ]);
  assert.deepEqual(withMe.albums.map((a) => [a.id, a.kind, a.name, a.caption]), [[shareId, 'photo', 'single.jpg', 'Sunset over the bay']]);
  assert.ok(byMe.albums.some((a) => a.id === shareId && a.kind === 'photo'));
  assert.match(show, /^photo: +single\.jpg +\(/m);
  assert.match(show, /^caption: +Sunset over the bay$/m);
  assert.deepEqual([...(await savedFiles(out)).entries()], [['single.jpg', p.sha256]]);
  assert.equal(onAlbum.code, 1);
  assert.match(onAlbum.stderr, /is an album: captions are for photos shared with obscura share-photo/);
});

test('zero knowledge: URL secrets and link passwords are in no server log line and no file under DATA_DIR', async () => {
  const needles = [...secrets, LINK_PASSWORD, NEW_LINK_PASSWORD, ALBUM, 'Sunset over the bay'];
  assert.ok(secrets.length >= 4);
  assert.ok(logger.lines.some((l) => /\/api\/links\//.test(l)), 'link requests were logged');
  assert.ok((await allFiles(dataDir)).length > 0);
  assert.deepEqual(await findNeedles(dataDir, needles, { 'the server log': [...logger.lines, ...logger.errors].join('\n') }), []);
  await assert.rejects(stat(visitorHome), 'no visitor state was ever written');
});
