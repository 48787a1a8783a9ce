// The one-time setup against a real server process: an account whose albums, shares, links
// and photos were stored by the previous version (test/support/legacy.ts writes that format)
// is brought up to date by the new client, photos stay byte-identical, members and links keep
// working, and the album-trust attacks fail on the upgraded albums. Then the CLI: killed at
// seeded random steps it resumes; two devices at once; a backup that pauses for the setup.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountSetup, Albums, AlbumTrustError, ApiError, Links, Session, openLink, type SetupProgress } from '@obscura/sdk';
import { backup, nodeLibrary, openFileSource, nodeThumbnailer } from '@obscura/sdk/node';
import { newAlbumKey, sealAlbumKey, x25519PublicKeyFromBytes, fromBase64 } from '@obscura/crypto';
import { writePhotoFolder, makeJpeg, prng, type PhotoFolderManifest } from '../support/fixtures.ts';
import { startServerProcess, removeDir, repoRoot, cliMain, type ServerProcess } from '../support/server-process.ts';
import { FAST_KDF, fastOptions, newPerson } from '../support/sdk.ts';
import { legacyEditorRotation, openDb, toLegacyFormat } from '../support/legacy.ts';
import { cliUser, type CliUser } from '../../apps/cli/test/subprocess.ts';

type Person = Awaited<ReturnType<typeof newPerson>>;

let server: ServerProcess;
let work: string;
let folder: PhotoFolderManifest;
let alice: Person, bob: Person, carol: Person, dave: Person, eve: Person;
let albumA: string, albumB: string, albumD: string;
let linkUrl: string;
/** Alice's library photos. */
let aliceIds: string[];
/** sha256 of every original file by its name. */
const originals = new Map<string, string>();
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A client as the previous version had it: no album-state pins. */
const oldClient = (p: Person) => new Albums(nodeLibrary(p.session));

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of it) parts.push(p);
  return Buffer.concat(parts);
}

async function jpeg(name: string, seed: number): Promise<string> {
  const path = join(work, name);
  const bytes = await makeJpeg({ width: 64, height: 48, capturedAt: new Date(Date.UTC(2023, 4, seed, 9)), make: 'Obscura', model: 'Legacy', seed });
  await writeFile(path, bytes);
  originals.set(name, sha(bytes));
  return path;
}

/** Every photo of the album as `who` sees it, downloaded and checked against the originals. */
async function checkAlbumBytes(albums: Albums, albumId: string, expected: number): Promise<void> {
  const { photos, refused } = await albums.photos(albumId);
  assert.deepEqual(refused, []);
  assert.equal(photos.length, expected);
  for (const p of photos) assert.equal(sha(await collect(albums.library.download(p))), originals.get(p.metadata.name), p.metadata.name);
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-setup-'));
  server = await startServerProcess();
  folder = await writePhotoFolder(join(work, 'photos'), { photos: 3, videos: 0 });
  for (const f of folder.files) if (f.kind !== 'other') originals.set(f.relativePath.split('/').pop()!, f.sha256);
  [alice, bob, carol, dave, eve] = await Promise.all([newPerson(server.url, 'Alice'), newPerson(server.url, 'Bob'), newPerson(server.url, 'Carol'), newPerson(server.url, 'Dave'), newPerson(server.url, 'Eve')]);

  // What the previous version stored: albums, shares, an album link, an album owned by someone else.
  const a = new Albums(alice.library);
  const report = await backup(alice.library, folder.dir);
  const ids = report.uploaded;
  aliceIds = ids;
  albumA = (await a.create('LEGACY-ALBUM-A')).albumId;
  await a.addPhotos(albumA, ids.slice(0, 2));
  await a.share(albumA, [bob.email], { role: 'editor' });
  await a.share(albumA, [carol.email, eve.email], { role: 'viewer', message: 'old times' });
  const [b, c, e] = [new Albums(bob.library), new Albums(carol.library), new Albums(eve.library)];
  for (const x of [b, c, e]) await x.accept((await x.invitations())[0]!.invitationId);
  const src = await openFileSource(await jpeg('bob-legacy.jpg', 3));
  try { await b.upload(albumA, src, { thumbnailer: nodeThumbnailer }); } finally { await src.close(); }
  albumB = (await a.create('LEGACY-ALBUM-B')).albumId;
  await a.addPhotos(albumB, ids.slice(2, 3));
  linkUrl = (await new Links(alice.library, a, FAST_KDF).create({ kind: 'album', albumId: albumA })).url;
  const d = new Albums(dave.library);
  albumD = (await d.create('LEGACY-ALBUM-D')).albumId;
  const src2 = await openFileSource(await jpeg('dave-legacy.jpg', 4));
  try { await d.upload(albumD, src2, { thumbnailer: nodeThumbnailer }); } finally { await src2.close(); }
  await d.share(albumD, [alice.email], { role: 'viewer' });
  await a.accept((await a.invitations())[0]!.invitationId);

  toLegacyFormat(server.dataDir, [alice, bob, carol, dave, eve].map((p) => p.session.user.id));
  // Eve leaves, and Bob's old client renews the key as editors could then.
  await new Albums(eve.library).leave(albumA, { savePhotos: false });
  await legacyEditorRotation(server.dataDir, { session: bob.session, albums: oldClient(bob) }, albumA, [alice.session, bob.session, carol.session]);
});

after(async () => {
  await server?.stop();
  await removeDir(work);
  if (server) await removeDir(server.dataDir);
});

test('before the setup: old albums are readable but take nothing; the server refuses old-format writes', async () => {
  const a = oldClient(alice);
  const list = await a.list();
  assert.deepEqual(list.map((x) => [x.name, x.trust]).sort(), [
    ['LEGACY-ALBUM-A', 'awaiting-owner-setup'], ['LEGACY-ALBUM-B', 'awaiting-owner-setup'], ['LEGACY-ALBUM-D', 'awaiting-owner-setup'],
  ]);
  const b = oldClient(bob);
  await checkAlbumBytes(b, albumA, 3);
  const mine = (await backup(bob.library, folder.dir)).uploaded[0]!;
  await assert.rejects(b.addPhotos(albumA, [mine]), (e: unknown) => e instanceof AlbumTrustError && e.check === 'unsigned' && /one-time setup/.test(e.message));
  // An old client would send no state; the server refuses additions to unsigned albums itself.
  const { current } = await b.epochKeys(albumA);
  const raw = await bob.session.api.call('addAlbumItems', { params: { albumId: albumA }, body: { epoch: current.epoch, items: [{ fileId: mine, wrappedKeyB64: 'AAAA' }] } }).catch((e: unknown) => e);
  assert.ok(raw instanceof ApiError && raw.code === 'setup-required', String(raw));
  assert.deepEqual(await new AccountSetup(a).status().then((s) => [s.dataVersion, s.currentVersion, s.running]), [1, 2, null]);
});

test("the owner's setup signs every album she owns; photos stay byte-identical, members and links open, the trust attacks fail", async () => {
  const a = oldClient(alice);
  const seen: SetupProgress[] = [];
  const outcome = await new AccountSetup(a).ensure({ onProgress: (p) => seen.push(p) });
  assert.deepEqual([outcome.ran, outcome.waited, outcome.signed, outcome.leftOut], [true, false, 2, []]);
  assert.deepEqual(seen.map((p) => `${p.state} ${p.done}/${p.total}`), ['running 0/2', 'running 1/2', 'running 2/2']);
  assert.equal((await new AccountSetup(a).status()).dataVersion, 2);
  // A second run is a no-op.
  assert.deepEqual(await new AccountSetup(a).ensure(), { ran: false, waited: false, signed: 0, leftOut: [] });

  const db = openDb(server.dataDir);
  try {
    const states = db.prepare('SELECT album_id, seq FROM album_states WHERE album_id IN (?, ?) ORDER BY album_id').all(albumA, albumB);
    assert.deepEqual(states.map((s: any) => s.seq), [1, 1]); // eslint-disable-line @typescript-eslint/no-explicit-any
  } finally { db.close(); }

  // Every member opens every album (fresh clients pin the owner's new state), byte-identical.
  for (const p of [alice, bob, carol]) await checkAlbumBytes(oldClient(p), albumA, 3);
  await checkAlbumBytes(oldClient(alice), albumB, 1);
  const views = await oldClient(carol).list();
  assert.deepEqual(views.map((v) => [v.name, v.trust]), [['LEGACY-ALBUM-A', 'verified']]);
  // The roster holds who the server listed and the owner's pins agreed with (Eve had left).
  const members = await oldClient(alice).members(albumA);
  assert.deepEqual(members.filter((m) => m.status === 'active').map((m) => [m.email, m.inRoster]).sort(),
    [[alice.email, true], [bob.email, true], [carol.email, true]].sort());
  // The link still opens (album links are wrapped under every epoch).
  const opened = await openLink(linkUrl);
  assert.equal(opened.photos.length, 3);
  // Adding works again, under the signed epoch.
  const b = new Albums(bob.library);
  const src = await openFileSource(await jpeg('bob-after-setup.jpg', 5));
  try { assert.equal((await b.upload(albumA, src, { thumbnailer: nodeThumbnailer })).status, 'uploaded'); } finally { await src.close(); }
  await checkAlbumBytes(new Albums(carol.library), albumA, 4);

  // Attack 1 on an upgraded album: a key planted by the operator is refused, never used.
  const mallory = await newPerson(server.url, 'Mallory');
  const planted = newAlbumKey(albumB, 2);
  const box = await sealAlbumKey({
    sender: { userId: mallory.session.user.id, signingKeys: mallory.session.bundle.signingKeys },
    recipient: { userId: alice.session.user.id, x25519PublicKey: x25519PublicKeyFromBytes(fromBase64(alice.session.user.x25519PublicKeyB64)) }, albumKey: planted,
  });
  const db2 = openDb(server.dataDir);
  try {
    db2.prepare('INSERT INTO album_keys (album_id, epoch, user_id, sealed, sealed_by) VALUES (?, 2, ?, ?, ?)').run(albumB, alice.session.user.id, Buffer.from(box), mallory.session.user.id);
    db2.prepare('UPDATE albums SET current_epoch = 2 WHERE id = ?').run(albumB);
  } finally { db2.close(); }
  await assert.rejects(new Albums(alice.library).addPhotos(albumB, [aliceIds[0]!]), (e: unknown) => e instanceof AlbumTrustError && (e.check === 'key'));
  const db3 = openDb(server.dataDir);
  try {
    assert.equal((db3.prepare('SELECT count(*) AS n FROM album_items WHERE album_id = ? AND epoch = 2').get(albumB) as { n: number }).n, 0);
  } finally { db3.close(); }
});

test("a member's album waits for its owner's setup, then verifies", async () => {
  const a = new Albums(alice.library);
  assert.equal((await a.list()).find((x) => x.albumId === albumD)!.trust, 'awaiting-owner-setup');
  await checkAlbumBytes(a, albumD, 1);
  assert.equal((await new AccountSetup(new Albums(dave.library)).ensure()).signed, 1);
  assert.equal((await a.list()).find((x) => x.albumId === albumD)!.trust, 'verified');
  assert.equal(a.statePins.get(albumD)?.seq, 1, 'the member pinned the owner-signed state when it appeared');
});

// ---------------------------------------------------------------- the CLI

/**
 * A CLI user whose account (made through the SDK with the CLI's test KDF) owns `n` albums, logged
 * in on the CLI, then turned into the old format (as if the CLI had just been updated).
 */
async function legacyCliUser(name: string, n: number): Promise<{ u: CliUser; session: Session; albums: string[] }> {
  const u = await cliUser(name, String(process.pid));
  const { session } = await Session.signup({ ...fastOptions(server.url), email: u.email, password: u.password, displayName: name });
  const a = new Albums(nodeLibrary(session));
  const photo = (await backup(a.library, folder.dir)).uploaded[0]!;
  const albums: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = (await a.create(`${name}-album-${i}`)).albumId;
    await a.addPhotos(id, [photo]);
    albums.push(id);
  }
  await u.ok('login', '--server', server.url, '--email', u.email);
  toLegacyFormat(server.dataDir, [session.user.id]);
  return { u, session, albums };
}

/** Spawns the CLI; `onStderrLine` may kill it. */
function spawnCli(u: CliUser, args: string[], env: Record<string, string>, onStderrLine?: (line: string, kill: () => void) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', cliMain, ...args], {
    cwd: repoRoot, env: { ...process.env, OBSCURA_HOME: u.home, OBSCURA_PASSWORD: u.password, OBSCURA_INSECURE_FAST_KDF: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    pending += d;
    for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
      const line = pending.slice(0, i);
      pending = pending.slice(i + 1);
      onStderrLine?.(line, () => child.kill('SIGKILL'));
    }
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, stderr: () => stderr };
}

test('killed at seeded random steps, `obscura setup run` resumes and completes: nothing duplicated, nothing lost', async () => {
  const { u, albums } = await legacyCliUser('Kim', 6);
  const seed = Number(process.env.OBSCURA_TEST_SEED ?? 20261129);
  const rand = prng(seed);
  let kills = 0;
  for (let attempt = 0; attempt < 4; attempt++) {
    const target = Math.floor(rand() * 6); // kill after this many albums were reported signed
    const run = spawnCli(u, ['setup', 'run'], {}, (line, kill) => {
      const m = /paused for a one-time setup — (\d+) of (\d+) albums/.exec(line);
      if (m && Number(m[1]) >= target) kill();
    });
    const r = await run.done;
    if (r.signal === 'SIGKILL') kills++;
    else assert.equal(r.code, 0, `seed ${seed}: ${r.stderr}`);
  }
  assert.ok(kills >= 1, `seed ${seed}: at least one run was killed mid-setup`);
  const final = await u.run(['setup', 'run']);
  assert.equal(final.code, 0, `seed ${seed}: ${final.stderr}`);
  assert.match(final.stdout, /^your account is up to date/m);
  const db2 = openDb(server.dataDir);
  try {
    const rows = db2.prepare(`SELECT album_id, count(*) AS n, max(seq) AS top FROM album_states WHERE album_id IN (${albums.map(() => '?').join(', ')}) GROUP BY album_id`).all(...albums) as { n: number; top: number }[];
    assert.deepEqual(rows.map((r) => [r.n, r.top]), albums.map(() => [1, 1]), `seed ${seed}: exactly one state per album`);
    assert.equal((db2.prepare('SELECT count(*) AS n FROM account_setups').get() as { n: number }).n, 0);
  } finally { db2.close(); }
  const listed = await u.json<{ albums: { name: string; photoCount: number }[] }>('albums', '--json');
  assert.deepEqual(listed.albums.map((x) => x.name).sort(), albums.map((_, i) => `Kim-album-${i}`).sort());
  assert.deepEqual(await u.json('setup', 'status', '--json').then((s) => [s.needed, s.dataVersion]), [false, 2]);
});

test('two devices: one runs the setup, the backup on the other waits, says so, then continues', async () => {
  const { u } = await legacyCliUser('Lou', 2);
  // Device 1 (the SDK) has started the setup: it holds the lease, 0 of 2 albums done. Device 2 is the CLI.
  const device1 = await Session.login({ ...fastOptions(server.url), email: u.email, password: u.password });
  await device1.api.call('startSetup', { body: { total: 2 } });
  const folder2 = await writePhotoFolder(join(work, 'lou-photos'), { photos: 2, videos: 0 });
  let sawWaiting!: () => void;
  const waiting = new Promise<void>((r) => { sawWaiting = r; });
  const run = spawnCli(u, ['backup', folder2.dir], { OBSCURA_SETUP_POLL_MS: '50' }, (line) => {
    if (/backup paused: your account's one-time setup is running on another device \(0 %\); waiting for it/.test(line)) sawWaiting();
  });
  await waiting;
  // Device 1 finishes what it started.
  const outcome = await new AccountSetup(new Albums(nodeLibrary(device1))).ensure();
  assert.deepEqual([outcome.ran, outcome.signed], [true, 2]);
  const r = await run.done;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /one-time setup finished on another device; backup continues/);
  assert.match(r.stdout, /: 0 uploaded, 0 resumed, 2 already backed up, 1 skipped, 0 failed$/m);
});

test('a backup on a device whose account is behind pauses for the setup, shows progress, and finishes after it', async () => {
  const { u } = await legacyCliUser('Max', 2);
  // Another device started the setup and crashed: its lease lapses, and this device takes over.
  const other = await Session.login({ ...fastOptions(server.url), email: u.email, password: u.password });
  await other.api.call('startSetup', { body: { total: 2 } });
  const db = openDb(server.dataDir);
  try { db.prepare('UPDATE account_setups SET lease_until = 0 WHERE user_id = ?').run(other.user.id); } finally { db.close(); }
  const r = await u.run(['backup', folder.dir]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('backup'));
  assert.deepEqual(lines.slice(0, 3), ['backup paused for a one-time setup — 0 of 2 albums', 'backup paused for a one-time setup — 1 of 2 albums', 'backup paused for a one-time setup — 2 of 2 albums']);
  assert.match(r.stderr, /one-time setup finished \(2 albums signed here\); backup continues/);
  assert.match(r.stdout, /: 0 uploaded, 0 resumed, 3 already backed up, 1 skipped, 0 failed$/m);
  assert.deepEqual(await u.json('setup', 'status', '--json').then((s) => s.needed), false);
});
