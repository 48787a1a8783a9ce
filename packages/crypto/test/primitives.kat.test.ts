// Known-answer tests: every vector under vectors/kat runs against BOTH implementations.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nodePrimitives } from '../src/primitives/node.ts';
import { webPrimitives } from '../src/primitives/web.ts';
import { fromHex, toHex, utf8Encode } from '../src/encoding.ts';
import { CryptoError } from '../src/errors.ts';
import type { Primitives } from '../src/primitives/types.ts';

function kat<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../vectors/kat/${name}`, import.meta.url), 'utf8')) as T;
}

interface Named { name: string }
const sha = kat<{ vectors: (Named & { msg: string; digest: string })[]; million_a: { digest: string } }>('sha256.json');
const hmac = kat<{ vectors: (Named & { key: string; data: string; mac: string })[] }>('hmac-sha256.json');
const hkdf = kat<{ vectors: (Named & { ikm: string; salt: string; info: string; length: number; prk: string; okm: string })[] }>('hkdf-sha256.json');
type GcmCase = Named & { key: string; nonce: string; aad: string; ciphertext: string; tag: string };
const gcm = kat<{ vectors: (GcmCase & { plaintext: string })[]; invalid: GcmCase[] }>('aes-256-gcm.json');
const x = kat<{
  scalarmult: (Named & { scalar: string; u: string; output: string })[];
  iterated: { start: string; after1: string; after1000: string };
  dh: { alicePrivate: string; alicePublic: string; bobPrivate: string; bobPublic: string; shared: string };
  smallOrder: { points: string[] };
}>('x25519.json');
const ed = kat<{ vectors: (Named & { secretKey: string; publicKey: string; message: string; signature: string })[] }>('ed25519.json');
const argon = kat<{ vectors: (Named & { password: string; salt: string; iterations: number; memoryKiB: number; parallelism: number; length: number; hash: string })[] }>('argon2id.json');

const impls: Primitives[] = [nodePrimitives, webPrimitives];

for (const p of impls) {
  describe(`known answers: ${p.name}`, () => {
    test('SHA-256 (FIPS 180-2 / CAVP short messages)', async () => {
      assert.ok(sha.vectors.length >= 7);
      for (const v of sha.vectors) assert.equal(toHex(await p.sha256(fromHex(v.msg))), v.digest, v.name);
      assert.equal(toHex(await p.sha256(new Uint8Array(1_000_000).fill(0x61))), sha.million_a.digest, 'one million a');
    });

    test('HMAC-SHA256 (RFC 4231 cases 1-4, 6, 7)', async () => {
      assert.equal(hmac.vectors.length, 6);
      for (const v of hmac.vectors) assert.equal(toHex(await p.hmacSha256(fromHex(v.key), fromHex(v.data))), v.mac, v.name);
    });

    test('HKDF-SHA256 (RFC 5869 A.1-A.3), extract via HMAC and the full KDF', async () => {
      assert.equal(hkdf.vectors.length, 3);
      for (const v of hkdf.vectors) {
        assert.equal(toHex(await p.hmacSha256(fromHex(v.salt), fromHex(v.ikm))), v.prk, `${v.name} PRK`);
        assert.equal(toHex(await p.hkdfSha256(fromHex(v.ikm), fromHex(v.salt), fromHex(v.info), v.length)), v.okm, `${v.name} OKM`);
      }
    });

    test('AES-256-GCM (GCM spec cases 13-16, CAVP AAD-only): encrypt and decrypt', async () => {
      assert.equal(gcm.vectors.length, 5);
      for (const v of gcm.vectors) {
        const sealed = await p.aesGcmEncrypt(fromHex(v.key), fromHex(v.nonce), fromHex(v.plaintext), fromHex(v.aad));
        assert.equal(toHex(sealed), v.ciphertext + v.tag, v.name);
        const opened = await p.aesGcmDecrypt(fromHex(v.key), fromHex(v.nonce), fromHex(v.ciphertext + v.tag), fromHex(v.aad));
        assert.equal(toHex(opened), v.plaintext, v.name);
      }
    });

    test('AES-256-GCM refuses a modified tag, ciphertext or AAD', async () => {
      assert.equal(gcm.invalid.length, 3);
      for (const v of gcm.invalid) {
        await assert.rejects(
          p.aesGcmDecrypt(fromHex(v.key), fromHex(v.nonce), fromHex(v.ciphertext + v.tag), fromHex(v.aad)),
          (e: unknown) => e instanceof CryptoError && e.code === 'auth-failed',
          v.name,
        );
      }
    });

    test('X25519 (RFC 7748 5.2 vectors and the iterated test to 1000)', async () => {
      for (const v of x.scalarmult) assert.equal(toHex(await p.x25519(fromHex(v.scalar), fromHex(v.u))), v.output, v.name);
      let k = fromHex(x.iterated.start);
      let u = fromHex(x.iterated.start);
      for (let i = 1; i <= 1000; i++) {
        const next = await p.x25519(k, u);
        u = k;
        k = next;
        if (i === 1) assert.equal(toHex(k), x.iterated.after1, 'after 1 iteration');
      }
      assert.equal(toHex(k), x.iterated.after1000, 'after 1000 iterations');
    });

    test('X25519 Diffie-Hellman (RFC 7748 6.1 Alice and Bob)', async () => {
      const d = x.dh;
      assert.equal(toHex(await p.x25519PublicKey(fromHex(d.alicePrivate))), d.alicePublic);
      assert.equal(toHex(await p.x25519PublicKey(fromHex(d.bobPrivate))), d.bobPublic);
      assert.equal(toHex(await p.x25519(fromHex(d.alicePrivate), fromHex(d.bobPublic))), d.shared);
      assert.equal(toHex(await p.x25519(fromHex(d.bobPrivate), fromHex(d.alicePublic))), d.shared);
    });

    test('X25519 refuses every small-order point', async () => {
      assert.ok(x.smallOrder.points.length >= 5);
      for (const point of x.smallOrder.points) {
        await assert.rejects(p.x25519(fromHex(x.dh.alicePrivate), fromHex(point)), (e: unknown) => e instanceof CryptoError && e.code === 'malformed', point);
      }
    });

    test('Ed25519 (RFC 8032 7.1 TEST 1, 2, 3, 1024, SHA(abc)): public key, signature, verification', async () => {
      assert.equal(ed.vectors.length, 5);
      for (const v of ed.vectors) {
        assert.equal(toHex(await p.ed25519PublicKey(fromHex(v.secretKey))), v.publicKey, v.name);
        assert.equal(toHex(await p.ed25519Sign(fromHex(v.secretKey), fromHex(v.message))), v.signature, v.name);
        assert.equal(await p.ed25519Verify(fromHex(v.publicKey), fromHex(v.message), fromHex(v.signature)), true, v.name);
        const flipped = fromHex(v.signature);
        flipped[0]! ^= 1;
        assert.equal(await p.ed25519Verify(fromHex(v.publicKey), fromHex(v.message), flipped), false, `${v.name} flipped signature`);
      }
    });

    test('Argon2id (reference implementation test.c vectors)', async () => {
      assert.equal(argon.vectors.length, 3);
      for (const v of argon.vectors) {
        const out = await p.argon2id(utf8Encode(v.password), utf8Encode(v.salt), { memoryKiB: v.memoryKiB, iterations: v.iterations, parallelism: v.parallelism }, v.length);
        assert.equal(toHex(out), v.hash, v.name);
      }
    });
  });
}
