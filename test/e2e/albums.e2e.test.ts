// Albums and sharing through the SDK against a real server process: the seed's walkthrough
// (share, accept/decline, roles, revoke with key rotation, save-before-leave, stop sharing),
// plus zero knowledge and tampering for album data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Albums, ApiError, TimelineIndex, Session, UsageError } from '@obscura/sdk';
import { backup, downloadToDir, openFileSource, nodeThumbnailer } from '@obscura/sdk/node';
import { unwrapFileKeyForAlbum, openSealedAlbumKey, fromBase64, CryptoError, type AlbumEpochKey } from '@obscura/crypto';
import Database from 'better-sqlite3';
import { writePhotoFolder, makeJpeg, type PhotoFolderManifest } from '../support/fixtures.ts';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { findNeedles } from '../support/scan.ts';
import { fastOptions, newPerson } from '../support/sdk.ts';

type Person = Awaited<ReturnType<typeof newPerson>> & { albums: Albums };

let server: ServerProcess;
let work: string;
let folder: PhotoFolderManifest;
let owner: Person, editor: Person, viewer: Person, stranger: Person;
let albumId: string;
const ALBUM_NAME = 'ALBUMNAME-Kyoto-Trip-7f3a';
const MESSAGE = 'SECRETMSG-see-you-at-the-temple-91c2';

async function person(name: string): Promise<Person> {
  const p = await newPerson(server.url, name);
  return { ...p, albums: new Albums(p.library) };
}

async function jpegFile(name: string, seed: number): Promise<string> {
  const path = join(work, name);
  await writeFile(path, await makeJpeg({ width: 64, height: 48, capturedAt: new Date(Date.UTC(2024, 1, seed, 10)), make: 'Obscura', model: 'Test', seed }));
  return path;
}

async function upInto(p: Person, path: string) {
  const src = await openFileSource(path);
  try {
    return await p.albums.upload(albumId, src, { thumbnailer: nodeThumbnailer });
  } finally {
    await src.close();
  }
}

async function me(p: Person) {
  return (await p.session.me()).storage.usedBytes;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-albums-'));
  server = await startServerProcess();
  folder = await writePhotoFolder(join(work, 'photos'), { photos: 4, videos: 0, markers: true });
  owner = await person('Olivia');
  editor = await person('Eddie');
  viewer = await person('Vera');
  stranger = await person('Stan');
});

after(async () => {
  await server?.stop();
  await removeDir(work);
  await removeDir(server.dataDir);
});

test('the owner creates an album, adds photos from the library without re-upload, shares with a viewer and an editor', async () => {
  const report = await backup(owner.library, folder.dir);
  assert.equal(report.uploaded.length, 4);
  const usedBefore = await me(owner);
  const album = await owner.albums.create(ALBUM_NAME);
  albumId = album.albumId;
  assert.equal(await owner.albums.addPhotos(albumId, report.uploaded), 4);
  assert.equal(await me(owner), usedBefore, 'adding from the library stores no new bytes');
  await owner.albums.setCover(albumId, report.uploaded[0]!);

  const { members } = await owner.albums.share(albumId, [viewer.email], { role: 'viewer', message: MESSAGE });
  await owner.albums.share(albumId, [editor.email], { role: 'editor' });
  const vm = members.find((m) => m.email === viewer.email)!;
  assert.equal(vm.status, 'pending');
  assert.equal(vm.fingerprint, await viewer.session.fingerprint(), 'both sides see the same fingerprint');

  // unknown emails, when invitations to sign up are turned off: a clear error naming them, nothing shared
  await assert.rejects(owner.albums.share(albumId, ['nobody-here@example.org', stranger.email], { role: 'viewer', inviteWithoutAccount: false }),
    (e: unknown) => e instanceof ApiError && e.status === 404 && /nobody-here@example\.org/.test(e.message));
  assert.equal((await owner.albums.members(albumId)).some((m) => m.email === stranger.email), false);

  const shared = await owner.albums.sharedByMe();
  assert.deepEqual(shared.map((a) => a.name), [ALBUM_NAME]);
});

test('invitees see the album name, who shared it, the role and the message; they accept or decline', async () => {
  const [inv] = await viewer.albums.invitations();
  assert.equal(inv!.albumName, ALBUM_NAME);
  assert.equal(inv!.from.displayName, 'Olivia');
  assert.equal(inv!.role, 'viewer');
  assert.equal(inv!.message, MESSAGE);
  assert.equal((await viewer.albums.list()).length, 0, 'not in Albums before accepting');
  await viewer.albums.accept(inv!.invitationId);
  const withMe = await viewer.albums.sharedWithMe();
  assert.deepEqual(withMe.map((a) => [a.name, a.myRole]), [[ALBUM_NAME, 'viewer']]);

  const [einv] = await editor.albums.invitations();
  await editor.albums.accept(einv!.invitationId);
  await assert.rejects(editor.albums.accept(einv!.invitationId), (e: unknown) => e instanceof ApiError && e.status === 409);
});

test('viewers see and download; each photo shows its verified uploader', async () => {
  const { photos, refused } = await viewer.albums.photos(albumId);
  assert.equal(refused.length, 0);
  assert.equal(photos.length, 4);
  for (const p of photos) {
    assert.equal(p.uploader.displayName, 'Olivia');
    assert.equal(p.uploader.verified, true);
  }
  const chunks: Uint8Array[] = [];
  for await (const c of viewer.library.download(photos[0]!)) chunks.push(c);
  const f = folder.files.find((x) => x.relativePath.endsWith(photos[0]!.metadata.name))!;
  assert.equal(createHash('sha256').update(Buffer.concat(chunks)).digest('hex'), f.sha256);
  await assert.rejects(viewer.session.api.call('addAlbumItems', {
    params: { albumId }, body: { epoch: 1, items: [{ fileId: photos[0]!.fileId, wrappedKeyB64: 'AAAA' }] },
  }), (e: unknown) => e instanceof ApiError && e.status === 403);
});

test("editors add photos (charged to the owner), but cannot rename, change the cover or remove others' photos", async () => {
  const ownerBefore = await me(owner);
  const editorBefore = await me(editor);
  const r = await upInto(editor, await jpegFile('editor-1.jpg', 11));
  assert.equal(r.status, 'uploaded');
  assert.ok((await me(owner)) > ownerBefore, "the owner's storage grows");
  assert.equal(await me(editor), editorBefore, "the editor's storage does not");

  // Refused by the editor's own client (the name is owner-signed) and by the server (see albums.routes.test.ts).
  await assert.rejects(editor.albums.rename(albumId, 'mine now'), (e: unknown) => e instanceof UsageError && /editors cannot rename the album or change its cover/.test(e.message));
  const { photos } = await editor.albums.photos(albumId);
  const ownersPhoto = photos.find((p) => p.uploader.id === owner.session.user.id)!;
  await assert.rejects(editor.albums.setCover(albumId, ownersPhoto.fileId), (e: unknown) => e instanceof UsageError && /cover/.test(e.message));
  await assert.rejects(editor.albums.removePhotos(albumId, [ownersPhoto.fileId]), (e: unknown) => e instanceof ApiError && e.status === 403);
  const mine = photos.find((p) => p.uploader.id === editor.session.user.id)!;
  assert.equal(mine.uploader.displayName, 'Eddie');
  // an editor may remove what they added
  const r2 = await upInto(editor, await jpegFile('editor-2.jpg', 12));
  assert.equal(await editor.albums.removePhotos(albumId, [r2.status === 'skipped' ? '' : r2.fileId]), 1);
});

test('revoking the editor rotates the key: their saved keys cannot open photos added afterwards', async () => {
  // what a malicious editor keeps: every epoch key they could open
  const detail = await editor.session.api.call('getAlbum', { params: { albumId } });
  const savedKeys: AlbumEpochKey[] = [];
  for (const s of detail.myKeys) {
    savedKeys.push(await openSealedAlbumKey({
      recipient: { userId: editor.session.user.id, boxKeys: editor.session.bundle.boxKeys },
      senderPublicKey: owner.session.bundle.signingKeys.publicKey, senderId: s.sealedBy.id, sealed: fromBase64(s.sealedB64), expect: { albumId, epoch: s.epoch },
    }));
  }
  await owner.albums.revoke(albumId, editor.email);
  await assert.rejects(editor.session.api.call('listAlbumItems', { params: { albumId } }), (e: unknown) => e instanceof ApiError && (e.status === 403 || e.status === 404));

  const r = await upInto(owner, await jpegFile('after-revoke.jpg', 13));
  assert.equal(r.status, 'uploaded');
  // read the new item as the server stores it (the editor colluding with the server)
  const page = await owner.session.api.call('listAlbumItems', { params: { albumId } });
  const item = page.items.find((i) => i.fileId === (r as { fileId: string }).fileId)!;
  assert.ok(item.state === 'active' && item.epoch === 2);
  for (const k of savedKeys) {
    await assert.rejects(unwrapFileKeyForAlbum(k, fromBase64(item.wrappedKeyB64), { fileId: item.fileId }), CryptoError);
  }
  // those who remain still see everything, old and new
  const { photos } = await viewer.albums.photos(albumId);
  assert.ok(photos.some((p) => p.fileId === item.fileId));
});

test('the viewer saves photos others uploaded, then leaves for good', async () => {
  const toSave = await viewer.albums.photosToSave(albumId);
  assert.ok(toSave.length >= 5);
  const before = await me(viewer);
  const { saved } = await viewer.albums.leave(albumId, { savePhotos: true });
  assert.equal(saved, toSave.length);
  assert.ok((await me(viewer)) > before, 'saved photos count against my storage');
  assert.equal((await viewer.albums.sharedWithMe()).length, 0);
  await assert.rejects(viewer.session.api.call('listAlbumItems', { params: { albumId } }), ApiError);
  // saved photos are byte-identical in my library
  const index = new TimelineIndex(viewer.session.user.id);
  await index.sync(viewer.library);
  assert.equal(index.list().length, saved);
  const out = join(work, 'saved');
  for (const e of index.list()) {
    const { path } = await downloadToDir(viewer.library, e.fileId, out);
    const f = folder.files.find((x) => x.relativePath.endsWith(e.metadata!.name));
    if (f) assert.equal(createHash('sha256').update(await readFile(path)).digest('hex'), f.sha256);
  }
  // leaving rotated the key for those who remain (done by the owner's client when adding)
  const r = await upInto(owner, await jpegFile('after-leave.jpg', 14));
  assert.notEqual(r.status, 'skipped');
  const album = await owner.albums.get(albumId);
  assert.equal(album.rotationNeeded, false);
});

test('stop sharing removes everyone at once', async () => {
  const again = await person('Gina');
  await owner.albums.share(albumId, [again.email], { role: 'viewer' });
  const [inv] = await again.albums.invitations();
  await again.albums.accept(inv!.invitationId);
  await owner.albums.unshare(albumId);
  assert.equal((await owner.albums.members(albumId)).filter((m) => m.status === 'active' || m.status === 'pending').filter((m) => m.role !== 'owner').length, 0);
  assert.equal((await again.albums.list()).length, 0);
  assert.equal((await owner.albums.sharedByMe()).length, 0);
});

test('zero knowledge: album names and messages never reach the server when not opted in', async () => {
  const needles = [ALBUM_NAME, MESSAGE, ...folder.markers!.needles];
  assert.deepEqual(await findNeedles(server.dataDir, needles), []);
});

test('tampering: a swapped album key, an old epoch replayed, or a substituted member key is refused', async () => {
  const db = new Database(join(server.dataDir, 'obscura.db'));
  try {
    const items = db.prepare("select file_id, wrapped_key, epoch from album_items where album_id = ? and state = 'active' order by seq").all(albumId) as { file_id: string; wrapped_key: Buffer; epoch: number }[];
    const [a, b] = items;
    // 1. another photo's wrapped key swapped in
    db.prepare('update album_items set wrapped_key = ? where album_id = ? and file_id = ?').run(b!.wrapped_key, albumId, a!.file_id);
    let { refused } = await owner.albums.photos(albumId);
    assert.ok(refused.some((r) => r.fileId === a!.file_id));
    db.prepare('update album_items set wrapped_key = ? where album_id = ? and file_id = ?').run(a!.wrapped_key, albumId, a!.file_id);
    // 2. the newest photo presented under an old epoch
    const newest = items[items.length - 1]!;
    db.prepare('update album_items set epoch = 1 where album_id = ? and file_id = ?').run(albumId, newest.file_id);
    ({ refused } = await owner.albums.photos(albumId));
    assert.ok(refused.some((r) => r.fileId === newest.file_id), 'an old epoch key does not open a newer wrapping');
    db.prepare('update album_items set epoch = ? where album_id = ? and file_id = ?').run(newest.epoch, albumId, newest.file_id);
    // 3. the server substitutes a member's public key: sharing refuses loudly
    const target = await person('Tina');
    await owner.albums.share(albumId, [target.email], { role: 'viewer' });
    const evil = await Session.signup({ ...fastOptions(server.url), email: `evil-${process.pid}@example.org`, password: 'evil password 123', displayName: 'Evil' });
    const evilKeys = db.prepare('select x25519_public_key, ed25519_public_key from users where id = ?').get(evil.session.user.id) as { x25519_public_key: Buffer; ed25519_public_key: Buffer };
    db.prepare('update users set x25519_public_key = ?, ed25519_public_key = ? where id = ?').run(evilKeys.x25519_public_key, evilKeys.ed25519_public_key, target.session.user.id);
    const other = await owner.albums.create('second album');
    await assert.rejects(owner.albums.share(other.albumId, [target.email], { role: 'viewer' }), (e: unknown) => e instanceof Error && e.name === 'KeyChangedError');
  } finally {
    db.close();
  }
});
