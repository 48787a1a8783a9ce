// Races between people acting on one album at once, on real SQLite and real PostgreSQL (where
// concurrent transactions really interleave). [Note: respond under the album lock]
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS } from './dialects.ts';
import { blob, createAlbum, invitationOf, invite, signedState, userId } from './album-helpers.ts';
import { call, makeTestApp, signup, type Account, type TestApp } from './helpers.ts';

const TRIALS = 50;

for (const dialect of DIALECTS) {
  describe(`races on ${dialect}`, () => {
    let t: TestApp;
    let alice: Account;
    let bob: Account;
    before(async () => {
      t = await makeTestApp({ dialect });
      [alice, bob] = [await signup(t.app), await signup(t.app)];
    });
    after(() => t.close());

    test(`accept racing revoke (${TRIALS} trials): the invitee always ends removed and never holds the next epoch key`, async () => {
      const outcomes = { acceptFirst: 0, revokeFirst: 0 };
      for (let i = 0; i < TRIALS; i++) {
        const albumId = await createAlbum(t.app, alice);
        assert.equal((await invite(t.app, alice, albumId, [bob])).statusCode, 200);
        const invitationId = await invitationOf(t.app, bob, albumId);
        // The revoke seals the next epoch to the owner alone (Bob is the one removed).
        const rotation = { epoch: 2, metadataB64: blob(40), sealedKeys: [{ userId: userId(alice), sealedB64: blob() }], state: signedState(3) };
        const [acc, rem] = await Promise.all([
          call(t.app, 'acceptInvitation', { token: bob.token, params: { invitationId } }),
          call(t.app, 'removeMember', { token: alice.token, params: { albumId, userId: userId(bob) }, body: { rotation } }),
        ]);
        assert.equal(rem.statusCode, 200, `trial ${i}: ${rem.body}`);
        if (acc.statusCode === 200) outcomes.acceptFirst++;
        else {
          assert.ok([404, 409].includes(acc.statusCode), `trial ${i}: ${acc.body}`);
          outcomes.revokeFirst++;
        }
        const row = await t.db.kysely.selectFrom('album_members').select('status').where('album_id', '=', albumId).where('user_id', '=', userId(bob)).executeTakeFirstOrThrow();
        assert.equal(row.status, 'removed', `trial ${i}: accept ${acc.statusCode}, revoke ${rem.statusCode}`);
        const keys = await t.db.kysely.selectFrom('album_keys').select('epoch').where('album_id', '=', albumId).where('user_id', '=', userId(bob)).execute();
        assert.deepEqual(keys, [], `trial ${i}: no key is left for the removed invitee`);
        assert.equal((await call(t.app, 'getAlbum', { token: bob.token, params: { albumId } })).statusCode, 404);
      }
      assert.equal(outcomes.acceptFirst + outcomes.revokeFirst, TRIALS);
    });
  });
}
