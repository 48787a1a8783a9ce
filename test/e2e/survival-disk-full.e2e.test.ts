// Issue 15 (b): the server's disk fills up during a backup and album operations. DATA_DIR (the
// SQLite database and the blob store) is a small tmpfs mounted by the test (root only; skipped
// with a message otherwise): the backup runs it full, the refusals say "the server's disk is
// full" (507, never 500), the CLI exits non-zero with that sentence, nothing half-stored is
// visible; then the tmpfs is enlarged and the re-run completes, every photo byte-identical,
// album operations work again, without restarting the server. See docs/reliability.md.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rmdir, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePhotoFolder, type PhotoFolderManifest } from '../support/fixtures.ts';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { cliUser, type CliUser } from '../../apps/cli/test/subprocess.ts';

const FULL = "the server's disk is full";
const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

let mounted: string | undefined;
let skipReason: string | undefined;
let work: string;
let server: ServerProcess | undefined;
let folder: PhotoFolderManifest;
let ann: CliUser;
let albumId: string;
let uploadedWhileFilling = -1;

const media = () => folder.files.filter((f) => f.kind !== 'other');
const freeBytes = async (dir: string) => { const s = await statfs(dir); return s.bavail * s.bsize; };

/** Every photo of Ann's library downloaded and compared with the folder; the ids. */
async function downloadAll(out: string): Promise<string[]> {
  const { photos } = await ann.json<{ photos: { id: string; name: string }[] }>('photos', '--json');
  if (photos.length === 0) return [];
  const dl = await ann.run(['download', ...photos.map((p) => p.id), '-o', out]);
  assert.equal(dl.code, 0, dl.stderr);
  const paths = dl.stdout.trimEnd().split('\n');
  assert.equal(paths.length, photos.length);
  for (const p of paths) {
    const f = media().find((m) => m.relativePath.split('/').pop() === p.split('/').pop())!;
    assert.equal(await sha256(p), f.sha256, `${f.relativePath} is byte-identical`);
  }
  return photos.map((p) => p.id);
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-diskfull-'));
  const dir = join(work, 'data');
  execFileSync('mkdir', [dir]);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir], { stdio: 'pipe' });
    mounted = dir;
  } catch (e) {
    skipReason = `cannot mount a tmpfs (needs root and mount permission): ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`;
    return;
  }
  // The server's log goes to a folder of its own (the helper keeps it in `dataDir`), not into the tmpfs.
  server = await startServerProcess({ dataDir: join(work), env: { DATA_DIR: mounted } });
  folder = await writePhotoFolder(join(work, 'photos'), { photos: 40, videos: 1, size: { width: 1024, height: 768 } });
  ann = await cliUser('Ann', `${process.pid}-full`, { home: join(work, 'ann', 'home') });
  const up = await ann.run(['signup', '--server', server.url, '--email', ann.email, '--name', 'Ann']);
  assert.equal(up.code, 0, up.stderr);
  const created = await ann.run(['album', 'create', 'Before the disk filled up']);
  assert.equal(created.code, 0, created.stderr);
  albumId = created.stdout.slice(0, 36);
});

after(async () => {
  await server?.stop();
  if (mounted) {
    try { execFileSync('umount', [mounted]); } catch { execFileSync('umount', ['-l', mounted]); }
    await rmdir(mounted);
  }
  await removeDir(work);
});

test('a backup fills the disk: every refusal says the disk is full, the CLI exits 1, nothing half-stored is visible', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const data = mounted!;
  // Leave about 1.5 MiB: the backup (about 2.5 MiB of photos, thumbnails and database pages) runs it full.
  await writeFile(join(data, 'filler'), Buffer.alloc(Math.max(0, (await freeBytes(data)) - 1536 * 1024)));
  const run = await ann.run(['backup', folder.dir]);
  assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
  const failed = run.stdout.split('\n').filter((l) => l.startsWith('failed '));
  assert.ok(failed.length > 0, run.stdout);
  for (const l of failed) {
    assert.match(l, /^failed \S+: the server's disk is full: .+; ask the administrator to free space, then (run the backup again|try again)/, l);
  }
  assert.doesNotMatch(run.stdout + run.stderr, /internal server error/);
  const summary = /: (\d+) uploaded, 0 resumed, 0 already backed up, 1 skipped, (\d+) failed$/m.exec(run.stdout);
  assert.ok(summary, run.stdout);
  assert.equal(Number(summary[2]), failed.length);
  t.diagnostic(`backup while filling up: ${summary[1]} uploaded, ${summary[2]} refused; first refusal: ${failed[0]}`);

  // The photos it stored (read now: with SQLite on the full disk, even reads are refused once
  // the session's once-a-minute "last seen" update is due, see docs/reliability.md).
  const listed = await ann.run(['photos', '--json']);
  const photos = listed.code === 0 ? (JSON.parse(listed.stdout) as { photos: { id: string }[] }).photos : undefined;
  if (!photos) assert.match(listed.stderr, new RegExp(`^obscura: ${FULL}: `), listed.stderr);
  else assert.equal(photos.length, Number(summary[1]), 'the photos reported uploaded, and no other');
  uploadedWhileFilling = Number(summary[1]);

  // Now full to the last byte (a small write could still fit otherwise): album operations are refused too.
  for (;;) {
    try { await appendFile(join(data, 'filler'), Buffer.alloc(16 * 1024)); } catch { break; }
  }
  for (;;) {
    try { await appendFile(join(data, 'filler'), Buffer.alloc(512)); } catch { break; }
  }
  const refusal = `obscura: ${FULL}: the request was not carried out; ask the administrator to free space, then try again\n`;
  if (photos && photos.length > 0) {
    const add = await ann.run(['album', 'add', albumId, ...photos.map((p) => p.id)]);
    assert.equal(add.code, 1, add.stdout);
    assert.equal(add.stderr, refusal);
  } else {
    t.diagnostic('album add not tried: the photo list was refused');
  }
  const create = await ann.run(['album', 'create', 'While full']);
  assert.equal(create.code, 1, create.stdout);
  assert.equal(create.stderr, refusal);

  const log = await readFile(server!.logPath, 'utf8');
  t.diagnostic(`server log: ${log.split('\n').filter((l) => l.includes('refused: the server')).map((l) => l.replace(/^\S+ ERROR /, '')).slice(0, 3).join(' | ')}`);
  assert.match(log, /ERROR PUT \/api\/files\/\S+ refused: the server's storage is full|ERROR POST \/api\/files\S* refused: the server's storage is full/);
  assert.doesNotMatch(log, / 500 /, 'no internal error');
});

test('the disk is enlarged: without a restart the re-run completes, every photo byte-identical, albums work again', async (t) => {
  if (skipReason) return t.skip(skipReason);
  execFileSync('mount', ['-o', 'remount,size=64m', mounted!]);
  // Nothing half-visible from the full disk: the library holds exactly the photos the backup
  // reported uploaded, each intact; the album none; no album was half-created.
  assert.equal((await downloadAll(join(work, 'dl-full'))).length, uploadedWhileFilling);
  const shown = await ann.json<{ photos: unknown[] }>('album', 'show', albumId, '--json');
  assert.equal(shown.photos.length, 0, 'the refused add added nothing');
  const albums = await ann.json<{ albums: { name?: string }[] }>('albums', '--json');
  assert.deepEqual(albums.albums.map((a) => a.name), ['Before the disk filled up'], 'the refused create created nothing');

  const run = await ann.run(['backup', folder.dir]);
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, / 1 skipped, 0 failed$/m);
  const ids = await downloadAll(join(work, 'dl-after'));
  assert.equal(ids.length, media().length, 'every photo once');
  const add = await ann.run(['album', 'add', albumId, ...ids]);
  assert.equal(add.code, 0, add.stderr);
  const inAlbum = await ann.json<{ photos: unknown[] }>('album', 'show', albumId, '--json');
  assert.equal(inAlbum.photos.length, ids.length);
  const again = await ann.run(['backup', folder.dir]);
  assert.match(again.stdout, new RegExp(`: 0 uploaded, 0 resumed, ${ids.length} already backed up, 1 skipped, 0 failed$`, 'm'));
});
