// Quota rules through the routes, shared by quota.routes.test.ts (SQLite) and
// quota.medium.test.ts (PostgreSQL): [Note: one payer per file] and [Note: upload holds].
// After every step, each user's used bytes equal what they pay for, recomputed from the rows,
// and every payer holds what they pay for (`balanced`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join as pathJoin } from 'node:path';
import type { DialectName } from '../src/db/dialect/index.ts';
import { FOREIGN_PENDING_MAX_BYTES, PENDING_IDLE_MS, PENDING_MAX_AGE_MS } from '../src/services/quota.ts';
import { addItems, blob, createAlbum, join, uploadToAlbum } from './album-helpers.ts';
import { call, chargeOf, fakeFile, makeTestApp, putBlock, signup, uploadFile, type Account, type FakeFile, type TestApp } from './helpers.ts';

/** Every user's used bytes equal what they pay for, and every payer holds a reference. */
export async function balanced(t: TestApp, step: string): Promise<void> {
  assert.deepEqual(await t.db.repos.users.chargeMismatches(), [], `${step}: used bytes = the sum of what each user pays for`);
  assert.deepEqual(await t.db.repos.files.payersWithoutReference(), [], `${step}: each payer holds what they pay for`);
}

export async function used(t: TestApp, a: Account): Promise<number> {
  return (await call(t.app, 'me', { token: a.token })).json().storage.usedBytes;
}

export async function charges(t: TestApp, a: Account): Promise<{ ownPhotosBytes: number; editorsPhotosBytes: number; pendingUploadsBytes: number }> {
  return (await call(t.app, 'me', { token: a.token })).json().charges;
}

/** Used bytes of each account, in order. */
const usage = (t: TestApp, ...who: Account[]) => Promise.all(who.map((a) => used(t, a)));

const saveItem = (f: FakeFile) => ({ fileId: f.body.fileId, wrappedKeyB64: blob(72), contentHash: randomBytes(32).toString('hex') });

async function stored(t: TestApp, fileId: string): Promise<boolean> {
  try {
    return (await readdir(pathJoin(t.dir, 'blobs', 'files', fileId.slice(0, 2), fileId))).length > 0;
  } catch { return false; }
}

async function ok(r: { statusCode: number; body: string }, what: string) {
  assert.equal(r.statusCode, 200, `${what}: ${r.body}`);
  return JSON.parse(r.body);
}

const OWNER_QUOTA = 40_000;

export function quotaScenarios(dialect: DialectName): void {
  describe(`quota on ${dialect}: unfinished uploads ([Note: upload holds])`, () => {
    let t: TestApp;
    before(async () => { t = await makeTestApp({ dialect, quotaBytes: OWNER_QUOTA }); });
    after(() => t.close());

    async function albumWithEditor() {
      const alice = await signup(t.app, undefined, undefined, 'Alice');
      const ed = await signup(t.app, undefined, undefined, 'Eddie');
      const albumId = await createAlbum(t.app, alice);
      await join(t.app, alice, albumId, ed, 'editor');
      return { alice, ed, albumId };
    }
    const declareInto = (a: Account, albumId: string, f: FakeFile) =>
      call(t.app, 'createFile', { token: a.token, body: { ...f.body, album: { albumId, epoch: 1 } } });

    test("an editor declaring uploads into the owner's album without sending bytes is capped, with a message saying what to do", async () => {
      const { alice, ed, albumId } = await albumWithEditor();
      const limit = Math.min(FOREIGN_PENDING_MAX_BYTES, OWNER_QUOTA / 4);
      const [f1, f2, f3] = [fakeFile([4000]), fakeFile([4000]), fakeFile([4000])];
      assert.ok(chargeOf(f1) * 2 <= limit && chargeOf(f1) * 3 > limit && chargeOf(f1) * 3 < OWNER_QUOTA, 'the test needs the cap, not the quota, to stop the third');
      await ok(await declareInto(ed, albumId, f1), 'first declaration');
      await ok(await declareInto(ed, albumId, f2), 'second declaration');
      const third = await declareInto(ed, albumId, f3);
      assert.equal(third.statusCode, 409, third.body);
      assert.equal(third.json().error.code, 'limit-reached');
      assert.equal(third.json().error.message,
        'you have 8.8 KiB of unfinished uploads (2 files) into albums of Alice, charged to their storage; at most 9.8 KiB may wait there at a time: ' +
        'finish or cancel them first (remove them from the album; an upload with no new block for an hour is dropped)');
      assert.deepEqual(await usage(t, alice, ed), [chargeOf(f1) + chargeOf(f2), 0], 'the refused declaration reserved nothing');
      assert.deepEqual(await charges(t, alice), { ownPhotosBytes: 0, editorsPhotosBytes: 0, pendingUploadsBytes: chargeOf(f1) + chargeOf(f2) });
      await balanced(t, 'capped');

      // The cap is on someone else's storage only: the owner, and the editor's own library, are not capped.
      await ok(await declareInto(alice, albumId, fakeFile([4000])), "the owner's own declaration");
      await ok(await call(t.app, 'createFile', { token: ed.token, body: fakeFile([4000]).body }), "the editor's own library");
      // Finishing one makes room.
      for (const [i, b] of f1.blocks.entries()) await ok(await putBlock(t.app, ed.token, f1.body.fileId, i, b), 'putBlock');
      await ok(await call(t.app, 'completeFile', { token: ed.token, params: { fileId: f1.body.fileId } }), 'complete');
      await ok(await declareInto(ed, albumId, f3), 'after finishing one');
      // Cancelling (removing from the album) refunds and makes room too.
      await ok(await call(t.app, 'removeAlbumItems', { token: ed.token, params: { albumId }, body: { fileIds: [f2.body.fileId, f3.body.fileId] } }), 'cancel');
      await balanced(t, 'cancelled');
      // One upload alone may be larger than the cap (a long video), but only while it is the only one.
      const big = fakeFile([limit + 1000]);
      await ok(await declareInto(ed, albumId, big), 'one big upload');
      assert.equal((await declareInto(ed, albumId, fakeFile([10]))).statusCode, 409, 'nothing else meanwhile');
      await balanced(t, 'one big upload');
    });

    test('an idle unfinished upload is swept after an hour without a block, its reservation refunded', async () => {
      const { alice, ed, albumId } = await albumWithEditor();
      const before = await used(t, alice);
      const f = fakeFile([4000, 4000]);
      await ok(await declareInto(ed, albumId, f), 'declare');
      assert.equal(await used(t, alice), before + chargeOf(f));
      t.clock.advance(PENDING_IDLE_MS - 1000);
      await t.app.services.sweeper.sweep();
      assert.equal(await used(t, alice), before + chargeOf(f), 'still held just before the hour');
      t.clock.advance(2000);
      const swept = await t.app.services.sweeper.sweep();
      assert.ok(swept.pendingFilesRemoved >= 1);
      assert.equal(await used(t, alice), before, 'refunded');
      assert.equal((await call(t.app, 'uploadStatus', { token: ed.token, params: { fileId: f.body.fileId } })).statusCode, 404);
      assert.equal(await stored(t, f.body.fileId), false, 'the thumbnails are gone');
      // The cap is free again.
      await ok(await declareInto(ed, albumId, fakeFile([4000])), 'declare again');
      await balanced(t, 'swept');
    });

    test('a slow upload that keeps storing blocks is not swept, however long it takes — up to a week', async () => {
      const { alice, ed, albumId } = await albumWithEditor();
      const before = await used(t, alice);
      const f = fakeFile([300, 300, 300, 300, 300]);
      await ok(await declareInto(ed, albumId, f), 'declare');
      for (const [i, b] of f.blocks.entries()) {
        t.clock.advance(PENDING_IDLE_MS - 60_000);
        await t.app.services.sweeper.sweep();
        await ok(await putBlock(t.app, ed.token, f.body.fileId, i, b), `block ${i} after ${i + 1} × 59 min`);
      }
      t.clock.advance(PENDING_IDLE_MS - 60_000);
      await t.app.services.sweeper.sweep();
      await ok(await call(t.app, 'completeFile', { token: ed.token, params: { fileId: f.body.fileId } }), 'complete after almost 6 hours');
      assert.equal(await used(t, alice), before + chargeOf(f));
      assert.equal((await charges(t, alice)).editorsPhotosBytes, chargeOf(f));
      await balanced(t, 'slow upload');

      // A trickle keeps a reservation no longer than a week.
      const trickle = fakeFile(Array.from({ length: 200 }, () => 10));
      await ok(await declareInto(ed, albumId, trickle), 'declare the trickle');
      let i = 0;
      for (let elapsed = 0; elapsed + PENDING_IDLE_MS <= PENDING_MAX_AGE_MS; elapsed += PENDING_IDLE_MS - 60_000) {
        t.clock.advance(PENDING_IDLE_MS - 60_000);
        await ok(await putBlock(t.app, ed.token, trickle.body.fileId, i, trickle.blocks[i]!), `trickle block ${i}`);
        i++;
      }
      assert.ok(i < trickle.blocks.length);
      await t.app.services.sweeper.sweep();
      assert.equal((await call(t.app, 'uploadStatus', { token: ed.token, params: { fileId: trickle.body.fileId } })).statusCode, 200, 'within the week');
      t.clock.advance(PENDING_IDLE_MS);
      await t.app.services.sweeper.sweep();
      assert.equal((await call(t.app, 'uploadStatus', { token: ed.token, params: { fileId: trickle.body.fileId } })).statusCode, 404, 'past the week');
      assert.equal(await used(t, alice), before + chargeOf(f));
      await balanced(t, 'trickle swept');
    });
  });

  describe(`quota on ${dialect}: editors' photos count toward the album owner`, () => {
    let t: TestApp;
    before(async () => { t = await makeTestApp({ dialect, quotaBytes: OWNER_QUOTA }); });
    after(() => t.close());

    async function setup() {
      const alice = await signup(t.app, undefined, undefined, 'Alice');
      const ed = await signup(t.app, undefined, undefined, 'Eddie');
      const albumId = await createAlbum(t.app, alice);
      await join(t.app, alice, albumId, ed, 'editor');
      return { alice, ed, albumId };
    }
    /** An editor's library photo, added to the album. */
    async function added(ed: Account, albumId: string, f = fakeFile()) {
      await uploadFile(t.app, ed.token, f);
      assert.deepEqual(await ok(await addItems(t.app, ed.token, albumId, [f.body.fileId], 1), 'addAlbumItems'), { added: 1 });
      return f;
    }

    test("album add by an editor moves the charge of their own photo to the owner; whoami tells the two apart", async () => {
      const { alice, ed, albumId } = await setup();
      const own = await uploadFile(t.app, alice.token);
      const p = await uploadFile(t.app, ed.token);
      assert.deepEqual(await usage(t, alice, ed), [chargeOf(own), chargeOf(p)]);
      await balanced(t, 'uploaded');
      await ok(await addItems(t.app, ed.token, albumId, [p.body.fileId], 1), 'addAlbumItems');
      assert.deepEqual(await usage(t, alice, ed), [chargeOf(own) + chargeOf(p), 0], 'the owner pays, the editor is refunded');
      assert.deepEqual(await charges(t, alice), { ownPhotosBytes: chargeOf(own), editorsPhotosBytes: chargeOf(p), pendingUploadsBytes: 0 });
      assert.deepEqual(await charges(t, ed), { ownPhotosBytes: 0, editorsPhotosBytes: 0, pendingUploadsBytes: 0 });
      await balanced(t, 'added');
      // An upload straight into the album is the owner's too.
      const direct = await uploadToAlbum(t.app, ed.token, albumId, 1);
      assert.deepEqual(await charges(t, alice), { ownPhotosBytes: chargeOf(own), editorsPhotosBytes: chargeOf(p) + chargeOf(direct), pendingUploadsBytes: 0 });
      // The owner adding her own photo changes nothing.
      await ok(await addItems(t.app, alice.token, albumId, [own.body.fileId], 1), 'owner adds hers');
      assert.deepEqual(await usage(t, alice, ed), [chargeOf(own) + chargeOf(p) + chargeOf(direct), 0]);
      await balanced(t, 'owner added');
    });

    test("album add over the owner's quota names whose storage is full and changes nothing", async () => {
      const { alice, ed, albumId } = await setup();
      await uploadFile(t.app, alice.token, fakeFile([OWNER_QUOTA - 3000]));
      const p = await uploadFile(t.app, ed.token, fakeFile([3000]));
      const before = await usage(t, alice, ed);
      const r = await addItems(t.app, ed.token, albumId, [p.body.fileId], 1);
      assert.equal(r.statusCode, 413, r.body);
      assert.equal(r.json().error.code, 'quota-exceeded');
      assert.match(r.json().error.message, /^storage of the album owner \(Alice\) is full: .* used, adding this photo needs .*; nothing was added$/);
      assert.deepEqual(await usage(t, alice, ed), before);
      assert.equal((await call(t.app, 'getAlbum', { token: alice.token, params: { albumId } })).json().itemCount, 0);
      await balanced(t, 'refused');
    });

    test('the editor deletes it from their library: it stays in the album, still charged to the owner', async () => {
      const { alice, ed, albumId } = await setup();
      const p = await added(ed, albumId);
      await ok(await call(t.app, 'libraryDelete', { token: ed.token, body: { fileIds: [p.body.fileId] } }), 'libraryDelete');
      assert.deepEqual(await usage(t, alice, ed), [chargeOf(p), 0]);
      assert.equal((await call(t.app, 'getBlock', { token: alice.token, params: { fileId: p.body.fileId, index: 0 } })).statusCode, 200);
      await balanced(t, 'editor let go');
      // Then the owner removes it: nobody holds it; deleted, refunded.
      await ok(await call(t.app, 'removeAlbumItems', { token: alice.token, params: { albumId }, body: { fileIds: [p.body.fileId] } }), 'remove');
      assert.deepEqual(await usage(t, alice, ed), [0, 0]);
      assert.equal(await stored(t, p.body.fileId), false, 'the ciphertext is deleted');
      await balanced(t, 'nobody holds it');
    });

    test('the owner removes it from the album while the editor keeps it: the charge goes back to the editor', async () => {
      const { alice, ed, albumId } = await setup();
      const p = await added(ed, albumId);
      await ok(await call(t.app, 'removeAlbumItems', { token: alice.token, params: { albumId }, body: { fileIds: [p.body.fileId] } }), 'remove');
      assert.deepEqual(await usage(t, alice, ed), [0, chargeOf(p)]);
      assert.equal((await charges(t, ed)).ownPhotosBytes, chargeOf(p));
      await balanced(t, 'owner let go');
      // The same when the editor removes what they added.
      const q = await added(ed, albumId);
      assert.deepEqual(await usage(t, alice, ed), [chargeOf(q), chargeOf(p)]);
      await ok(await call(t.app, 'removeAlbumItems', { token: ed.token, params: { albumId }, body: { fileIds: [q.body.fileId] } }), 'editor removes');
      assert.deepEqual(await usage(t, alice, ed), [0, chargeOf(p) + chargeOf(q)]);
      await balanced(t, 'editor removed');
    });

    test('the album is deleted: photos the editor still holds go back to them, the rest is deleted and refunded', async () => {
      const { alice, ed, albumId } = await setup();
      const kept = await added(ed, albumId);
      const direct = await uploadToAlbum(t.app, ed.token, albumId, 1);
      const elsewhere = await createAlbum(t.app, alice);
      const both = await added(ed, albumId);
      await ok(await addItems(t.app, alice.token, elsewhere, [both.body.fileId], 1), 'in a second album of hers');
      assert.deepEqual(await usage(t, alice, ed), [chargeOf(kept) + chargeOf(direct) + chargeOf(both), 0]);
      assert.deepEqual(await ok(await call(t.app, 'deleteAlbum', { token: alice.token, params: { albumId } }), 'deleteAlbum'), { deletedFiles: 1 });
      assert.deepEqual(await usage(t, alice, ed), [chargeOf(both), chargeOf(kept)], 'hers while her other album holds it; his since he holds it');
      assert.equal(await stored(t, direct.body.fileId), false);
      await balanced(t, 'album deleted');
      assert.deepEqual(await ok(await call(t.app, 'deleteAlbum', { token: alice.token, params: { albumId: elsewhere } }), 'deleteAlbum'), { deletedFiles: 0 });
      assert.deepEqual(await usage(t, alice, ed), [0, chargeOf(kept) + chargeOf(both)]);
      await balanced(t, 'second album deleted');
    });
  });

  describe(`quota on ${dialect}: the last holder pays (storage pinning)`, () => {
    let t: TestApp;
    before(async () => { t = await makeTestApp({ dialect, quotaBytes: OWNER_QUOTA }); });
    after(() => t.close());

    async function setup() {
      const alice = await signup(t.app, undefined, undefined, 'Alice');
      const vera = await signup(t.app, undefined, undefined, 'Vera');
      const albumId = await createAlbum(t.app, alice);
      await join(t.app, alice, albumId, vera, 'viewer');
      const p = await uploadFile(t.app, alice.token);
      await ok(await addItems(t.app, alice.token, albumId, [p.body.fileId], 1), 'addAlbumItems');
      return { alice, vera, albumId, p };
    }

    test('a viewer who saves the photo pays for it; the owner deleting it for good is refunded; the last holder frees it', async () => {
      const { alice, vera, albumId, p } = await setup();
      assert.deepEqual(await usage(t, alice, vera), [chargeOf(p), 0]);
      assert.deepEqual(await ok(await call(t.app, 'libraryAdd', { token: vera.token, body: { items: [saveItem(p)] } }), 'save'), { added: 1, alreadyPresent: 0 });
      assert.deepEqual(await usage(t, alice, vera), [0, chargeOf(p)], 'charged once: to the saver, the owner refunded');
      assert.deepEqual(await charges(t, vera), { ownPhotosBytes: chargeOf(p), editorsPhotosBytes: 0, pendingUploadsBytes: 0 });
      await balanced(t, 'saved');
      // Trash keeps the reference: nothing moves.
      await ok(await call(t.app, 'libraryTrash', { token: vera.token, body: { fileIds: [p.body.fileId] } }), 'trash');
      assert.deepEqual(await usage(t, alice, vera), [0, chargeOf(p)]);
      await ok(await call(t.app, 'libraryRestore', { token: vera.token, body: { fileIds: [p.body.fileId] } }), 'restore');
      // The owner deletes it for good and takes it out of the album: she pays nothing; Vera keeps it.
      await ok(await call(t.app, 'libraryDelete', { token: alice.token, body: { fileIds: [p.body.fileId] } }), 'owner deletes');
      await ok(await call(t.app, 'removeAlbumItems', { token: alice.token, params: { albumId }, body: { fileIds: [p.body.fileId] } }), 'owner removes');
      assert.deepEqual(await usage(t, alice, vera), [0, chargeOf(p)]);
      assert.equal((await call(t.app, 'getBlock', { token: vera.token, params: { fileId: p.body.fileId, index: 0 } })).statusCode, 200);
      await balanced(t, 'owner let go');
      // The last holder lets go: the ciphertext is deleted, everyone is refunded.
      await ok(await call(t.app, 'libraryDelete', { token: vera.token, body: { fileIds: [p.body.fileId] } }), 'last holder deletes');
      assert.deepEqual(await usage(t, alice, vera), [0, 0]);
      assert.equal(await stored(t, p.body.fileId), false);
      await balanced(t, 'freed');
    });

    test('the saver lets go first: the charge goes back to the owner, even past her quota', async () => {
      const { alice, vera, p } = await setup();
      await ok(await call(t.app, 'libraryAdd', { token: vera.token, body: { items: [saveItem(p)] } }), 'save');
      // Alice fills her storage meanwhile.
      const filler = await uploadFile(t.app, alice.token, fakeFile([OWNER_QUOTA - 514 - 1000]));
      assert.equal(await used(t, alice), chargeOf(filler));
      await ok(await call(t.app, 'libraryDelete', { token: vera.token, body: { fileIds: [p.body.fileId] } }), 'saver deletes');
      assert.deepEqual(await usage(t, alice, vera), [chargeOf(filler) + chargeOf(p), 0], 'the remaining holder pays');
      assert.ok(chargeOf(filler) + chargeOf(p) > OWNER_QUOTA, 'past her quota: nothing is deleted');
      const next = await call(t.app, 'createFile', { token: alice.token, body: fakeFile([10]).body });
      assert.equal(next.statusCode, 413, 'but nothing new fits');
      await balanced(t, 'back to the owner');
    });

    test('save before leaving: the album and the owner’s copy go, the former member keeps paying for theirs', async () => {
      const { alice, vera, albumId, p } = await setup();
      const direct = await uploadToAlbum(t.app, alice.token, albumId, 1);
      await ok(await call(t.app, 'libraryAdd', { token: vera.token, body: { items: [saveItem(p), saveItem(direct)] } }), 'save');
      await ok(await call(t.app, 'leaveAlbum', { token: vera.token, params: { albumId } }), 'leave');
      assert.deepEqual(await usage(t, alice, vera), [0, chargeOf(p) + chargeOf(direct)]);
      assert.deepEqual(await ok(await call(t.app, 'deleteAlbum', { token: alice.token, params: { albumId } }), 'deleteAlbum'), { deletedFiles: 0 });
      await ok(await call(t.app, 'libraryDelete', { token: alice.token, body: { fileIds: [p.body.fileId] } }), 'owner deletes');
      assert.deepEqual(await usage(t, alice, vera), [0, chargeOf(p) + chargeOf(direct)]);
      await balanced(t, 'after leaving');
      await ok(await call(t.app, 'libraryDelete', { token: vera.token, body: { fileIds: [p.body.fileId, direct.body.fileId] } }), 'last holder deletes');
      assert.deepEqual(await usage(t, alice, vera), [0, 0]);
      assert.equal(await stored(t, p.body.fileId) || await stored(t, direct.body.fileId), false);
      await balanced(t, 'freed');
    });
  });
}
