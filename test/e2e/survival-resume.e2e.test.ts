// Issue 15 (a): a backup interrupted by a server stopped at the wrong moment never leaves a
// photo that can no longer be backed up. Against a real server process and the real CLI:
//  1. deterministic: the state an older server left after a kill -9 between the two thumbnail
//     writes (a pending upload without its large thumbnail, made directly in DATA_DIR): the
//     next `obscura backup` discards it and uploads the photo afresh, byte-identical;
//  2. a real SIGKILL of the server during a backup, a restart on the same DATA_DIR: the re-run
//     completes, every photo downloads byte-identical, nothing is uploaded twice, and the
//     blobs of uploads that never reached the database are gone (removed at start-up).
// See docs/reliability.md.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, Session } from '@obscura/sdk';
import { nodeLibrary, nodeThumbnailer, openFileSource } from '@obscura/sdk/node';
import { writePhotoFolder, type PhotoFolderManifest } from '../support/fixtures.ts';
import { fastOptions } from '../support/sdk.ts';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { cliUser, type CliUser } from '../../apps/cli/test/subprocess.ts';

let work: string;
const servers: ServerProcess[] = [];
const users: CliUser[] = [];

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');
const media = (f: PhotoFolderManifest) => f.files.filter((x) => x.kind !== 'other');
const SUMMARY = (up: number, resumed: number, already: number) => new RegExp(`: ${up} uploaded, ${resumed} resumed, ${already} already backed up, 1 skipped, 0 failed`, 'm');

/** Every file id that has blobs in a disk store. */
async function fileDirs(dataDir: string): Promise<string[]> {
  const root = join(dataDir, 'blobs', 'files');
  const out: string[] = [];
  for (const p of await readdir(root).catch(() => [] as string[])) out.push(...await readdir(join(root, p)));
  return out.sort();
}

/** Downloads every photo of the library and checks each against the folder: byte-identical, each once. */
async function assertLibraryIs(u: CliUser, folder: PhotoFolderManifest, out: string): Promise<string[]> {
  const { photos } = await u.json<{ photos: { id: string; name: string }[] }>('photos', '--json');
  assert.deepEqual(photos.map((p) => p.name).sort(), media(folder).map((f) => f.relativePath.split('/').pop()).sort(), 'each photo once');
  const dl = await u.run(['download', ...photos.map((p) => p.id), '-o', out]);
  assert.equal(dl.code, 0, dl.stderr);
  for (const path of dl.stdout.trimEnd().split('\n')) {
    const f = media(folder).find((m) => m.relativePath.endsWith(`/${path.split('/').pop()}`) || m.relativePath === path.split('/').pop())!;
    assert.equal(await sha256(path), f.sha256, `${f.relativePath} is byte-identical`);
  }
  return photos.map((p) => p.id).sort();
}

/** Lets another process make progress before looking again (polling what it writes, not waiting for time to pass). */
const poll = () => new Promise((r) => setTimeout(r, 25));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    }).on('error', reject);
  });
}

before(async () => { work = await mkdtemp(join(tmpdir(), 'obscura-survival-')); });
after(async () => {
  for (const s of servers) await s.stop();
  for (const s of servers) await removeDir(s.dataDir);
  for (const u of users) await removeDir(join(u.home, '..'));
  await removeDir(work);
});

test('a pending upload left without its large thumbnail is discarded by the next backup and the photo uploaded afresh', async () => {
  const server = await startServerProcess();
  servers.push(server);
  const ann = await cliUser('Ann', `${process.pid}-resume`);
  users.push(ann);
  const folder = await writePhotoFolder(join(work, 'ann'), { photos: 3, videos: 0 });
  const signup = await ann.run(['signup', '--server', server.url, '--email', ann.email, '--name', 'Ann']);
  assert.equal(signup.code, 0, signup.stderr);

  // An interrupted upload of the first photo (created, no block sent), as a backup stopped early leaves it
  const session = await Session.login({ ...fastOptions(server.url), email: ann.email, password: ann.password });
  const library = nodeLibrary(session);
  const first = media(folder)[0]!;
  const stop = new AbortController();
  let brokenId = '';
  const source = await openFileSource(first.path);
  await assert.rejects(library.upload(source, {
    thumbnailer: nodeThumbnailer, signal: stop.signal,
    onCreated: (id) => { brokenId = id; stop.abort(); },
  }), { name: 'AbortError' });
  await source.close();
  assert.match(brokenId, /^[0-9a-f-]{36}$/);
  // ... then made into what a kill -9 between the two thumbnail writes used to leave
  await rm(join(server.dataDir, 'blobs', 'files', brokenId.slice(0, 2), brokenId, 't-large'));
  assert.equal((await session.api.call('uploadStatus', { params: { fileId: brokenId } })).status, 'pending');

  const run = await ann.run(['backup', folder.dir]);
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, SUMMARY(3, 0, 0), 'the broken upload was not resumed: the photo was uploaded afresh');
  assert.doesNotMatch(run.stdout + run.stderr, /create the file again|^failed /m);
  // the broken pending file is gone (and its storage refunded), not kept for the sweeper
  await assert.rejects(session.api.call('uploadStatus', { params: { fileId: brokenId } }), (e: ApiError) => e.status === 404);
  assert.deepEqual(await fileDirs(server.dataDir), (await assertLibraryIs(ann, folder, join(work, 'ann-dl'))), 'no blob of the broken upload left');

  const again = await ann.run(['backup', folder.dir]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, SUMMARY(0, 0, 3));
  await session.logout();
});

test('kill -9 of the server during a backup, restart on the same DATA_DIR: the re-run completes, byte-identical, no leftovers', async () => {
  const port = await freePort();
  const env = { PORT: String(port) };
  // (not in `servers`: it is killed below, and stop() is for a server still running)
  const first = await startServerProcess({ env });
  const ben = await cliUser('Ben', `${process.pid}-kill`);
  users.push(ben);
  const folder = await writePhotoFolder(join(work, 'ben'), { photos: 24, videos: 1 });
  const signup = await ben.run(['signup', '--server', first.url, '--email', ben.email, '--name', 'Ben']);
  assert.equal(signup.code, 0, signup.stderr);

  // The backup runs; the server is killed once a few photos have reached its blob store.
  const backup = ben.run(['backup', folder.dir]);
  const started = Date.now();
  while ((await fileDirs(first.dataDir)).length < 6) {
    assert.ok(Date.now() - started < 60_000, 'the backup did not start storing photos within a minute');
    await poll();
  }
  const killed = new Promise((r) => first.child.once('exit', r));
  first.child.kill('SIGKILL');
  await killed;
  const cut = await backup;
  assert.notEqual(cut.code, 0, 'the interrupted backup fails');
  assert.match(cut.stdout + cut.stderr, /cannot reach the server/);

  const second = await startServerProcess({ env, dataDir: first.dataDir });
  servers.push(second);
  const rerun = await ben.run(['backup', folder.dir]);
  assert.equal(rerun.code, 0, `${rerun.stdout}\n${rerun.stderr}`);
  assert.match(rerun.stdout, / 0 failed/);
  const ids = await assertLibraryIs(ben, folder, join(work, 'ben-dl'));
  // Blobs of uploads that never reached the database are removed at start-up (in the
  // background): wait for that, then only the library's photos have blobs.
  const deadline = Date.now() + 30_000;
  while ((await fileDirs(second.dataDir)).length !== ids.length && Date.now() < deadline) await poll();
  assert.deepEqual(await fileDirs(second.dataDir), ids);
  const again = await ben.run(['backup', folder.dir]);
  assert.match(again.stdout, SUMMARY(0, 0, ids.length));
});
