import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_KDF_PARAMS, createAccount, deserializeAccountBundle, formatRecoveryKey, openAccountWithPassword, openAccountWithRecoveryKey,
  parseRecoveryKey, rewrapAccountForPassword, serializeAccountBundle, signRecoveryMessage,
} from '../src/account.ts';
import { publicKeysOf, type AccountBundle } from '../src/keys.ts';
import { primitives } from '#primitives';
import { TEST_KDF, rejectsWith } from './helpers.ts';

function assertSameBundle(a: AccountBundle, b: AccountBundle): void {
  assert.deepEqual(serializeAccountBundle(a), serializeAccountBundle(b));
  assert.deepEqual(a.boxKeys.publicKey, b.boxKeys.publicKey);
  assert.deepEqual(a.signingKeys.publicKey, b.signingKeys.publicKey);
}

const created = await createAccount('correct horse', TEST_KDF);

describe('account', () => {
  test('defaults are Argon2id m=64 MiB, t=3, p=1', () => {
    assert.deepEqual({ ...DEFAULT_KDF_PARAMS }, { memoryKiB: 65536, iterations: 3, parallelism: 1 });
    assert.ok(Object.isFrozen(DEFAULT_KDF_PARAMS));
  });

  test('createAccount: keys are consistent and envelopes open with password and recovery key', async () => {
    const { bundle, publicKeys } = created;
    assert.deepEqual(publicKeys, publicKeysOf(bundle));
    assert.deepEqual(await primitives.x25519PublicKey(bundle.boxKeys.privateKey), publicKeys.x25519);
    assert.deepEqual(await primitives.ed25519PublicKey(bundle.signingKeys.privateKey), publicKeys.ed25519);
    assert.notDeepEqual(bundle.libraryKey, bundle.contentHashKey);
    assertSameBundle(await openAccountWithPassword(created.passwordEnvelope, 'correct horse'), bundle);
    assertSameBundle(await openAccountWithRecoveryKey(created.recoveryEnvelope, created.recoveryKey), bundle);
  });

  test('the password envelope carries version, params and salt', () => {
    const e = created.passwordEnvelope;
    assert.equal(e[0], 1);
    assert.equal(e[1], 1);
    const dv = new DataView(e.buffer, e.byteOffset);
    assert.equal(dv.getUint32(2), TEST_KDF.memoryKiB);
    assert.equal(dv.getUint32(6), TEST_KDF.iterations);
    assert.equal(e[10], TEST_KDF.parallelism);
  });

  test('wrong password → bad-password', async () => {
    await rejectsWith(openAccountWithPassword(created.passwordEnvelope, 'correct horsE'), 'bad-password', 'password');
    await rejectsWith(openAccountWithPassword(created.passwordEnvelope, ''), 'malformed');
  });

  test('lowered (or any changed) params in the envelope do not open it', async () => {
    const e = Uint8Array.from(created.passwordEnvelope);
    e[9] = 2; // iterations 1 → 2
    await rejectsWith(openAccountWithPassword(e, 'correct horse'), 'bad-password');
    const v = Uint8Array.from(created.passwordEnvelope);
    v[0] = 9;
    await rejectsWith(openAccountWithPassword(v, 'correct horse'), 'bad-version');
  });

  test('the password is NFC-normalized', async () => {
    const a = await createAccount('caf\u00e9', TEST_KDF);
    assertSameBundle(await openAccountWithPassword(a.passwordEnvelope, 'cafe\u0301'), a.bundle);
  });

  test('recovery key: 14 groups of 4, case/O/I/L tolerant, typos caught by the checksum', async () => {
    const rk = created.recoveryKey;
    assert.match(rk, /^([0-9A-HJKMNP-TV-Z]{4}-){13}[0-9A-HJKMNP-TV-Z]{4}$/);
    assertSameBundle(await openAccountWithRecoveryKey(created.recoveryEnvelope, rk.toLowerCase().replace(/-/g, ' ')), created.bundle);
    const chars = rk.replace(/-/g, '');
    // change every position to another valid character: the checksum catches each one
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    for (let i = 0; i < chars.length; i++) {
      const c = alphabet[(alphabet.indexOf(chars[i]!) + 7) % 32]!;
      const typo = chars.slice(0, i) + c + chars.slice(i + 1);
      await rejectsWith(openAccountWithRecoveryKey(created.recoveryEnvelope, typo), 'bad-recovery-key', 'recovery key');
    }
    // swapped neighbours, missing and extra characters
    const swapped = chars[1]! + chars[0]! + chars.slice(2);
    if (swapped !== chars) await rejectsWith(openAccountWithRecoveryKey(created.recoveryEnvelope, swapped), 'bad-recovery-key', 'typo');
    await rejectsWith(openAccountWithRecoveryKey(created.recoveryEnvelope, chars.slice(1)), 'bad-recovery-key', '55 characters');
    await rejectsWith(openAccountWithRecoveryKey(created.recoveryEnvelope, chars + '0'), 'bad-recovery-key');
    await rejectsWith(openAccountWithRecoveryKey(created.recoveryEnvelope, 'U' + chars.slice(1)), 'bad-recovery-key', 'not a valid');
  });

  test("another account's (valid) recovery key → bad-recovery-key", async () => {
    const other = await createAccount('x', TEST_KDF);
    await rejectsWith(openAccountWithRecoveryKey(created.recoveryEnvelope, other.recoveryKey), 'bad-recovery-key', 'does not open');
  });

  test('recovery key string round-trips through parse/format', async () => {
    const key = await parseRecoveryKey(created.recoveryKey);
    assert.equal(key.length, 32);
    assert.equal(await formatRecoveryKey(key), created.recoveryKey);
  });

  test('rewrap: the new password opens, the old envelope still needs the old one, params are taken from the envelope', async () => {
    const params = { memoryKiB: 128, iterations: 2, parallelism: 1 };
    const next = await rewrapAccountForPassword(created.bundle, 'new password', params);
    assertSameBundle(await openAccountWithPassword(next, 'new password'), created.bundle);
    await rejectsWith(openAccountWithPassword(next, 'correct horse'), 'bad-password');
    assert.equal(new DataView(next.buffer, next.byteOffset).getUint32(2), 128);
    assert.notDeepEqual(next.subarray(11, 27), created.passwordEnvelope.subarray(11, 27), 'fresh salt');
  });

  test('bundle serialization is versioned and strict', async () => {
    const bytes = serializeAccountBundle(created.bundle);
    assert.equal(bytes.length, 129);
    assertSameBundle(await deserializeAccountBundle(bytes), created.bundle);
    await rejectsWith(deserializeAccountBundle(Uint8Array.of(2, ...bytes.subarray(1))), 'bad-version');
    await rejectsWith(deserializeAccountBundle(bytes.subarray(0, 128)), 'malformed');
  });

  test('a password envelope is not a recovery envelope and vice versa', async () => {
    await rejectsWith(openAccountWithRecoveryKey(created.passwordEnvelope, created.recoveryKey), 'malformed');
    await rejectsWith(openAccountWithPassword(created.recoveryEnvelope, 'correct horse'), 'malformed');
  });
});

describe('signRecoveryMessage', () => {
  test('signs labelled recovery messages (plain Ed25519, verifiable by the server) and refuses anything else', async () => {
    const msg = new TextEncoder().encode('obscura-recovery-v1\nchallenge\nrecord\nenvelope');
    const sig = await signRecoveryMessage(created.bundle.signingKeys, msg);
    assert.equal(await primitives.ed25519Verify(created.publicKeys.ed25519, msg, sig), true);
    await rejectsWith(signRecoveryMessage(created.bundle.signingKeys, new TextEncoder().encode('obscura-manifest')), 'malformed');
  });
});
