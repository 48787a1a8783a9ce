import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  concatBytes, constantTimeEqual, fromBase64, fromBase64Url, fromHex, readU32be, readU64be,
  toBase64, toBase64Url, toHex, u32be, u64be, utf8Decode, utf8Encode,
} from '../src/encoding.ts';
import { CryptoError } from '../src/errors.ts';

const malformed = (e: unknown) => e instanceof CryptoError && e.code === 'malformed';
const bytes = (...xs: number[]) => Uint8Array.from(xs);

test('base64: RFC 4648 §10 vectors and Buffer agreement', () => {
  const cases: [string, string][] = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
  for (const [plain, b64] of cases) {
    assert.equal(toBase64(utf8Encode(plain)), b64);
    assert.deepEqual(fromBase64(b64), utf8Encode(plain));
  }
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
    const s = toBase64(b);
    assert.equal(s, Buffer.from(b).toString('base64'));
    assert.deepEqual(fromBase64(s), b);
    const u = toBase64Url(b);
    assert.equal(u, Buffer.from(b).toString('base64url'));
    assert.deepEqual(fromBase64Url(u), b);
  }));
});

test('base64 decoders are strict', () => {
  for (const bad of ['Zg', 'Zg=', 'Zh==', 'Zm9=', 'Zm9v!', 'Zm 9v', 'Z===', '====', 'Zm9v\n', '-_8=']) {
    assert.throws(() => fromBase64(bad), malformed, JSON.stringify(bad));
  }
  for (const bad of ['Zg==', 'Zh', 'Z', '+/8', 'ab$c']) {
    assert.throws(() => fromBase64Url(bad), malformed, JSON.stringify(bad));
  }
  assert.deepEqual(fromBase64Url('-_8'), bytes(0xfb, 0xff));
});

test('hex round trip and strictness', () => {
  assert.equal(toHex(bytes(0, 1, 0xab, 0xff)), '0001abff');
  assert.deepEqual(fromHex('0001ABff'), bytes(0, 1, 0xab, 0xff));
  for (const bad of ['0', 'zz', '0g', ' 00']) assert.throws(() => fromHex(bad), malformed);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (b) => assert.deepEqual(fromHex(toHex(b)), b)));
});

test('utf8: round trip, fatal on invalid input', () => {
  assert.equal(utf8Decode(utf8Encode('Ünïcödé 📷')), 'Ünïcödé 📷');
  assert.throws(() => utf8Decode(bytes(0xc3)), malformed);
  assert.throws(() => utf8Decode(bytes(0xff)), malformed);
  assert.throws(() => utf8Decode(bytes(0xed, 0xa0, 0x80)), malformed); // lone surrogate
});

test('concatBytes, constantTimeEqual', () => {
  assert.deepEqual(concatBytes(bytes(1), new Uint8Array(0), bytes(2, 3)), bytes(1, 2, 3));
  assert.deepEqual(concatBytes(), new Uint8Array(0));
  assert.equal(constantTimeEqual(bytes(1, 2), bytes(1, 2)), true);
  assert.equal(constantTimeEqual(bytes(1, 2), bytes(1, 3)), false);
  assert.equal(constantTimeEqual(bytes(1, 2), bytes(1, 2, 3)), false);
  assert.equal(constantTimeEqual(new Uint8Array(0), new Uint8Array(0)), true);
});

test('u32be / u64be and readers', () => {
  assert.deepEqual(u32be(0x01020304), bytes(1, 2, 3, 4));
  assert.deepEqual(u32be(0xffffffff), bytes(255, 255, 255, 255));
  assert.deepEqual(u64be(2 ** 53 - 1), bytes(0, 0x1f, 255, 255, 255, 255, 255, 255));
  assert.deepEqual(u64be(0x0102030405), bytes(0, 0, 0, 1, 2, 3, 4, 5));
  for (const bad of [-1, 2 ** 32, 1.5, NaN]) assert.throws(() => u32be(bad), CryptoError);
  for (const bad of [-1, 2 ** 53, 0.5, Infinity]) assert.throws(() => u64be(bad), CryptoError);
  fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
    assert.equal(readU64be(concatBytes(bytes(9), u64be(n)), 1), n);
    assert.equal(readU32be(u32be(n % 2 ** 32), 0), n % 2 ** 32);
  }));
  assert.throws(() => readU32be(bytes(1, 2, 3), 0), malformed);
  assert.throws(() => readU64be(bytes(0xff, 0, 0, 0, 0, 0, 0, 0), 0), malformed);
});
