// Cross-tests (what one implementation produces, the other consumes) and negative tests,
// for node:crypto and WebCrypto alike.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { nodePrimitives } from '../src/primitives/node.ts';
import { webPrimitives } from '../src/primitives/web.ts';
import { primitives as selected } from '#primitives';
import { utf8Encode } from '../src/encoding.ts';
import { CryptoError } from '../src/errors.ts';
import type { Primitives } from '../src/primitives/types.ts';

const isCode = (code: string) => (e: unknown) => e instanceof CryptoError && e.code === code;
const pairs = [[nodePrimitives, webPrimitives], [webPrimitives, nodePrimitives]] as const;
const SMALL_ARGON = { memoryKiB: 64, iterations: 1, parallelism: 1 };

test('#primitives resolves to node:crypto under Node', () => {
  assert.equal(selected, nodePrimitives);
  assert.equal(selected.name, 'node');
});

for (const [a, b] of pairs) {
  test(`cross: ${a.name} → ${b.name}`, async () => {
    const key = a.randomBytes(32);
    const nonce = a.randomBytes(12);
    const aad = utf8Encode('file 1 block 0 last');
    for (const size of [0, 1, 15, 16, 17, 4096, 1 << 20]) {
      const pt = a.randomBytes(size);
      const ct = await a.aesGcmEncrypt(key, nonce, pt, aad);
      assert.equal(ct.length, size + 16);
      assert.deepEqual(await b.aesGcmDecrypt(key, nonce, ct, aad), pt, `AES-GCM ${size} bytes`);
      assert.deepEqual(await b.aesGcmEncrypt(key, nonce, pt, aad), ct, `AES-GCM is deterministic across implementations (${size} bytes)`);
    }

    const msg = a.randomBytes(1000);
    assert.deepEqual(await b.sha256(msg), await a.sha256(msg));
    assert.deepEqual(await b.hmacSha256(key, msg), await a.hmacSha256(key, msg));
    assert.deepEqual(await b.hmacSha256(new Uint8Array(0), msg), await a.hmacSha256(new Uint8Array(0), msg), 'HMAC with an empty key');
    assert.deepEqual(await b.hkdfSha256(key, nonce, aad, 77), await a.hkdfSha256(key, nonce, aad, 77));
    assert.deepEqual(await b.hkdfSha256(new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), 32), await a.hkdfSha256(new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), 32), 'HKDF with empty inputs');

    const alice = await a.x25519Generate();
    const bob = await b.x25519Generate();
    assert.deepEqual(await b.x25519PublicKey(alice.privateKey), alice.publicKey);
    assert.deepEqual(await a.x25519(alice.privateKey, bob.publicKey), await b.x25519(bob.privateKey, alice.publicKey));

    const signer = await a.ed25519Generate();
    assert.deepEqual(await b.ed25519PublicKey(signer.privateKey), signer.publicKey);
    const sig = await a.ed25519Sign(signer.privateKey, msg);
    assert.equal(await b.ed25519Verify(signer.publicKey, msg, sig), true);
    assert.deepEqual(await b.ed25519Sign(signer.privateKey, msg), sig, 'Ed25519 is deterministic');

    const salt = a.randomBytes(16);
    assert.deepEqual(await b.argon2id(utf8Encode('pw'), salt, SMALL_ARGON, 32), await a.argon2id(utf8Encode('pw'), salt, SMALL_ARGON, 32));
  });
}

for (const p of [nodePrimitives, webPrimitives] as Primitives[]) {
  describe(`negative: ${p.name}`, () => {
    test('outputs are plain Uint8Arrays of the right length', async () => {
      const outs = [
        p.randomBytes(10), await p.sha256(new Uint8Array(3)), await p.hmacSha256(new Uint8Array(3), new Uint8Array(3)),
        await p.aesGcmEncrypt(new Uint8Array(32), new Uint8Array(12), new Uint8Array(3), new Uint8Array(0)),
        (await p.x25519Generate()).privateKey, (await p.ed25519Generate()).publicKey,
      ];
      for (const o of outs) assert.equal(Object.getPrototypeOf(o), Uint8Array.prototype);
      assert.deepEqual(outs.map((o) => o.length), [10, 32, 32, 19, 32, 32]);
    });

    test('randomBytes returns distinct values and checks its length', () => {
      assert.notDeepEqual(p.randomBytes(32), p.randomBytes(32));
      assert.equal(p.randomBytes(200_000).length, 200_000);
      assert.throws(() => p.randomBytes(-1), isCode('bad-length'));
      assert.throws(() => p.randomBytes(1.5), isCode('bad-length'));
    });

    test('AES-GCM: wrong key, flipped bit, wrong AAD → auth-failed', async () => {
      const key = p.randomBytes(32);
      const nonce = p.randomBytes(12);
      const aad = utf8Encode('aad');
      const pt = p.randomBytes(100);
      const ct = await p.aesGcmEncrypt(key, nonce, pt, aad);
      await assert.rejects(p.aesGcmDecrypt(p.randomBytes(32), nonce, ct, aad), isCode('auth-failed'));
      await assert.rejects(p.aesGcmDecrypt(key, p.randomBytes(12), ct, aad), isCode('auth-failed'));
      await assert.rejects(p.aesGcmDecrypt(key, nonce, ct, utf8Encode('aae')), isCode('auth-failed'));
      await assert.rejects(p.aesGcmDecrypt(key, nonce, ct, new Uint8Array(0)), isCode('auth-failed'));
      for (const i of [0, 50, 99, 100, 115]) {
        const bad = ct.slice();
        bad[i]! ^= 0x80;
        await assert.rejects(p.aesGcmDecrypt(key, nonce, bad, aad), isCode('auth-failed'), `byte ${i}`);
      }
      await assert.rejects(p.aesGcmDecrypt(key, nonce, ct.subarray(0, ct.length - 1), aad), isCode('auth-failed'), 'truncated');
      assert.deepEqual(await p.aesGcmDecrypt(key, nonce, ct, aad), pt);
    });

    test('AES-GCM and HKDF: bad lengths → bad-length', async () => {
      const z = new Uint8Array(0);
      await assert.rejects(p.aesGcmEncrypt(new Uint8Array(31), new Uint8Array(12), z, z), isCode('bad-length'));
      await assert.rejects(p.aesGcmEncrypt(new Uint8Array(24), new Uint8Array(12), z, z), isCode('bad-length'));
      await assert.rejects(p.aesGcmEncrypt(new Uint8Array(32), new Uint8Array(16), z, z), isCode('bad-length'));
      await assert.rejects(p.aesGcmDecrypt(new Uint8Array(32), new Uint8Array(11), new Uint8Array(16), z), isCode('bad-length'));
      await assert.rejects(p.aesGcmDecrypt(new Uint8Array(32), new Uint8Array(12), new Uint8Array(15), z), isCode('bad-length'));
      await assert.rejects(p.hkdfSha256(z, z, z, 0), isCode('bad-length'));
      await assert.rejects(p.hkdfSha256(z, z, z, 255 * 32 + 1), isCode('bad-length'));
      await assert.rejects(p.hkdfSha256(z, z, new Uint8Array(1025), 32), isCode('bad-length'));
      assert.equal((await p.hkdfSha256(z, z, z, 255 * 32)).length, 255 * 32);
    });

    test('X25519/Ed25519: bad lengths → bad-length', async () => {
      const k = new Uint8Array(32).fill(7);
      await assert.rejects(p.x25519(new Uint8Array(31), k), isCode('bad-length'));
      await assert.rejects(p.x25519(k, new Uint8Array(33)), isCode('bad-length'));
      await assert.rejects(p.x25519PublicKey(new Uint8Array(64)), isCode('bad-length'));
      await assert.rejects(p.ed25519PublicKey(new Uint8Array(64)), isCode('bad-length'));
      await assert.rejects(p.ed25519Sign(new Uint8Array(64), k), isCode('bad-length'));
      await assert.rejects(p.ed25519Verify(new Uint8Array(31), k, new Uint8Array(64)), isCode('bad-length'));
      await assert.rejects(p.ed25519Verify(k, k, new Uint8Array(63)), isCode('bad-length'));
    });

    test('Ed25519: wrong key, modified message or signature do not verify', async () => {
      const s = await p.ed25519Generate();
      const other = await p.ed25519Generate();
      const msg = utf8Encode('manifest v1');
      const sig = await p.ed25519Sign(s.privateKey, msg);
      assert.equal(await p.ed25519Verify(s.publicKey, msg, sig), true);
      assert.equal(await p.ed25519Verify(other.publicKey, msg, sig), false);
      assert.equal(await p.ed25519Verify(s.publicKey, utf8Encode('manifest v2'), sig), false);
      const bad = sig.slice();
      bad[63]! ^= 0x01;
      assert.equal(await p.ed25519Verify(s.publicKey, msg, bad), false);
      // A 32-byte string that is not a curve point verifies nothing rather than throwing.
      assert.equal(await p.ed25519Verify(new Uint8Array(32).fill(0xff), msg, sig), false);
    });

    test('Argon2id parameter validation', async () => {
      const pw = utf8Encode('pw');
      const salt = new Uint8Array(16);
      await assert.rejects(p.argon2id(pw, salt, { memoryKiB: 15, iterations: 1, parallelism: 2 }, 32), isCode('malformed'));
      await assert.rejects(p.argon2id(pw, salt, { memoryKiB: 64, iterations: 0, parallelism: 1 }, 32), isCode('malformed'));
      await assert.rejects(p.argon2id(pw, salt, { memoryKiB: 64, iterations: 1, parallelism: 0 }, 32), isCode('malformed'));
      await assert.rejects(p.argon2id(pw, salt, { memoryKiB: 64.5, iterations: 1, parallelism: 1 }, 32), isCode('malformed'));
      await assert.rejects(p.argon2id(pw, salt, { memoryKiB: 4 * 1024 * 1024, iterations: 1, parallelism: 1 }, 32), isCode('malformed'));
      await assert.rejects(p.argon2id(pw, new Uint8Array(7), SMALL_ARGON, 32), isCode('bad-length'));
      await assert.rejects(p.argon2id(pw, salt, SMALL_ARGON, 3), isCode('bad-length'));
      const a = await p.argon2id(pw, salt, SMALL_ARGON, 32);
      assert.notDeepEqual(await p.argon2id(utf8Encode('pX'), salt, SMALL_ARGON, 32), a);
      assert.notDeepEqual(await p.argon2id(pw, new Uint8Array(16).fill(1), SMALL_ARGON, 32), a);
      assert.equal((await p.argon2id(pw, salt, { memoryKiB: 16, iterations: 1, parallelism: 2 }, 64)).length, 64);
    });
  });
}

describe('aesGcmEncryptWithPrefix is prefix || aesGcmEncrypt, in both implementations', () => {
  for (const p of [nodePrimitives, webPrimitives]) {
    test(p.name, async () => {
      const key = p.randomBytes(32);
      const nonce = p.randomBytes(12);
      const aad = utf8Encode('block aad');
      // sizes around the 1 MiB slices the Node implementation feeds to update()
      for (const size of [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 5]) {
        const pt = new Uint8Array(size).map((_, i) => (i * 31) & 0xff);
        const withPrefix = await p.aesGcmEncryptWithPrefix(key, nonce, pt, aad, Uint8Array.of(1, 2));
        const plainSeal = await p.aesGcmEncrypt(key, nonce, pt, aad);
        assert.deepEqual(withPrefix.subarray(0, 2), Uint8Array.of(1, 2));
        assert.equal(Buffer.compare(withPrefix.subarray(2), plainSeal), 0, `size ${size}`);
        assert.equal(Buffer.compare(await p.aesGcmDecrypt(key, nonce, withPrefix.subarray(2), aad), pt), 0);
      }
    });
  }
});
