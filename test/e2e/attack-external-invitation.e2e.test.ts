// Invitations to people without an account, attacked by the server operator (SDK level;
// the CLI's own flow and key-swap test are in invite-without-account.e2e.test.ts). A rewriting
// proxy in front of a real server process plays the operator: between the invitee's sign-up and
// the sharer's completion it names, for the invitation, (1) an account under ANOTHER email, or
// (2) the right account with keys the operator holds. (1) is refused by the sharer's client
// before anything is sealed; (2) cannot be told from a first contact by the sharer alone (trust on
// first use), so it is caught by the fingerprints both sides see and by the invitee's client,
// which refuses an invitation whose signed roster lists keys that are not its own. The positive
// controls show each attack doing its damage where the client does not check: the mallory
// account receives nothing, and in (2) the operator's keys really do open the album key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Albums, Session, fingerprintOf, type ExternalInvitationView } from '@obscura/sdk';
import { nodeLibrary } from '@obscura/sdk/node';
import { openSealedAlbumKey } from '@obscura/crypto';
import type { ExternalInvitationList, UserRef } from '@obscura/protocol';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { startRewritingProxy, type RewritingProxy } from '../support/rewriting-proxy.ts';
import { fastOptions, newPerson } from '../support/sdk.ts';

let server: ServerProcess;
let proxy: RewritingProxy;
let alice: Awaited<ReturnType<typeof newPerson>> & { albums: Albums };
let n = 0;

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const refOf = (s: Session): UserRef => ({
  id: s.user.id, email: s.user.email, displayName: s.user.displayName,
  x25519PublicKeyB64: b64(s.publicKeys.x25519), ed25519PublicKeyB64: b64(s.publicKeys.ed25519),
});

/** The newest one-time code mailed to `email` (the outbox of the server process). */
async function codeFor(email: string): Promise<string> {
  const dir = join(server.dataDir, 'outbox');
  const names = (await readdir(dir)).filter((x) => x.endsWith('.eml') && x.includes('email-code')).sort();
  for (const name of names.reverse()) {
    const text = (await readFile(join(dir, name), 'utf8')).replace(/=\r?\n/g, '');
    if (!text.includes(email)) continue;
    const m = /\b(\d{4})[ -]?(\d{4})\b/.exec(text.slice(text.indexOf('\n\n')));
    if (m) return `${m[1]}${m[2]}`;
  }
  throw new Error(`no code mail for ${email} in the outbox`);
}

/** Signs up `email` with the mailed code, straight at the server (the invitee is not attacked here). */
async function signUpVerified(email: string, name: string): Promise<Session> {
  const { verificationId } = await Session.requestEmailCode({ server: server.url, email });
  const { session } = await Session.signup({
    ...fastOptions(server.url), email, password: `correct horse ${name} battery`, displayName: name,
    emailVerification: { verificationId, code: await codeFor(email) },
  });
  return session;
}

/** Alice shares a new album with an address that has no account yet; returns the album and the invitation. */
async function inviteUnknown(label: string): Promise<{ albumId: string; email: string; invitation: ExternalInvitationView }> {
  const album = await alice.albums.create(`ALBUM-${label}`);
  const email = `new-${label}-${process.pid}-${++n}@example.org`;
  const r = await alice.albums.share(album.albumId, [email], { role: 'viewer' });
  assert.equal(r.invitedWithoutAccount.length, 1);
  assert.equal(r.invitedWithoutAccount[0]!.status, 'pending');
  return { albumId: album.albumId, email, invitation: r.invitedWithoutAccount[0]! };
}

const rosterIds = async (albumId: string) => (await alice.albums.members(albumId)).map((m) => m.userId);

before(async () => {
  server = await startServerProcess();
  proxy = await startRewritingProxy(server.url);
  const a = await newPerson(proxy.url, 'Alice');
  alice = { ...a, albums: new Albums(a.library) };
});

after(async () => {
  await proxy?.close();
  await server?.stop();
  if (server) await removeDir(server.dataDir);
});

test('positive control: without the operator, the invitee signs up, Alice finishes, the invitee accepts', async () => {
  const { albumId, email } = await inviteUnknown('honest');
  const bob = await signUpVerified(email, 'Bob');
  const [pending] = await alice.albums.externalInvitations(albumId);
  assert.equal(pending!.status, 'signed-up');
  assert.equal(pending!.invitee!.fingerprint, await bob.fingerprint(), 'Alice sees the fingerprint Bob sees');
  const done = await alice.albums.completeExternal();
  assert.deepEqual(done.failed, []);
  assert.deepEqual(done.completed.map((c) => c.email), [email]);
  const bobAlbums = new Albums(nodeLibrary(bob));
  const [inv] = await bobAlbums.invitations();
  assert.equal(inv!.problem, undefined);
  assert.equal(inv!.albumName, 'ALBUM-honest');
  await bobAlbums.accept(inv!.invitationId);
});

test('the operator names an account under another email for the invitation: refused before anything is sealed', async () => {
  const { albumId, email } = await inviteUnknown('other-email');
  const mallory = await newPerson(server.url, 'Mallory');
  await signUpVerified(email, 'Carol');
  const stop = proxy.rewrite('GET', '/api/external-invitations', (answer) => {
    const list = answer as ExternalInvitationList;
    return { invitations: list.invitations.map((x) => (x.email === email && x.invitee ? { ...x, invitee: refOf(mallory.session) } : x)) };
  });
  try {
    const [view] = await alice.albums.externalInvitations(albumId);
    assert.match(view!.problem ?? '', /another email/);
    const r = await alice.albums.completeExternal();
    assert.deepEqual(r.completed, []);
    assert.equal(r.failed.length, 1);
    assert.match(r.failed[0]!.problem, /names an account with another email \(mallory-/);
  } finally {
    stop();
  }
  assert.ok(!(await rosterIds(albumId)).includes(mallory.session.user.id), 'Mallory was not added');
  assert.deepEqual(await new Albums(mallory.library).invitations(), [], 'nothing reached Mallory');
});

test('the operator swaps the new account\'s keys: fingerprints differ, and the invitee\'s client refuses the invitation', async () => {
  const { albumId, email, invitation } = await inviteUnknown('key-swap');
  const dave = await signUpVerified(email, 'Dave');
  // The operator's keys: any account it controls (here a real one, so the test can open what was sealed to it).
  const operator = await newPerson(server.url, 'Operator');
  const swapped = (u: UserRef): UserRef => ({ ...u, x25519PublicKeyB64: refOf(operator.session).x25519PublicKeyB64, ed25519PublicKeyB64: refOf(operator.session).ed25519PublicKeyB64 });
  const stop = proxy.rewrite('GET', '/api/external-invitations', (answer) => {
    const list = answer as ExternalInvitationList;
    return { invitations: list.invitations.map((x) => (x.email === email && x.invitee ? { ...x, invitee: swapped(x.invitee) } : x)) };
  });
  let shownToAlice: string;
  try {
    const r = await alice.albums.completeExternal({ ids: [invitation.id], confirm: (inv) => { shownToAlice = inv.invitee!.fingerprint; return true; } });
    assert.deepEqual(r.failed, []);
    assert.equal(r.completed.length, 1, 'a first contact: the sharer alone cannot tell (trust on first use)');
  } finally {
    stop();
  }
  // 1. The fingerprint check: what Alice was shown is not Dave's own.
  assert.equal(shownToAlice!, await fingerprintOf(refOf(operator.session)));
  assert.notEqual(shownToAlice!, await dave.fingerprint(), 'the two sides see different fingerprints');
  // Positive control: the damage is real — the operator's private key opens the sealed album key.
  const db = await import('better-sqlite3');
  const conn = new db.default(join(server.dataDir, 'obscura.db'), { readonly: true });
  const row = conn.prepare('select sealed from album_keys where album_id = ? and user_id = ? and epoch = 1').get(albumId, dave.user.id) as { sealed: Buffer };
  conn.close();
  const opened = await openSealedAlbumKey({
    recipient: { userId: dave.user.id, boxKeys: operator.session.bundle.boxKeys },
    senderPublicKey: alice.session.bundle.signingKeys.publicKey, senderId: alice.session.user.id,
    sealed: new Uint8Array(row.sealed), expect: { albumId, epoch: 1 },
  });
  assert.equal(opened.epoch, 1);
  // 2. The invitee's client: the signed roster lists keys that are not Dave's — shown as the problem, and accept refuses.
  const daveAlbums = new Albums(nodeLibrary(dave));
  const [inv] = await daveAlbums.invitations();
  assert.match(inv!.problem ?? '', /keys that are not yours .*the server may have swapped your keys/);
  assert.ok(inv!.problem!.includes(await dave.fingerprint()) && inv!.problem!.includes(shownToAlice!), 'both fingerprints, to compare');
  await assert.rejects(daveAlbums.accept(inv!.invitationId), /keys that are not yours/);
});

test('a new account whose email Alice pinned to other keys before: refused with the key change', async () => {
  // Erin had an account Alice shared with (pinned); the operator deletes it, then an invitation
  // to erin@ is "claimed" by a new account with other keys.
  const erin = await newPerson(server.url, 'Erin');
  const first = await alice.albums.create('ALBUM-pinned');
  await alice.albums.share(first.albumId, [erin.email], { role: 'viewer' });
  const { albumId } = await alice.albums.create('ALBUM-pinned-2');
  const impostor = await newPerson(server.url, 'Impostor');
  // The operator says erin@ has no account: the server itself then refuses the external
  // invitation (erin@ has one); the operator forges the list instead, with the impostor's keys under Erin's id and email.
  const stopLookup = proxy.rewrite('POST', '/api/users/lookup', () => ({ users: [], missing: [erin.email] }));
  try {
    await assert.rejects(alice.albums.share(albumId, [erin.email], { role: 'viewer' }), /has an Obscura account/);
  } finally {
    stopLookup();
  }
  const forged = {
    id: crypto.randomUUID(), albumId, albumKind: 'album' as const, email: erin.email, role: 'viewer' as const, status: 'signed-up' as const,
    invitedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    invitee: { ...refOf(erin.session), x25519PublicKeyB64: refOf(impostor.session).x25519PublicKeyB64, ed25519PublicKeyB64: refOf(impostor.session).ed25519PublicKeyB64 },
    messageSealedB64: null,
  };
  const stop = proxy.rewrite('GET', '/api/external-invitations', () => ({ invitations: [forged] }));
  try {
    const [view] = await alice.albums.externalInvitations(albumId);
    assert.match(view!.problem ?? '', /key/i);
    const r = await alice.albums.completeExternal({ ids: [forged.id] });
    assert.deepEqual(r.completed, []);
    assert.equal(r.failed.length, 1);
    assert.match(r.failed[0]!.problem, /key/i);
  } finally {
    stop();
  }
  assert.ok(!(await rosterIds(albumId)).includes(erin.session.user.id), 'nothing was sealed to the swapped keys');
});
