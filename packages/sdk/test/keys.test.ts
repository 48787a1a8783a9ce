// KeyPins: trust on first use by user id AND by email ([Note: pins by email] in src/keys.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createAccount, publicKeysOf, toBase64 } from '@obscura/crypto';
import { KeyChangedError, KeyPins, UsageError, type PersonKeys } from '../src/index.ts';
import type { Session } from '../src/session.ts';

const FAST_KDF = { memoryKiB: 1024, iterations: 1, parallelism: 1 } as const;
const key = () => toBase64(randomBytes(32));

/** A person as the server lists them (UserRef): fresh random public keys. */
function person(id: string, email: string, name = 'Bob'): Required<PersonKeys> {
  return { id, email, displayName: name, x25519PublicKeyB64: key(), ed25519PublicKeyB64: key() };
}

const changed = (kind: KeyChangedError['change']) => (e: unknown) => {
  assert.ok(e instanceof KeyChangedError, `a KeyChangedError, got ${String(e)}`);
  assert.equal(e.change, kind);
  assert.match(e.message, /^WARNING: /);
  return true;
};

test('first sight pins by id and by email; the same id, email and keys pass again', () => {
  const pins = new KeyPins();
  const bob = person('id-bob', 'bob@example.org');
  assert.equal(pins.statusOf(bob).status, 'unpinned');
  pins.checkPerson(bob);
  assert.equal(pins.statusOf(bob).status, 'pinned');
  assert.ok(pins.isPinned('id-bob'));
  pins.checkPerson(bob);
  pins.checkPerson({ ...bob, email: '  Bob@Example.ORG ' }); // emails compare normalized
  pins.checkPerson({ id: bob.id, displayName: 'Bob', ed25519PublicKeyB64: bob.ed25519PublicKeyB64 }); // an uploader ref: id only
  assert.deepEqual(pins.toJSON(), {
    version: 2,
    byId: { 'id-bob': { ed25519: bob.ed25519PublicKeyB64, x25519: bob.x25519PublicKeyB64, email: 'bob@example.org' } },
    byEmail: { 'bob@example.org': { id: 'id-bob', ed25519: bob.ed25519PublicKeyB64, x25519: bob.x25519PublicKeyB64 } },
  });
});

test('same id, other keys → KeyChangedError (with or without an email)', () => {
  const pins = new KeyPins();
  const bob = person('id-bob', 'bob@example.org');
  pins.checkPerson(bob);
  assert.throws(() => pins.checkPerson({ ...bob, ed25519PublicKeyB64: key() }), changed('keys'));
  assert.throws(() => pins.checkPerson({ ...bob, x25519PublicKeyB64: key() }), changed('keys'));
  assert.throws(() => pins.checkPerson({ id: bob.id, displayName: 'Bob', ed25519PublicKeyB64: key() }), changed('keys'));
  assert.equal(pins.statusOf({ ...bob, ed25519PublicKeyB64: key() }).status, 'changed');
});

test('same email, other id → KeyChangedError naming the email and the change (attack 3: id swap)', () => {
  const pins = new KeyPins();
  const bob = person('id-bob', 'bob@example.org');
  pins.checkPerson(bob);
  const impostor = person('id-mallory', 'bob@example.org', 'Bob');
  let err: KeyChangedError | undefined;
  assert.throws(() => pins.checkPerson(impostor), (e: unknown) => { err = e as KeyChangedError; return changed('email-moved')(e); });
  assert.equal(err!.email, 'bob@example.org');
  assert.equal(err!.userId, 'id-mallory');
  assert.equal(err!.pinnedUserId, 'id-bob');
  assert.match(err!.message, /bob@example\.org now belongs to another account \(id id-mallory, shown as Bob\) with other keys; you pinned it for account id-bob\./);
  assert.match(err!.message, /obscura fingerprint bob@example\.org --accept/);
  // a refused person is not pinned
  assert.equal(pins.isPinned('id-mallory'), false);
  const st = pins.statusOf(impostor);
  assert.equal(st.status, 'changed');
  if (st.status === 'changed') {
    assert.equal(st.pinned.id, 'id-bob');
    assert.equal(st.pinned.x25519, bob.x25519PublicKeyB64);
  }
  // even with Bob's own keys copied over, another account under Bob's email is refused
  assert.throws(() => pins.checkPerson({ ...bob, id: 'id-mallory' }), (e: unknown) => changed('email-moved')(e) && /with the same keys/.test((e as Error).message));
});

test('same id, other email → KeyChangedError (the renamed half of the swap)', () => {
  const pins = new KeyPins();
  const bob = person('id-bob', 'bob@example.org');
  pins.checkPerson(bob);
  let err: KeyChangedError | undefined;
  assert.throws(() => pins.checkPerson({ ...bob, email: 'bob-old@example.org' }), (e: unknown) => { err = e as KeyChangedError; return changed('email-changed')(e); });
  assert.equal(err!.pinnedEmail, 'bob@example.org');
  assert.equal(err!.email, 'bob-old@example.org');
  assert.match(err!.message, /the account id-bob \(Bob\) that you pinned as bob@example\.org now shows the email bob-old@example\.org/);
  // the new email was not pinned by the refused check
  assert.equal(pins.statusOf(person('id-carol', 'bob-old@example.org')).status, 'unpinned');
});

test('the original pins.json shape (Record<userId, keys>) loads; emails get pinned on next sight', () => {
  const bob = person('id-bob', 'bob@example.org');
  const v1 = { 'id-bob': { ed25519: bob.ed25519PublicKeyB64, x25519: bob.x25519PublicKeyB64 }, 'id-ann': { ed25519: key() } };
  const pins = new KeyPins(v1);
  assert.ok(pins.isPinned('id-bob') && pins.isPinned('id-ann'));
  assert.equal(pins.statusOf(bob).status, 'pinned');
  assert.throws(() => pins.checkPerson({ ...bob, ed25519PublicKeyB64: key() }), changed('keys'));
  pins.checkPerson(bob);
  assert.equal(pins.toJSON().byEmail['bob@example.org']?.id, 'id-bob');
  assert.throws(() => pins.checkPerson(person('id-mallory', 'bob@example.org')), changed('email-moved'));
  // and the v2 shape round-trips
  assert.deepEqual(new KeyPins(JSON.parse(JSON.stringify(pins.toJSON()))).toJSON(), pins.toJSON());
  assert.throws(() => new KeyPins({ version: 3 } as never), (e: unknown) => e instanceof UsageError && /newer Obscura/.test((e as Error).message));
});

test('accept() clears the conflict: the email now maps to the accepted account; the old email stays guarded', () => {
  const pins = new KeyPins();
  const bob = person('id-bob', 'bob@example.org');
  pins.checkPerson(bob);
  // Bob really moved to a new account (compared fingerprints by phone)
  const newBob = person('id-bob-2', 'bob@example.org');
  assert.throws(() => pins.checkPerson(newBob), changed('email-moved'));
  pins.accept(newBob);
  pins.checkPerson(newBob);
  assert.equal(pins.statusOf(newBob).status, 'pinned');
  // Bob's old account turning up under his email again is now the conflict
  assert.throws(() => pins.checkPerson(bob), changed('email-moved'));

  // same id, other email, accepted: the old email still belongs to that account
  const ann = person('id-ann', 'ann@example.org', 'Ann');
  pins.checkPerson(ann);
  const renamed = { ...ann, email: 'ann@new.example' };
  assert.throws(() => pins.checkPerson(renamed), changed('email-changed'));
  pins.accept(renamed);
  pins.checkPerson(renamed);
  assert.throws(() => pins.checkPerson(person('id-mallory', 'ann@example.org')), changed('email-moved'));

  // other keys, accepted
  const carol = person('id-carol', 'carol@example.org', 'Carol');
  pins.checkPerson(carol);
  const rekeyed = { ...carol, x25519PublicKeyB64: key(), ed25519PublicKeyB64: key() };
  assert.throws(() => pins.checkPerson(rekeyed), changed('keys'));
  pins.accept(rekeyed);
  pins.checkPerson(rekeyed);
  assert.throws(() => pins.checkPerson(carol), changed('keys'));
});

test('publicKeysOf / signingKeyOf check the email too; my own keys come from my bundle, my email is never someone else', async () => {
  const mine = await createAccount('correct horse battery staple', FAST_KDF);
  const me = {
    user: { id: 'id-me', email: 'me@example.org', displayName: 'Me' },
    bundle: mine.bundle,
    get publicKeys() { return publicKeysOf(mine.bundle); },
  } as unknown as Session;
  const other = await createAccount('correct horse battery staple', FAST_KDF);
  const bob = {
    id: 'id-bob', email: 'bob@example.org', displayName: 'Bob',
    x25519PublicKeyB64: toBase64(other.publicKeys.x25519), ed25519PublicKeyB64: toBase64(other.publicKeys.ed25519),
  };
  const pins = new KeyPins();
  assert.deepEqual(pins.publicKeysOf(me, bob).x25519, other.publicKeys.x25519);
  assert.throws(() => pins.publicKeysOf(me, { ...bob, id: 'id-mallory' }), changed('email-moved'));
  assert.throws(() => pins.signingKeyOf(me, { ...bob, id: 'id-mallory' }), changed('email-moved'));
  assert.throws(() => pins.signingKeyOf(me, { ...bob, email: 'robert@example.org' }), changed('email-changed'));
  // an uploader ref (no email) keeps the id check
  assert.deepEqual(pins.signingKeyOf(me, { id: 'id-bob', displayName: 'Bob', ed25519PublicKeyB64: bob.ed25519PublicKeyB64 }), other.publicKeys.ed25519);
  // me: from the bundle, whatever the server says
  assert.deepEqual(pins.publicKeysOf(me, { ...bob, id: 'id-me', email: 'me@example.org' }), me.publicKeys);
  // another account under my own email is never trusted
  assert.throws(() => pins.publicKeysOf(me, { ...bob, id: 'id-fake-me', email: ' ME@example.org' }), changed('email-moved'));
});

test('the id-only KeyChangedError keeps its wording (CLI and docs quote it)', () => {
  const e = new KeyChangedError('u1', 'Mallory');
  assert.equal(e.change, 'keys');
  assert.match(e.message, /^WARNING: the keys of Mallory \(u1\) changed since they were first seen\. .*obscura fingerprint EMAIL/);
});
