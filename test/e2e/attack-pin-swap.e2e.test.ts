// Attack 3, "pin bypass by id swap", against a real server process. The attacker is the
// server operator: with the SQLite file open it renames Bob's account (so Bob's id shows
// another email), then signs up a NEW account under Bob's email with its own keys. Key pins
// by user id alone would take the new account as a never-seen person and seal album keys to
// it; pins by email ([Note: pins by email] in packages/sdk/src/keys.ts) refuse it loudly,
// through the SDK and through the CLI. A positive control shows the attack succeeding with
// id-only (v1) pins, so the email pin is what stops it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Albums, KeyChangedError, KeyPins, Session, fingerprintOf } from '@obscura/sdk';
import { nodeLibrary } from '@obscura/sdk/node';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { fastOptions, newPerson } from '../support/sdk.ts';
import { cliUser, type CliUser } from '../../apps/cli/test/subprocess.ts';

let server: ServerProcess;
let db: Database.Database;
let alice: Awaited<ReturnType<typeof newPerson>> & { pins: KeyPins; albums: Albums };
let bob: Awaited<ReturnType<typeof newPerson>>;
let cleo: CliUser;
let attacker: Session;
let bobPin: { ed25519: string; x25519: string };
let sharedAlbumId: string;
const renamedBobEmail = `bob-renamed-${process.pid}@example.org`;

const count = (sql: string, ...params: unknown[]) => (db.prepare(sql).get(...params) as { n: number }).n;
const attackerRows = () => ({
  members: count('select count(*) as n from album_members where user_id = ?', attacker.user.id),
  keys: count('select count(*) as n from album_keys where user_id = ?', attacker.user.id),
});

before(async () => {
  server = await startServerProcess();
  const a = await newPerson(server.url, 'Alice');
  const pins = new KeyPins();
  const library = nodeLibrary(a.session, { pins });
  alice = { ...a, library, pins, albums: new Albums(library) };
  bob = await newPerson(server.url, 'Bob');
  const tag = String(process.pid);
  cleo = await cliUser('Cleo', tag);
  const signup = await cleo.run(['signup', '--server', server.url, '--email', cleo.email, '--name', 'Cleo']);
  assert.equal(signup.code, 0, signup.stderr);

  // Before the attack: Alice (SDK) and Cleo (CLI) share with Bob, which pins him.
  const album = await alice.albums.create('ALBUM-before-the-swap');
  sharedAlbumId = album.albumId;
  await alice.albums.share(sharedAlbumId, [bob.email], { role: 'viewer' });
  assert.ok(alice.pins.isPinned(bob.session.user.id));
  await cleo.ok('album', 'create', 'CLEO-ALBUM');
  await cleo.ok('share', 'CLEO-ALBUM', bob.email, '--role', 'viewer');
  const bobFp = await fingerprintOf({ x25519PublicKeyB64: pubB64(bob.session).x25519, ed25519PublicKeyB64: pubB64(bob.session).ed25519 });
  assert.equal((await cleo.ok('fingerprint', bob.email)).trim(), `${bob.email}  ${bobFp}`, 'pinned: no "(not pinned yet" note');
  bobPin = { ed25519: pubB64(bob.session).ed25519, x25519: pubB64(bob.session).x25519 };

  // The attack, as the server operator: straight into the database of the running server.
  db = new Database(join(server.dataDir, 'obscura.db'));
  db.pragma('busy_timeout = 5000');
  db.prepare('update users set email = ? where id = ?').run(renamedBobEmail, bob.session.user.id);
  ({ session: attacker } = await Session.signup({ ...fastOptions(server.url), email: bob.email, password: 'operator password 4242', displayName: 'Bob' }));
  assert.notEqual(attacker.user.id, bob.session.user.id);
  assert.deepEqual(attackerRows(), { members: 0, keys: 0 });
});

after(async () => {
  db?.close();
  await server?.stop();
  if (server) await removeDir(server.dataDir);
  if (cleo) await removeDir(join(cleo.home, '..'));
});

function pubB64(s: Session) {
  return { x25519: Buffer.from(s.publicKeys.x25519).toString('base64'), ed25519: Buffer.from(s.publicKeys.ed25519).toString('base64') };
}

test('SDK: sharing with bob@… after the swap throws KeyChangedError and nothing reaches the new account', async () => {
  // the server now answers the lookup of Bob's email with the operator's account
  const { users } = await alice.session.api.call('usersLookup', { body: { emails: [bob.email] } });
  assert.equal(users[0]?.id, attacker.user.id);

  const second = await alice.albums.create('ALBUM-after-the-swap');
  for (const albumId of [second.albumId, sharedAlbumId]) {
    await assert.rejects(alice.albums.share(albumId, [bob.email], { role: 'viewer' }), (e: unknown) => {
      assert.ok(e instanceof KeyChangedError, String(e));
      assert.equal(e.change, 'email-moved');
      assert.equal(e.userId, attacker.user.id);
      assert.equal(e.pinnedUserId, bob.session.user.id);
      assert.match(e.message, new RegExp(`${bob.email.replace(/[.]/g, '\\.')} now belongs to another account \\(id ${attacker.user.id}, shown as Bob\\) with other keys`));
      return true;
    });
  }
  assert.deepEqual(attackerRows(), { members: 0, keys: 0 }, 'no invitation row and no sealed key for the operator account');
  assert.deepEqual(await new Albums(nodeLibrary(attacker)).invitations(), []);

  // the renamed half: Bob's own account now shows another email, also refused
  const { users: renamed } = await alice.session.api.call('usersLookup', { body: { emails: [renamedBobEmail] } });
  const st = alice.pins.statusOf(renamed[0]!);
  assert.equal(st.status, 'changed');
  if (st.status === 'changed') assert.equal(st.error.change, 'email-changed');
  assert.throws(() => alice.pins.checkPerson(renamed[0]!), KeyChangedError);
});

test('CLI: obscura fingerprint bob@… prints the loud warning and exits 1; share refuses; --accept pins the new account', async () => {
  const attackerFp = await fingerprintOf({ x25519PublicKeyB64: pubB64(attacker).x25519, ed25519PublicKeyB64: pubB64(attacker).ed25519 });
  const fp = await cleo.run(['fingerprint', bob.email]);
  assert.equal(fp.code, 1, fp.stderr);
  assert.equal(fp.stdout, `${bob.email}  ${attackerFp}\n`, 'what the server lists now');
  const was = await fingerprintOf({ x25519PublicKeyB64: bobPin.x25519, ed25519PublicKeyB64: bobPin.ed25519 });
  assert.match(fp.stderr, new RegExp(`^obscura: WARNING: ${bob.email.replace(/[.]/g, '\\.')} now belongs to another account \\(id ${attacker.user.id}, shown as Bob\\) with other keys; you pinned it for account ${bob.session.user.id} \\(pinned fingerprint: ${was}\\)`));
  assert.match(fp.stderr, /obscura fingerprint \S+ --accept\n$/);

  await cleo.ok('album', 'create', 'CLEO-ALBUM-2');
  const share = await cleo.run(['share', 'CLEO-ALBUM-2', bob.email, '--role', 'viewer']);
  assert.equal(share.code, 1);
  assert.match(share.stderr, /^obscura: WARNING: .* now belongs to another account/);
  assert.deepEqual(attackerRows(), { members: 0, keys: 0 });

  // pins.json keeps the pins per server URL, Bob pinned by id and by email
  const file = JSON.parse(await readFile(join(cleo.home, 'pins.json'), 'utf8'));
  assert.equal(file.version, 2);
  assert.deepEqual(Object.keys(file.servers), [server.url]);
  assert.equal(file.servers[server.url].byEmail[bob.email].id, bob.session.user.id);

  // after comparing fingerprints out of band (here: a careless yes), --accept pins what the server lists
  assert.match(await cleo.ok('fingerprint', bob.email, '--accept'), /replacing what you pinned before/);
  assert.equal((await cleo.ok('fingerprint', bob.email)).trim(), `${bob.email}  ${attackerFp}`);
});

test('positive control: with id-only (v1) pins the same attack seals the album key to the operator', async () => {
  // What a client without email pins knew: Bob by id only (the original pins.json shape).
  const naivePins = new KeyPins({ [bob.session.user.id]: bobPin });
  const naive = new Albums(nodeLibrary(alice.session, { pins: naivePins }));
  const control = await naive.create('ALBUM-CONTROL-sealed-to-the-operator');
  await naive.share(control.albumId, [bob.email], { role: 'viewer' }); // no error: a "new" person, trusted on first use
  assert.equal(count('select count(*) as n from album_members where user_id = ? and album_id = ?', attacker.user.id, control.albumId), 1);
  assert.equal(count('select count(*) as n from album_keys where user_id = ? and album_id = ?', attacker.user.id, control.albumId), 1);
  const invitations = await new Albums(nodeLibrary(attacker)).invitations();
  assert.equal(invitations.length, 1);
  assert.equal(invitations[0]!.albumName, 'ALBUM-CONTROL-sealed-to-the-operator', 'the operator opens the sealed album key');

  // and through the CLI: a pins.json in the old shape knows no email, so no warning
  const home = join(await mkdtemp(join(tmpdir(), 'obscura-cli-cleo-v1-')), 'home');
  const old = await cliUser('Cleo', String(process.pid), { home });
  try {
    await old.ok('login', '--server', server.url, '--email', cleo.email);
    await mkdir(home, { recursive: true });
    await writeFile(join(home, 'pins.json'), JSON.stringify({ [bob.session.user.id]: bobPin }), { mode: 0o600 });
    const fp = await old.run(['fingerprint', bob.email]);
    assert.equal(fp.code, 0, fp.stderr);
    assert.match(fp.stdout, /\(not pinned yet: compare it with them\)\n$/);
  } finally {
    await removeDir(join(home, '..'));
  }
});
