// Attacks on shared albums by the server operator, against a real server process. The
// operator edits the SQLite file of the running server (and may register its own account,
// "Mallory"): it plants epoch keys, adds a ghost member, rolls an album's key and state back,
// applies an editor's rotation the honest server refused, and swaps two accounts' emails.
// Each attack is refused by the victim's client with a typed error naming what failed
// ([Note: album state is owner-signed] in packages/crypto/src/album-state.ts, [Note: album
// state pins] in packages/sdk/src/album-trust.ts, [Note: pins by email] in
// packages/sdk/src/keys.ts); SQL shows nothing was added or sealed where the attacker wanted;
// the attacker's own decryption attempts recover nothing. A positive control in each test
// shows the attack step "working" at the layer below the defence (the planted key opens, the
// server demands sealing to the ghost, the rolled-back state verifies on its own, …), so each
// test would fail without the defence.
//
// One `Albums` instance per person for the whole file: like a real client keeping its pins on
// disk, each remembers the latest verified state of every album it has seen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  Albums, AlbumTrustError, ApiError, KeyChangedError, KeyPins, Session, type AlbumTrustCheck,
} from '@obscura/sdk';
import { nodeLibrary, nodeThumbnailer, openFileSource } from '@obscura/sdk/node';
import {
  CryptoError, albumEpochCommitment, albumMetadataHash, checkEpochKeyInState, decryptAlbumMetadata, encryptAlbumMetadata, fromBase64,
  newAlbumKey, openSealedAlbumKey, rotateAlbumKey, sealAlbumKey, signAlbumState, toBase64, unwrapFileKeyForAlbum, verifyAlbumState,
  wrapFileKeyForAlbum, type AlbumEpochKey, type AlbumState,
} from '@obscura/crypto';
import { makeJpeg } from '../support/fixtures.ts';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { fastOptions, newPerson } from '../support/sdk.ts';

type Person = Awaited<ReturnType<typeof newPerson>> & { albums: Albums; id: string };

let server: ServerProcess;
let db: Database.Database;
let work: string;
let alice: Person, bob: Person, carol: Person, mallory: Person;
/** Test 5's second operator account (display name "Alice") and the album it was shared. */
let impostorAlbum: { impostor: Person; albumId: string } | undefined;

async function person(name: string): Promise<Person> {
  const p = await newPerson(server.url, name);
  return { ...p, albums: new Albums(p.library), id: p.session.user.id };
}

// ------------------------------------------------------------ photos

let seed = 200;
/** A new, distinct JPEG on disk (a realistic camera photo). */
async function newJpeg(): Promise<string> {
  const s = seed++;
  const path = join(work, `IMG_${s}.jpg`);
  await writeFile(path, await makeJpeg({
    width: 64, height: 48, capturedAt: new Date(Date.UTC(2024, 6, 1, 9, 0, s)), offset: '+02:00', make: 'Apple', model: 'iPhone 15', seed: s,
  }));
  return path;
}

/** Uploads a new photo straight into the album; returns its file id. */
async function uploadInto(p: Person, albumId: string): Promise<string> {
  const src = await openFileSource(await newJpeg());
  try {
    const r = await p.albums.upload(albumId, src, { thumbnailer: nodeThumbnailer });
    assert.equal(r.status, 'uploaded');
    return (r as { fileId: string }).fileId;
  } finally {
    await src.close();
  }
}

/** Uploads a new photo into the person's library only; returns its file id. */
async function libraryPhoto(p: Person): Promise<string> {
  const src = await openFileSource(await newJpeg());
  try {
    const r = await p.library.upload(src, { thumbnailer: nodeThumbnailer });
    assert.equal(r.status, 'uploaded');
    return (r as { fileId: string }).fileId;
  } finally {
    await src.close();
  }
}

async function accept(p: Person, albumId: string): Promise<void> {
  const inv = (await p.albums.invitations()).find((i) => i.albumId === albumId);
  assert.ok(inv, `${p.email} has an invitation to ${albumId}`);
  assert.equal(inv.problem, undefined);
  await p.albums.accept(inv.invitationId);
}

// ------------------------------------------------------------ the database, as the operator

const count = (sql: string, ...params: unknown[]) => (db.prepare(sql).get(...params) as { n: number }).n;
const albumRow = (albumId: string) => db.prepare('select * from albums where id = ?').get(albumId) as {
  current_epoch: number; metadata: Buffer; metadata_epoch: number; state_seq: number; rotation_needed: number;
};
const itemRows = (albumId: string) => db.prepare("select file_id, epoch, wrapped_key from album_items where album_id = ? and state = 'active' order by seq")
  .all(albumId) as { file_id: string; epoch: number; wrapped_key: Buffer }[];
const buf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
/** Gives the impostor's account `toImpostor` and Alice's `toAlice` (through a temporary value: emails are unique). */
const swapEmails = (impostor: Person, toImpostor: string, toAlice: string) => db.transaction(() => {
  const set = db.prepare('update users set email = ? where id = ?');
  set.run(`swap-${randomUUID()}@example.org`, alice.id);
  set.run(toImpostor, impostor.id);
  set.run(toAlice, alice.id);
})();

// ------------------------------------------------------------ assertions

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Awaits a refusal: an AlbumTrustError with this check and a message matching `phrase`. */
async function refused(p: Promise<unknown>, check: AlbumTrustCheck, phrase: RegExp): Promise<AlbumTrustError> {
  let caught: unknown;
  await assert.rejects(p, (e: unknown) => { caught = e; return true; });
  assert.ok(caught instanceof AlbumTrustError, `expected AlbumTrustError, got ${String(caught)}`);
  assert.equal(caught.check, check, caught.message);
  assert.match(caught.message, phrase);
  return caught;
}

/** `key` opens none of the wrapped file keys (under its own epoch, nor relabelled to the item's epoch). */
async function opensNothing(key: AlbumEpochKey, rows: readonly { file_id: string; epoch: number; wrapped_key: Buffer }[]): Promise<void> {
  assert.ok(rows.length > 0, 'there are items to try');
  for (const r of rows) {
    for (const k of [key, { ...key, epoch: r.epoch }]) {
      await assert.rejects(unwrapFileKeyForAlbum(k, r.wrapped_key, { fileId: r.file_id }), CryptoError, `epoch ${k.epoch} key on ${r.file_id}`);
    }
  }
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-attack-album-trust-'));
  server = await startServerProcess();
  [alice, bob, carol, mallory] = await Promise.all(['Alice', 'Bob', 'Carol', 'Mallory'].map(person)) as [Person, Person, Person, Person];
  db = new Database(join(server.dataDir, 'obscura.db'));
  db.pragma('busy_timeout = 5000');
});

after(async () => {
  db?.close();
  await server?.stop();
  if (server) await removeDir(server.dataDir);
  if (work) await removeDir(work);
});

test('1. planted epoch key: a key Mallory sealed as "epoch 2" is refused by the owner and the editor; nothing is wrapped under it', async () => {
  const A = (await alice.albums.create('TRIP-planted-key-1')).albumId;
  await uploadInto(alice, A);
  await alice.albums.share(A, [bob.email], { role: 'editor' });
  await accept(bob, A);
  await uploadInto(bob, A);
  // both have opened the album once (their clients pinned its state: seq 2, epoch 1)
  assert.equal((await alice.albums.photos(A)).photos.length, 2);
  assert.equal((await bob.albums.photos(A)).photos.length, 2);
  const aliceLib = await libraryPhoto(alice);
  const bobLib = await libraryPhoto(bob);
  const itemsBefore = itemRows(A);

  // The attack: a key of Mallory's making, sealed (and signed) by Mallory to both, made "current".
  const planted = newAlbumKey(A, 2);
  const sender = { userId: mallory.id, signingKeys: mallory.session.bundle.signingKeys };
  const insertKey = db.prepare('insert into album_keys (album_id, epoch, user_id, sealed, sealed_by) values (?, ?, ?, ?, ?)');
  const sealed = new Map<string, Uint8Array>();
  for (const v of [alice, bob]) {
    sealed.set(v.id, await sealAlbumKey({ sender, recipient: { userId: v.id, x25519PublicKey: v.session.publicKeys.x25519 }, albumKey: planted }));
  }
  db.transaction(() => {
    for (const v of [alice, bob]) insertKey.run(A, 2, v.id, buf(sealed.get(v.id)!), mallory.id);
    db.prepare('update albums set current_epoch = 2 where id = ?').run(A);
  })();

  // Positive control: the server presents epoch 2 as current, and the planted box really opens
  // for each victim (HPKE + Mallory's valid signature): only the owner's signed state tells it apart.
  for (const v of [alice, bob]) {
    const d = await v.session.api.call('getAlbum', { params: { albumId: A } });
    assert.equal(d.currentEpoch, 2);
    const box = d.myKeys.find((k) => k.epoch === 2);
    assert.equal(box?.sealedBy.id, mallory.id);
    const opened = await openSealedAlbumKey({
      recipient: { userId: v.id, boxKeys: v.session.bundle.boxKeys }, senderPublicKey: mallory.session.bundle.signingKeys.publicKey,
      senderId: mallory.id, sealed: fromBase64(box!.sealedB64), expect: { albumId: A, epoch: 2 },
    });
    assert.deepEqual(opened.key, planted.key, 'the victim would hold the operator-made key');
  }
  const signed = alice.albums.trust.current(A)!;
  assert.equal(signed.epoch, 1);
  await assert.rejects(checkEpochKeyInState(signed, planted), (e: unknown) => e instanceof CryptoError && e.code === 'wrong-context' && /knows epochs 1\.\.1 only/.test(e.message));

  // The victims refuse: the owner signed epoch 1 only.
  const phrase = /the server names epoch 2 as current, but its owner signed epoch 1 only \(a key its owner never made\)/;
  for (const [v, lib] of [[alice, aliceLib], [bob, bobLib]] as const) {
    await refused(uploadInto(v, A), 'key', phrase);
    await refused(v.albums.addPhotos(A, [lib]), 'key', phrase);
  }

  // Nothing was added under the planted epoch, nothing sealed by the victims; the planted key opens nothing.
  assert.equal(count('select count(*) as n from album_items where album_id = ? and epoch = 2', A), 0);
  assert.deepEqual(itemRows(A).map((r) => r.file_id), itemsBefore.map((r) => r.file_id));
  assert.equal(count('select count(*) as n from album_keys where album_id = ? and epoch = 2 and sealed_by <> ?', A, mallory.id), 0);
  await opensNothing(planted, itemRows(A));
});

test('1b. forged album "owned" by Alice: the invitation shows a problem, is not accepted, and Bob adds nothing', async () => {
  assert.ok(bob.library.pins.isPinned(alice.id), "Bob pinned Alice's keys from album A");
  // The operator forges a whole album: Alice as owner, but the state signed with Mallory's key.
  const F = randomUUID();
  const key = newAlbumKey(F, 1);
  const NAME = 'FORGED-album-from-Alice-5e1d';
  const metadata = await encryptAlbumMetadata(key, { name: NAME });
  const now = Date.now();
  const { state, signature } = await signAlbumState(mallory.session.bundle.signingKeys, {
    albumId: F, ownerId: alice.id, ownerSigningKey: mallory.session.bundle.signingKeys.publicKey, kind: 'album', origin: 'created',
    createdAt: now, seq: 1, epoch: 1, epochCommitments: [await albumEpochCommitment(key)], metadataHash: await albumMetadataHash(metadata),
    members: [{ userId: bob.id, email: bob.email, role: 'editor', ed25519PublicKey: bob.session.publicKeys.ed25519, x25519PublicKey: bob.session.publicKeys.x25519 }],
  });
  const boxForBob = await sealAlbumKey({
    sender: { userId: mallory.id, signingKeys: mallory.session.bundle.signingKeys },
    recipient: { userId: bob.id, x25519PublicKey: bob.session.publicKeys.x25519 }, albumKey: key,
  });
  const invitationId = randomUUID();
  db.transaction(() => {
    db.prepare(`insert into albums (id, owner_id, current_epoch, metadata, metadata_epoch, rotation_needed, item_seq, created_at, updated_at, kind, state_seq)
      values (?, ?, 1, ?, 1, 0, 0, ?, ?, 'album', 1)`).run(F, alice.id, buf(metadata), now, now);
    const member = db.prepare(`insert into album_members (id, album_id, user_id, role, status, invited_by, invited_at, responded_at, message_sealed)
      values (?, ?, ?, ?, ?, ?, ?, ?, null)`);
    member.run(randomUUID(), F, alice.id, 'owner', 'active', null, now, now);
    member.run(invitationId, F, bob.id, 'editor', 'pending', alice.id, now, null);
    db.prepare('insert into album_keys (album_id, epoch, user_id, sealed, sealed_by) values (?, 1, ?, ?, ?)').run(F, bob.id, buf(boxForBob), mallory.id);
    db.prepare('insert into album_states (album_id, seq, state, signature, created_at) values (?, 1, ?, ?, ?)').run(F, buf(state), buf(signature), now);
  })();

  // Positive control: everything is self-consistent under Mallory's key — the state verifies,
  // the box opens for Bob, the key matches the commitment, the name decrypts. Only Alice's
  // pinned key (the state must be signed by the owner Bob pinned) stops it.
  const asMallorys = await verifyAlbumState(state, signature, mallory.session.bundle.signingKeys.publicKey, { albumId: F, ownerId: alice.id });
  const opened = await openSealedAlbumKey({
    recipient: { userId: bob.id, boxKeys: bob.session.bundle.boxKeys }, senderPublicKey: mallory.session.bundle.signingKeys.publicKey,
    senderId: mallory.id, sealed: boxForBob, expect: { albumId: F, epoch: 1 },
  });
  await checkEpochKeyInState(asMallorys, opened);
  assert.equal((await decryptAlbumMetadata(opened, metadata)).name, NAME);
  const listed = (await bob.session.api.call('listInvitations')).invitations.find((i) => i.albumId === F);
  assert.equal(listed?.invitedBy.id, alice.id, 'the server presents it as an invitation from Alice');
  assert.equal(listed?.owner.id, alice.id);

  // Bob's client: the invitation is listed with a problem, never with a name.
  const inv = (await bob.albums.invitations()).find((i) => i.albumId === F);
  assert.ok(inv);
  assert.equal(inv.albumName, undefined);
  assert.equal(inv.from.email, alice.email);
  assert.match(inv.problem ?? '', new RegExp(`the signature does not verify under the key of its owner ${alice.id}`));
  assert.ok(!JSON.stringify(inv).includes(NAME));
  // accept() refuses with the refusal itself: the state does not verify under Alice's pinned key.
  await refused(bob.albums.accept(invitationId), 'signature', /the signature does not verify under the key of its owner/);

  // Nothing happened: still pending, no album for Bob, nothing added or sealed by Bob.
  assert.equal((db.prepare('select status from album_members where id = ?').get(invitationId) as { status: string }).status, 'pending');
  assert.ok(!(await bob.albums.list()).some((a) => a.albumId === F));
  assert.equal(count('select count(*) as n from album_items where album_id = ?', F), 0);
  assert.equal(count('select count(*) as n from album_keys where album_id = ? and sealed_by <> ?', F, mallory.id), 0);
  assert.equal(bob.albums.statePins.get(F), undefined, 'no state of the forged album was pinned');
});

test('2. ghost member: an active row Mallory inserted for herself is refused by name; nothing is sealed to her; revoke recovers', async () => {
  const NAME = 'GHOST-album-2';
  const G = (await alice.albums.create(NAME)).albumId;
  await uploadInto(alice, G);
  await alice.albums.share(G, [bob.email], { role: 'viewer' });
  await accept(bob, G);
  assert.equal((await bob.albums.photos(G)).photos.length, 1);
  const aliceLib = await libraryPhoto(alice);
  const { current: k1 } = await alice.albums.epochKeys(G);
  const stateBefore = albumRow(G).state_seq;

  // The attack: Mallory "invited by Alice", active, and a rotation demanded (as after someone left).
  const now = Date.now();
  db.transaction(() => {
    db.prepare(`insert into album_members (id, album_id, user_id, role, status, invited_by, invited_at, responded_at, message_sealed)
      values (?, ?, ?, 'viewer', 'active', ?, ?, ?, null)`).run(randomUUID(), G, mallory.id, alice.id, now, now);
    db.prepare('update albums set rotation_needed = 1 where id = ?').run(G);
  })();

  // Positive control: the server now treats Mallory as a member invited by Alice, lets her list
  // the items, and itself demands that the next key be sealed to her: an honest rotation sealed
  // to the signed roster only (Alice, Bob) is refused with "missing <Mallory>".
  const { members: listedMembers } = await alice.session.api.call('listMembers', { params: { albumId: G } });
  const ghostRow = listedMembers.find((m) => m.user.id === mallory.id);
  assert.equal(ghostRow?.status, 'active');
  assert.equal(ghostRow?.invitedBy?.id, alice.id);
  assert.equal((await mallory.session.api.call('listAlbumItems', { params: { albumId: G } })).items.length, 1);
  const signed = alice.albums.trust.current(G)!;
  const next = rotateAlbumKey(k1);
  const aliceSender = { userId: alice.id, signingKeys: alice.session.bundle.signingKeys };
  const metadata = await encryptAlbumMetadata(next, { name: NAME });
  const nextState = await signAlbumState(alice.session.bundle.signingKeys, {
    albumId: G, ownerId: alice.id, ownerSigningKey: signed.ownerSigningKey, kind: signed.kind, origin: signed.origin, createdAt: signed.createdAt,
    seq: signed.seq + 1, prevHash: signed.hash, epoch: 2, epochCommitments: [...signed.epochCommitments, await albumEpochCommitment(next)],
    metadataHash: await albumMetadataHash(metadata), members: signed.members,
  });
  const sealedKeys = [];
  for (const v of [alice, bob]) {
    sealedKeys.push({ userId: v.id, sealedB64: toBase64(await sealAlbumKey({ sender: aliceSender, recipient: { userId: v.id, x25519PublicKey: v.session.publicKeys.x25519 }, albumKey: next })) });
  }
  await assert.rejects(alice.session.api.call('rotateAlbum', {
    params: { albumId: G },
    body: { rotation: { epoch: 2, metadataB64: toBase64(metadata), sealedKeys, state: { seq: signed.seq + 1, stateB64: toBase64(nextState.state), signatureB64: toBase64(nextState.signature) } } },
  }), (e: unknown) => e instanceof ApiError && e.status === 400 && e.message.includes(`missing ${mallory.email}`));
  assert.equal(albumRow(G).state_seq, stateBefore, 'the refused rotation left no state behind');
  assert.equal(albumRow(G).current_epoch, 1);

  // Alice's client refuses to add (its automatic rotation would have sealed to the ghost), naming her.
  const phrase = new RegExp(`the server lists ${esc(mallory.email)} as a member, but you never added them \\(they are not in the album's signed roster\\); nothing was sealed to them`);
  await refused(uploadInto(alice, G), 'roster', phrase);
  await refused(alice.albums.addPhotos(G, [aliceLib]), 'roster', phrase);
  assert.equal(count('select count(*) as n from album_keys where album_id = ? and user_id = ?', G, mallory.id), 0, 'no key sealed to Mallory');
  assert.equal(count('select count(*) as n from album_keys where album_id = ? and epoch > 1', G), 0);
  assert.equal(albumRow(G).state_seq, stateBefore);
  assert.equal(itemRows(G).length, 1, 'nothing was added');

  const members = await alice.albums.members(G);
  assert.deepEqual(members.map((m) => [m.email, m.status, m.inRoster]).sort(), [
    [alice.email, 'active', true], [bob.email, 'active', true], [mallory.email, 'active', false],
  ].sort());

  // Mallory's own client recovers nothing: no key was ever sealed to her.
  assert.deepEqual((await mallory.session.api.call('getAlbum', { params: { albumId: G } })).myKeys, []);
  await refused(mallory.albums.photos(G), 'key', /no key for its current epoch 1 was sealed to me/);

  // Recovery: Alice removes the ghost; the key rotates to the signed roster and adding works again.
  await alice.albums.revoke(G, mallory.email);
  const after = await uploadInto(alice, G);
  assert.equal(await alice.albums.addPhotos(G, [aliceLib]), 1);
  assert.deepEqual(itemRows(G).filter((r) => r.file_id === after || r.file_id === aliceLib).map((r) => r.epoch), [2, 2]);
  const epoch2 = db.prepare('select user_id, sealed_by from album_keys where album_id = ? and epoch = 2 order by user_id').all(G) as { user_id: string; sealed_by: string }[];
  assert.deepEqual(epoch2.map((r) => r.user_id).sort(), [alice.id, bob.id].sort());
  assert.ok(epoch2.every((r) => r.sealed_by === alice.id));
  assert.equal(count('select count(*) as n from album_keys where album_id = ? and user_id = ?', G, mallory.id), 0);
  assert.equal((db.prepare('select status from album_members where album_id = ? and user_id = ?').get(G, mallory.id) as { status: string }).status, 'removed');
  assert.equal(albumRow(G).rotation_needed, 0);
  assert.ok((await bob.albums.photos(G)).photos.some((p) => p.fileId === after), 'Bob, in the roster, sees the new photo');
  await assert.rejects(mallory.session.api.call('listAlbumItems', { params: { albumId: G } }), (e: unknown) => e instanceof ApiError && e.status === 404);
});

test('3. epoch rollback after revoking Carol: the server naming epoch 1 again, or replaying the older state, is refused', async () => {
  const NAME = 'ROLLBACK-album-3';
  const R = (await alice.albums.create(NAME)).albumId;
  await uploadInto(alice, R);
  await alice.albums.share(R, [carol.email], { role: 'viewer' });
  await accept(carol, R);
  assert.equal((await carol.albums.photos(R)).photos.length, 1);
  // What Carol keeps: the epoch-1 key.
  const carolEpoch1 = (await carol.albums.epochKeys(R)).keys.get(1)!;
  const preRevoke = itemRows(R);
  await unwrapFileKeyForAlbum(carolEpoch1, preRevoke[0]!.wrapped_key, { fileId: preRevoke[0]!.file_id }); // her key opens the old photo
  const old = albumRow(R);
  const oldMetadata = Buffer.from(old.metadata);

  await alice.albums.revoke(R, carol.email);
  assert.equal(albumRow(R).current_epoch, 2);
  assert.equal(albumRow(R).state_seq, old.state_seq + 1);
  const { current: k2, keys: aliceKeys } = await alice.albums.epochKeys(R);
  assert.equal(k2.epoch, 2);
  assert.deepEqual(aliceKeys.get(1)!.key, carolEpoch1.key, "Alice's epoch-1 key is the one Carol kept");
  await uploadInto(alice, R); // added after the revoke, under epoch 2
  const aliceLib = await libraryPhoto(alice);
  const postRevoke = () => itemRows(R).filter((r) => !preRevoke.some((p) => p.file_id === r.file_id));
  const checkNothingForCarol = async () => {
    assert.ok(postRevoke().length > 0);
    assert.deepEqual(postRevoke().map((r) => r.epoch).filter((e) => e !== 2), [], 'nothing added after the revoke is wrapped under epoch 1');
    await opensNothing(carolEpoch1, postRevoke());
  };

  // (a) The operator names epoch 1 as current again.
  db.prepare('update albums set current_epoch = 1 where id = ?').run(R);
  // Positive control: the server now insists on epoch 1 (Carol's key) and refuses the honest epoch 2.
  assert.equal((await alice.session.api.call('getAlbum', { params: { albumId: R } })).currentEpoch, 1);
  const photo = await alice.library.open(aliceLib);
  await assert.rejects(alice.session.api.call('addAlbumItems', {
    params: { albumId: R }, body: { epoch: 2, items: [{ fileId: aliceLib, wrappedKeyB64: toBase64(await wrapFileKeyForAlbum(k2, photo.fileKey, { fileId: aliceLib })) }] },
  }), (e: unknown) => e instanceof ApiError && e.status === 409 && /album key changed meanwhile/.test(e.message));
  const phraseA = /the server names epoch 1 as current, but its owner moved it to epoch 2 \(a rolled-back key\)/;
  await refused(uploadInto(alice, R), 'rollback', phraseA);
  await refused(alice.albums.addPhotos(R, [aliceLib]), 'rollback', phraseA);
  await refused(alice.albums.get(R), 'rollback', phraseA);
  await checkNothingForCarol();
  db.prepare('update albums set current_epoch = 2 where id = ?').run(R);
  await uploadInto(alice, R); // restored: adding works again, under epoch 2
  await checkNothingForCarol();

  // (b) The operator replays the whole older state: the states after the revoke deleted, the
  // state number, the epoch and the name (metadata under epoch 1) put back as they were.
  db.transaction(() => {
    db.prepare('delete from album_states where album_id = ? and seq > ?').run(R, old.state_seq);
    db.prepare('update albums set state_seq = ?, current_epoch = 1, metadata = ?, metadata_epoch = ? where id = ?').run(old.state_seq, oldMetadata, old.metadata_epoch, R);
  })();
  // Positive control: what the server shows is authentic on its own — Alice's signature, epoch 1
  // committed to Carol's key, the name decrypting under it. A client without the state pin
  // would take Carol's key as current; only the pin (state 3 seen before) refuses it.
  const d = await alice.session.api.call('getAlbum', { params: { albumId: R } });
  assert.equal(d.state?.seq, old.state_seq);
  const replayed: AlbumState = await verifyAlbumState(fromBase64(d.state!.stateB64), fromBase64(d.state!.signatureB64),
    alice.session.bundle.signingKeys.publicKey, { albumId: R, ownerId: alice.id });
  assert.equal(replayed.epoch, 1);
  await checkEpochKeyInState(replayed, carolEpoch1);
  assert.equal((await decryptAlbumMetadata(carolEpoch1, fromBase64(d.metadataB64))).name, NAME);
  assert.equal(alice.albums.statePins.get(R)?.seq, old.state_seq + 1);

  const phraseB = new RegExp(`the server shows state ${old.state_seq}, older than state ${old.state_seq + 1} verified before`);
  await refused(uploadInto(alice, R), 'rollback', phraseB);
  await refused(alice.albums.addPhotos(R, [aliceLib]), 'rollback', phraseB);
  await refused(alice.albums.get(R), 'rollback', phraseB);
  await checkNothingForCarol();
  assert.equal(alice.albums.statePins.get(R)?.seq, old.state_seq + 1, 'the pin did not move back');
});

test("4. an editor's rotation, refused by the server and applied by the operator, is refused by the owner's client", async () => {
  const ORIGINAL = 'ORIGINAL-name-4c77';
  const BOBS = 'renamed by Bob';
  const E = (await alice.albums.create(ORIGINAL)).albumId;
  await uploadInto(alice, E);
  await alice.albums.share(E, [bob.email], { role: 'editor' });
  await accept(bob, E);
  await uploadInto(bob, E);
  assert.equal((await alice.albums.get(E)).name, ORIGINAL);

  // Bob crafts a rotation: his key K2 sealed by him to Alice and himself, his name under K2,
  // and a state he can only sign with his own key (he is not the owner).
  const { current: k1 } = await bob.albums.epochKeys(E);
  const k2 = rotateAlbumKey(k1);
  const bobSender = { userId: bob.id, signingKeys: bob.session.bundle.signingKeys };
  const boxes = new Map<string, Uint8Array>();
  for (const v of [alice, bob]) boxes.set(v.id, await sealAlbumKey({ sender: bobSender, recipient: { userId: v.id, x25519PublicKey: v.session.publicKeys.x25519 }, albumKey: k2 }));
  const bobsMetadata = await encryptAlbumMetadata(k2, { name: BOBS });
  const seen = bob.albums.trust.current(E)!;
  const bobsState = await signAlbumState(bob.session.bundle.signingKeys, {
    albumId: E, ownerId: alice.id, ownerSigningKey: bob.session.bundle.signingKeys.publicKey, kind: seen.kind, origin: seen.origin,
    createdAt: seen.createdAt, seq: seen.seq + 1, prevHash: seen.hash, epoch: 2, epochCommitments: [...seen.epochCommitments, await albumEpochCommitment(k2)],
    metadataHash: await albumMetadataHash(bobsMetadata), members: seen.members,
  });
  const rotation = {
    epoch: 2, metadataB64: toBase64(bobsMetadata), sealedKeys: [...boxes].map(([userId, b]) => ({ userId, sealedB64: toBase64(b) })),
    state: { seq: seen.seq + 1, stateB64: toBase64(bobsState.state), signatureB64: toBase64(bobsState.signature) },
  };
  // The honest server refuses an editor's rotation.
  await assert.rejects(bob.session.api.call('rotateAlbum', { params: { albumId: E }, body: { rotation } }),
    (e: unknown) => e instanceof ApiError && e.status === 403 && /editors cannot change the album key/.test(e.message));
  assert.equal(albumRow(E).current_epoch, 1);
  assert.equal(count('select count(*) as n from album_keys where album_id = ? and epoch = 2', E), 0);

  // The operator applies it by hand.
  const aliceItemsBefore = itemRows(E).length;
  db.transaction(() => {
    const ins = db.prepare('insert into album_keys (album_id, epoch, user_id, sealed, sealed_by) values (?, 2, ?, ?, ?)');
    for (const [userId, b] of boxes) ins.run(E, userId, buf(b), bob.id);
    db.prepare('update albums set current_epoch = 2, metadata = ?, metadata_epoch = 2 where id = ?').run(buf(bobsMetadata), E);
  })();

  // Positive control: the box opens for Alice under Bob's (pinned, genuine) key, and the name
  // decrypts to Bob's: a client that took the server's current epoch and any member's seal
  // would show "renamed by Bob" and add photos under Bob's key.
  const d = await alice.session.api.call('getAlbum', { params: { albumId: E } });
  assert.equal(d.currentEpoch, 2);
  const box = d.myKeys.find((k) => k.epoch === 2)!;
  assert.equal(box.sealedBy.id, bob.id);
  const opened = await openSealedAlbumKey({
    recipient: { userId: alice.id, boxKeys: alice.session.bundle.boxKeys }, senderPublicKey: bob.session.bundle.signingKeys.publicKey,
    senderId: bob.id, sealed: fromBase64(box.sealedB64), expect: { albumId: E, epoch: 2 },
  });
  assert.equal((await decryptAlbumMetadata(opened, fromBase64(d.metadataB64))).name, BOBS);

  // Observed: 'key'. Albums.open compares the server's current epoch (2) with the epoch of the
  // owner-signed state (still 1) before it opens any key or the metadata: an epoch ahead of
  // the signed one is a key its owner never made. (It would be 'rollback' if the server's epoch
  // were behind; 'metadata' only when the epoch matches but the blob differs: see below.)
  const phrase = /the server names epoch 2 as current, but its owner signed epoch 1 only \(a key its owner never made\)/;
  const errors: Error[] = [];
  errors.push(await refused(alice.albums.get(E), 'key', phrase));
  errors.push(await refused(alice.albums.rename(E, 'Alice renames it'), 'key', phrase));
  errors.push(await refused(uploadInto(alice, E), 'key', phrase));
  const listed = (await alice.albums.list()).find((a) => a.albumId === E);
  assert.ok(listed);
  assert.equal(listed.trust, 'refused');
  assert.equal(listed.name, undefined);
  assert.match(listed.problem ?? '', phrase);
  assert.equal(itemRows(E).length, aliceItemsBefore, 'nothing added');
  assert.equal(count('select count(*) as n from album_items where album_id = ? and epoch = 2', E), 0);
  assert.equal(count('select count(*) as n from album_keys where album_id = ? and epoch = 2 and sealed_by = ?', E, alice.id), 0);

  // Even with Bob's self-signed state appended as the next state, it is not Alice's signature.
  db.transaction(() => {
    db.prepare('insert into album_states (album_id, seq, state, signature, created_at) values (?, ?, ?, ?, ?)')
      .run(E, seen.seq + 1, buf(bobsState.state), buf(bobsState.signature), Date.now());
    db.prepare('update albums set state_seq = ? where id = ?').run(seen.seq + 1, E);
  })();
  errors.push(await refused(alice.albums.get(E), 'signature', new RegExp(`the signature does not verify under the key of its owner ${alice.id}`)));
  const listed2 = (await alice.albums.list()).find((a) => a.albumId === E)!;
  assert.equal(listed2.trust, 'refused');
  assert.equal(listed2.name, undefined);

  // Without a rotation: Bob's name encrypted under the genuine epoch-1 key he holds, the rest
  // put back as signed. The epoch matches now; the blob is not the one Alice signed: 'metadata'.
  const bobsOldKeyMetadata = await encryptAlbumMetadata(k1, { name: BOBS });
  assert.equal((await decryptAlbumMetadata(k1, bobsOldKeyMetadata)).name, BOBS, 'positive control: it decrypts under the real key');
  db.transaction(() => {
    db.prepare('delete from album_states where album_id = ? and seq > ?').run(E, seen.seq);
    db.prepare('delete from album_keys where album_id = ? and epoch = 2').run(E);
    db.prepare('update albums set state_seq = ?, current_epoch = 1, metadata = ?, metadata_epoch = 1 where id = ?').run(seen.seq, buf(bobsOldKeyMetadata), E);
  })();
  errors.push(await refused(alice.albums.get(E), 'metadata', /its name and cover are not the ones its owner signed in state/));
  errors.push(await refused(alice.albums.rename(E, 'Alice renames it'), 'metadata', /not the ones its owner signed/));
  const listed3 = (await alice.albums.list()).find((a) => a.albumId === E)!;
  assert.equal(listed3.trust, 'refused');
  assert.equal(listed3.name, undefined);

  // Bob's name never reaches anything Alice's client returned.
  const returned = JSON.stringify([listed, listed2, listed3, await alice.albums.list(), errors.map((e) => e.message)]);
  assert.ok(!returned.includes(BOBS), returned);
});

test('5. impersonated uploader: "Alice" twice is told apart by email; after the operator swaps the emails nothing of theirs is shown as the other\'s', async () => {
  // Mallory registers a second account that calls itself "Alice".
  const email = `mallory-as-alice-${process.pid}@example.org`;
  const { session } = await Session.signup({ ...fastOptions(server.url), email, password: 'operator password 5150', displayName: 'Alice' });
  const library = nodeLibrary(session);
  const impostor: Person = { session, library, email, password: '', recoveryKey: '', albums: new Albums(library), id: session.user.id };

  const I = (await alice.albums.create('PARTY-album-5')).albumId;
  await alice.albums.share(I, [impostor.email], { role: 'editor' });
  await accept(impostor, I);
  await alice.albums.share(I, [carol.email], { role: 'viewer' });
  await accept(carol, I);
  const alicePhoto = await uploadInto(alice, I);
  const impostorPhoto = await uploadInto(impostor, I);

  const seenBefore = await carol.albums.photos(I);
  assert.equal(seenBefore.refused.length, 0);
  assert.deepEqual(seenBefore.photos.map((p) => p.uploader.displayName), ['Alice', 'Alice']);
  const byFile = new Map(seenBefore.photos.map((p) => [p.fileId, p.uploader.email]));
  assert.equal(byFile.get(alicePhoto), alice.email);
  assert.equal(byFile.get(impostorPhoto), impostor.email, "told apart by the email pinned for the impostor's key");

  impostorAlbum = { impostor, albumId: I };
  // The operator swaps the two accounts' emails (through a temporary value: emails are unique).
  swapEmails(impostor, alice.email, impostor.email);
  try {
    // Positive control: with id-only pins (what a client without email pins knows), the swap
    // works: the impostor's photo verifies and shows as "Alice <alice's email>".
    const b64 = (s: Session) => ({ ed25519: toBase64(s.publicKeys.ed25519), x25519: toBase64(s.publicKeys.x25519) });
    const naive = new Albums(nodeLibrary(carol.session, { pins: new KeyPins({ [alice.id]: b64(alice.session), [impostor.id]: b64(impostor.session) }) }));
    const fooled = await naive.photos(I);
    assert.equal(fooled.refused.length, 0);
    const shownAsAlice = fooled.photos.find((p) => p.fileId === impostorPhoto)!;
    assert.deepEqual([shownAsAlice.uploader.displayName, shownAsAlice.uploader.email, shownAsAlice.uploader.verified], ['Alice', alice.email, true]);

    // Carol's client refuses the album as a whole: its owner (Alice's account) now shows an email
    // pinned to the other account, so nothing of it is shown, in particular not the impostor's
    // photo as Alice's. (Each uploader would be refused on its own too: see the typed error below.)
    await assert.rejects(carol.albums.photos(I), (e: unknown) => e instanceof KeyChangedError && e.userId === alice.id);
    const listed = (await carol.albums.list()).find((a) => a.albumId === I)!;
    assert.deepEqual([listed.trust, listed.name], ['refused', undefined]);
    assert.match(listed.problem!, new RegExp(`${esc(impostor.email)}`));

    // The typed error behind it.
    const { items } = await carol.session.api.call('listAlbumItems', { params: { albumId: I } });
    const claimed = items.find((i) => i.fileId === impostorPhoto);
    assert.ok(claimed && claimed.state === 'active');
    assert.throws(() => carol.library.pins.checkPerson(claimed.uploader), (e: unknown) => {
      assert.ok(e instanceof KeyChangedError);
      assert.equal(e.change, 'email-moved');
      assert.equal(e.email, alice.email);
      assert.equal(e.pinnedUserId, alice.id);
      assert.match(e.message, /Nothing is shared with them or shown from them/);
      return true;
    });

    // What the operator wanted: Carol sharing with "alice@" reaching the impostor. Refused; nothing sealed.
    const mine = await carol.albums.create('CAROL-album-5');
    await assert.rejects(carol.albums.share(mine.albumId, [alice.email], { role: 'viewer' }),
      (e: unknown) => e instanceof KeyChangedError && e.change === 'email-moved' && e.userId === impostor.id);
    assert.equal(count('select count(*) as n from album_members where album_id = ? and user_id = ?', mine.albumId, impostor.id), 0);
    assert.equal(count('select count(*) as n from album_keys where album_id = ? and user_id = ?', mine.albumId, impostor.id), 0);
  } finally {
    swapEmails(impostor, impostor.email, alice.email); // put the emails back
  }
  assert.equal((db.prepare('select email from users where id = ?').get(alice.id) as { email: string }).email, alice.email);
});

// After the email swap of test 5, a client that already verified the album's current state
// must still check the owner against its key pins (not return the cached state), and the member
// list must show people as the owner signed them (email, role, keys), not as the server lists them.
test('5b. after the email swap, the owner and members are not shown under the swapped emails as verified', async () => {
  assert.ok(impostorAlbum, 'test 5 ran');
  const { impostor, albumId } = impostorAlbum;
  swapEmails(impostor, alice.email, impostor.email);
  try {
    const problems: string[] = [];
    const listed = (await carol.albums.list()).find((a) => a.albumId === albumId)!;
    if (listed.trust !== 'refused' && listed.owner.email !== alice.email) {
      problems.push(`list(): the album is shown as ${listed.trust} with its owner (${alice.id}) as ${listed.owner.email}; pinned as ${alice.email}`);
    }
    const members = await carol.albums.members(albumId).catch((e: unknown) => e);
    if (Array.isArray(members)) {
      const row = members.find((m) => m.userId === impostor.id)!;
      if (row.email === alice.email && row.inRoster) {
        problems.push(`members(): the impostor's account (${impostor.id}) is listed as ${row.email} with inRoster true; the signed roster says ${impostor.email}`);
      }
    } else {
      assert.ok(members instanceof AlbumTrustError || members instanceof KeyChangedError, String(members));
    }
    assert.deepEqual(problems, []);
  } finally {
    swapEmails(impostor, impostor.email, alice.email);
  }
});
