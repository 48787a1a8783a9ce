// Public links and single-photo shares end to end through the SDK, against the real server
// (in this process so the test can drive its clock port for expiry and back-off — never sleep).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Albums, ApiError, Links, openLink, UsageError } from '@obscura/sdk';
import { uploadPath } from '@obscura/sdk/node';
import { startServer, loadConfig, ManualClock, MemoryLogger, type RunningServer } from '@obscura/server';
import { makeJpeg } from '../support/fixtures.ts';
import { removeDir } from '../support/server-process.ts';
import { findNeedles } from '../support/scan.ts';
import { newPerson } from '../support/sdk.ts';

const FAST_KDF = { memoryKiB: 1024, iterations: 1, parallelism: 1 };
const LINK_PASSWORD = 'LINKPASS-correct-horse-5512';

let server: RunningServer;
let dataDir: string;
let work: string;
const clock = new ManualClock(Date.UTC(2026, 10, 26, 12, 0, 0));
const logger = new MemoryLogger();
let owner: Awaited<ReturnType<typeof newPerson>> & { albums: Albums; links: Links };
const files: { path: string; sha256: string; fileId: string }[] = [];
const secretsSeen: string[] = [];

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

async function photo(name: string, seed: number) {
  const path = join(work, name);
  const bytes = await makeJpeg({ width: 80, height: 60, capturedAt: new Date(Date.UTC(2025, 4, seed, 8)), make: 'Obscura', model: 'Links', seed });
  await writeFile(path, bytes);
  const r = await uploadPath(owner.library, path);
  assert.ok(r.status === 'uploaded' || r.status === 'duplicate');
  const entry = { path, sha256: createHash('sha256').update(bytes).digest('hex'), fileId: (r as { fileId: string }).fileId };
  files.push(entry);
  return entry;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-links-'));
  dataDir = await mkdtemp(join(tmpdir(), 'obscura-links-data-'));
  server = await startServer({ ...loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }) }, { clock, logger });
  const p = await newPerson(server.url, 'Lina');
  const albums = new Albums(p.library);
  owner = { ...p, albums, links: new Links(p.library, albums, FAST_KDF) };
});

after(async () => {
  await server?.close();
  await removeDir(work);
  await removeDir(dataDir);
});

test('a photo link with password and expiry: right password downloads byte-identical, wrong one is refused', async () => {
  const p = await photo('link-photo.jpg', 1);
  const link = await owner.links.create({ kind: 'file', fileId: p.fileId }, { password: LINK_PASSWORD, expiresAt: new Date(clock.now() + 7 * 86_400_000) });
  secretsSeen.push(link.url.split('#')[1]!);
  assert.match(link.url, new RegExp(`^${server.url}/s/${link.linkId}#[A-Za-z0-9_-]{43}$`));

  const opened = await openLink(link.url, { password: LINK_PASSWORD });
  assert.equal(opened.kind, 'file');
  assert.equal(opened.photos.length, 1);
  assert.equal(opened.photos[0]!.metadata.name, 'link-photo.jpg');
  assert.equal(createHash('sha256').update(await collect(opened.download(opened.photos[0]!))).digest('hex'), p.sha256);
  assert.ok((await opened.thumbnail(opened.photos[0]!, 'small')).length > 0);

  await assert.rejects(openLink(link.url, { password: 'wrong password' }), (e: unknown) => e instanceof ApiError && e.status === 403 && /wrong link or password/.test(e.message));
  await assert.rejects(openLink(link.url), UsageError);
  // the URL without its secret opens nothing
  await assert.rejects(openLink(link.url.split('#')[0]!), UsageError);

  const [listed] = (await owner.links.list()).filter((l) => l.linkId === link.linkId);
  assert.equal(listed!.url, link.url, 'the owner can copy the same URL again');
  assert.equal(listed!.hasPassword, true);
  assert.ok(listed!.accessCount >= 1);
});

test('wrong passwords are throttled; the right one works again after the back-off', async () => {
  const p = await photo('throttled.jpg', 2);
  const link = await owner.links.create({ kind: 'file', fileId: p.fileId }, { password: LINK_PASSWORD });
  secretsSeen.push(link.url.split('#')[1]!);
  const statuses: number[] = [];
  for (let i = 0; i < 15; i++) {
    try {
      await openLink(link.url, { password: `guess ${i}` });
    } catch (e) {
      assert.ok(e instanceof ApiError);
      statuses.push(e.status);
      if (e.status === 429) assert.match(e.message, /try again in \d+ s/);
    }
  }
  assert.ok(statuses.filter((s) => s === 403).length <= 10, `${statuses}`);
  assert.ok(statuses.includes(429));
  await assert.rejects(openLink(link.url, { password: LINK_PASSWORD }), (e: unknown) => e instanceof ApiError && e.status === 429);
  clock.advance(2 * 3600_000);
  const ok = await openLink(link.url, { password: LINK_PASSWORD });
  assert.equal(ok.photos.length, 1);
});

test('an expired link refuses everything; extending it revives the same URL; a destroyed one is gone', async () => {
  const p = await photo('expiring.jpg', 3);
  const link = await owner.links.create({ kind: 'file', fileId: p.fileId }, { expiresAt: new Date(clock.now() + 86_400_000) });
  secretsSeen.push(link.url.split('#')[1]!);
  assert.equal((await openLink(link.url)).photos.length, 1);
  clock.advance(2 * 86_400_000);
  await assert.rejects(openLink(link.url), (e: unknown) => e instanceof ApiError && e.status === 410 && /expired/.test(e.message));
  await owner.links.update(link.linkId, { expiresAt: null });
  assert.equal((await openLink(link.url)).photos.length, 1);
  // adding a password keeps the URL; the old key no longer opens it
  const rekeyed = await owner.links.update(link.linkId, { password: LINK_PASSWORD });
  assert.equal(rekeyed.url, link.url);
  await assert.rejects(openLink(link.url), UsageError);
  assert.equal((await openLink(link.url, { password: LINK_PASSWORD })).photos.length, 1);
  await owner.links.delete(link.linkId);
  await assert.rejects(openLink(link.url, { password: LINK_PASSWORD }), (e: unknown) => e instanceof ApiError && e.status === 404 && /no longer exists/.test(e.message));
});

test('an album link follows the album (photos added later, after a rotation, removed ones vanish); no-download serves previews only', async () => {
  const album = await owner.albums.create('LINKALBUM-Picnic-3b1');
  const a = await photo('album-1.jpg', 4);
  await owner.albums.addPhotos(album.albumId, [a.fileId]);
  const link = await owner.links.create({ kind: 'album', albumId: album.albumId }, { allowDownload: false });
  secretsSeen.push(link.url.split('#')[1]!);
  let opened = await openLink(link.url);
  assert.equal(opened.albumName, 'LINKALBUM-Picnic-3b1');
  assert.deepEqual(opened.photos.map((x) => x.fileId), [a.fileId]);
  await assert.rejects(collect(opened.download(opened.photos[0]!)), (e: unknown) => e instanceof ApiError && e.status === 403);
  assert.ok((await opened.thumbnail(opened.photos[0]!, 'large')).length > 0);

  // a member is removed: the key rotates and the link receives the new epoch key with it
  const friend = await newPerson(server.url, 'Fred');
  await owner.albums.share(album.albumId, [friend.email], { role: 'viewer' });
  await owner.albums.revoke(album.albumId, friend.email);
  const b = await photo('album-2.jpg', 5);
  await owner.albums.addPhotos(album.albumId, [b.fileId]);
  opened = await openLink(link.url);
  assert.deepEqual(new Set(opened.photos.map((x) => x.fileId)), new Set([a.fileId, b.fileId]));
  assert.equal(opened.refused.length, 0);
  await owner.albums.removePhotos(album.albumId, [a.fileId]);
  opened = await openLink(link.url);
  assert.deepEqual(opened.photos.map((x) => x.fileId), [b.fileId]);
  const [listed] = (await owner.albums.list()).filter((x) => x.albumId === album.albumId);
  assert.equal(listed!.linkCount, 1);
  // stop sharing destroys the album's links too
  await owner.albums.unshare(album.albumId);
  await assert.rejects(openLink(link.url), (e: unknown) => e instanceof ApiError && e.status === 404);
});

test('a single photo shared with people: invitation, caption by its owner (not an editor), Shared with me, revoke', async () => {
  const p = await photo('shared-single.jpg', 6);
  const viewer = await newPerson(server.url, 'Vic');
  const editor = await newPerson(server.url, 'Eda');
  const va = new Albums(viewer.library);
  const ea = new Albums(editor.library);
  const { albumId } = await owner.albums.sharePhoto(p.fileId, [viewer.email], { role: 'viewer', message: 'look!' });
  await owner.albums.share(albumId, [editor.email], { role: 'editor' });
  const [inv] = await va.invitations();
  assert.equal(inv!.kind, 'photo');
  assert.equal(inv!.albumName, 'shared-single.jpg');
  assert.equal(inv!.message, 'look!');
  await va.accept(inv!.invitationId);
  await ea.accept((await ea.invitations())[0]!.invitationId);
  await assert.rejects(ea.setCaption(albumId, 'mine now'), (e: unknown) => e instanceof UsageError && /editors cannot edit the caption of this photo; only its owner can/.test(e.message));
  await owner.albums.setCaption(albumId, 'Sunset over the bay');
  const [seen] = await va.sharedWithMe();
  assert.equal(seen!.kind, 'photo');
  assert.equal(seen!.caption, 'Sunset over the bay');
  const { photos } = await va.photos(albumId);
  assert.equal(createHash('sha256').update(await collect(viewer.library.download(photos[0]!))).digest('hex'), p.sha256);
  // one photo only; editors cannot remove it or share it further
  const other = await photo('other.jpg', 7);
  await assert.rejects(owner.albums.addPhotos(albumId, [other.fileId]), (e: unknown) => e instanceof ApiError && e.status === 409);
  await assert.rejects(ea.removePhotos(albumId, [p.fileId]), (e: unknown) => e instanceof ApiError && e.status === 403);
  await owner.albums.revoke(albumId, viewer.email);
  assert.equal((await va.sharedWithMe()).length, 0);
  assert.ok((await owner.albums.sharedByMe()).some((x) => x.albumId === albumId && x.kind === 'photo'));
});

test('zero knowledge: link secrets, the link password and the proof never reach the database, blobs or log', async () => {
  const needles = [...secretsSeen, LINK_PASSWORD, 'LINKALBUM-Picnic-3b1'];
  const log = [...logger.lines, ...logger.errors].join('\n');
  assert.ok(logger.lines.some((l) => /\/api\/links\//.test(l)), 'link requests were logged');
  assert.ok(!/Link [A-Za-z0-9_-]{20,}/.test(log), 'no access proof in the log');
  assert.deepEqual(await findNeedles(dataDir, needles, { 'the server log': log }), []);
});
