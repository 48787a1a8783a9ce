// The seed's album-sharing walkthrough through the `obscura` CLI (subprocesses) with three
// people against a real server process: share with a viewer and an editor (message, opt-in
// email), accept / decline / re-invite, editor uploads charged to the owner, editor limits
// worded by the server, verified uploader names, revoke, leave with save, stop sharing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeJpeg, writePhotoFolder, type PhotoFolderManifest } from '../support/fixtures.ts';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { cliUser, type CliUser } from '../../apps/cli/test/subprocess.ts';

let server: ServerProcess;
let work: string;
let folder: PhotoFolderManifest;
let olivia: CliUser, eddie: CliUser, vera: CliUser;
let albumId: string;
const ALBUM = 'ALBUMNAME-Kyoto-Trip-5c1e';
const MESSAGE = 'SECRETMSG-see-you-at-the-temple-77ab';
const EDITOR_MESSAGE = 'EDITORMSG-bring-your-photos-3d9f';
const editorFiles: { path: string; sha256: string }[] = [];

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');
const used = async (u: CliUser) => (await u.json<{ storage: { usedBytes: number } }>('whoami', '--json')).storage.usedBytes;

async function outbox(): Promise<{ name: string; text: string }[]> {
  const dir = join(server.dataDir, 'outbox');
  const names = await readdir(dir).catch(() => [] as string[]);
  return Promise.all(names.filter((n) => n.endsWith('.eml')).map(async (name) => ({ name, text: decodeMail(await readFile(join(dir, name), 'utf8')) })));
}

/** Undoes quoted-printable soft line breaks and escapes, and RFC 2047 Q-encoded header words. */
function decodeMail(eml: string): string {
  const headerWords = eml.replace(/=\?UTF-8\?Q\?([^?]*)\?=\s*/gi, (_, w: string) => w.replace(/_/g, ' '));
  const bytes = headerWords.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-cli-walk-'));
  server = await startServerProcess();
  folder = await writePhotoFolder(join(work, 'photos'), { photos: 4, videos: 0 });
  for (let i = 0; i < 2; i++) {
    const path = join(work, 'editor', `EDDIE_${i + 1}.jpg`);
    const bytes = await makeJpeg({ width: 64, height: 48, capturedAt: new Date(Date.UTC(2024, 1, 10 + i, 10)), make: 'Obscura', model: 'Test', seed: 77 + i });
    await (await import('node:fs/promises')).mkdir(join(work, 'editor'), { recursive: true });
    await writeFile(path, bytes);
    editorFiles.push({ path, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  const tag = String(process.pid);
  [olivia, eddie, vera] = await Promise.all([cliUser('Olivia', tag), cliUser('Eddie', tag), cliUser('Vera', tag)]);
  const signups = await Promise.all([olivia, eddie, vera].map((u) => u.run(['signup', '--server', server.url, '--email', u.email, '--name', u.name])));
  for (const r of signups) assert.equal(r.code, 0, r.stderr);
});

after(async () => {
  await server?.stop();
  await removeDir(work);
  if (server) await removeDir(server.dataDir);
  for (const u of [olivia, eddie, vera]) if (u) await removeDir(join(u.home, '..'));
});

test('the owner backs up, creates an album, adds photos and a cover, and shares (viewer without, editor with the name in the email)', async () => {
  await olivia.ok('backup', folder.dir);
  const created = await olivia.ok('album', 'create', ALBUM);
  albumId = created.split(/\s+/)[0]!;
  assert.match(albumId, /^[0-9a-f-]{36}$/);
  const photos = (await olivia.json<{ photos: { id: string }[] }>('photos', '--json')).photos;
  const before = await used(olivia);
  assert.equal(await olivia.ok('album', 'add', ALBUM, ...photos.map((p) => p.id.slice(0, 8))), `added 4 photos to "${ALBUM}"\n`);
  assert.equal(await used(olivia), before, 'adding from the library stores nothing new');
  await olivia.ok('album', 'cover', albumId.slice(0, 6), photos[0]!.id.slice(0, 8));

  const shared = await olivia.ok('share', ALBUM, vera.email, '--role', 'viewer', '--message', MESSAGE);
  const veraFp = (await vera.ok('fingerprint')).trim().split(/\s{2}/)[1]!;
  assert.equal(shared, `invited ${vera.email} to "${ALBUM}" as viewer  fingerprint: ${veraFp}\n`, 'the invitee fingerprint, as they see it themselves');
  assert.match(await olivia.ok('share', albumId, eddie.email, '--role', 'editor', '--include-name', '--message', EDITOR_MESSAGE), /as editor {2}fingerprint: \d{5}/);

  const mails = await outbox();
  const toVera = mails.filter((m) => m.text.includes(vera.email));
  const toEddie = mails.filter((m) => m.text.includes(eddie.email));
  assert.equal(toVera.length, 1);
  assert.equal(toEddie.length, 1);
  assert.ok(!toVera[0]!.text.includes(ALBUM) && !toVera[0]!.text.includes(MESSAGE), 'without --include-name the email has neither the album name nor the message');
  assert.ok(toEddie[0]!.text.includes(ALBUM) && toEddie[0]!.text.includes(EDITOR_MESSAGE), 'with --include-name it has both');

  const members = (await olivia.json<{ members: { email: string; role: string; status: string; fingerprint: string }[] }>('members', ALBUM, '--json')).members;
  assert.deepEqual(members.map((m) => [m.email, m.role, m.status]).sort(), [[eddie.email, 'editor', 'pending'], [olivia.email, 'owner', 'active'], [vera.email, 'viewer', 'pending']].sort());
  assert.equal(members.find((m) => m.email === vera.email)!.fingerprint, veraFp);
  assert.equal((await olivia.ok('fingerprint', vera.email)).trim(), `${vera.email}  ${veraFp}`);
});

test('invitees see the invitation; one accepts, one declines and accepts when invited again', async () => {
  const { invitations } = await vera.json<{ invitations: { id: string; albumName: string; role: string; from: { email: string; name: string }; message: string }[] }>('invitations', '--json');
  assert.equal(invitations.length, 1);
  assert.deepEqual([invitations[0]!.albumName, invitations[0]!.role, invitations[0]!.from.name, invitations[0]!.from.email, invitations[0]!.message],
    [ALBUM, 'viewer', 'Olivia', olivia.email, MESSAGE]);
  assert.deepEqual((await vera.json('albums', '--json')).albums, [], 'not in Albums before accepting');
  const pending = await vera.json<{ albums: unknown[]; invitations: { albumName: string }[] }>('albums', '--shared-with-me', '--json');
  assert.deepEqual(pending.invitations.map((i) => i.albumName), [ALBUM], 'Shared with me lists pending invitations');
  assert.match(await vera.ok('accept', ALBUM), /^accepted: .* as viewer\n$/);

  const eInv = (await eddie.json<{ invitations: { id: string }[] }>('invitations', '--json')).invitations[0]!;
  assert.match(await eddie.ok('decline', eInv.id.slice(0, 8)), /^declined the invitation to "ALBUMNAME/);
  assert.deepEqual((await eddie.json('invitations', '--json')).invitations, []);
  await olivia.ok('share', ALBUM, eddie.email, '--role', 'editor');
  const again = (await eddie.json<{ invitations: { id: string }[] }>('invitations', '--json')).invitations[0]!;
  await eddie.ok('accept', again.id);

  const withMe = await vera.json<{ albums: { id: string; name: string; role: string }[]; invitations: unknown[] }>('albums', '--shared-with-me', '--json');
  assert.deepEqual(withMe.albums.map((a) => [a.id, a.name, a.role]), [[albumId, ALBUM, 'viewer']]);
  assert.deepEqual(withMe.invitations, []);
  const shared = await olivia.json<{ albums: { name: string; shared: boolean; memberCount: number }[] }>('albums', '--shared', '--json');
  assert.deepEqual(shared.albums.map((a) => [a.name, a.shared]), [[ALBUM, true]]);
});

test("the editor uploads into the album (charged to the owner) but cannot rename, change the cover or remove others' photos", async () => {
  const [ownerBefore, editorBefore] = await Promise.all([used(olivia), used(eddie)]);
  const up = await eddie.run(['album', 'upload', ALBUM, join(work, 'editor')]);
  assert.equal(up.code, 0, up.stderr);
  assert.equal(up.stdout.trimEnd().split('\n').length, 2);
  assert.match(up.stdout, /^[0-9a-f-]{36} {2}.*EDDIE_1\.jpg$/m);
  const [ownerAfter, editorAfter] = await Promise.all([used(olivia), used(eddie)]);
  assert.ok(ownerAfter > ownerBefore, "the owner's storage grows");
  assert.equal(editorAfter, editorBefore, "the editor's storage does not");

  const show = await eddie.json<{ photos: { id: string; name: string; uploader: { name: string } }[] }>('album', 'show', ALBUM, '--json');
  const ownersPhoto = show.photos.find((p) => p.uploader.name === 'Olivia')!;
  const rename = await eddie.run(['album', 'rename', ALBUM, 'mine now']);
  assert.equal(rename.code, 1);
  assert.equal(rename.stderr, 'obscura: editors cannot rename the album or change its cover\n');
  const cover = await eddie.run(['album', 'cover', ALBUM, ownersPhoto.id]);
  assert.equal(cover.code, 1);
  assert.equal(cover.stderr, 'obscura: editors cannot rename the album or change its cover\n');
  const remove = await eddie.run(['album', 'remove', ALBUM, ownersPhoto.id.slice(0, 8)]);
  assert.equal(remove.code, 1);
  assert.match(remove.stderr, /^obscura: editors can remove only photos they added.*nothing was removed\n$/);
  // but they may remove their own
  const own = show.photos.find((p) => p.name === 'EDDIE_2.jpg')!;
  assert.equal(await eddie.ok('album', 'remove', ALBUM, own.id), `removed 1 photo from "${ALBUM}"\n`);
});

test('album show lists every photo with its verified uploader name; the owner revokes the editor', async () => {
  const text = await vera.ok('album', 'show', ALBUM);
  assert.match(text, new RegExp(`^album: +${ALBUM} +\\(${albumId}\\)$`, 'm'));
  assert.match(text, /^my role: +viewer$/m);
  assert.match(text, /^photos: +5 +members: +2$/m);
  const rows = text.split('\n').filter((l) => /^[0-9a-f]{8}/.test(l));
  assert.equal(rows.length, 5);
  // The uploader's name comes with the email pinned for the key that signed the photo.
  assert.ok(rows.every((r) => new RegExp(`\\s(Olivia <${olivia.email}>|Eddie <${eddie.email}>)\\s+verified$`).test(r)), text);
  assert.equal(rows.filter((r) => r.includes(`Eddie <${eddie.email}>`)).length, 1);
  const json = await vera.json<{ name: string; role: string; photoCount: number; photos: { uploader: { name: string }; verified: boolean }[] }>('album', 'show', albumId.slice(0, 8), '--json');
  assert.deepEqual([json.name, json.role, json.photoCount, json.photos.length], [ALBUM, 'viewer', 5, 5]);
  assert.ok(json.photos.every((p) => p.verified));

  assert.equal(await olivia.ok('revoke', ALBUM, eddie.email), `${eddie.email} no longer has access to "${ALBUM}"\n`);
  const byId = await eddie.run(['album', 'show', albumId]);
  assert.equal(byId.code, 1);
  assert.match(byId.stderr, /^obscura: album \S+ not found\n$/);
  const byName = await eddie.run(['album', 'upload', ALBUM, editorFiles[1]!.path]);
  assert.equal(byName.code, 1);
  assert.equal(byName.stderr, `obscura: no album matches "${ALBUM}"; see obscura albums\n`);
  assert.deepEqual((await eddie.json('albums', '--json')).albums, []);
});

test('the viewer leaves, saving the photos others uploaded (byte-identical), and the album is gone from their Albums', async () => {
  const noFlag = await vera.run(['leave', ALBUM]);
  assert.equal(noFlag.code, 2, 'no terminal: one of the flags is required');
  assert.match(noFlag.stderr, /--save-photos .* --no-save/);
  const before = await used(vera);
  const left = await vera.ok('leave', ALBUM, '--save-photos');
  assert.equal(left, `left "${ALBUM}"; saved 5 photos to your library\n`);
  assert.ok((await used(vera)) > before, 'saved photos count against my storage');
  assert.deepEqual((await vera.json('albums', '--json')).albums, []);
  assert.deepEqual((await vera.json('albums', '--shared-with-me', '--json')).albums, []);
  const { photos } = await vera.json<{ photos: { id: string; name: string; uploader: { name: string }; verified: boolean }[] }>('photos', '--json');
  assert.equal(photos.length, 5);
  assert.ok(photos.every((p) => p.verified));
  assert.deepEqual(photos.map((p) => p.uploader.name).sort(), ['Eddie', 'Olivia', 'Olivia', 'Olivia', 'Olivia']);
  const out = join(work, 'vera-saved');
  const paths = (await vera.ok('download', ...photos.map((p) => p.id), '-o', out)).trimEnd().split('\n');
  assert.equal(paths.length, 5);
  for (const p of paths) {
    const name = p.split('/').pop()!;
    const expected = folder.files.find((f) => f.relativePath.endsWith(name))?.sha256 ?? editorFiles.find((f) => f.path.endsWith(name))?.sha256;
    assert.equal(await sha256(p), expected, `${name} is byte-identical`);
  }
  const gone = await vera.run(['album', 'show', albumId]);
  assert.equal(gone.code, 1);
});

test('stop sharing removes everyone at once', async () => {
  await olivia.ok('share', ALBUM, eddie.email, vera.email, '--role', 'viewer');
  await eddie.ok('accept', ALBUM);
  await vera.ok('accept', ALBUM);
  const live = (m: { status: string }) => m.status === 'active' || m.status === 'pending';
  assert.equal((await olivia.json<{ members: { status: string }[] }>('members', ALBUM, '--json')).members.filter(live).length, 3);
  assert.equal(await olivia.ok('unshare', ALBUM, '--yes'), `stopped sharing "${ALBUM}": everyone was removed (2 people and 0 links)\n`);
  const members = (await olivia.json<{ members: { email: string; status: string }[] }>('members', ALBUM, '--json')).members;
  assert.deepEqual(members.filter(live).map((m) => m.email), [olivia.email]);
  assert.deepEqual((await eddie.json('albums', '--json')).albums, []);
  assert.deepEqual((await vera.json('albums', '--shared-with-me', '--json')).albums, []);
  assert.deepEqual((await olivia.json('albums', '--shared', '--json')).albums, []);
  assert.deepEqual((await olivia.json<{ albums: { name: string }[] }>('albums', '--json')).albums.map((a) => a.name), [ALBUM], 'the album itself stays');
});
