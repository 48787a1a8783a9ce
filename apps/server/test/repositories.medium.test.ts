import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { migrateToLatest } from '../src/db/migrations/index.ts';
import { Database } from '../src/repositories/index.ts';
import type { NewUser } from '../src/repositories/users.ts';
import { DIALECTS, freshDb, type TestDb } from './dialects.ts';

const GiB = 1024 ** 3;

function newUser(o: Partial<NewUser> = {}): NewUser {
  return {
    id: randomUUID(), email: `${randomUUID()}@example.com`, displayName: 'Dee',
    opaqueRecord: randomBytes(192), x25519PublicKey: randomBytes(32), ed25519PublicKey: randomBytes(32),
    passwordEnvelope: randomBytes(100), recoveryEnvelope: randomBytes(100), quotaBytes: 64 * GiB, dataVersion: 2, createdAt: 1_700_000_000_000, ...o,
  };
}

async function newFile(db: Database, userId: string, blocks = 3, id = randomUUID()) {
  const decl = Array.from({ length: blocks }, (_, i) => ({ size: 100 + i, sha256Hex: randomBytes(32).toString('hex') }));
  await db.tx(async (r) => {
    await r.files.insert({
      id, uploaderId: userId, quotaOwnerId: userId, status: 'pending', blockCount: blocks, encryptedSize: 5 * GiB,
      chargedBytes: 5 * GiB + 10, manifest: randomBytes(40), signature: randomBytes(64), metadata: randomBytes(30),
      thumbSmallSize: 5, thumbLargeSize: 5, createdAt: 1000,
    }, decl);
    await r.library.insert({ userId, fileId: id, wrappedKey: randomBytes(72), contentHash: randomBytes(32).toString('hex'), state: 'active', changeSeq: 0, createdAt: 1000, updatedAt: 1000 });
  });
  return { id, decl };
}

for (const dialect of DIALECTS) {
  describe(`repositories on ${dialect}`, () => {
    let t: TestDb;
    let db: Database;
    before(async () => { t = await freshDb(dialect); await migrateToLatest(t.kysely); db = new Database(t.kysely); });
    after(() => t.close());

    test('users: insert, unique email, bytes and big integers round-trip as Uint8Array and number', async () => {
      const u = newUser();
      assert.equal(await db.repos.users.insert(u), true);
      assert.equal(await db.repos.users.insert({ ...newUser(), email: u.email }), false);
      const back = await db.repos.users.findByEmail(u.email);
      assert.ok(back);
      assert.equal(db.dialect, dialect);
      assert.equal(back.quotaBytes, 64 * GiB);
      assert.equal(typeof back.usedBytes, 'number');
      assert.ok(back.opaqueRecord instanceof Uint8Array);
      assert.deepEqual(Buffer.from(back.opaqueRecord), Buffer.from(u.opaqueRecord));
      assert.deepEqual(Buffer.from(back.ed25519PublicKey), Buffer.from(u.ed25519PublicKey));
    });

    test('users: quota reservation is all-or-nothing and never goes negative', async () => {
      const u = newUser({ quotaBytes: 10 * GiB });
      await db.repos.users.insert(u);
      assert.equal(await db.repos.users.reserveBytes(u.id, 6 * GiB), true);
      assert.equal(await db.repos.users.reserveBytes(u.id, 5 * GiB), false);
      assert.equal(await db.repos.users.reserveBytes(u.id, 4 * GiB), true);
      assert.equal((await db.repos.users.findById(u.id))?.usedBytes, 10 * GiB);
      await db.repos.users.releaseBytes(u.id, 3 * GiB);
      assert.equal((await db.repos.users.findById(u.id))?.usedBytes, 7 * GiB);
      await db.repos.users.releaseBytes(u.id, 100 * GiB);
      assert.equal((await db.repos.users.findById(u.id))?.usedBytes, 0);
      assert.equal(await db.repos.users.advanceLibrarySeq(u.id, 3), 3);
      assert.equal(await db.repos.users.advanceLibrarySeq(u.id, 1), 4);
    });

    test('concurrent reservations never exceed the quota', async () => {
      const u = newUser({ quotaBytes: 1000 });
      await db.repos.users.insert(u);
      const results = await Promise.all(Array.from({ length: 12 }, () => db.tx((r) => r.users.reserveBytes(u.id, 100))));
      assert.equal(results.filter(Boolean).length, 10);
      assert.equal((await db.repos.users.findById(u.id))?.usedBytes, 1000);
    });

    test('a failed transaction leaves nothing behind', async () => {
      const u = newUser();
      await db.repos.users.insert(u);
      const id = randomUUID();
      await assert.rejects(db.tx(async (r) => {
        await r.users.reserveBytes(u.id, 500);
        await r.files.insert({
          id, uploaderId: u.id, quotaOwnerId: u.id, status: 'pending', blockCount: 1, encryptedSize: 1, chargedBytes: 500,
          manifest: randomBytes(1), signature: randomBytes(1), metadata: randomBytes(1), thumbSmallSize: 1, thumbLargeSize: 1, createdAt: 1,
        }, [{ size: 1, sha256Hex: 'a'.repeat(64) }]);
        throw new Error('boom');
      }), /boom/);
      assert.equal(await db.repos.files.exists(id), false);
      assert.equal((await db.repos.users.findById(u.id))?.usedBytes, 0);
    });

    test('sessions: lookup by token hash, touch, revoke, expiry filter', async () => {
      const u = newUser();
      await db.repos.users.insert(u);
      const s1 = randomUUID(); const s2 = randomUUID();
      await db.repos.sessions.insert({ id: s1, userId: u.id, tokenHash: randomUUID(), userAgent: 'ua', createdAt: 100, expiresAt: 1000 });
      await db.repos.sessions.insert({ id: s2, userId: u.id, tokenHash: 'h2', userAgent: null, createdAt: 200, expiresAt: 5000 });
      assert.equal((await db.repos.sessions.findByTokenHash('h2'))?.id, s2);
      await db.repos.sessions.touch(s2, 300);
      assert.equal((await db.repos.sessions.findByTokenHash('h2'))?.lastSeenAt, 300);
      assert.deepEqual((await db.repos.sessions.listActive(u.id, 500)).map((s) => s.id), [s1, s2]);
      assert.deepEqual((await db.repos.sessions.listActive(u.id, 1000)).map((s) => s.id), [s2]);
      assert.equal(await db.repos.sessions.revoke(u.id, s2, 600), true);
      assert.equal(await db.repos.sessions.revoke(u.id, s2, 600), false);
      assert.equal((await db.repos.sessions.findByTokenHash('h2'))?.revokedAt, 600);
      assert.equal(await db.repos.sessions.revokeAll(u.id, 700, s1), 0);
      assert.equal(await db.repos.sessions.purgeEnded(2000), 2);
    });

    test('auth attempts are single use and expire', async () => {
      const id = randomUUID();
      await db.repos.attempts.insert({ id, kind: 'login', userId: null, state: Buffer.from('state'), expiresAt: 1000 });
      assert.equal(await db.repos.attempts.take(id, 'recovery', 10), undefined, 'kind must match');
      const a = await db.repos.attempts.take(id, 'login', 10);
      assert.equal(Buffer.from(a!.state).toString(), 'state');
      assert.equal(await db.repos.attempts.take(id, 'login', 10), undefined);
      const old = randomUUID();
      await db.repos.attempts.insert({ id: old, kind: 'login', userId: null, state: Buffer.from('x'), expiresAt: 1000 });
      assert.equal(await db.repos.attempts.take(old, 'login', 1000), undefined);
    });

    test('rate limit counters: atomic upsert with fixed windows', async () => {
      const key = `k-${randomUUID()}`;
      assert.deepEqual(await db.repos.rateLimits.hit(key, 1000, 60_000), { count: 1, windowStart: 1000 });
      assert.deepEqual(await db.repos.rateLimits.hit(key, 2000, 60_000), { count: 2, windowStart: 1000 });
      const burst = await Promise.all(Array.from({ length: 5 }, () => db.repos.rateLimits.hit(key, 3000, 60_000)));
      assert.deepEqual(burst.map((h) => h.count).sort(), [3, 4, 5, 6, 7]);
      assert.deepEqual(await db.repos.rateLimits.hit(key, 61_000, 60_000), { count: 1, windowStart: 61_000 });
      assert.ok((await db.repos.rateLimits.purgeOlderThan(100_000)) >= 1);
    });

    test('settings: first writer wins', async () => {
      assert.equal(await db.repos.settings.getOrInsert('opaque', 'first'), 'first');
      assert.equal(await db.repos.settings.getOrInsert('opaque', 'second'), 'first');
    });

    test('files: thousands of blocks insert in chunks; stored marks, completion and references', async () => {
      const u = newUser();
      await db.repos.users.insert(u);
      const { id, decl } = await newFile(db, u.id, 1500);
      const f = await db.repos.files.find(id);
      assert.equal(f?.encryptedSize, 5 * GiB);
      assert.equal(f?.chargedBytes, 5 * GiB + 10);
      assert.equal((await db.repos.files.blocks(id)).length, 1500);
      assert.deepEqual(await db.repos.files.block(id, 1499), { index: 1499, size: decl[1499]!.size, sha256Hex: decl[1499]!.sha256Hex, storedAt: null });
      await db.repos.files.markBlockStored(id, 7, 50);
      await db.repos.files.markBlockStored(id, 3, 60);
      await db.repos.files.markBlockStored(id, 3, 70);
      assert.deepEqual(await db.repos.files.storedBlockIndexes(id), [3, 7]);
      assert.equal((await db.repos.files.block(id, 3))?.storedAt, 60, 'first store time kept');
      const idle = async (idleBefore: number, createdBefore: number) => (await db.repos.files.pendingIdle(idleBefore, createdBefore, 10)).some((x) => x.id === id);
      assert.equal(await idle(2000, 0), true, 'created at 1000, no block stored since 2000: idle');
      assert.equal(await idle(500, 0), false, 'created (at 1000) after the idle mark');
      assert.equal(await idle(1500, 1001), true, 'older than the hard limit');
      assert.equal(await db.repos.files.markComplete(id, 3000), true);
      assert.equal(await db.repos.files.markComplete(id, 3001), false);
      assert.equal((await db.repos.files.find(id))?.completedAt, 3000);
      assert.equal((await db.repos.files.holders([id])).get(id)!.length, 1);
      await db.repos.library.setState(u.id, id, 'deleted', 1, 10);
      assert.equal((await db.repos.files.holders([id])).get(id)!.length, 0);
      await db.repos.files.delete(id);
      assert.equal(await db.repos.files.exists(id), false);
      assert.deepEqual(await db.repos.files.blocks(id), [], 'blocks cascade');
    });

    test('library: change feed order, tombstones without their file, lookup excludes deleted', async () => {
      const u = newUser();
      await db.repos.users.insert(u);
      const a = await newFile(db, u.id, 1);
      const b = await newFile(db, u.id, 1);
      const pending = await newFile(db, u.id, 1);
      for (const f of [a, b]) {
        await db.repos.files.markComplete(f.id, 10);
        const seq = await db.repos.users.advanceLibrarySeq(u.id, 1);
        await db.repos.library.setSeq(u.id, f.id, seq, 10);
      }
      let feed = await db.repos.library.changes(u.id, 0, 10);
      assert.deepEqual(feed.map((c) => [c.fileId, c.state, c.seq]), [[a.id, 'active', 1], [b.id, 'active', 2]]);
      const first = feed[0]!;
      assert.ok(first.state !== 'deleted' && first.uploader.id === u.id && first.encryptedSize === 5 * GiB && first.metadata.length === 30);

      const itemA = await db.repos.library.find(u.id, a.id);
      const hits = await db.repos.library.lookup(u.id, [itemA!.contentHash!, (await db.repos.library.find(u.id, pending.id))!.contentHash!]);
      assert.deepEqual(hits.map((h) => [h.fileId, h.status]).sort(), [[a.id, 'complete'], [pending.id, 'pending']].sort());

      await db.repos.library.setState(u.id, a.id, 'deleted', await db.repos.users.advanceLibrarySeq(u.id, 1), 20);
      await db.repos.files.delete(a.id);
      feed = await db.repos.library.changes(u.id, 2, 10);
      assert.deepEqual(feed, [{ fileId: a.id, state: 'deleted', seq: 3 }]);
      assert.deepEqual(await db.repos.library.lookup(u.id, [itemA!.contentHash!]), []);
      assert.equal((await db.repos.library.find(u.id, a.id))?.wrappedKey, null, 'tombstones keep no key');
      assert.deepEqual((await db.repos.library.findMany(u.id, [a.id, b.id])).map((i) => i.state).sort(), ['active', 'deleted']);
    });
  });
}
