import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join as pathJoin } from 'node:path';
import { ALBUM_MEMBERS_MAX } from '@obscura/protocol';
import {
  addItems, album, allEpochs, blob, createAlbum, invitationOf, invite, join, nextState, remainingIds, rotationFor, signedState, uploadToAlbum, userId,
} from './album-helpers.ts';
import { call, chargeOf, fakeFile, makeTestApp, MemoryMailer, signup, uploadFile, type TestApp } from './helpers.ts';

describe('albums', () => {
  let t: TestApp;
  const mailer = new MemoryMailer();
  before(async () => { t = await makeTestApp({ mailer }); });
  after(() => t.close());

  test('create, list, get: the owner holds the epoch 1 key; metadata stays opaque', async () => {
    const alice = await signup(t.app, undefined, undefined, 'Alice');
    const albumId = randomUUID();
    const metadataB64 = blob(40);
    const sealedKeyB64 = blob();
    const c = await call(t.app, 'createAlbum', { token: alice.token, body: { albumId, metadataB64, sealedKeyB64, state: signedState(1) } });
    assert.equal(c.statusCode, 200, c.body);
    const d = c.json();
    assert.equal(d.albumId, albumId);
    assert.equal(d.myRole, 'owner');
    assert.equal(d.currentEpoch, 1);
    assert.equal(d.metadataB64, metadataB64);
    assert.deepEqual([d.itemCount, d.memberCount, d.linkCount, d.rotationNeeded], [0, 0, 0, false]);
    assert.deepEqual(d.myKeys.map((k: { epoch: number; sealedB64: string; sealedBy: { id: string } }) => [k.epoch, k.sealedB64, k.sealedBy.id]), [[1, sealedKeyB64, userId(alice)]]);
    assert.equal(d.owner.email, alice.email);
    const again = await call(t.app, 'createAlbum', { token: alice.token, body: { albumId, metadataB64, sealedKeyB64, state: signedState(1) } });
    assert.equal(again.statusCode, 409);
    const listed = (await call(t.app, 'listAlbums', { token: alice.token })).json().albums;
    assert.deepEqual(listed.map((a: { albumId: string }) => a.albumId), [albumId]);
    assert.equal('myKeys' in listed[0], false);
    // A stranger sees nothing.
    const bob = await signup(t.app);
    assert.deepEqual((await call(t.app, 'listAlbums', { token: bob.token })).json().albums, []);
    assert.equal((await call(t.app, 'getAlbum', { token: bob.token, params: { albumId } })).statusCode, 404);
  });

  test('users lookup returns public keys, and names every email without an account', async () => {
    const a = await signup(t.app, `look-a-${randomUUID().slice(0, 6)}@example.org`);
    const b = await signup(t.app, `look-b-${randomUUID().slice(0, 6)}@example.org`);
    const r = await call(t.app, 'usersLookup', { token: a.token, body: { emails: [b.email.toUpperCase(), a.email] } });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().users.map((u: { id: string; x25519PublicKeyB64: string }) => [u.id, u.x25519PublicKeyB64]),
      [[userId(b), b.session.user.x25519PublicKeyB64], [userId(a), a.session.user.x25519PublicKeyB64]]);
    const miss = await call(t.app, 'usersLookup', { token: a.token, body: { emails: [b.email, 'a@x.org', 'b@y.org'] } });
    assert.equal(miss.statusCode, 404);
    assert.equal(miss.json().error.message, 'no Obscura account for: a@x.org, b@y.org; nothing was shared');
  });

  test('sharing: invitation → accept; pending invitees cannot read; sealed keys must cover every epoch; twice is refused', async () => {
    const alice = await signup(t.app, undefined, undefined, 'Alice');
    const bob = await signup(t.app, undefined, undefined, 'Bob');
    const albumId = await createAlbum(t.app, alice);
    const photo = await uploadFile(t.app, alice.token);
    assert.deepEqual((await addItems(t.app, alice.token, albumId, [photo.body.fileId], 1)).json(), { added: 1 });

    const wrong = await call(t.app, 'shareAlbum', { token: alice.token, params: { albumId }, body: { invites: [{ userId: userId(bob), role: 'viewer', sealedKeys: [{ epoch: 2, sealedB64: blob() }] }], state: await nextState(t.app, alice.token, albumId) } });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.json().error.message, /must hold each album key epoch 1\.\.1 exactly once; missing epoch 1; unknown epoch 2/);

    const messageSealedB64 = blob(60);
    const s = await call(t.app, 'shareAlbum', { token: alice.token, params: { albumId }, body: { invites: [{ userId: userId(bob), role: 'viewer', sealedKeys: allEpochs(1), messageSealedB64 }], state: await nextState(t.app, alice.token, albumId) } });
    assert.equal(s.statusCode, 200, s.body);
    assert.deepEqual(s.json().members.map((m: { user: { id: string }; status: string; role: string; invitedBy: { id: string } }) => [m.user.id, m.status, m.role, m.invitedBy.id]),
      [[userId(bob), 'pending', 'viewer', userId(alice)]]);
    const twice = await invite(t.app, alice, albumId, [bob]);
    assert.equal(twice.statusCode, 409);
    assert.match(twice.json().error.message, new RegExp(`already invited to or in this album: ${bob.email}`));

    // Pending: the invitation carries what the app needs to show the album name; the album itself stays closed.
    const invs = (await call(t.app, 'listInvitations', { token: bob.token })).json().invitations;
    assert.equal(invs.length, 1);
    assert.equal(invs[0].messageSealedB64, messageSealedB64);
    assert.equal(invs[0].invitedBy.displayName, 'Alice');
    assert.deepEqual(invs[0].sealedKeys.map((k: { epoch: number }) => k.epoch), [1]);
    assert.equal((await call(t.app, 'getAlbum', { token: bob.token, params: { albumId } })).statusCode, 404);
    assert.equal((await call(t.app, 'getBlock', { token: bob.token, params: { fileId: photo.body.fileId, index: 0 } })).statusCode, 404);
    assert.equal((await album(t.app, alice.token, albumId)).memberCount, 1);

    // Only the invitee may answer.
    assert.equal((await call(t.app, 'acceptInvitation', { token: alice.token, params: { invitationId: invs[0].invitationId } })).statusCode, 404);
    const acc = await call(t.app, 'acceptInvitation', { token: bob.token, params: { invitationId: invs[0].invitationId } });
    assert.equal(acc.statusCode, 200, acc.body);
    assert.equal(acc.json().myRole, 'viewer');
    assert.equal(acc.json().itemCount, 1);
    const again = await call(t.app, 'acceptInvitation', { token: bob.token, params: { invitationId: invs[0].invitationId } });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.message, 'this invitation was already accepted');
    assert.equal((await call(t.app, 'declineInvitation', { token: bob.token, params: { invitationId: invs[0].invitationId } })).statusCode, 409);

    // Now Bob reads the photo through the album, with the album's wrapped key.
    const info = (await call(t.app, 'getFile', { token: bob.token, params: { fileId: photo.body.fileId } })).json();
    assert.equal(info.albumId, albumId);
    assert.equal(info.keyEpoch, 1);
    assert.equal((await call(t.app, 'getBlock', { token: bob.token, params: { fileId: photo.body.fileId, index: 0 } })).statusCode, 200);
    // Alice reads it from her library unless she asks for the album key.
    const mine = (await call(t.app, 'getFile', { token: alice.token, params: { fileId: photo.body.fileId } })).json();
    assert.deepEqual([mine.albumId, mine.keyEpoch, mine.wrappedKeyB64], [null, null, photo.body.wrappedKeyB64]);
    const viaAlbum = (await call(t.app, 'getFile', { token: alice.token, params: { fileId: photo.body.fileId }, query: `albumId=${albumId}` })).json();
    assert.deepEqual([viaAlbum.albumId, viaAlbum.keyEpoch], [albumId, 1]);
    assert.deepEqual((await call(t.app, 'listAlbums', { token: bob.token })).json().albums.map((a: { albumId: string }) => a.albumId), [albumId]);
  });

  test('decline, then a fresh invitation; declining twice is refused', async () => {
    const alice = await signup(t.app);
    const bob = await signup(t.app);
    const albumId = await createAlbum(t.app, alice);
    await invite(t.app, alice, albumId, [bob]);
    const inv = await invitationOf(t.app, bob, albumId);
    assert.deepEqual((await call(t.app, 'declineInvitation', { token: bob.token, params: { invitationId: inv } })).json(), { ok: true });
    const twice = await call(t.app, 'declineInvitation', { token: bob.token, params: { invitationId: inv } });
    assert.equal(twice.statusCode, 409);
    assert.equal(twice.json().error.message, 'this invitation was already declined');
    assert.deepEqual((await call(t.app, 'listInvitations', { token: bob.token })).json().invitations, []);
    t.clock.advance(1000);
    assert.equal((await invite(t.app, alice, albumId, [bob], 'editor')).statusCode, 200);
    const fresh = await invitationOf(t.app, bob, albumId);
    assert.notEqual(fresh, inv);
    const members = (await call(t.app, 'listMembers', { token: alice.token, params: { albumId } })).json().members;
    assert.deepEqual(members.map((m: { status: string; role: string }) => `${m.role}:${m.status}`), ['owner:active', 'viewer:declined', 'editor:pending']);
  });

  test(`at most ${ALBUM_MEMBERS_MAX} people per album: pending invitations count, the whole request is refused`, async () => {
    const alice = await signup(t.app);
    const albumId = await createAlbum(t.app, alice);
    const ids: string[] = [];
    for (let i = 0; i < ALBUM_MEMBERS_MAX + 1; i++) {
      const id = randomUUID();
      await t.db.repos.users.insert({
        id, email: `bulk-${id}@example.org`, displayName: `Bulk ${i}`, opaqueRecord: randomBytes(192), x25519PublicKey: randomBytes(32),
        ed25519PublicKey: randomBytes(32), passwordEnvelope: randomBytes(10), recoveryEnvelope: randomBytes(10), quotaBytes: 1, dataVersion: 2, createdAt: 0,
      });
      ids.push(id);
    }
    const share = async (who: string[]) => call(t.app, 'shareAlbum', { token: alice.token, params: { albumId }, body: { invites: who.map((u) => ({ userId: u, role: 'viewer', sealedKeys: allEpochs(1) })), state: await nextState(t.app, alice.token, albumId) } });
    assert.equal((await share(ids.slice(0, 98))).statusCode, 200);
    const over = await share(ids.slice(98, 101));
    assert.equal(over.statusCode, 409);
    assert.equal(over.json().error.code, 'limit-reached');
    assert.equal(over.json().error.message, 'an album can be shared with at most 100 people; this one has 98 and the request adds 3');
    assert.equal((await album(t.app, alice.token, albumId)).memberCount, 98);
    assert.equal((await share(ids.slice(98, 100))).statusCode, 200);
    const hundredFirst = await share([ids[100]!]);
    assert.equal(hundredFirst.statusCode, 409);
    assert.match(hundredFirst.json().error.message, /this one has 100 and the request adds 1/);
  });

  test('editors add photos but cannot rename; they remove only their own; their uploads are charged to the owner', async () => {
    const alice = await signup(t.app, undefined, undefined, 'Alice');
    const ed = await signup(t.app, undefined, undefined, 'Eddie');
    const viewer = await signup(t.app);
    const albumId = await createAlbum(t.app, alice);
    await join(t.app, alice, albumId, ed, 'editor');
    await join(t.app, alice, albumId, viewer, 'viewer');

    const rename = await call(t.app, 'updateAlbumMetadata', { token: ed.token, params: { albumId }, body: { epoch: 1, metadataB64: blob(), state: await nextState(t.app, alice.token, albumId) } });
    assert.equal(rename.statusCode, 403);
    assert.equal(rename.json().error.message, 'editors cannot rename the album or change its cover');
    const newMeta = blob(30);
    assert.equal((await call(t.app, 'updateAlbumMetadata', { token: alice.token, params: { albumId }, body: { epoch: 1, metadataB64: newMeta, state: await nextState(t.app, alice.token, albumId) } })).json().metadataB64, newMeta);

    const aliceBefore = (await call(t.app, 'me', { token: alice.token })).json().storage.usedBytes;
    const f = await uploadToAlbum(t.app, ed.token, albumId, 1);
    assert.equal((await call(t.app, 'me', { token: ed.token })).json().storage.usedBytes, 0, "the editor's usage is unchanged");
    assert.equal((await call(t.app, 'me', { token: alice.token })).json().storage.usedBytes, aliceBefore + chargeOf(f));
    // No library item for the uploader; the album item appears in the feed once complete, with who added it.
    assert.deepEqual((await call(t.app, 'libraryChanges', { token: ed.token })).json().items, []);
    const feed = (await call(t.app, 'listAlbumItems', { token: viewer.token, params: { albumId } })).json();
    assert.equal(feed.items.length, 1);
    assert.equal(feed.items[0].fileId, f.body.fileId);
    assert.equal(feed.items[0].addedBy.displayName, 'Eddie');
    assert.equal(feed.items[0].uploader.displayName, 'Eddie');
    assert.equal(feed.items[0].wrappedKeyB64, f.body.wrappedKeyB64);
    assert.equal(feed.items[0].epoch, 1);

    const own1 = await uploadFile(t.app, alice.token);
    const own2 = await uploadFile(t.app, alice.token);
    assert.equal((await addItems(t.app, alice.token, albumId, [own1.body.fileId, own2.body.fileId], 1)).json().added, 2);
    assert.equal((await addItems(t.app, alice.token, albumId, [own1.body.fileId], 1)).json().added, 0, 'idempotent');
    const viewerAdd = await addItems(t.app, viewer.token, albumId, [own1.body.fileId], 1);
    assert.equal(viewerAdd.statusCode, 403);
    // An editor cannot add a photo they cannot see.
    const hidden = await uploadFile(t.app, viewer.token);
    assert.equal((await addItems(t.app, ed.token, albumId, [hidden.body.fileId], 1)).statusCode, 404);

    const refused = await call(t.app, 'removeAlbumItems', { token: ed.token, params: { albumId }, body: { fileIds: [f.body.fileId, own1.body.fileId, own2.body.fileId] } });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.json().error.message, /^editors can remove only photos they added; 2 of these were added by others/);
    assert.equal((await album(t.app, alice.token, albumId)).itemCount, 3, 'nothing was removed');
    assert.deepEqual((await call(t.app, 'removeAlbumItems', { token: ed.token, params: { albumId }, body: { fileIds: [f.body.fileId] } })).json(), { removed: 1 });
    // Only the album referenced it: gone, and the owner is refunded.
    assert.equal((await call(t.app, 'me', { token: alice.token })).json().storage.usedBytes, aliceBefore + chargeOf(own1) + chargeOf(own2));
    const tail = (await call(t.app, 'listAlbumItems', { token: viewer.token, params: { albumId }, query: `since=${feed.nextSince}` })).json();
    assert.deepEqual(tail.items.at(-1), { fileId: f.body.fileId, state: 'removed', seq: tail.items.at(-1).seq });
    assert.deepEqual((await call(t.app, 'removeAlbumItems', { token: alice.token, params: { albumId }, body: { fileIds: [own1.body.fileId] } })).json(), { removed: 1 });
    // Still in Alice's library: kept.
    assert.equal((await call(t.app, 'getBlock', { token: alice.token, params: { fileId: own1.body.fileId, index: 0 } })).statusCode, 200);
  });

  test("an editor's upload over the owner's quota names whose storage is full", async () => {
    const small = await makeTestApp({ quotaBytes: 3000 });
    try {
      const alice = await signup(small.app, undefined, undefined, 'Alice');
      const ed = await signup(small.app);
      const albumId = await createAlbum(small.app, alice);
      await join(small.app, alice, albumId, ed, 'editor');
      await uploadFile(small.app, alice.token, fakeFile([2000]));
      const f = fakeFile([1500]);
      const r = await call(small.app, 'createFile', { token: ed.token, body: { ...f.body, album: { albumId, epoch: 1 } } });
      assert.equal(r.statusCode, 413);
      assert.equal(r.json().error.code, 'quota-exceeded');
      assert.match(r.json().error.message, /^storage of the album owner \(Alice\) is full: /);
      assert.equal((await call(small.app, 'me', { token: ed.token })).json().storage.usedBytes, 0);
      // The editor's own library still has room.
      assert.equal((await call(small.app, 'createFile', { token: ed.token, body: f.body })).statusCode, 200);
      // A viewer may not upload into the album; a wrong epoch is refused.
      assert.equal((await call(small.app, 'createFile', { token: ed.token, body: { ...fakeFile([10]).body, album: { albumId, epoch: 2 } } })).statusCode, 409);
    } finally {
      await small.close();
    }
  });

  test('removing a member rotates the key in one step; rotation must name exactly who remains; a wrong epoch is a conflict', async () => {
    const alice = await signup(t.app);
    const bob = await signup(t.app);
    const carol = await signup(t.app);
    const dave = await signup(t.app);
    const albumId = await createAlbum(t.app, alice);
    const photo = await uploadFile(t.app, alice.token);
    await addItems(t.app, alice.token, albumId, [photo.body.fileId], 1);
    await join(t.app, alice, albumId, bob);
    await join(t.app, alice, albumId, carol, 'editor');
    await invite(t.app, alice, albumId, [dave]); // pending: still sealed to, so they can accept later

    const remove = (rotation: object) => call(t.app, 'removeMember', { token: alice.token, params: { albumId, userId: userId(bob) }, body: { rotation } });
    const missing = await remove(await rotationFor(t.app, alice, albumId, [userId(alice), userId(carol)]));
    assert.equal(missing.statusCode, 400);
    assert.match(missing.json().error.message, new RegExp(`missing ${dave.email}`));
    const extra = await remove(await rotationFor(t.app, alice, albumId, [userId(alice), userId(carol), userId(dave), userId(bob)]));
    assert.equal(extra.statusCode, 400);
    assert.match(extra.json().error.message, new RegExp(`not in the album: ${bob.email}`));
    const stale = await remove(await rotationFor(t.app, alice, albumId, [userId(alice), userId(carol), userId(dave)], 2));
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().error.message, 'album key changed meanwhile; reload and try again');
    // Nothing changed by the refused attempts.
    assert.equal((await call(t.app, 'getBlock', { token: bob.token, params: { fileId: photo.body.fileId, index: 0 } })).statusCode, 200);

    const rotation = await rotationFor(t.app, alice, albumId, [userId(alice), userId(carol), userId(dave)]);
    const done = await remove(rotation);
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().currentEpoch, 2);
    assert.equal(done.json().metadataB64, rotation.metadataB64);
    assert.deepEqual(done.json().myKeys.map((k: { epoch: number }) => k.epoch), [1, 2]);
    // Bob's very next request is refused.
    assert.equal((await call(t.app, 'getBlock', { token: bob.token, params: { fileId: photo.body.fileId, index: 0 } })).statusCode, 404);
    assert.equal((await call(t.app, 'getAlbum', { token: bob.token, params: { albumId } })).statusCode, 404);
    assert.equal((await call(t.app, 'listAlbumItems', { token: bob.token, params: { albumId } })).statusCode, 404);
    // Carol has the new key; Dave's invitation now carries both epochs.
    assert.deepEqual((await album(t.app, carol.token, albumId)).myKeys.map((k: { epoch: number }) => k.epoch), [1, 2]);
    const daveInv = (await call(t.app, 'listInvitations', { token: dave.token })).json().invitations[0];
    assert.deepEqual(daveInv.sealedKeys.map((k: { epoch: number }) => k.epoch), [1, 2]);
    // Inviting now needs both epochs.
    const eve = await signup(t.app);
    const partial = await call(t.app, 'shareAlbum', { token: alice.token, params: { albumId }, body: { invites: [{ userId: userId(eve), role: 'viewer', sealedKeys: allEpochs(1) }], state: await nextState(t.app, alice.token, albumId) } });
    assert.equal(partial.statusCode, 400);
    assert.match(partial.json().error.message, /missing epoch 2/);
  });

  test('leaving sets rotationNeeded: additions and album uploads wait for a rotation, which only the owner may do', async () => {
    const alice = await signup(t.app);
    const bob = await signup(t.app);
    const ed = await signup(t.app);
    const albumId = await createAlbum(t.app, alice);
    await join(t.app, alice, albumId, bob);
    await join(t.app, alice, albumId, ed, 'editor');
    const notNeeded = await call(t.app, 'rotateAlbum', { token: ed.token, params: { albumId }, body: { rotation: await rotationFor(t.app, alice, albumId, [userId(alice), userId(bob), userId(ed)]) } });
    assert.equal(notNeeded.statusCode, 403);

    assert.deepEqual((await call(t.app, 'leaveAlbum', { token: bob.token, params: { albumId } })).json(), { ok: true });
    assert.equal((await call(t.app, 'getAlbum', { token: bob.token, params: { albumId } })).statusCode, 404);
    assert.equal((await call(t.app, 'leaveAlbum', { token: bob.token, params: { albumId } })).statusCode, 404, 'permanent');
    assert.equal((await album(t.app, ed.token, albumId)).rotationNeeded, true);

    const photo = await uploadFile(t.app, ed.token);
    const refused = await addItems(t.app, ed.token, albumId, [photo.body.fileId], 1);
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.code, 'rotation-required');
    assert.equal(refused.json().error.message, 'someone left this album: its key must be rotated before photos are added (the app does this automatically)');
    const upload = await call(t.app, 'createFile', { token: ed.token, body: { ...fakeFile().body, album: { albumId, epoch: 1 } } });
    assert.equal(upload.json().error.code, 'rotation-required');

    // Only the owner signs album states, so only the owner renews the key (see docs/security.md).
    const byEditor = await call(t.app, 'rotateAlbum', { token: ed.token, params: { albumId }, body: { rotation: await rotationFor(t.app, alice, albumId, await remainingIds(t.app, alice, albumId)) } });
    assert.equal(byEditor.statusCode, 403);
    assert.match(byEditor.json().error.message, /editors cannot change the album key/);
    const rot = await call(t.app, 'rotateAlbum', { token: alice.token, params: { albumId }, body: { rotation: await rotationFor(t.app, alice, albumId, await remainingIds(t.app, alice, albumId)) } });
    assert.equal(rot.statusCode, 200, rot.body);
    assert.deepEqual([rot.json().rotationNeeded, rot.json().currentEpoch], [false, 2]);
    assert.equal((await addItems(t.app, ed.token, albumId, [photo.body.fileId], 2)).json().added, 1);
    // The owner cannot leave their own album.
    assert.equal((await call(t.app, 'leaveAlbum', { token: alice.token, params: { albumId } })).statusCode, 400);
  });

  test('signed states: each change carries the next one; a gap or a replay is a conflict; members and invitees read the chain', async () => {
    const alice = await signup(t.app);
    const bob = await signup(t.app);
    const carol = await signup(t.app);
    const albumId = await createAlbum(t.app, alice);
    await join(t.app, alice, albumId, bob);
    await invite(t.app, alice, albumId, [carol]);
    assert.equal((await album(t.app, alice.token, albumId)).state.seq, 3);
    const rename = (seq: number) => call(t.app, 'updateAlbumMetadata', { token: alice.token, params: { albumId }, body: { epoch: 1, metadataB64: blob(40), state: signedState(seq) } });
    for (const seq of [3, 5]) {
      const r = await rename(seq);
      assert.equal(r.statusCode, 409, `seq ${seq}`);
      assert.match(r.json().error.message, /the album changed meanwhile \(its signed state is now number 3\)/);
    }
    const before = (await album(t.app, alice.token, albumId)).metadataB64;
    assert.equal(before, (await album(t.app, alice.token, albumId)).metadataB64, 'refused renames changed nothing');
    const next = signedState(4);
    assert.equal((await call(t.app, 'updateAlbumMetadata', { token: alice.token, params: { albumId }, body: { epoch: 1, metadataB64: blob(40), state: next } })).statusCode, 200);
    const all = (await call(t.app, 'listAlbumStates', { token: bob.token, params: { albumId } })).json().states;
    assert.deepEqual(all.map((x: { seq: number }) => x.seq), [1, 2, 3, 4]);
    assert.deepEqual(all[3], next);
    const since = (await call(t.app, 'listAlbumStates', { token: carol.token, params: { albumId }, query: 'since=2' })).json().states;
    assert.deepEqual(since.map((x: { seq: number }) => x.seq), [3, 4]);
    const inv = (await call(t.app, 'listInvitations', { token: carol.token })).json().invitations[0];
    assert.deepEqual([inv.state, inv.owner.id], [next, userId(alice)]);
    // Unsigned albums (from before signed states) take no new photos until their owner's setup.
    const legacy = await createAlbum(t.app, alice);
    await t.db.kysely.updateTable('albums').set({ state_seq: 0 }).where('id', '=', legacy).execute();
    const photo = await uploadFile(t.app, alice.token);
    const refused = await addItems(t.app, alice.token, legacy, [photo.body.fileId], 1);
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.code, 'setup-required');
  });

  test("only a photo's owner (or the owner of an album holding it) shares it onward: a viewer cannot re-share the owner's photo", async () => {
    const alice = await signup(t.app);
    const vic = await signup(t.app);
    const albumId = await createAlbum(t.app, alice);
    const photo = (await uploadFile(t.app, alice.token)).body.fileId;
    await addItems(t.app, alice.token, albumId, [photo], 1);
    await join(t.app, alice, albumId, vic, 'viewer');
    assert.equal((await call(t.app, 'getFile', { token: vic.token, params: { fileId: photo } })).statusCode, 200, 'the viewer reads it');
    // Vic's own one-photo share (what share-photo makes): refused, nothing added.
    const share = await createAlbum(t.app, vic);
    const refused = await addItems(t.app, vic.token, share, [photo], 1);
    assert.equal(refused.statusCode, 403);
    assert.match(refused.json().error.message, /only a photo's owner, or the owner of an album holding it, can share it onward; nothing was shared/);
    assert.equal((await album(t.app, vic.token, share)).itemCount, 0);
    // Alice may re-share her photo anywhere she owns; Vic's own photos are his to share.
    const other = await createAlbum(t.app, alice);
    assert.equal((await addItems(t.app, alice.token, other, [photo], 1)).json().added, 1);
    const mine = (await uploadFile(t.app, vic.token)).body.fileId;
    assert.equal((await addItems(t.app, vic.token, share, [mine], 1)).json().added, 1);
  });

  test('declining also sets rotationNeeded: the invitation carried the sealed keys', async () => {
    const alice = await signup(t.app);
    const dan = await signup(t.app);
    const albumId = await createAlbum(t.app, alice);
    await invite(t.app, alice, albumId, [dan]);
    assert.equal((await album(t.app, alice.token, albumId)).rotationNeeded, false);
    const d = await call(t.app, 'declineInvitation', { token: dan.token, params: { invitationId: await invitationOf(t.app, dan, albumId) } });
    assert.equal(d.statusCode, 200, d.body);
    assert.equal((await album(t.app, alice.token, albumId)).rotationNeeded, true);
  });

  test('stop sharing removes everyone (pending too) and leaves the owner alone with a new key', async () => {
    const alice = await signup(t.app);
    const bob = await signup(t.app);
    const carol = await signup(t.app);
    const albumId = await createAlbum(t.app, alice);
    await join(t.app, alice, albumId, bob, 'editor');
    await invite(t.app, alice, albumId, [carol]);
    const bad = await call(t.app, 'unshareAlbum', { token: alice.token, params: { albumId }, body: { rotation: await rotationFor(t.app, alice, albumId, [userId(alice), userId(bob)]) } });
    assert.equal(bad.statusCode, 400);
    const r = await call(t.app, 'unshareAlbum', { token: alice.token, params: { albumId }, body: { rotation: await rotationFor(t.app, alice, albumId, [userId(alice)]) } });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual([r.json().memberCount, r.json().linkCount, r.json().currentEpoch], [0, 0, 2]);
    assert.equal((await call(t.app, 'getAlbum', { token: bob.token, params: { albumId } })).statusCode, 404);
    assert.deepEqual((await call(t.app, 'listInvitations', { token: carol.token })).json().invitations, []);
    const statuses = (await call(t.app, 'listMembers', { token: alice.token, params: { albumId } })).json().members.map((m: { status: string }) => m.status);
    assert.deepEqual(statuses, ['active', 'removed', 'removed']);
  });

  test('save to my library: charged to me, checked for the whole batch, idempotent, in my feed; deleting refunds', async () => {
    const small = await makeTestApp({ quotaBytes: 5000 });
    try {
      const alice = await signup(small.app);
      const bob = await signup(small.app);
      const albumId = await createAlbum(small.app, alice);
      await join(small.app, alice, albumId, bob);
      const f1 = await uploadToAlbum(small.app, alice.token, albumId, 1, fakeFile([1000]));
      const f2 = await uploadToAlbum(small.app, alice.token, albumId, 1, fakeFile([1500]));
      const item = (f: typeof f1) => ({ fileId: f.body.fileId, wrappedKeyB64: blob(72), contentHash: randomBytes(32).toString('hex') });
      // Bob fills his storage so both do not fit.
      await uploadFile(small.app, bob.token, fakeFile([5000 - chargeOf(f1) - chargeOf(f2) + 1 - 514]));
      const bobUsed = (await call(small.app, 'me', { token: bob.token })).json().storage.usedBytes;
      const full = await call(small.app, 'libraryAdd', { token: bob.token, body: { items: [item(f1), item(f2)] } });
      assert.equal(full.statusCode, 413, full.body);
      assert.match(full.json().error.message, /^storage full: .* used, saving these 2 photos needs .*; nothing was saved$/);
      assert.equal((await call(small.app, 'me', { token: bob.token })).json().storage.usedBytes, bobUsed);

      const one = await call(small.app, 'libraryAdd', { token: bob.token, body: { items: [item(f1)] } });
      assert.deepEqual(one.json(), { added: 1, alreadyPresent: 0 });
      assert.equal((await call(small.app, 'me', { token: bob.token })).json().storage.usedBytes, bobUsed + chargeOf(f1));
      assert.deepEqual((await call(small.app, 'libraryAdd', { token: bob.token, body: { items: [item(f1)] } })).json(), { added: 0, alreadyPresent: 1 });
      const feed = (await call(small.app, 'libraryChanges', { token: bob.token })).json();
      assert.ok(feed.items.some((i: { fileId: string; state: string }) => i.fileId === f1.body.fileId && i.state === 'active'));
      // Someone outside the album cannot save it.
      const eve = await signup(small.app);
      assert.equal((await call(small.app, 'libraryAdd', { token: eve.token, body: { items: [item(f1)] } })).statusCode, 404);
      // Bob deletes his copy: his charge comes back; Alice's album copy stays.
      await call(small.app, 'libraryDelete', { token: bob.token, body: { fileIds: [f1.body.fileId] } });
      assert.equal((await call(small.app, 'me', { token: bob.token })).json().storage.usedBytes, bobUsed);
      assert.equal((await call(small.app, 'getBlock', { token: alice.token, params: { fileId: f1.body.fileId, index: 0 } })).statusCode, 200);
      // Saved copies survive the album: delete it, Bob keeps f2 after saving it; f1 (album only) is freed.
      assert.equal((await call(small.app, 'libraryAdd', { token: bob.token, body: { items: [item(f2)] } })).json().added, 1);
      const del = await call(small.app, 'deleteAlbum', { token: alice.token, params: { albumId } });
      assert.deepEqual(del.json(), { deletedFiles: 1 });
      assert.equal((await call(small.app, 'getBlock', { token: bob.token, params: { fileId: f2.body.fileId, index: 0 } })).statusCode, 200);
    } finally {
      await small.close();
    }
  });

  test('deleting an album frees only files nothing else references, with their blobs and quota', async () => {
    const alice = await signup(t.app);
    const ed = await signup(t.app);
    const albumId = await createAlbum(t.app, alice);
    const other = await createAlbum(t.app, alice);
    await join(t.app, alice, albumId, ed, 'editor');
    const inLibrary = await uploadFile(t.app, alice.token);
    const onlyHere = await uploadToAlbum(t.app, ed.token, albumId, 1);
    const alsoOther = await uploadToAlbum(t.app, alice.token, albumId, 1);
    await addItems(t.app, alice.token, albumId, [inLibrary.body.fileId], 1);
    await addItems(t.app, alice.token, other, [alsoOther.body.fileId], 1);
    const used = (await call(t.app, 'me', { token: alice.token })).json().storage.usedBytes;

    assert.equal((await call(t.app, 'deleteAlbum', { token: ed.token, params: { albumId } })).statusCode, 403);
    const d = await call(t.app, 'deleteAlbum', { token: alice.token, params: { albumId } });
    assert.deepEqual(d.json(), { deletedFiles: 1 });
    assert.equal((await call(t.app, 'me', { token: alice.token })).json().storage.usedBytes, used - chargeOf(onlyHere));
    const folder = pathJoin(t.dir, 'blobs', 'files', onlyHere.body.fileId.slice(0, 2), onlyHere.body.fileId);
    await assert.rejects(readdir(folder), { code: 'ENOENT' });
    assert.equal((await call(t.app, 'getBlock', { token: alice.token, params: { fileId: inLibrary.body.fileId, index: 0 } })).statusCode, 200);
    assert.equal((await call(t.app, 'getBlock', { token: alice.token, params: { fileId: alsoOther.body.fileId, index: 0 } })).statusCode, 200);
    assert.equal((await call(t.app, 'getAlbum', { token: alice.token, params: { albumId } })).statusCode, 404);
    assert.equal((await call(t.app, 'getAlbum', { token: ed.token, params: { albumId } })).statusCode, 404);
  });

  test('invitation mails: one per invitee; the album name and message only when the sharer opted in', async () => {
    const alice = await signup(t.app, `alice-${randomUUID().slice(0, 6)}@example.org`, undefined, 'Alice Liddell');
    const bob = await signup(t.app);
    const carol = await signup(t.app);
    const albumId = await createAlbum(t.app, alice);
    mailer.sent.length = 0;
    await invite(t.app, alice, albumId, [bob], 'editor', { email: { albumName: 'Summer 2026', message: 'Add yours!' } });
    await invite(t.app, alice, albumId, [carol], 'viewer');
    assert.deepEqual(mailer.sent.map((m) => [m.kind, m.to]), [['invitation', bob.email], ['invitation', carol.email]]);
    const [withName, without] = mailer.sent as [typeof mailer.sent[0], typeof mailer.sent[0]];
    assert.match(withName.subject, /"Alice Liddell" shared the album "Summer 2026" with you/);
    assert.match(withName.text, new RegExp(`"Alice Liddell" <${alice.email}>`));
    assert.match(withName.text, /as an editor/);
    assert.match(withName.text, /> Add yours!/);
    assert.doesNotMatch(without.subject + without.text, /Summer 2026|Add yours/);
    assert.match(without.text, /as a viewer/);
    assert.match(without.text, /The album name is end-to-end encrypted/);
  });
});
