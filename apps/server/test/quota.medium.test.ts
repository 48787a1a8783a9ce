// The quota rules on PostgreSQL (the route scenarios of quota.routes.test.ts), holders letting go
// at the same time on both databases, and the migration that brings stored charges under
// [Note: one payer per file].
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { migrateToLatest, migrator } from '../src/db/migrations/index.ts';
import { Database } from '../src/repositories/index.ts';
import { addItems, blob, createAlbum, join } from './album-helpers.ts';
import { DIALECTS, freshDb } from './dialects.ts';
import { call, chargeOf, makeTestApp, signup, uploadFile, type Account, type TestApp } from './helpers.ts';
import { balanced, quotaScenarios, used } from './quota-scenarios.ts';
import { insertFile, insertUser } from './rows.ts';

quotaScenarios('postgres');

const TRIALS = 15;

for (const dialect of DIALECTS) {
  describe(`quota races on ${dialect}`, () => {
    let t: TestApp;
    let alice: Account;
    let vera: Account;
    let albumId: string;
    before(async () => {
      t = await makeTestApp({ dialect });
      [alice, vera] = [await signup(t.app), await signup(t.app)];
      albumId = await createAlbum(t.app, alice);
      await join(t.app, alice, albumId, vera);
    });
    after(() => t.close());

    test(`the two holders delete at once (${TRIALS} trials): the file is freed, nobody keeps a charge`, async () => {
      for (let i = 0; i < TRIALS; i++) {
        const p = await uploadFile(t.app, alice.token);
        assert.equal((await addItems(t.app, alice.token, albumId, [p.body.fileId], 1)).statusCode, 200);
        const save = { items: [{ fileId: p.body.fileId, wrappedKeyB64: blob(72), contentHash: randomBytes(32).toString('hex') }] };
        assert.equal((await call(t.app, 'libraryAdd', { token: vera.token, body: save })).statusCode, 200);
        const [a, b, c] = await Promise.all([
          call(t.app, 'libraryDelete', { token: alice.token, body: { fileIds: [p.body.fileId] } }),
          call(t.app, 'removeAlbumItems', { token: alice.token, params: { albumId }, body: { fileIds: [p.body.fileId] } }),
          call(t.app, 'libraryDelete', { token: vera.token, body: { fileIds: [p.body.fileId] } }),
        ]);
        assert.deepEqual([a.statusCode, b.statusCode, c.statusCode], [200, 200, 200], `trial ${i}: ${a.body} ${b.body} ${c.body}`);
        assert.equal(await t.db.repos.files.exists(p.body.fileId), false, `trial ${i}: freed`);
        assert.deepEqual([await used(t, alice), await used(t, vera)], [0, 0], `trial ${i}`);
        await balanced(t, `trial ${i}`);
      }
    });

    test(`saving while the payer deletes (${TRIALS} trials): charged exactly once, to someone who holds it`, async () => {
      for (let i = 0; i < TRIALS; i++) {
        const p = await uploadFile(t.app, alice.token);
        assert.equal((await addItems(t.app, alice.token, albumId, [p.body.fileId], 1)).statusCode, 200);
        const save = { items: [{ fileId: p.body.fileId, wrappedKeyB64: blob(72), contentHash: randomBytes(32).toString('hex') }] };
        const [s, d] = await Promise.all([
          call(t.app, 'libraryAdd', { token: vera.token, body: save }),
          call(t.app, 'libraryDelete', { token: alice.token, body: { fileIds: [p.body.fileId] } }),
        ]);
        assert.deepEqual([s.statusCode, d.statusCode], [200, 200], `trial ${i}: ${s.body} ${d.body}`);
        assert.deepEqual([await used(t, alice), await used(t, vera)], [0, chargeOf(p)], `trial ${i}: the saver pays`);
        await balanced(t, `trial ${i}`);
        await call(t.app, 'removeAlbumItems', { token: alice.token, params: { albumId }, body: { fileIds: [p.body.fileId] } });
        await call(t.app, 'libraryDelete', { token: vera.token, body: { fileIds: [p.body.fileId] } });
        await balanced(t, `trial ${i}, cleaned up`);
      }
    });
  });

  test(`migration 006 on ${dialect}: saved copies stop being charged twice; a payer who let go hands the charge to a holder`, async () => {
    const raw = await freshDb(dialect);
    const db = new Database(raw.kysely);
    try {
      await (await migrator(raw.kysely)).migrateTo('2026-11-29-005-account-setup');
      const [owner, viewer] = [await insertUser(db), await insertUser(db)];
      const inAlbum = await insertFile(db, owner, { chargedBytes: 100 });
      const letGo = await insertFile(db, owner, { chargedBytes: 1000 });
      const albumId = randomUUID();
      await db.repos.albums.insert({
        id: albumId, kind: 'album', ownerId: owner, currentEpoch: 1, metadata: randomBytes(8), metadataEpoch: 1, rotationNeeded: false,
        itemSeq: 1, stateSeq: 1, createdAt: 1, updatedAt: 1,
      });
      await db.repos.albums.putItem({ albumId, fileId: inAlbum, epoch: 1, wrappedKey: randomBytes(8), addedBy: owner, addedAt: 1, seq: 1, state: 'active' });
      const item = (userId: string, fileId: string, state: 'active' | 'deleted', chargedBytes: number) => db.repos.library.put({
        userId, fileId, wrappedKey: state === 'deleted' ? null : randomBytes(8), contentHash: null, state, changeSeq: 1, createdAt: 2, updatedAt: 2, chargedBytes,
      });
      // The viewer saved both (charged on top), and the owner later deleted `letGo` for good but kept paying.
      await item(viewer, inAlbum, 'active', 100);
      await item(viewer, letGo, 'active', 1000);
      await item(owner, letGo, 'deleted', 0);
      await db.repos.users.reserveBytes(owner, 1100);
      await db.repos.users.reserveBytes(viewer, 1100);
      assert.notDeepEqual(await db.repos.users.chargeMismatches(), []);

      await migrateToLatest(raw.kysely);
      assert.equal((await db.repos.files.find(inAlbum))?.quotaOwnerId, owner, 'the owner holds it in her album: she keeps paying');
      assert.equal((await db.repos.files.find(letGo))?.quotaOwnerId, viewer, 'the viewer is the only holder');
      assert.deepEqual([(await db.repos.users.findById(owner))?.usedBytes, (await db.repos.users.findById(viewer))?.usedBytes], [100, 1000]);
      assert.deepEqual([(await db.repos.library.find(viewer, inAlbum))?.chargedBytes, (await db.repos.library.find(viewer, letGo))?.chargedBytes], [0, 0]);
      assert.deepEqual(await db.repos.users.chargeMismatches(), []);
      assert.deepEqual(await db.repos.files.payersWithoutReference(), []);
    } finally {
      await raw.close();
    }
  });
}
