// A server that swaps the keys of a new account before the sharer finishes sharing with it,
// through the `obscura` CLI. The sharer (Sam) reaches the real server through a rewriting
// proxy: the server operator. Nina was invited before she had an account; she signs up with the
// mailed code (straight at the real server), and before Sam's app finishes, the operator answers
// Sam's list of invitations (and user lookups) with Nina's account under keys the operator holds.
// A first contact cannot be told from that by Sam's client alone (trust on first use), so it is
// caught by the fingerprint check: Sam's CLI prints the fingerprint it sealed to, which is not
// the one Nina's `obscura fingerprint` and her `invitations` show; and Nina's client refuses the
// invitation (the signed roster lists keys that are not hers), so `accept` fails. Positive
// control: the same flow without the operator ends with Otto downloading the photo intact.
// (SDK-level variants, and the operator opening what was sealed to its keys, are in
// attack-external-invitation.e2e.test.ts.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprintOf } from '@obscura/sdk';
import type { ExternalInvitationList, UserRef, UsersLookupResult } from '@obscura/protocol';
import { writePhotoFolder, type PhotoFolderManifest } from '../support/fixtures.ts';
import { startServerProcess, removeDir, mailedCode, type ServerProcess } from '../support/server-process.ts';
import { startRewritingProxy, type RewritingProxy } from '../support/rewriting-proxy.ts';
import { newPerson } from '../support/sdk.ts';
import { cliUser, type CliUser } from '../../apps/cli/test/subprocess.ts';

const tag = String(process.pid);
let server: ServerProcess;
let proxy: RewritingProxy;
let work: string;
let folder: PhotoFolderManifest;
let sam: CliUser;
const people: CliUser[] = [];
/** The operator's keys: an account it controls. */
let operatorKeys: Pick<UserRef, 'x25519PublicKeyB64' | 'ed25519PublicKeyB64'>;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const fingerprintOfUser = async (u: CliUser) => (await u.ok('fingerprint')).trim().split(/\s{2}/)[1]!;

/** Signs up at the real server (the invitee is not attacked), proving the email with the mailed code. */
async function signUpVerified(u: CliUser): Promise<void> {
  await u.ok('signup', '--server', server.url, '--email', u.email, '--name', u.name, '--request-code');
  await u.ok('signup', '--server', server.url, '--email', u.email, '--name', u.name, '--code', mailedCode(server.dataDir, u.email));
}

/** Sam makes an album holding his photo and shares it with `who`, who has no account yet. */
async function inviteNewcomer(album: string, who: CliUser): Promise<void> {
  await sam.ok('album', 'create', album);
  const [photo] = (await sam.json<{ photos: { id: string }[] }>('photos', '--json')).photos;
  await sam.ok('album', 'add', album, photo!.id);
  assert.match(await sam.ok('share', album, who.email, '--role', 'viewer'), /— no account yet/);
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-key-swap-'));
  server = await startServerProcess({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '1000' } });
  proxy = await startRewritingProxy(server.url);
  folder = await writePhotoFolder(join(work, 'photos'), { photos: 1, videos: 0 });
  sam = await cliUser('Sam', tag);
  people.push(sam);
  const r = await sam.run(['signup', '--server', proxy.url, '--email', sam.email, '--name', 'Sam']);
  assert.equal(r.code, 0, r.stderr);
  await sam.ok('backup', folder.dir);
  const operator = await newPerson(server.url, 'Operator');
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  operatorKeys = { x25519PublicKeyB64: b64(operator.session.publicKeys.x25519), ed25519PublicKeyB64: b64(operator.session.publicKeys.ed25519) };
});

after(async () => {
  await proxy?.close();
  await server?.stop();
  if (work) await removeDir(work);
  if (server) await removeDir(server.dataDir);
  for (const u of people) await removeDir(join(u.home, '..'));
});

test('positive control: without the operator, the fingerprints agree and Otto opens the photo intact', async () => {
  const otto = await cliUser('Otto', tag);
  people.push(otto);
  await inviteNewcomer('HONEST', otto);
  await signUpVerified(otto);
  const ottoFp = await fingerprintOfUser(otto);
  assert.equal(await sam.ok('pending', 'finish', otto.email, '--yes'),
    `finished sharing "HONEST" with ${otto.email} as viewer (new account; fingerprint ${ottoFp} — compare it with theirs)\n`);
  const { invitations } = await otto.json<{ invitations: { id: string; albumName: string | null; problem?: string }[] }>('invitations', '--json');
  assert.deepEqual(invitations.map((i) => [i.albumName, i.problem]), [['HONEST', undefined]]);
  await otto.ok('accept', 'HONEST');
  const [photo] = (await otto.json<{ photos: { id: string }[] }>('album', 'show', 'HONEST', '--json')).photos;
  const saved = (await otto.ok('download', photo!.id, '-o', join(work, 'otto'))).trim();
  assert.equal(sha256(await readFile(saved)), folder.files[0]!.sha256);
});

test('the operator swaps the new account\'s keys: Sam\'s CLI prints another fingerprint than Nina\'s, and Nina\'s CLI refuses the invitation', async () => {
  const nina = await cliUser('Nina', tag);
  people.push(nina);
  await inviteNewcomer('SWAPPED', nina);
  await signUpVerified(nina);
  const ninaFp = await fingerprintOfUser(nina);
  const operatorFp = await fingerprintOf(operatorKeys);
  assert.notEqual(operatorFp, ninaFp);
  // Nina's side of the check: her fingerprint, next to the waiting invitation
  assert.match(await nina.ok('invitations'), new RegExp(`waiting for Sam to finish sharing; your fingerprint: ${ninaFp} \\(Sam sees the same one\\)`));

  // The operator, between Nina's sign-up and Sam's next command: Nina's account with its keys.
  const swap = (u: UserRef): UserRef => (u.email === nina.email ? { ...u, ...operatorKeys } : u);
  const stops = [
    proxy.rewrite('GET', '/api/external-invitations', (a) => ({ invitations: (a as ExternalInvitationList).invitations.map((x) => (x.invitee ? { ...x, invitee: swap(x.invitee) } : x)) })),
    proxy.rewrite('POST', '/api/users/lookup', (a) => ({ ...(a as UsersLookupResult), users: (a as UsersLookupResult).users.map(swap) })),
  ];
  const before = proxy.rewritten;
  let finished: string;
  try {
    const members = await sam.ok('members', 'SWAPPED');
    assert.ok(members.includes(`${nina.email} signed up; their key fingerprint: ${operatorFp}\n`), members);
    finished = await sam.ok('pending', 'finish', '--yes');
    assert.equal((await sam.ok('fingerprint', nina.email)).trim(), `${nina.email}  ${operatorFp}`, 'lookups agree with the swap');
  } finally {
    for (const stop of stops) stop();
  }
  assert.ok(proxy.rewritten > before, 'the operator did rewrite answers');
  // 1. The fingerprint check: the one Sam's CLI printed is not the one Nina sees for herself.
  assert.equal(finished, `finished sharing "SWAPPED" with ${nina.email} as viewer (new account; fingerprint ${operatorFp} — compare it with theirs)\n`);
  assert.notEqual(operatorFp, ninaFp);

  // 2. Nina's client refuses: the owner-signed roster holds keys that are not hers.
  const list = await nina.ok('invitations');
  assert.match(list, /REFUSED: .*shared this album with keys that are not yours/);
  const { invitations } = await nina.json<{ invitations: { id: string; albumName: string | null; problem?: string }[] }>('invitations', '--json');
  assert.equal(invitations.length, 1);
  assert.equal(invitations[0]!.albumName, null, 'nothing of the album is shown');
  assert.ok(invitations[0]!.problem!.includes(`keys that are not yours (fingerprint ${operatorFp}; yours is ${ninaFp})`), invitations[0]!.problem);
  const accept = await nina.run(['accept', invitations[0]!.id]);
  assert.equal(accept.code, 1);
  assert.match(accept.stderr, new RegExp(`^obscura: .*keys that are not yours \\(fingerprint ${operatorFp}; yours is ${ninaFp}\\).*Do not accept`));
  assert.deepEqual((await nina.json<{ albums: unknown[] }>('albums', '--json')).albums, []);

  // 3. Once the operator stops, Sam's own client sees Nina's real keys as a change and says so loudly.
  const check = await sam.run(['fingerprint', nina.email]);
  assert.equal(check.code, 1);
  assert.match(check.stderr, /WARNING: the keys of .* changed/);
});
