// Races between people acting on one album at once, on real SQLite and real PostgreSQL (where
// concurrent transactions really interleave). [Note: respond under the album lock]
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { ALBUM_MEMBERS_MAX } from '@obscura/protocol';
import { DIALECTS } from './dialects.ts';
import { allEpochs, blob, createAlbum, invitationOf, invite, nextState, signedState, userId } from './album-helpers.ts';
import { call, finishSignupLogin, makeTestApp, MemoryMailer, signup, signupRequest, type Account, type TestApp } from './helpers.ts';

const TRIALS = 50;
/** Races around invitations to emails without an account (each trial sets up more). */
const EXTERNAL_TRIALS = 15;
const newEmail = () => `r-${randomUUID().slice(0, 8)}@example.org`;

for (const dialect of DIALECTS) {
  describe(`races on ${dialect}`, () => {
    let t: TestApp;
    let alice: Account;
    let bob: Account;
    const mailer = new MemoryMailer();
    before(async () => {
      t = await makeTestApp({ dialect, mailer, externalInvitationsPerDay: 10_000 });
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

    /** Sign-up with a mailed code for `email` (so the invitations to it become the new account's). */
    async function signupProved(email: string): Promise<Account> {
      const { verificationId } = (await call(t.app, 'requestEmailCode', { body: { email } })).json();
      const code = mailer.sent.filter((m) => m.kind === 'email-code' && m.to === email).at(-1)!.subject.replace(/\D/g, '');
      const req = await signupRequest(t.app, email, 'correct horse battery');
      const finish = await call(t.app, 'signupFinish', { body: { ...req.body, emailVerification: { verificationId, code } } });
      assert.equal(finish.statusCode, 200, finish.body);
      const done = await finishSignupLogin(t.app, finish, req.clientLoginState, 'correct horse battery');
      assert.equal(done?.statusCode, 200);
      const session = done!.json();
      return { email, password: 'correct horse battery', token: session.token, session, signingKey: req.signingKey, auth: { authorization: `Bearer ${session.token}` } };
    }

    const shareExternal = (albumId: string, emails: string[]) => call(t.app, 'shareAlbum', {
      token: alice.token, params: { albumId }, body: { invites: [], external: emails.map((email) => ({ email, role: 'viewer' })) },
    });
    const liveExternal = async (albumId: string) => t.db.repos.externalInvitations.countLive(albumId, t.clock.now());

    test(`two shares with invitations by email racing the ${ALBUM_MEMBERS_MAX}-people limit (${EXTERNAL_TRIALS} trials): exactly one fits`, async () => {
      const bulk: string[] = [];
      for (let i = 0; i < ALBUM_MEMBERS_MAX - 2; i++) {
        const id = randomUUID();
        await t.db.repos.users.insert({
          id, email: `bulk-${id}@example.org`, displayName: `Bulk ${i}`, opaqueRecord: randomBytes(192), x25519PublicKey: randomBytes(32),
          ed25519PublicKey: randomBytes(32), passwordEnvelope: randomBytes(10), recoveryEnvelope: randomBytes(10), quotaBytes: 1, dataVersion: 2, createdAt: 0,
        });
        bulk.push(id);
      }
      for (let i = 0; i < EXTERNAL_TRIALS; i++) {
        const albumId = await createAlbum(t.app, alice);
        const members = await call(t.app, 'shareAlbum', {
          token: alice.token, params: { albumId },
          body: { invites: bulk.map((u) => ({ userId: u, role: 'viewer', sealedKeys: allEpochs(1) })), state: await nextState(t.app, alice.token, albumId) },
        });
        assert.equal(members.statusCode, 200, members.body);
        // 98 people: each share adds 2, only one of them fits; the same email in both, only one invites it.
        const shared = newEmail();
        const results = await Promise.all([shareExternal(albumId, [shared, newEmail()]), shareExternal(albumId, [shared, newEmail()])]);
        const statuses = results.map((r) => r.statusCode).sort();
        assert.deepEqual(statuses, [200, 409], `trial ${i}: ${results.map((r) => r.body).join(' | ')}`);
        const count = (await t.db.repos.albums.countShared(albumId)) + (await liveExternal(albumId));
        assert.equal(count, ALBUM_MEMBERS_MAX, `trial ${i}`);
        assert.equal((await t.db.repos.externalInvitations.allForAlbum(albumId)).length, 2, `trial ${i}: the refused share stored nothing`);
      }
    });

    test(`completing an invitation by email racing its cancel (${EXTERNAL_TRIALS} trials): exactly one wins, and the state agrees`, async () => {
      const outcomes = { completed: 0, cancelled: 0 };
      for (let i = 0; i < EXTERNAL_TRIALS; i++) {
        const albumId = await createAlbum(t.app, alice);
        const email = newEmail();
        const r = await shareExternal(albumId, [email]);
        assert.equal(r.statusCode, 200, r.body);
        const invitationId = r.json().external[0].id as string;
        const carol = await signupProved(email);
        const [done, cancel] = await Promise.all([
          call(t.app, 'shareAlbum', {
            token: alice.token, params: { albumId },
            body: { invites: [{ userId: userId(carol), role: 'viewer', sealedKeys: allEpochs(1), externalInvitationId: invitationId }], state: signedState(2) },
          }),
          call(t.app, 'cancelExternalInvitation', { token: alice.token, params: { invitationId } }),
        ]);
        const [row] = await t.db.repos.externalInvitations.allForAlbum(albumId);
        const member = await t.db.repos.albums.liveMember(albumId, userId(carol));
        const keys = await t.db.kysely.selectFrom('album_keys').select('epoch').where('album_id', '=', albumId).where('user_id', '=', userId(carol)).execute();
        if (done.statusCode === 200) {
          outcomes.completed++;
          assert.equal(cancel.statusCode, 409, `trial ${i}: ${cancel.body}`);
          assert.match(cancel.json().error.message, /already completed/);
          assert.equal(row!.status, 'completed');
          assert.equal(row!.memberId, member?.id);
          assert.equal(keys.length, 1);
        } else {
          outcomes.cancelled++;
          assert.equal(cancel.statusCode, 200, `trial ${i}: ${cancel.body}`);
          assert.equal(done.statusCode, 409, `trial ${i}: ${done.body}`);
          assert.match(done.json().error.message, /it was cancelled/);
          assert.equal(row!.status, 'cancelled');
          assert.equal(member, undefined);
          assert.deepEqual(keys, []);
          assert.equal((await t.db.repos.albums.latestStates([albumId])).get(albumId)?.seq, 1, 'the refused share appended no state');
        }
      }
      assert.equal(outcomes.completed + outcomes.cancelled, EXTERNAL_TRIALS);
    });
  });
}
