import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fingerprint, fingerprintsEqual } from '../src/fingerprint.ts';
import { contentHash, sha256Stream } from '../src/content-hash.ts';
import { contentHashKeyFromBytes, newBoxKeyPair, newSigningKeyPair, publicKeysFromBytes } from '../src/keys.ts';
import { primitives } from '#primitives';
import { pseudoRandom, rejectsWith, splitAt } from './helpers.ts';

describe('fingerprints', () => {
  test('8 groups of 5 digits, stable, and different for different keys', async () => {
    const keys = { x25519: (await newBoxKeyPair()).publicKey, ed25519: (await newSigningKeyPair()).publicKey };
    const f = await fingerprint(keys);
    assert.match(f, /^\d{5}( \d{5}){7}$/);
    assert.equal(await fingerprint(publicKeysFromBytes({ x25519: Uint8Array.from(keys.x25519), ed25519: Uint8Array.from(keys.ed25519) })), f);
    const changedBox = await fingerprint({ ...keys, x25519: (await newBoxKeyPair()).publicKey });
    const changedSig = await fingerprint({ ...keys, ed25519: (await newSigningKeyPair()).publicKey });
    assert.notEqual(changedBox, f);
    assert.notEqual(changedSig, f);
    const swapped = await fingerprint(publicKeysFromBytes({ x25519: keys.ed25519, ed25519: keys.x25519 }));
    assert.notEqual(swapped, f);
  });

  test('fingerprintsEqual ignores spacing and dashes, rejects anything else', async () => {
    const keys = { x25519: (await newBoxKeyPair()).publicKey, ed25519: (await newSigningKeyPair()).publicKey };
    const f = await fingerprint(keys);
    assert.equal(fingerprintsEqual(f, f.replace(/ /g, '-')), true);
    assert.equal(fingerprintsEqual(f, f.replace(/ /g, '')), true);
    const other = f.slice(0, -1) + String((Number(f.slice(-1)) + 1) % 10);
    assert.equal(fingerprintsEqual(f, other), false);
    assert.equal(fingerprintsEqual(f, f.slice(0, -1)), false);
    assert.equal(fingerprintsEqual('abc', 'abc'), false);
  });
});

describe('keyed content hash', () => {
  test('HMAC under the account key: equal within one account, different across accounts', async () => {
    const k1 = contentHashKeyFromBytes(primitives.randomBytes(32));
    const k2 = contentHashKeyFromBytes(primitives.randomBytes(32));
    const sha = await primitives.sha256(new TextEncoder().encode('photo'));
    const h = await contentHash(k1, sha);
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.equal(await contentHash(k1, sha), h);
    assert.notEqual(await contentHash(k2, sha), h);
    assert.notEqual(await contentHash(k1, await primitives.sha256(new Uint8Array(1))), h);
    await rejectsWith(contentHash(k1, new Uint8Array(31)), 'bad-length');
  });

  test('sha256Stream equals one-shot SHA-256 for any chunking', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 5000 }), fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { maxLength: 5 }), async (n, cuts) => {
      const data = pseudoRandom(n, n + 1);
      assert.deepEqual(await sha256Stream(splitAt(data, cuts)), await primitives.sha256(data));
    }), { numRuns: 30 });
  });
});
