import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createParallelHasher } from '../src/primitives/node-parallel.ts';
import { decryptFileWithBlockSize, encryptFileWithBlockSize } from '../src/file.ts';
import { newFileKey } from '../src/keys.ts';
import { primitives } from '#primitives';
import { collect, concat, manifestFor, pseudoRandom, rejectsWith } from './helpers.ts';

test('the worker hasher computes SHA-256 for large and small inputs, including subarrays', async () => {
  const hasher = createParallelHasher();
  try {
    const big = pseudoRandom(3 * 1024 * 1024 + 5, 9);
    const views = [big, big.subarray(7, 2 * 1024 * 1024), new Uint8Array(0), big.subarray(0, 10)];
    const got = await Promise.all(views.map((v) => hasher.sha256(v)));
    for (let i = 0; i < views.length; i++) assert.deepEqual(got[i], await primitives.sha256(views[i]!));
  } finally {
    await hasher.close();
  }
});

test('the file pipeline gives the same blocks and hashes with the worker hasher, and still detects tampering', async () => {
  const hasher = createParallelHasher();
  try {
    const key = newFileKey();
    const bs = 512 * 1024;
    const data = pseudoRandom(3 * bs + 100, 4);
    const a = await collect(encryptFileWithBlockSize(key, 'f', [data], bs, { hasher }));
    const b = await collect(encryptFileWithBlockSize(key, 'f', [data], bs));
    assert.deepEqual(a.map((x) => x.sha256), b.map((x) => x.sha256));
    assert.deepEqual(a.map((x) => x.ciphertext), b.map((x) => x.ciphertext));
    const manifest = await manifestFor('f', a);
    assert.deepEqual(concat(await collect(decryptFileWithBlockSize(key, 'f', manifest, a.map((x) => x.ciphertext), bs, { hasher }))), data);
    const bad = a.map((x) => Uint8Array.from(x.ciphertext));
    bad[2]![1000]! ^= 1;
    await rejectsWith(collect(decryptFileWithBlockSize(key, 'f', manifest, bad, bs, { hasher })), 'manifest-mismatch', 'block 2');
  } finally {
    await hasher.close();
  }
});
