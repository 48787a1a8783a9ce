// HPKE (RFC 9180) known answers and behaviour, for BOTH primitive implementations.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nodePrimitives } from '../src/primitives/node.ts';
import { webPrimitives } from '../src/primitives/web.ts';
import { fromHex, toHex, utf8Encode } from '../src/encoding.ts';
import { CryptoError } from '../src/errors.ts';
import {
  HPKE_AEAD_AES_128_GCM, HPKE_AEAD_AES_256_GCM, HPKE_ENC_LENGTH, HPKE_TAG_LENGTH,
  hpkeOpen, hpkeOpenWithAead, hpkeSeal, hpkeSealWithEphemeralForTests,
} from '../src/hpke.ts';
import type { Primitives } from '../src/primitives/types.ts';

interface Vector {
  name: string; aead_id: number; info: string; skEm: string; pkEm: string; skRm: string; pkRm: string; enc: string;
  shared_secret: string; key: string; base_nonce: string; exporter_secret: string;
  encryptions: { seq: number; pt: string; aad: string; nonce: string; ct: string }[];
}
const { vectors } = JSON.parse(readFileSync(new URL('../vectors/kat/hpke.json', import.meta.url), 'utf8')) as { vectors: Vector[] };

const isCode = (code: string) => (e: unknown) => e instanceof CryptoError && e.code === code;
const impls: Primitives[] = [nodePrimitives, webPrimitives];
const INFO = utf8Encode('obscura test album key v1');
const AAD = utf8Encode('album 42 epoch 7');

for (const p of impls) {
  describe(`HPKE: ${p.name}`, () => {
    test('RFC 9180 A.1.1 base mode: enc, shared secret, key schedule and ciphertext', async () => {
      assert.equal(vectors.length, 1);
      for (const v of vectors) {
        assert.equal(v.aead_id, HPKE_AEAD_AES_128_GCM.id);
        const first = v.encryptions[0]!;
        assert.equal(first.seq, 0);
        const d = await hpkeSealWithEphemeralForTests(p, fromHex(v.skEm), fromHex(v.pkRm), fromHex(v.info), fromHex(first.aad), fromHex(first.pt), HPKE_AEAD_AES_128_GCM);
        assert.equal(toHex(d.enc), v.enc);
        assert.equal(toHex(d.sharedSecret), v.shared_secret);
        assert.equal(toHex(d.key), v.key);
        assert.equal(toHex(d.baseNonce), v.base_nonce);
        assert.equal(toHex(d.exporterSecret!), v.exporter_secret);
        assert.equal(toHex(d.ciphertext), first.ct);
        const opened = await hpkeOpenWithAead(p, HPKE_AEAD_AES_128_GCM, fromHex(v.skRm), fromHex(v.enc), fromHex(v.info), fromHex(first.aad), fromHex(first.ct));
        assert.equal(toHex(opened), first.pt);
      }
    });

    test('RFC 9180 A.1.1 later sequence numbers: nonce = base_nonce XOR seq, same key', async () => {
      // Obscura seals single-shot (seq 0 only); this checks the derived key and base nonce
      // against every published encryption, including seq 256 which flips the second-to-last byte.
      for (const v of vectors) {
        for (const e of v.encryptions) {
          const nonce = fromHex(v.base_nonce);
          nonce[11]! ^= e.seq & 0xff;
          nonce[10]! ^= (e.seq >>> 8) & 0xff;
          assert.equal(toHex(nonce), e.nonce, `seq ${e.seq} nonce`);
          assert.equal(toHex(await p.aesGcmEncrypt(fromHex(v.key), nonce, fromHex(e.pt), fromHex(e.aad))), e.ct, `seq ${e.seq}`);
        }
      }
    });

    test('seal/open round trip with the AES-256-GCM suite; fresh ephemeral key every time', async () => {
      const r = await p.x25519Generate();
      const pt = utf8Encode('a 32-byte album key goes here...');
      const a = await hpkeSeal(p, r.publicKey, INFO, AAD, pt);
      const b = await hpkeSeal(p, r.publicKey, INFO, AAD, pt);
      assert.equal(a.enc.length, HPKE_ENC_LENGTH);
      assert.equal(a.ciphertext.length, pt.length + HPKE_TAG_LENGTH);
      assert.notDeepEqual(a.enc, b.enc);
      assert.notDeepEqual(a.ciphertext, b.ciphertext);
      assert.deepEqual(await hpkeOpen(p, r.privateKey, a.enc, INFO, AAD, a.ciphertext), pt);
      assert.deepEqual(await hpkeOpen(p, r.privateKey, b.enc, INFO, AAD, b.ciphertext), pt);
    });

    test('the AES-256-GCM suite derives a 32-byte key that differs from the AES-128 suite (suite id binds the AEAD)', async () => {
      const v = vectors[0]!;
      const d256 = await hpkeSealWithEphemeralForTests(p, fromHex(v.skEm), fromHex(v.pkRm), fromHex(v.info), new Uint8Array(0), new Uint8Array(0), HPKE_AEAD_AES_256_GCM);
      assert.equal(toHex(d256.sharedSecret), v.shared_secret); // the KEM does not depend on the AEAD
      assert.equal(d256.key.length, 32);
      assert.notEqual(toHex(d256.key).slice(0, 32), v.key);
      assert.notEqual(toHex(d256.baseNonce), v.base_nonce);
      // ...and a box sealed under one suite does not open under the other.
      await assert.rejects(hpkeOpenWithAead(p, HPKE_AEAD_AES_128_GCM, fromHex(v.skRm), d256.enc, fromHex(v.info), new Uint8Array(0), d256.ciphertext), isCode('auth-failed'));
      assert.deepEqual(await hpkeOpen(p, fromHex(v.skRm), d256.enc, fromHex(v.info), new Uint8Array(0), d256.ciphertext), new Uint8Array(0));
    });

    test('wrong recipient key, wrong info, wrong AAD, flipped enc or ciphertext bit → auth-failed', async () => {
      const r = await p.x25519Generate();
      const other = await p.x25519Generate();
      const pt = utf8Encode('secret');
      const s = await hpkeSeal(p, r.publicKey, INFO, AAD, pt);
      await assert.rejects(hpkeOpen(p, other.privateKey, s.enc, INFO, AAD, s.ciphertext), isCode('auth-failed'));
      await assert.rejects(hpkeOpen(p, r.privateKey, s.enc, utf8Encode('other info'), AAD, s.ciphertext), isCode('auth-failed'));
      await assert.rejects(hpkeOpen(p, r.privateKey, s.enc, INFO, utf8Encode('album 42 epoch 8'), s.ciphertext), isCode('auth-failed'));
      for (let bit = 0; bit < s.ciphertext.length * 8; bit += 13) {
        const ct = s.ciphertext.slice();
        ct[bit >>> 3]! ^= 1 << (bit & 7);
        await assert.rejects(hpkeOpen(p, r.privateKey, s.enc, INFO, AAD, ct), isCode('auth-failed'), `ciphertext bit ${bit}`);
      }
      const enc = s.enc.slice();
      enc[5]! ^= 0x10;
      await assert.rejects(hpkeOpen(p, r.privateKey, enc, INFO, AAD, s.ciphertext), (e: unknown) => e instanceof CryptoError && (e.code === 'auth-failed' || e.code === 'malformed'));
    });

    test('bad lengths → bad-length; small-order recipient key or enc refused', async () => {
      const r = await p.x25519Generate();
      await assert.rejects(hpkeSeal(p, r.publicKey.subarray(0, 31), INFO, AAD, new Uint8Array(1)), isCode('bad-length'));
      await assert.rejects(hpkeOpen(p, r.privateKey, new Uint8Array(33), INFO, AAD, new Uint8Array(32)), isCode('bad-length'));
      await assert.rejects(hpkeOpen(p, r.privateKey.subarray(1), new Uint8Array(32).fill(9), INFO, AAD, new Uint8Array(32)), isCode('bad-length'));
      await assert.rejects(hpkeOpen(p, r.privateKey, new Uint8Array(32).fill(9), INFO, AAD, new Uint8Array(15)), isCode('bad-length'));
      await assert.rejects(hpkeSeal(p, new Uint8Array(32), INFO, AAD, new Uint8Array(1)), isCode('malformed'));
      await assert.rejects(hpkeOpen(p, r.privateKey, new Uint8Array(32), INFO, AAD, new Uint8Array(16)), isCode('malformed'));
    });
  });
}

test('HPKE cross-implementation: node seals → web opens, web seals → node opens', async () => {
  for (const [sealer, opener] of [[nodePrimitives, webPrimitives], [webPrimitives, nodePrimitives]] as const) {
    const r = await opener.x25519Generate();
    const pt = sealer.randomBytes(32);
    const s = await hpkeSeal(sealer, r.publicKey, INFO, AAD, pt);
    assert.deepEqual(await hpkeOpen(opener, r.privateKey, s.enc, INFO, AAD, s.ciphertext), pt, `${sealer.name} → ${opener.name}`);
  }
});
