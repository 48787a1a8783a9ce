// Hostile names through the `obscura` CLI (subprocesses) against a real server process:
// Mallory's display name (planted in the database, where a server could put anything), her
// album name, invitation message and file names carry OSC 52 (clipboard), OSC 0 (title), CSI
// sequences, C1 bytes and a U+202E override. Bob lists and downloads them: nothing of it
// reaches his terminal raw ([Note: terminal text]), file names are made safe on disk
// ([Note: safe file names]), and a batch download keeps going past a photo that cannot be
// saved ([Note: batch downloads keep going]).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Session, bytesSource } from '@obscura/sdk';
import { nodeLibrary, nodeThumbnailer } from '@obscura/sdk/node';
import { makeJpeg } from '../support/fixtures.ts';
import { fastOptions } from '../support/sdk.ts';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { cliUser, runCli, type CliResult, type CliUser } from '../../apps/cli/test/subprocess.ts';

const ESC = '\u001b';
const BEL = '\u0007';
/** The display name Mallory's server row holds: clipboard write, screen clear, colour, bidi override, C1 CSI and NEL. */
const HOSTILE_NAME = `Mal${ESC}]52;c;cm0gLXJmIH4=${BEL}${ESC}[2J${ESC}[31mlory\u202eevil\u009b1m\u0085`;
const ALBUM_NAME = `Trip${ESC}]0;owned${BEL}${ESC}[1A\u202egpj.exe\u0090x`;
const MESSAGE = `look!\n${ESC}[32mobscura: verified${ESC}[0m\u009d0;t\u009c`;
const FILE_NAME = `holiday${ESC}]52;c;QUFB${BEL}\u202egpj.jpg`;
/** 300 bytes of name after the dot, and a leading dot: a hidden file, longer than any file system takes. */
const LONG_NAME = `.${'ø'.repeat(150)}.jpg`;

/** Anything a terminal could act on: C0 (but newlines), DEL, C1, bidi controls, line separators. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

let server: ServerProcess;
let work: string;
let visitorHome: string;
let mallory: CliUser;
let bob: CliUser;
let albumId: string;
let url: string;
const photos: Record<'hostile' | 'long' | 'plain' | 'broken', { id: string; sha256: string }> = {} as never;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const jpeg = (seed: number) => makeJpeg({ width: 64, height: 48, capturedAt: new Date(Date.UTC(2024, 6, seed, 9)), make: 'Obscura', model: 'Hostile', seed });

/** Neither stream of a run holds a raw control or bidi character. */
function assertClean(r: CliResult, what: string): void {
  assert.doesNotMatch(r.stdout, RAW, `${what}: stdout ${JSON.stringify(r.stdout)}`);
  assert.doesNotMatch(r.stderr, RAW, `${what}: stderr ${JSON.stringify(r.stderr)}`);
}

async function run(u: CliUser, what: string, ...args: string[]): Promise<CliResult> {
  const r = await u.run(args);
  assertClean(r, what);
  return r;
}

const visit = (args: string[]) =>
  runCli(['open', ...args], { OBSCURA_HOME: visitorHome, OBSCURA_PASSWORD: undefined, OBSCURA_LINK_PASSWORD: undefined, OBSCURA_INSECURE_FAST_KDF: undefined });

async function savedFiles(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of await readdir(dir).catch(() => [] as string[])) out.set(name, sha256(await readFile(join(dir, name))));
  return out;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-cli-hostile-'));
  visitorHome = join(work, 'visitor-home');
  server = await startServerProcess();
  const tag = String(process.pid);
  mallory = await cliUser('Mallory', tag);
  bob = await cliUser('Bob', tag);
  for (const u of [mallory, bob]) {
    const r = await u.run(['signup', '--server', server.url, '--email', u.email, '--name', u.name]);
    assert.equal(r.code, 0, r.stderr);
  }
  // The server stores display names; a server (or an operator) can put anything there, whatever
  // it checks at sign-up. Plant the hostile name directly in its database.
  const db = new Database(join(server.dataDir, 'obscura.db'));
  try {
    db.pragma('busy_timeout = 5000');
    assert.equal(db.prepare('update users set display_name = ? where email = ?').run(HOSTILE_NAME, mallory.email).changes, 1);
  } finally {
    db.close();
  }
});

after(async () => {
  await server?.stop();
  if (work) await removeDir(work);
  if (server) await removeDir(server.dataDir);
  for (const u of [mallory, bob]) if (u) await removeDir(join(u.home, '..'));
});

test('Mallory plants an album, file names and a message; her own output is escaped too', async () => {
  const created = await run(mallory, 'album create', 'album', 'create', ALBUM_NAME);
  assert.equal(created.code, 0, created.stderr);
  albumId = /^([0-9a-f-]{36}) {2}/.exec(created.stdout)![1]!;
  assert.equal(created.stdout, `${albumId}  Trip\\x1B]0;owned\\x07\\x1B[1A\\u{202E}gpj.exe\\x90x\n`);

  // a local file with a hostile name (Linux takes any byte but "/" and NUL), through `obscura upload`
  const hostileBytes = await jpeg(1);
  const hostilePath = join(work, FILE_NAME);
  await writeFile(hostilePath, hostileBytes);
  const up = await run(mallory, 'upload', 'upload', hostilePath);
  assert.equal(up.code, 0, up.stderr);
  assert.ok(up.stdout.includes('holiday\\x1B]52;c;QUFB\\x07\\u{202E}gpj.jpg'), up.stdout);
  photos.hostile = { id: up.stdout.slice(0, 36), sha256: sha256(hostileBytes) };

  // names no file system takes come from another client: upload them from memory with the SDK
  const session = await Session.login({ ...fastOptions(server.url), email: mallory.email, password: mallory.password });
  const library = nodeLibrary(session);
  for (const [key, name, seed] of [['long', LONG_NAME, 2], ['plain', 'plain.jpg', 3], ['broken', 'broken.jpg', 4]] as const) {
    const bytes = await jpeg(seed);
    const r = await library.upload(bytesSource(name, bytes), { thumbnailer: nodeThumbnailer });
    assert.ok(r.status === 'uploaded', r.status);
    photos[key] = { id: r.fileId, sha256: sha256(bytes) };
  }
  await session.logout();

  const added = await run(mallory, 'album add', 'album', 'add', albumId, ...Object.values(photos).map((p) => p.id));
  assert.equal(added.code, 0, added.stderr);
  const shared = await run(mallory, 'share', 'share', albumId, bob.email, '--role', 'viewer', '--message', MESSAGE);
  assert.equal(shared.code, 0, shared.stderr);
  assert.match(shared.stdout, /^invited \S+ to "Trip\\x1B\]0;owned\\x07\\x1B\[1A\\u\{202E\}gpj\.exe\\x90x" as viewer {2}fingerprint: /);
  const link = await run(mallory, 'link create', 'link', 'create', albumId);
  assert.equal(link.code, 0, link.stderr);
  url = link.stdout.trim();

  const timeline = await run(mallory, 'photos', 'photos');
  assert.equal(timeline.code, 0, timeline.stderr);
  assert.ok(timeline.stdout.includes(`Mal\\x1B]52;c;cm0gLXJmIH4=\\x07\\x1B[2J\\x1B[31mlory\\u{202E}evil\\x9B1m\\x85 <${mallory.email}>`), timeline.stdout);
  assert.equal(timeline.stdout.trimEnd().split('\n').length, 5, 'a header and one row per photo');
  const whoami = await run(mallory, 'whoami', 'whoami');
  assert.match(whoami.stdout, /^name: {9}Mal\\x1B\]52;/m);
});

test('Bob lists invitations, albums, the album and its members: no raw control or bidi character reaches him', async () => {
  const invitations = await run(bob, 'invitations', 'invitations');
  assert.equal(invitations.code, 0, invitations.stderr);
  assert.ok(invitations.stdout.includes('Trip\\x1B]0;owned\\x07'), invitations.stdout);
  assert.ok(invitations.stdout.includes('Mal\\x1B]52;c;'), invitations.stdout);
  assert.ok(invitations.stdout.includes('look!\\n\\x1B[32mobscura: verified\\x1B[0m\\x9D0;t\\x9C'), 'the message stays on its row');
  assert.equal(invitations.stdout.trimEnd().split('\n').length, 2);

  // JSON stays JSON: ESC as \u001b (JSON itself), C1 and bidi as \u0085 / \u202e; the values parse back exactly
  const json = await run(bob, 'invitations --json', 'invitations', '--json');
  assert.match(json.stdout, /\\u202e/);
  const [inv] = JSON.parse(json.stdout).invitations;
  assert.equal(inv.albumName, ALBUM_NAME);
  assert.equal(inv.from.name, HOSTILE_NAME);
  assert.equal(inv.message, MESSAGE);

  const withMe = await run(bob, 'albums --shared-with-me', 'albums', '--shared-with-me');
  assert.equal(withMe.code, 0, withMe.stderr);
  const accepted = await run(bob, 'accept', 'accept', inv.id);
  assert.equal(accepted.code, 0, accepted.stderr);
  assert.ok(accepted.stdout.startsWith('accepted: "Trip\\x1B]0;owned'), accepted.stdout);

  const albums = await run(bob, 'albums', 'albums');
  assert.ok(albums.stdout.includes(`Mal\\x1B]52;`), albums.stdout);
  const show = await run(bob, 'album show', 'album', 'show', albumId);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /^album: {4}Trip\\x1B\]0;owned\\x07\\x1B\[1A\\u\{202E\}gpj\.exe\\x90x {2}\(/m);
  assert.match(show.stdout, /^owner: {4}Mal\\x1B\]52;/m);
  assert.ok(show.stdout.includes('holiday\\x1B]52;c;QUFB\\x07\\u{202E}gpj.jpg'), show.stdout);
  assert.ok(show.stdout.includes(LONG_NAME), 'a long name is shown as it is (it holds no control)');
  const members = await run(bob, 'members', 'members', albumId);
  assert.equal(members.code, 0, members.stderr);

  // an error message quoting names: a near miss names the album
  const miss = await run(bob, 'album show (near miss)', 'album', 'show', ALBUM_NAME.toUpperCase());
  assert.equal(miss.code, 1);
  assert.equal(miss.stderr.split('\n').length, 2, 'one line');
  assert.match(miss.stderr, /^obscura: no album matches "TRIP\\x1B\]0;OWNED\\x07.*\(did you mean [0-9a-f-]{36} \(Trip\\x1B\]0;owned/);

  // a visitor opening the album's link
  const opened = await visit([url]);
  assertClean(opened, 'open');
  assert.equal(opened.code, 0, opened.stderr);
  assert.match(opened.stdout, /^link: {7}album "Trip\\x1B\]0;owned\\x07\\x1B\[1A\\u\{202E\}gpj\.exe\\x90x" \(4 photos\)$/m);
  assert.ok(opened.stdout.includes('Mal\\x1B]52;'), opened.stdout);
});

test('download and open -o save hostile and over-long names under safe names, byte-identical', async () => {
  const out = join(work, 'download');
  const dl = await run(bob, 'download', 'download', photos.hostile.id, photos.long.id, photos.plain.id, '-o', out);
  assert.equal(dl.code, 0, dl.stderr);
  const visitorOut = join(work, 'open');
  const op = await visit([url, '-o', visitorOut]);
  assertClean(op, 'open -o');
  assert.equal(op.code, 0, op.stderr);

  for (const [dir, expected] of [[out, ['hostile', 'long', 'plain']], [visitorOut, ['hostile', 'long', 'plain', 'broken']]] as const) {
    const files = await savedFiles(dir);
    assert.equal(files.size, expected.length, [...files.keys()].join(', '));
    for (const name of files.keys()) {
      assert.ok(Buffer.byteLength(name) <= 255, `${Buffer.byteLength(name)} bytes`);
      assert.ok(!name.startsWith('.'), name);
      assert.doesNotMatch(name, RAW);
    }
    for (const key of expected) assert.ok([...files.values()].includes(photos[key].sha256), `${key} is byte-identical`);
    assert.ok(files.has('holiday_]52;c;QUFB__gpj.jpg'), [...files.keys()].join(', '));
    const long = [...files.keys()].find((n) => n.startsWith('_.ø'))!;
    assert.ok(long.endsWith('ø.jpg') && Buffer.byteLength(long) <= 255 && Buffer.byteLength(long) >= 250, long);
    assert.equal(files.get(long), photos.long.sha256);
  }
});

test('a batch where one photo cannot be saved saves the others, names the failure on one line, exits 3; all failed: exit 1', async () => {
  // the broken photo's blocks vanish from the server's blob folder
  const id = photos.broken.id;
  const blobDir = join(server.dataDir, 'blobs', 'files', id.slice(0, 2), id);
  const blocks = (await readdir(blobDir)).filter((f) => /^b\d+$/.test(f));
  assert.ok(blocks.length > 0);
  for (const b of blocks) await rm(join(blobDir, b));

  const out = join(work, 'partial');
  const dl = await run(bob, 'download (partial)', 'download', photos.plain.id, id, photos.hostile.id, '-o', out);
  assert.equal(dl.code, 3, dl.stderr);
  const lines = dl.stderr.split('\n').filter((l) => l.includes(id));
  assert.equal(lines.length, 1, dl.stderr);
  assert.match(lines[0]!, new RegExp(`^obscura: photo ${id} \\(broken\\.jpg\\) not saved: .*missing`));
  assert.equal(dl.stdout.trimEnd().split('\n').length, 2, 'the two others, one path each');
  const files = await savedFiles(out);
  assert.deepEqual([...files.values()].sort(), [photos.plain.sha256, photos.hostile.sha256].sort(), 'nothing else, no partial file');

  const visitorOut = join(work, 'partial-open');
  const op = await visit([url, '-o', visitorOut]);
  assertClean(op, 'open -o (partial)');
  assert.equal(op.code, 3, op.stderr);
  assert.equal(op.stderr.split('\n').filter((l) => l.includes(id)).length, 1, op.stderr);
  assert.equal((await savedFiles(visitorOut)).size, 3);

  // one photo alone: its error, as any error (one line, exit 1)
  const single = await run(bob, 'download (one, failing)', 'download', id, '-o', join(work, 'single'));
  assert.equal(single.code, 1, single.stderr);
  assert.match(single.stderr, /^obscura: block 0 of file [0-9a-f]{8}\S* is missing from storage\n$/);
  assert.equal(single.stdout, '');
  assert.equal((await savedFiles(join(work, 'single'))).size, 0);

  // every photo of a batch failing: one line each, exit 1
  const hostileDir = join(server.dataDir, 'blobs', 'files', photos.hostile.id.slice(0, 2), photos.hostile.id);
  for (const b of (await readdir(hostileDir)).filter((f) => /^b\d+$/.test(f))) await rm(join(hostileDir, b));
  const none = await run(bob, 'download (all failed)', 'download', id, photos.hostile.id, '-o', join(work, 'none'));
  assert.equal(none.code, 1, none.stderr);
  assert.match(none.stderr, new RegExp(`^obscura: photo ${id} \\(broken\\.jpg\\) not saved: `, 'm'));
  assert.match(none.stderr, new RegExp(`^obscura: photo ${photos.hostile.id} \\(holiday\\\\x1B\\]52;c;QUFB\\\\x07\\\\u\\{202E\\}gpj\\.jpg\\) not saved: `, 'm'));
  assert.equal(none.stdout, '');
  assert.equal((await savedFiles(join(work, 'none'))).size, 0);
});
