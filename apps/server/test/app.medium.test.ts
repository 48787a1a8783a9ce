// The whole app on each database: the same flows as the route tests, end to end through inject.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from './dialects.ts';
import { call, chargeOf, fakeFile, login, makeTestApp, uploadFile, signup, type TestApp } from './helpers.ts';

for (const dialect of DIALECTS) {
  describe(`app on ${dialect}`, () => {
    let t: TestApp;
    before(async () => { t = await makeTestApp({ dialect, quotaBytes: 50_000 }); });
    after(() => t.close());

    test('signup, login, upload, feed, lookup, trash, delete for good, quota', async () => {
      const a = await signup(t.app);
      assert.equal((await login(t.app, a.email, a.password)).statusCode, 200);
      const f1 = await uploadFile(t.app, a.token, fakeFile([3000, 2000]));
      const f2 = await uploadFile(t.app, a.token, fakeFile([1000]));
      const feed = (await call(t.app, 'libraryChanges', { token: a.token, query: 'limit=1' })).json();
      assert.deepEqual([feed.items[0].fileId, feed.hasMore], [f1.body.fileId, true]);
      const lookup = (await call(t.app, 'libraryLookup', { token: a.token, body: { contentHashes: [f2.body.contentHash] } })).json();
      assert.equal(lookup.matches[0].fileId, f2.body.fileId);
      assert.deepEqual((await call(t.app, 'libraryTrash', { token: a.token, body: { fileIds: [f1.body.fileId] } })).json(), { changed: 1 });
      assert.deepEqual((await call(t.app, 'libraryDelete', { token: a.token, body: { fileIds: [f1.body.fileId] } })).json(), { changed: 1 });
      assert.equal((await call(t.app, 'me', { token: a.token })).json().storage.usedBytes, chargeOf(f2));
      const big = await call(t.app, 'createFile', { token: a.token, body: fakeFile([49_000]).body });
      assert.equal(big.statusCode, 413);
      const rest = (await call(t.app, 'libraryChanges', { token: a.token, query: `since=${feed.nextSince}` })).json();
      // One entry per item, in its latest state: f1's trash was superseded by its deletion.
      assert.deepEqual(rest.items.map((i: { fileId: string; state: string }) => [i.fileId, i.state]), [[f2.body.fileId, 'active'], [f1.body.fileId, 'deleted']]);
    });
  });
}
