import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BLOCK_SIZE, decryptBlock, decryptBlockWithBlockSize, decryptFile, decryptFileWithBlockSize, encryptFile, encryptFileWithBlockSize } from '../src/file.ts';
import type { FileKey } from '../src/keys.ts';
import { newFileKey } from '../src/keys.ts';
import { primitives } from '#primitives';
import { collect, concat, manifestFor, pseudoRandom, rejectsWith, splitAt } from './helpers.ts';

const SMALL = 64; // block size for the internal functions in property tests

describe('file format v1: round trip', () => {
  test('any size and chunking round-trips with small blocks, block count and flags are exact', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 0, max: 5 * SMALL + 3 }), fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { maxLength: 6 }), fc.integer(),
      async (size, cuts, seed) => {
        const data = pseudoRandom(size, seed);
        const key = newFileKey();
        const blocks = await collect(encryptFileWithBlockSize(key, 'file-1', splitAt(data, cuts), SMALL));
        assert.equal(blocks.length, Math.max(1, Math.ceil(size / SMALL)));
        blocks.forEach((b, i) => {
          assert.equal(b.index, i);
          assert.equal(b.last, i === blocks.length - 1);
          assert.equal(b.ciphertext[0], 1, 'version byte');
          assert.equal(b.ciphertext.length, 1 + b.plaintextLength + 16);
        });
        const manifest = await manifestFor('file-1', blocks);
        const out = concat(await collect(decryptFileWithBlockSize(key, 'file-1', manifest, blocks.map((b) => b.ciphertext), SMALL)));
        assert.deepEqual(out, data);
      }), { numRuns: 60 });
  });

  test('the public 4 MiB format: 0 bytes, 1 byte, exactly 4 MiB and 4 MiB + 1', async () => {
    for (const size of [0, 1, BLOCK_SIZE, BLOCK_SIZE + 1]) {
      const data = pseudoRandom(size, size + 7);
      const key = newFileKey();
      // odd chunking: 1 MiB + 3 bytes per chunk
      const chunks = [];
      for (let o = 0; o < size; o += 1048579) chunks.push(data.subarray(o, o + 1048579));
      const blocks = await collect(encryptFile(key, 'photo', chunks));
      assert.equal(blocks.length, size <= BLOCK_SIZE ? 1 : 2, `size ${size}`);
      for (const b of blocks) assert.deepEqual(b.sha256, await primitives.sha256(b.ciphertext));
      const manifest = await manifestFor('photo', blocks, size);
      const out = concat(await collect(decryptFile(key, 'photo', manifest, blocks.map((b) => b.ciphertext))));
      assert.equal(out.length, size);
      assert.deepEqual(out, data);
      // and block by block
      const parts = await Promise.all(blocks.map((b) => decryptBlock(key, 'photo', b.index, b.last, b.ciphertext)));
      assert.deepEqual(concat(parts), data);
    }
  });

  test('a 0-byte file is one empty last block', async () => {
    const blocks = await collect(encryptFile(newFileKey(), 'empty', []));
    assert.equal(blocks.length, 1);
    assert.equal(blocks[0]!.last, true);
    assert.equal(blocks[0]!.plaintextLength, 0);
    assert.equal(blocks[0]!.ciphertext.length, 17);
  });

  test('encryption is deterministic per (file key, file id) and differs across file ids', async () => {
    const key = newFileKey();
    const data = pseudoRandom(200, 3);
    const a = await collect(encryptFileWithBlockSize(key, 'a', [data], SMALL));
    const a2 = await collect(encryptFileWithBlockSize(key, 'a', [data], SMALL));
    const b = await collect(encryptFileWithBlockSize(key, 'b', [data], SMALL));
    assert.deepEqual(a.map((x) => x.ciphertext), a2.map((x) => x.ciphertext));
    assert.notDeepEqual(a[0]!.ciphertext, b[0]!.ciphertext);
  });

  test('memory stays O(1) blocks: input is pulled lazily, one block ahead at most', async () => {
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < 1000; i++) { pulled++; yield new Uint8Array(16); } // 16 KB in 16-byte chunks
    }
    const it = encryptFileWithBlockSize(newFileKey(), 'lazy', source(), SMALL);
    const first = await it.next();
    assert.equal(first.done, false);
    // block 0 is yielded after block 1 was read and encrypted (hash overlap) and block 2 started
    assert.ok(pulled <= 3 * (SMALL / 16) + 1, `pulled ${pulled} chunks for the first block`);
    await it.return(undefined);
  });

  test('non-Uint8Array input is refused', async () => {
    await rejectsWith(collect(encryptFile(newFileKey(), 'f', ['text' as unknown as Uint8Array])), 'malformed');
  });
});

describe('file format v1: tampering is detected with the right error', () => {
  async function setup(nBlocks: number) {
    const key = newFileKey();
    const data = pseudoRandom(nBlocks * SMALL - 5, nBlocks);
    const blocks = await collect(encryptFileWithBlockSize(key, 'file-x', [data], SMALL));
    const manifest = await manifestFor('file-x', blocks);
    const cts = blocks.map((b) => b.ciphertext);
    const run = (list: Uint8Array[], fileId = 'file-x', k = key) => collect(decryptFileWithBlockSize(k, fileId, manifest, list, SMALL));
    return { key, blocks, manifest, cts, run };
  }

  test('any flipped bit: manifest-mismatch (stream) and auth-failed (single block)', async () => {
    const { key, blocks, cts, run } = await setup(3);
    await fc.assert(fc.asyncProperty(fc.nat({ max: 2 }), fc.nat(), fc.nat({ max: 7 }), async (bi, byte, bit) => {
      const list = cts.map((c) => Uint8Array.from(c));
      const target = list[bi]!;
      const pos = byte % target.length;
      target[pos]! ^= 1 << bit;
      await rejectsWith(run(list), 'manifest-mismatch', 'file-x', `block ${bi}`);
      const b = blocks[bi]!;
      // decrypting the modified block directly fails authentication (or the version check, for byte 0)
      const direct = primitiveDecrypt(key, b.index, b.last, target);
      if (pos === 0) await rejectsWith(direct, 'bad-version', 'file-x', `block ${bi}`);
      else await rejectsWith(direct, 'auth-failed', 'file-x', `block ${bi}`);
    }), { numRuns: 25 });
  });

  test('swapped, reordered, dropped or duplicated blocks: block-order naming the file and position', async () => {
    const { cts, run } = await setup(4);
    await rejectsWith(run([cts[1]!, cts[0]!, cts[2]!, cts[3]!]), 'block-order', 'file-x', 'block 1', 'block 0');
    await rejectsWith(run([cts[0]!, cts[2]!, cts[3]!]), 'block-order', 'file-x', 'block 1'); // dropped middle
    await rejectsWith(run([cts[0]!, cts[0]!, cts[1]!, cts[2]!, cts[3]!]), 'block-order', 'file-x', 'block 1');
    await fc.assert(fc.asyncProperty(fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }), async (order) => {
      if (order.every((v, i) => v === i)) return;
      await rejectsWith(run(order.map((i) => cts[i]!)), 'block-order', 'file-x');
    }), { numRuns: 20 });
  });

  test('truncated stream (last block dropped, or empty): truncated', async () => {
    const { cts, run } = await setup(3);
    await rejectsWith(run(cts.slice(0, 2)), 'truncated', 'file-x', 'block 2');
    await rejectsWith(run([]), 'truncated', 'file-x', 'block 0');
  });

  test('data after the last block: trailing-data', async () => {
    const { cts, run } = await setup(2);
    await rejectsWith(run([...cts, new Uint8Array(10)]), 'trailing-data', 'file-x', 'block 1');
    await rejectsWith(run([...cts, cts[1]!]), 'trailing-data', 'file-x');
  });

  test('nothing is yielded past a bad block; the good prefix is yielded in order', async () => {
    const { cts, run, key, manifest } = await setup(3);
    const got: Uint8Array[] = [];
    const bad = [cts[0]!, cts[2]!, cts[1]!];
    await rejectsWith((async () => { for await (const p of decryptFileWithBlockSize(key, 'file-x', manifest, bad, SMALL)) got.push(p); })(), 'block-order');
    assert.equal(got.length, 1);
    await run(cts); // the untouched list still decrypts
  });

  test('wrong file id, wrong key, wrong position: wrong-context / auth-failed naming the file', async () => {
    const { key, blocks, manifest, cts } = await setup(2);
    await rejectsWith(collect(decryptFileWithBlockSize(key, 'file-y', manifest, cts, SMALL)), 'wrong-context', 'file-x', 'file-y');
    await rejectsWith(collect(decryptFileWithBlockSize(newFileKey(), 'file-x', manifest, cts, SMALL)), 'auth-failed', 'file-x', 'block 0');
    const b0 = blocks[0]!;
    await rejectsWith(primitiveDecrypt(key, 0, b0.last, b0.ciphertext, 'file-y'), 'auth-failed', 'file-y', 'block 0');
    await rejectsWith(primitiveDecrypt(key, 1, b0.last, b0.ciphertext), 'auth-failed', 'block 1');
    await rejectsWith(primitiveDecrypt(key, 0, true, b0.ciphertext), 'auth-failed', 'block 0');
  });

  test('public decryptBlock: a truncated last block claims to be last → auth-failed', async () => {
    const key = newFileKey();
    const blocks = await collect(encryptFile(key, 'photo', [pseudoRandom(1000, 1)]));
    await rejectsWith(decryptBlock(key, 'photo', 0, false, blocks[0]!.ciphertext), 'auth-failed', 'photo', 'block 0');
    await rejectsWith(decryptBlock(key, 'photo', 0, true, blocks[0]!.ciphertext.subarray(0, 500)), 'auth-failed', 'photo');
    await rejectsWith(decryptBlock(key, 'photo', 0, true, Uint8Array.of(2, ...blocks[0]!.ciphertext.subarray(1))), 'bad-version', 'photo');
  });
});

function primitiveDecrypt(key: FileKey, index: number, last: boolean, ct: Uint8Array, fileId = 'file-x') {
  return decryptBlockWithBlockSize(key, fileId, index, last, ct, SMALL);
}
