import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { migrateToLatest } from '../src/db/migrations/index.ts';
import { isUniqueViolation } from '../src/db/dialect/index.ts';
import { Database, type LinkRow } from '../src/repositories/index.ts';
import { next } from '../src/services/link-throttle.ts';
import { DIALECTS, freshDb, type TestDb } from './dialects.ts';
import { insertFile, insertUser } from './rows.ts';

for (const dialect of DIALECTS) {
  describe(`link repositories on ${dialect}`, () => {
    let t: TestDb;
    let db: Database;
    before(async () => { t = await freshDb(dialect); await migrateToLatest(t.kysely); db = new Database(t.kysely); });
    after(() => t.close());

    const user = () => insertUser(db);
    const file = (owner: string) => insertFile(db, owner);
    async function album(owner: string, kind: 'album' | 'photo' = 'album') {
      const id = randomUUID();
      await db.repos.albums.insert({ id, kind, ownerId: owner, currentEpoch: 3, metadata: randomBytes(20), metadataEpoch: 3, rotationNeeded: false, itemSeq: 0, stateSeq: 0, createdAt: 5, updatedAt: 5 });
      return id;
    }
    const bytes = (n: number) => new Uint8Array(randomBytes(n));
    const row = (o: Partial<LinkRow> & Pick<LinkRow, 'ownerId' | 'kind'>): LinkRow => ({
      id: randomUUID(), fileId: null, albumId: null, accessVerifier: bytes(32), passwordParams: null, expiresAt: null, allowDownload: true,
      ownerWrappedLinkKey: bytes(40), ownerWrappedSecret: bytes(40), wrappedFileKey: null, createdAt: 7, accessCount: 0, ...o,
    });

    test('links: round-trip (bytes, booleans, big integers, nulls), update, access count, keys, delete with cascade', async () => {
      const owner = await user();
      const albumId = await album(owner, 'photo');
      assert.equal((await db.repos.albums.find(albumId))?.kind, 'photo');
      const l = row({ ownerId: owner, kind: 'album', albumId, passwordParams: bytes(30), expiresAt: 2 ** 42 });
      await db.repos.links.insert(l);
      assert.deepEqual(await db.repos.links.find(l.id), l);
      await assert.rejects(db.repos.links.insert(l), (e) => isUniqueViolation(e));

      await db.repos.links.update(l.id, { expiresAt: null, allowDownload: false, passwordParams: null });
      await db.repos.links.incrementAccess(l.id);
      await db.repos.links.incrementAccess(l.id);
      const u = await db.repos.links.lock(l.id);
      assert.deepEqual([u?.expiresAt, u?.allowDownload, u?.passwordParams, u?.accessCount], [null, false, null, 2]);

      await db.repos.links.putKeys([{ linkId: l.id, epoch: 1, wrapped: new Uint8Array([1]) }, { linkId: l.id, epoch: 3, wrapped: new Uint8Array([3]) }]);
      await db.repos.links.putKeys([{ linkId: l.id, epoch: 1, wrapped: new Uint8Array([9]) }]);
      assert.deepEqual((await db.repos.links.keys(l.id)).map((k) => [k.epoch, [...k.wrapped]]), [[1, [9]], [3, [3]]]);
      assert.deepEqual(await db.repos.links.epochs(l.id), [1, 3]);
      assert.equal(await db.repos.links.countForAlbum(albumId), 1);
      assert.deepEqual((await db.repos.links.listForOwner(owner)).map((x) => x.id), [l.id]);

      // Deleting the album takes its links and their keys along.
      await db.repos.albums.delete(albumId);
      assert.equal(await db.repos.links.find(l.id), undefined);
      assert.deepEqual(await db.repos.links.keys(l.id), []);
    });

    test('links: the schema refuses a file link without file or key; deleting a file deletes its links; deleteForAlbum', async () => {
      const owner = await user();
      const fileId = await file(owner);
      await assert.rejects(db.repos.links.insert(row({ ownerId: owner, kind: 'file', fileId })));
      const fl = row({ ownerId: owner, kind: 'file', fileId, wrappedFileKey: randomBytes(72) });
      await db.repos.links.insert(fl);
      await db.repos.files.delete(fileId);
      assert.equal(await db.repos.links.find(fl.id), undefined);

      const albumId = await album(owner);
      for (let i = 0; i < 3; i++) await db.repos.links.insert(row({ ownerId: owner, kind: 'album', albumId }));
      assert.equal(await db.tx((r) => r.links.deleteForAlbum(albumId)), 3);
      assert.equal(await db.repos.links.countForAlbum(albumId), 0);
    });

    test('throttle: lock creates or keeps the row; save, get, purge; a rolled-back change leaves nothing', async () => {
      const key = `link:${randomUUID()}`;
      const fresh = await db.tx((r) => r.linkThrottle.lock(key, 1000));
      assert.deepEqual(fresh, { key, windowStart: 1000, failures: 0, level: 0, blockedUntil: 0 });
      let s = fresh;
      for (let i = 0; i < 11; i++) s = next(s, 2000);
      assert.deepEqual([s.failures, s.level, s.blockedUntil], [0, 1, 2000 + 60_000]);
      await db.tx((r) => r.linkThrottle.save(s));
      assert.deepEqual(await db.repos.linkThrottle.get([key, 'ip:none']), [s]);
      assert.deepEqual(await db.tx((r) => r.linkThrottle.lock(key, 5000)), s, 'an existing row is returned as is');
      await assert.rejects(db.tx(async (r) => { await r.linkThrottle.save({ ...s, level: 9 }); throw new Error('boom'); }));
      assert.equal((await db.repos.linkThrottle.get([key]))[0]?.level, 1);
      assert.equal(await db.repos.linkThrottle.purgeIdleBefore(2000 + 60_000 + 1), 1);
      assert.deepEqual(await db.repos.linkThrottle.get([key]), []);
    });
  });
}

test('back-off: 10 wrong proofs a minute, then 1, 2, 4 … minutes, capped at an hour; a quiet hour forgets it', () => {
  let s = { key: 'k', windowStart: 0, failures: 0, level: 0, blockedUntil: 0 };
  let now = 0;
  const blocks: number[] = [];
  for (let round = 0; round < 9; round++) {
    for (let i = 0; i < 10; i++) { s = next(s, now); assert.equal(s.blockedUntil <= now, true); }
    s = next(s, now);
    blocks.push((s.blockedUntil - now) / 60_000);
    assert.deepEqual(next(s, now + 1), s, 'refused while blocked: not counted');
    now = s.blockedUntil;
  }
  assert.deepEqual(blocks, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
  // Ten a minute never blocks.
  s = next(s, now + 2 * 3600_000);
  assert.equal(s.level, 0);
});
