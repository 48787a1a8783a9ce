// The first slice end to end through the SDK against a real server process: sign up, back
// up a folder, timeline, byte-identical downloads, incremental and resumed backups,
// isolation between accounts, zero knowledge on disk and in logs, tamper refusal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, IntegrityError, Library, Session, TimelineIndex } from '@obscura/sdk';
import { backup, downloadToDir } from '@obscura/sdk/node';
import { writePhotoFolder, box, makeMoov, type PhotoFolderManifest } from '../support/fixtures.ts';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { allFiles, findNeedles } from '../support/scan.ts';
import { fastOptions, newPerson } from '../support/sdk.ts';
import Database from 'better-sqlite3';

let server: ServerProcess;
let work: string;
let folder: PhotoFolderManifest;
let alice: Awaited<ReturnType<typeof newPerson>>;
let bob: Awaited<ReturnType<typeof newPerson>>;
const bigVideo = { name: '', bytes: Buffer.alloc(0), capturedAt: Date.UTC(2020, 0, 2, 3, 4, 5) };

async function sha256File(path: string) {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-lib-'));
  server = await startServerProcess();
  folder = await writePhotoFolder(join(work, 'photos'), { photos: 20, videos: 1, markers: true });
  // a multi-block video (3 blocks) so that resuming an upload part-way is exercised
  const mdat = Buffer.alloc(9 * 1024 * 1024);
  for (let i = 0; i < mdat.length; i += 4096) mdat.writeUInt32BE((i * 2654435761) >>> 0, i);
  bigVideo.name = `BIG_${folder.markers!.fileName}.mp4`;
  bigVideo.bytes = Buffer.concat([box('ftyp', Buffer.from('isom\0\0\0\0isomavc1')), box('mdat', mdat), makeMoov({ creationTime: new Date(bigVideo.capturedAt), durationMs: 4000 })]);
  alice = await newPerson(server.url, 'Alice');
  bob = await newPerson(server.url, 'Bob');
});

after(async () => {
  await server?.stop();
  await removeDir(work);
  await removeDir(server.dataDir);
});

test('backup of a folder: timeline newest first by EXIF/container time, byte-identical downloads', async () => {
  const events: string[] = [];
  const report = await backup(alice.library, folder.dir, { cachePath: join(work, 'cache-a.json'), onEvent: (e) => { if (e.type !== 'progress') events.push(e.type); } });
  const media = folder.files.filter((f) => f.kind !== 'other');
  assert.equal(report.uploaded.length, media.length);
  assert.equal(report.failed.length, 0);
  assert.deepEqual(report.skipped.map((s) => s.path), ['notes.txt']);
  assert.match(report.skipped[0]!.reason, /not a photo or video/);

  const index = new TimelineIndex(alice.session.user.id);
  await index.sync(alice.library);
  const timeline = index.list();
  assert.equal(timeline.length, media.length);
  const expectedOrder = [...media].sort((a, b) => b.capturedAt! - a.capturedAt!).map((f) => f.relativePath.split('/').pop());
  assert.deepEqual(timeline.map((e) => e.metadata!.name), expectedOrder);
  for (const e of timeline) {
    const f = media.find((m) => m.relativePath.endsWith(e.metadata!.name))!;
    assert.equal(e.metadata!.capturedAt, f.capturedAt, `${f.relativePath} capture time`);
    if (f.kind === 'photo') {
      assert.equal(e.metadata!.cameraModel, f.cameraModel);
      assert.ok(Math.abs(e.metadata!.gps!.latitude - f.gps!.latitude) < 1e-5);
    }
    assert.equal(e.uploader.displayName, 'Alice');
  }

  const out = join(work, 'download-a');
  for (const e of timeline) {
    const { path } = await downloadToDir(alice.library, e.fileId, out);
    const f = media.find((m) => m.relativePath.endsWith(e.metadata!.name))!;
    assert.equal(await sha256File(path), f.sha256, `${f.relativePath} is byte-identical`);
  }
});

test('a second backup uploads nothing', async () => {
  const report = await backup(alice.library, folder.dir, { cachePath: join(work, 'cache-a.json') });
  assert.equal(report.uploaded.length, 0);
  assert.equal(report.resumed.length, 0);
  assert.equal(report.alreadyBackedUp, folder.files.filter((f) => f.kind !== 'other').length);
});

test('an interrupted backup resumes without duplicates', async () => {
  const dir = join(work, 'big');
  await (await import('node:fs/promises')).mkdir(dir);
  await writeFile(join(dir, bigVideo.name), bigVideo.bytes);
  // A client whose connection dies after the first block of the 3-block video.
  let blocks = 0;
  const flaky: typeof fetch = async (input, init) => {
    if (init?.method === 'PUT' && ++blocks > 1) throw new TypeError('fetch failed: connection reset');
    return fetch(input, init);
  };
  const state = alice.session.toState();
  const flakySession = await Session.restore(state, { fetch: flaky });
  await assert.rejects(backup(new Library(flakySession), dir), (e: unknown) => e instanceof ApiError && e.code === 'network');

  const index = new TimelineIndex(alice.session.user.id);
  await index.sync(alice.library);
  const before = index.list().length;

  const report = await backup(alice.library, dir);
  assert.equal(report.resumed.length, 1, 'the pending upload was resumed, not started again');
  assert.equal(report.uploaded.length, 0);
  await index.sync(alice.library);
  assert.equal(index.list().length, before + 1);
  const entry = index.list().find((e) => e.metadata?.name === bigVideo.name)!;
  assert.equal(entry.metadata!.capturedAt, bigVideo.capturedAt);
  const { path } = await downloadToDir(alice.library, entry.fileId, join(work, 'download-big'));
  assert.equal(await sha256File(path), createHash('sha256').update(bigVideo.bytes).digest('hex'));
  // a third run finds it complete
  const again = await backup(alice.library, dir);
  assert.equal(again.alreadyBackedUp, 1);
});

test("another account cannot list, download, trash or delete Alice's photos", async () => {
  const index = new TimelineIndex(alice.session.user.id);
  await index.sync(alice.library);
  const victim = index.list()[0]!.fileId;
  const bobIndex = new TimelineIndex(bob.session.user.id);
  await bobIndex.sync(bob.library);
  assert.equal(bobIndex.list().length, 0);
  for (const attempt of [
    () => bob.session.api.call('getFile', { params: { fileId: victim } }),
    () => bob.session.api.download('getBlock', { fileId: victim, index: 0 }),
    () => bob.session.api.download('getThumbnail', { fileId: victim, size: 'small' }),
    () => bob.session.api.call('uploadStatus', { params: { fileId: victim } }),
  ]) {
    await assert.rejects(attempt(), (e: unknown) => e instanceof ApiError && e.status === 404);
  }
  await assert.rejects(bob.library.trash([victim]), (e: unknown) => e instanceof ApiError && e.status === 404);
  await assert.rejects(bob.library.deleteForever([victim]), (e: unknown) => e instanceof ApiError && e.status === 404);
  // still there for Alice
  const photo = await alice.library.open(victim);
  assert.equal(photo.fileId, victim);
});

test('zero knowledge: no name, camera, place, capture time or password in the database, blobs or log', async () => {
  const needles = [...folder.markers!.needles, alice.password, bob.password, alice.recoveryKey];
  for (const f of folder.files) {
    if (f.capturedAt !== null) needles.push(new Date(f.capturedAt).toISOString(), String(f.capturedAt));
  }
  // sessions persisted by clients must not be on the server either
  needles.push(alice.session.toState().token);
  const files = await allFiles(server.dataDir);
  assert.ok(files.some((f) => f.endsWith('obscura.db')));
  assert.ok(files.some((f) => f.includes('/blobs/')));
  assert.ok(files.some((f) => f.endsWith('server.log')));
  assert.deepEqual(await findNeedles(server.dataDir, needles), []);
});

test('tampering by the server is refused with an error naming the photo', async () => {
  const index = new TimelineIndex(alice.session.user.id);
  await index.sync(alice.library);
  const [a, b] = index.list();
  const blockPath = join(server.dataDir, 'blobs', 'files', a!.fileId.slice(0, 2), a!.fileId, 'b0');
  const original = await readFile(blockPath);

  // 1. a flipped bit in a stored block
  const flipped = Buffer.from(original);
  flipped[flipped.length >> 1]! ^= 1;
  await writeFile(blockPath, flipped);
  await assert.rejects(downloadToDir(alice.library, a!.fileId, join(work, 'tampered')), (e: unknown) =>
    e instanceof IntegrityError && e.fileId === a!.fileId && /block 0/.test(e.message));
  assert.deepEqual((await readdir(join(work, 'tampered'))).length, 0, 'nothing is left of a refused photo');

  // 2. another photo's block swapped in
  const otherPath = join(server.dataDir, 'blobs', 'files', b!.fileId.slice(0, 2), b!.fileId, 'b0');
  await writeFile(blockPath, await readFile(otherPath));
  await assert.rejects(downloadToDir(alice.library, a!.fileId, join(work, 'tampered')), IntegrityError);
  await writeFile(blockPath, original);

  // 3. metadata swapped between two photos in the database
  const db = new Database(join(server.dataDir, 'obscura.db'));
  try {
    const get = db.prepare('select metadata from files where id = ?');
    const ma = (get.get(a!.fileId) as { metadata: Buffer }).metadata;
    const mb = (get.get(b!.fileId) as { metadata: Buffer }).metadata;
    db.prepare('update files set metadata = ? where id = ?').run(mb, a!.fileId);
    await assert.rejects(alice.library.open(a!.fileId), (e: unknown) => e instanceof IntegrityError && e.fileId === a!.fileId);
    const fresh = new TimelineIndex(alice.session.user.id);
    await fresh.sync(alice.library);
    assert.match(fresh.get(a!.fileId)!.problem ?? '', /refused/);
    db.prepare('update files set metadata = ? where id = ?').run(ma, a!.fileId);
  } finally {
    db.close();
  }
  const ok = await downloadToDir(alice.library, a!.fileId, join(work, 'restored'));
  assert.ok((await stat(ok.path)).size > 0);
});

test('password change and recovery keep the same keys and library', async () => {
  const carol = await newPerson(server.url, 'Carol');
  const r = await backup(carol.library, folder.dir);
  assert.ok(r.uploaded.length > 0);
  await carol.session.changePassword(carol.password, 'a brand new password');
  await assert.rejects(Session.login({ ...fastOptions(server.url), email: carol.email, password: carol.password }), ApiError);
  const again = await Session.login({ ...fastOptions(server.url), email: carol.email, password: 'a brand new password' });
  const recovered = await Session.recover({ ...fastOptions(server.url), email: carol.email, recoveryKey: carol.recoveryKey, newPassword: 'recovered password 1' });
  assert.equal(recovered.user.id, again.user.id);
  // the recovery ended every session, including the one opened above
  await assert.rejects(again.me(), (e: unknown) => e instanceof ApiError && e.status === 401);
  const index = new TimelineIndex(recovered.user.id);
  await index.sync(new Library(recovered));
  assert.equal(index.list().length, r.uploaded.length);
  assert.equal(index.list().filter((e) => e.problem).length, 0);
});
