// A public link to one photo of an album, through the SDK against a real server process: a photo
// uploaded straight into the album (never in its owner's library) gets a link through a one-photo
// share the SDK makes to hold it; a visitor opens it and downloads it byte-identical; a second
// link and a new password go through the same share; an editor may link only what they uploaded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Albums, ApiError, Links, openLink, type LinkView } from '@obscura/sdk';
import { nodeThumbnailer, openFileSource, uploadPath } from '@obscura/sdk/node';
import { makeJpeg } from '../support/fixtures.ts';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { FAST_KDF, newPerson } from '../support/sdk.ts';

type Person = Awaited<ReturnType<typeof newPerson>> & { albums: Albums; links: Links };

let server: ServerProcess;
let work: string;
let owner: Person, editor: Person, viewer: Person;
let albumId: string;

async function person(name: string): Promise<Person> {
  const p = await newPerson(server.url, name);
  const albums = new Albums(p.library);
  return { ...p, albums, links: new Links(p.library, albums, FAST_KDF) };
}

async function jpeg(name: string, seed: number): Promise<{ path: string; sha256: string }> {
  const path = join(work, name);
  const bytes = await makeJpeg({ width: 96, height: 64, capturedAt: new Date(Date.UTC(2025, 2, seed, 9)), make: 'Obscura', model: 'AlbumLink', seed });
  await writeFile(path, bytes);
  return { path, sha256: createHash('sha256').update(bytes).digest('hex') };
}

async function uploadInto(p: Person, path: string): Promise<string> {
  const src = await openFileSource(path);
  try {
    const r = await p.albums.upload(albumId, src, { thumbnailer: nodeThumbnailer });
    assert.equal(r.status, 'uploaded');
    return (r as { fileId: string }).fileId;
  } finally {
    await src.close();
  }
}

async function sha256Of(it: AsyncIterable<Uint8Array>): Promise<string> {
  const h = createHash('sha256');
  for await (const c of it) h.update(c);
  return h.digest('hex');
}

/** A visitor with nothing but the URL (and the password, when there is one). */
async function visit(link: LinkView, password?: string) {
  const opened = await openLink(link.url, password === undefined ? {} : { password });
  assert.equal(opened.kind, 'file');
  assert.equal(opened.photos.length, 1);
  assert.deepEqual(opened.refused, []);
  return { opened, photo: opened.photos[0]! };
}

const photoShares = async (p: Person) => (await p.albums.list()).filter((a) => a.kind === 'photo' && a.myRole === 'owner');

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-album-photo-link-'));
  server = await startServerProcess();
  owner = await person('Olivia');
  editor = await person('Eddie');
  viewer = await person('Vera');
  albumId = (await owner.albums.create('Hiking in the Alps')).albumId;
  await owner.albums.share(albumId, [editor.email], { role: 'editor' });
  await owner.albums.share(albumId, [viewer.email], { role: 'viewer' });
  for (const p of [editor, viewer]) {
    const [inv] = await p.albums.invitations();
    assert.ok(inv && !inv.problem, JSON.stringify(inv));
    await p.albums.accept(inv.invitationId);
  }
});

after(async () => {
  await server?.stop();
  if (server) await removeDir(server.dataDir);
  if (work) await removeDir(work);
});

test('a photo uploaded straight into an album: a link a visitor opens and downloads byte-identical', async () => {
  const pic = await jpeg('summit.jpg', 1);
  const fileId = await uploadInto(owner, pic.path);
  await assert.rejects(owner.library.open(fileId), 'the photo is not in the owner library');
  // Without the album the SDK opens the photo from the library, where it is not: refused.
  await assert.rejects(owner.links.create({ kind: 'file', fileId }));
  assert.deepEqual(await photoShares(owner), [], 'a failed attempt leaves nothing behind');

  const one = await owner.albums.photo(albumId, fileId);
  assert.equal(one.metadata.name, 'summit.jpg');
  assert.equal(one.uploader.id, owner.session.user.id);

  const link = await owner.links.create({ kind: 'file', fileId, albumId });
  assert.equal(link.target.kind, 'file');
  assert.equal(link.target.fileId, fileId);
  const shares = await photoShares(owner);
  assert.equal(shares.length, 1, 'one one-photo share holds the photo');
  assert.equal(link.target.albumId, shares[0]!.albumId, 'the link hangs on that share, not on the album');
  assert.equal(shares[0]!.name, 'summit.jpg');
  assert.equal(shares[0]!.memberCount, 0, 'nobody else is in it');
  assert.equal(shares[0]!.linkCount, 1);

  const { opened, photo } = await visit(link);
  assert.equal(photo.fileId, fileId);
  assert.equal(photo.metadata.name, 'summit.jpg');
  assert.equal(photo.uploader.displayName, 'Olivia');
  assert.equal(await sha256Of(opened.download(photo)), pic.sha256, 'the visitor downloads the original byte-identical');
  assert.ok((await opened.thumbnail(photo, 'large')).length > 0);

  // A second link, with a password, goes through the same share (no second share).
  const second = await owner.links.create({ kind: 'file', fileId, albumId }, { password: 'second-link-pw' });
  assert.equal(second.target.albumId, link.target.albumId);
  assert.equal((await photoShares(owner)).length, 1);
  // A new password re-keys the first link: the photo's key is opened through the share.
  const changed = await owner.links.update(link.linkId, { password: 'now-with-a-password' });
  assert.equal(changed.url, link.url);
  assert.ok(changed.hasPassword);
  const again = await visit(changed, 'now-with-a-password');
  assert.equal(await sha256Of(again.opened.download(again.photo)), pic.sha256);
  const viaSecond = await visit(second, 'second-link-pw');
  assert.equal(await sha256Of(viaSecond.opened.download(viaSecond.photo)), pic.sha256);

  // Removed from the album, the photo stays shared by its links (the share holds it)…
  assert.equal(await owner.albums.removePhotos(albumId, [fileId]), 1);
  await assert.rejects(owner.albums.photo(albumId, fileId), (e: unknown) => e instanceof ApiError && e.status === 404 && /not in this album/.test(e.message));
  assert.equal((await visit(changed, 'now-with-a-password')).photo.fileId, fileId);
  // …until the links are destroyed.
  await owner.links.delete(link.linkId);
  await owner.links.delete(second.linkId);
  await assert.rejects(openLink(second.url, { password: 'second-link-pw' }), (e: unknown) => e instanceof ApiError && e.status === 404);
});

test('a library photo added to an album: the link through the album needs no share', async () => {
  const pic = await jpeg('lake.jpg', 2);
  const r = await uploadPath(owner.library, pic.path);
  assert.equal(r.status, 'uploaded');
  const fileId = (r as { fileId: string }).fileId;
  await owner.albums.addPhotos(albumId, [fileId]);
  const before = (await photoShares(owner)).length;
  const link = await owner.links.create({ kind: 'file', fileId, albumId });
  assert.equal(link.target.albumId, undefined, 'a link to a library photo hangs on the library');
  assert.equal((await photoShares(owner)).length, before);
  const { opened, photo } = await visit(link);
  assert.equal(await sha256Of(opened.download(photo)), pic.sha256);
});

test('an editor links the photos they uploaded, not the owner\'s; a viewer links nothing', async () => {
  const mine = await jpeg('editor-ridge.jpg', 3);
  const editorFile = await uploadInto(editor, mine.path);
  const link = await editor.links.create({ kind: 'file', fileId: editorFile, albumId });
  assert.ok(link.target.albumId && link.target.albumId !== albumId);
  const { opened, photo } = await visit(link);
  assert.equal(photo.uploader.displayName, 'Eddie');
  assert.equal(await sha256Of(opened.download(photo)), mine.sha256);

  const theirs = await jpeg('owner-valley.jpg', 4);
  const ownerFile = await uploadInto(owner, theirs.path);
  const sharesBefore = (await photoShares(editor)).length;
  await assert.rejects(editor.links.create({ kind: 'file', fileId: ownerFile, albumId }),
    (e: unknown) => e instanceof ApiError && e.status === 403 && /only a photo's owner, or the owner of an album holding it/.test(e.message));
  assert.equal((await photoShares(editor)).length, sharesBefore, 'no empty share is left behind');
  await assert.rejects(viewer.links.create({ kind: 'file', fileId: ownerFile, albumId }),
    (e: unknown) => e instanceof ApiError && e.status === 403);
  assert.deepEqual(await photoShares(viewer), []);
});
