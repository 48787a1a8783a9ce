// The one-time setup's server side: the account's data version, the one-device lease (taken,
// renewed, refused to a second device, taken over once it lapses), and finishing only when
// every album the account owns has its first signed state.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNT_DATA_VERSION, SETUP_LEASE_MS } from '@obscura/protocol';
import { album, blob, createAlbum, signedState } from './album-helpers.ts';
import { call, login, makeTestApp, signup, type TestApp } from './helpers.ts';

describe('one-time setup', () => {
  let t: TestApp;
  before(async () => { t = await makeTestApp(); });
  after(() => t.close());

  test('new accounts start at the current data version: nothing to set up', async () => {
    const a = await signup(t.app);
    const s = (await call(t.app, 'getSetup', { token: a.token })).json();
    assert.deepEqual(s, { dataVersion: ACCOUNT_DATA_VERSION, currentVersion: ACCOUNT_DATA_VERSION, running: null });
    assert.deepEqual((await call(t.app, 'startSetup', { token: a.token, body: { total: 0 } })).json().running, null, 'no lease is taken');
  });

  test('one device at a time: a second device is refused with the progress; a lapsed lease is taken over; finish needs every album signed', async () => {
    const a = await signup(t.app);
    const device2 = (await login(t.app, a.email, a.password)).json().token as string;
    const albumId = await createAlbum(t.app, a);
    // The format of the version before signed states.
    await t.db.kysely.deleteFrom('album_states').where('album_id', '=', albumId).execute();
    await t.db.kysely.updateTable('albums').set({ state_seq: 0 }).where('id', '=', albumId).execute();
    await t.db.kysely.updateTable('users').set({ data_version: 1 }).where('id', '=', a.session.user.id).execute();
    assert.equal((await album(t.app, a.token, albumId)).state, null);

    const started = (await call(t.app, 'startSetup', { token: a.token, body: { total: 4 } })).json();
    assert.deepEqual([started.dataVersion, started.running.byThisSession, started.running.done, started.running.total], [1, true, 0, 4]);
    assert.equal((await call(t.app, 'setupProgress', { token: a.token, body: { done: 1, total: 4 } })).json().running.done, 1);

    const busy = await call(t.app, 'startSetup', { token: device2, body: { total: 4 } });
    assert.equal(busy.statusCode, 409);
    assert.equal(busy.json().error.code, 'setup-in-progress');
    assert.equal(busy.json().error.message, "your account's one-time setup is running on another device (25 %, 1 of 4 albums); this device waits until it ends");
    const seen = (await call(t.app, 'getSetup', { token: device2 })).json();
    assert.deepEqual([seen.running.byThisSession, seen.running.done], [false, 1]);
    assert.equal((await call(t.app, 'setupProgress', { token: device2, body: { done: 2, total: 4 } })).json().error.code, 'setup-in-progress');
    assert.equal((await call(t.app, 'finishSetup', { token: device2 })).json().error.code, 'setup-in-progress');

    // The first device crashed: after the lease lapses, the second takes over.
    t.clock.advance(SETUP_LEASE_MS + 1);
    assert.equal((await call(t.app, 'getSetup', { token: device2 })).json().running, null);
    const over = (await call(t.app, 'startSetup', { token: device2, body: { total: 1 } })).json();
    assert.deepEqual([over.running.byThisSession, over.running.done], [true, 0]);
    assert.equal((await call(t.app, 'setupProgress', { token: a.token, body: { done: 3, total: 4 } })).json().error.code, 'setup-in-progress', 'the old holder lost it');

    const early = await call(t.app, 'finishSetup', { token: device2 });
    assert.equal(early.statusCode, 409);
    assert.match(early.json().error.message, /1 album you own has no signed state yet/);

    // Its owner signs the album's first state (once); then the setup finishes.
    const { currentEpoch } = await album(t.app, a.token, albumId);
    const sign = (seq: number) => call(t.app, 'signAlbumState', { token: device2, params: { albumId }, body: { epoch: currentEpoch, metadataB64: blob(40), state: signedState(seq) } });
    assert.equal((await sign(2)).statusCode, 400);
    assert.equal((await sign(1)).statusCode, 200);
    const again = await sign(1);
    assert.equal(again.statusCode, 409);
    assert.match(again.json().error.message, /already has a signed state \(number 1\)/);
    const done = (await call(t.app, 'finishSetup', { token: device2 })).json();
    assert.deepEqual([done.dataVersion, done.running], [ACCOUNT_DATA_VERSION, null]);
    assert.equal((await t.db.kysely.selectFrom('account_setups').selectAll().execute()).length, 0);
  });
});
