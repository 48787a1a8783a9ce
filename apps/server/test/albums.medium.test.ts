import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { migrateToLatest } from '../src/db/migrations/index.ts';
import { isUniqueViolation } from '../src/db/dialect/index.ts';
import { Database } from '../src/repositories/index.ts';
import { DIALECTS, freshDb, type TestDb } from './dialects.ts';
import { insertFile, insertUser } from './rows.ts';

for (const dialect of DIALECTS) {
  describe(`album repositories on ${dialect}`, () => {
    let t: TestDb;
    let db: Database;
    before(async () => { t = await freshDb(dialect); await migrateToLatest(t.kysely); db = new Database(t.kysely); });
    after(() => t.close());

    const user = () => insertUser(db);
    const file = (owner: string, status: 'pending' | 'complete' = 'complete') =>
      insertFile(db, owner, { status, encryptedSize: 3 * 2 ** 32, chargedBytes: 3 * 2 ** 32 + 9 });
    async function album(owner: string) {
      const id = randomUUID();
      await db.tx(async (r) => {
        await r.albums.insert({ id, kind: 'album', ownerId: owner, currentEpoch: 1, metadata: randomBytes(20), metadataEpoch: 1, rotationNeeded: false, itemSeq: 0, stateSeq: 0, createdAt: 5, updatedAt: 5 });
        await r.albums.insertMember({ id: randomUUID(), albumId: id, userId: owner, role: 'owner', status: 'active', invitedBy: null, invitedAt: 5, respondedAt: 5, messageSealed: null });
      });
      return id;
    }

    test('albums: round-trip, lock, update, item counter; booleans and big integers come back as such', async () => {
      const owner = await user();
      const id = await album(owner);
      const a = await db.repos.albums.lock(id);
      assert.deepEqual([a?.currentEpoch, a?.rotationNeeded, a?.itemSeq], [1, false, 0]);
      await db.repos.albums.update(id, { rotationNeeded: true, currentEpoch: 2, metadataEpoch: 2, metadata: new Uint8Array([1, 2]), updatedAt: 9 });
      const b = await db.repos.albums.find(id);
      assert.deepEqual([b?.currentEpoch, b?.metadataEpoch, b?.rotationNeeded, [...(b?.metadata ?? [])], b?.updatedAt], [2, 2, true, [1, 2], 9]);
      assert.equal(await db.repos.albums.advanceItemSeq(id, 3), 3);
      assert.equal(await db.repos.albums.advanceItemSeq(id, 1), 4);
      assert.deepEqual((await db.repos.albums.listForUser(owner)).map((x) => [x.album.id, x.role]), [[id, 'owner']]);
    });

    test('members: one live membership per person; the limit counts pending + active, not the owner', async () => {
      const owner = await user();
      const bob = await user();
      const carol = await user();
      const id = await album(owner);
      const inv = { albumId: id, role: 'viewer' as const, invitedBy: owner, invitedAt: 6, respondedAt: null, messageSealed: randomBytes(5) };
      const bobInv = randomUUID();
      await db.repos.albums.insertMember({ ...inv, id: bobInv, userId: bob, status: 'pending' });
      await assert.rejects(db.repos.albums.insertMember({ ...inv, id: randomUUID(), userId: bob, status: 'pending' }), (e) => isUniqueViolation(e));
      await db.repos.albums.insertMember({ ...inv, id: randomUUID(), userId: carol, status: 'active' });
      assert.equal(await db.repos.albums.countShared(id), 2);
      await db.repos.albums.setMemberStatus(bobInv, 'declined', 7);
      assert.equal(await db.repos.albums.countShared(id), 1);
      assert.equal(await db.repos.albums.liveMember(id, bob), undefined);
      // A fresh invitation after a decline is allowed.
      await db.repos.albums.insertMember({ ...inv, id: randomUUID(), userId: bob, status: 'pending' });
      assert.equal((await db.repos.albums.pendingInvitationsFor(bob)).length, 1);
      assert.deepEqual((await db.repos.albums.members(id)).map((m) => m.role)[0], 'owner');
      assert.equal(await db.repos.albums.endAllShares(id, 'removed', 8), 2);
      assert.equal(await db.repos.albums.countShared(id), 0);
      assert.equal((await db.repos.albums.memberById(bobInv))?.messageSealed?.length, 5);
    });

    test('keys and items: feed order, tombstones, read grants only for active members, reference counting', async () => {
      const owner = await user();
      const bob = await user();
      const id = await album(owner);
      await db.repos.albums.insertKeys([1, 2].map((epoch) => ({ albumId: id, epoch, userId: bob, sealed: randomBytes(80), sealedBy: owner })));
      assert.deepEqual((await db.repos.albums.keysFor(id, bob)).map((k) => k.epoch), [1, 2]);
      const bobMember = randomUUID();
      await db.repos.albums.insertMember({ id: bobMember, albumId: id, userId: bob, role: 'viewer', status: 'pending', invitedBy: owner, invitedAt: 6, respondedAt: null, messageSealed: null });

      const f1 = await file(owner);
      const f2 = await file(owner, 'pending');
      await db.repos.albums.putItem({ albumId: id, fileId: f1, epoch: 1, wrappedKey: randomBytes(72), addedBy: owner, addedAt: 6, seq: 1, state: 'active' });
      await db.repos.albums.putItem({ albumId: id, fileId: f2, epoch: 1, wrappedKey: randomBytes(72), addedBy: owner, addedAt: 6, seq: 0, state: 'active' });
      assert.equal((await db.repos.files.holders([f1])).get(f1)!.length, 1);
      assert.equal(await db.repos.albums.itemCount(id), 1, 'uploading files are not counted');
      assert.deepEqual((await db.repos.albums.itemChanges(id, 0, 10)).map((c) => [c.fileId, c.state]), [[f1, 'active']]);
      const change = (await db.repos.albums.itemChanges(id, 0, 10))[0]!;
      assert.equal(change.state === 'active' && change.encryptedSize, 3 * 2 ** 32);
      assert.deepEqual((await db.repos.albums.uploadingItemsOf(f2)).map((i) => i.fileId), [f2]);

      assert.deepEqual((await db.repos.albums.readGrantsMany(bob, [f1])).get(f1) ?? [], [], 'pending members cannot read');
      await db.repos.albums.setMemberStatus(bobMember, 'active', 7);
      assert.deepEqual(((await db.repos.albums.readGrantsMany(bob, [f1])).get(f1) ?? []).map((g) => [g.albumId, g.epoch]), [[id, 1]]);

      await db.repos.albums.markItemRemoved(id, f1, 2);
      assert.equal((await db.repos.files.holders([f1])).get(f1)!.length, 0);
      assert.deepEqual((await db.repos.albums.readGrantsMany(bob, [f1])).get(f1) ?? [], []);
      assert.deepEqual(await db.repos.albums.itemChanges(id, 1, 10), [{ fileId: f1, state: 'removed', seq: 2 }]);
      // Adding it again revives the row.
      await db.repos.albums.putItem({ albumId: id, fileId: f1, epoch: 2, wrappedKey: randomBytes(72), addedBy: bob, addedAt: 9, seq: 3, state: 'active' });
      assert.deepEqual((await db.repos.albums.items(id, [f1])).map((i) => [i.state, i.epoch, i.addedBy, i.seq]), [['active', 2, bob, 3]]);

      await db.repos.albums.delete(id);
      assert.deepEqual(await db.repos.albums.keysFor(id, bob), []);
      assert.equal((await db.repos.files.holders([f1])).get(f1)!.length, 0);
    });

    test('library items saved from an album keep their charge; put revives a tombstone', async () => {
      const owner = await user();
      const bob = await user();
      const f = await file(owner);
      await db.repos.library.put({ userId: bob, fileId: f, wrappedKey: randomBytes(72), contentHash: 'a'.repeat(64), state: 'active', changeSeq: 1, createdAt: 1, updatedAt: 1, chargedBytes: 3 * 2 ** 32 + 9 });
      assert.equal((await db.repos.library.find(bob, f))?.chargedBytes, 3 * 2 ** 32 + 9);
      await db.repos.library.setState(bob, f, 'deleted', 2, 2);
      assert.equal((await db.repos.library.find(bob, f))?.chargedBytes, 0);
      await db.repos.library.put({ userId: bob, fileId: f, wrappedKey: randomBytes(72), contentHash: 'b'.repeat(64), state: 'active', changeSeq: 3, createdAt: 3, updatedAt: 3, chargedBytes: 5 });
      const back = await db.repos.library.find(bob, f);
      assert.deepEqual([back?.state, back?.contentHash, back?.changeSeq, back?.chargedBytes], ['active', 'b'.repeat(64), 3, 5]);
    });
  });
}
