// Byte/string encodings shared by every layer of the package. Pure JavaScript: no Buffer,
// no atob/btoa, so the same code runs in browsers, workers and Node.
//
// [Note: strict decoders]
// Every decoder rejects anything that is not the canonical encoding of some byte string
// (wrong alphabet, wrong padding, non-zero trailing bits, odd hex length). Two different
// strings therefore never decode to the same bytes, and a corrupted field fails loudly
// with CryptoError('malformed') instead of silently yielding other bytes.
import { CryptoError } from './errors.ts';

const encoder = new TextEncoder();
const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8Encode(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Throws CryptoError('malformed') on invalid UTF-8. A leading BOM is kept, not stripped. */
export function utf8Decode(b: Uint8Array): string {
  try {
    return fatalDecoder.decode(b);
  } catch (cause) {
    throw new CryptoError('malformed', 'bytes are not valid UTF-8', { cause });
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function reverseTable(alphabet: string): Int16Array {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
}
const B64_REV = reverseTable(B64);
const B64URL_REV = reverseTable(B64URL);

function encode64(b: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  const full = b.length - (b.length % 3);
  for (let i = 0; i < full; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    out += alphabet[(n >>> 18) & 63]! + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = b.length - full;
  if (rest === 1) {
    const n = b[full]! << 16;
    out += alphabet[(n >>> 18) & 63]! + alphabet[(n >>> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (b[full]! << 16) | (b[full + 1]! << 8);
    out += alphabet[(n >>> 18) & 63]! + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

function decode64(s: string, rev: Int16Array, padded: boolean, what: string): Uint8Array {
  let body = s;
  if (padded) {
    if (s.length % 4 !== 0) throw new CryptoError('malformed', `${what}: length ${s.length} is not a multiple of 4`);
    if (s.endsWith('==')) body = s.slice(0, -2);
    else if (s.endsWith('=')) body = s.slice(0, -1);
  }
  if (body.length % 4 === 1) throw new CryptoError('malformed', `${what}: impossible length ${s.length}`);
  const outLen = Math.floor((body.length * 3) / 4);
  const out = new Uint8Array(outLen);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const v = c < 128 ? rev[c]! : -1;
    if (v < 0) throw new CryptoError('malformed', `${what}: invalid character at offset ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  // Leftover bits (2 or 4) must be zero, otherwise the string is not canonical.
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) {
    throw new CryptoError('malformed', `${what}: non-canonical trailing bits`);
  }
  return out;
}

/** Standard base64 (RFC 4648 §4) with padding. */
export function toBase64(b: Uint8Array): string {
  return encode64(b, B64, true);
}
/** Strict: requires canonical padded base64; throws CryptoError('malformed'). */
export function fromBase64(s: string): Uint8Array {
  return decode64(s, B64_REV, true, 'base64');
}
/** URL-safe base64 (RFC 4648 §5) without padding. */
export function toBase64Url(b: Uint8Array): string {
  return encode64(b, B64URL, false);
}
/** Strict: requires canonical unpadded base64url; throws CryptoError('malformed'). */
export function fromBase64Url(s: string): Uint8Array {
  return decode64(s, B64URL_REV, false, 'base64url');
}

const HEX = '0123456789abcdef';
/** Lower-case hex. */
export function toHex(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i++) out += HEX[b[i]! >>> 4]! + HEX[b[i]! & 15]!;
  return out;
}
function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}
/** Accepts upper or lower case; throws CryptoError('malformed') on odd length or a non-hex character. */
export function fromHex(s: string): Uint8Array {
  if (s.length % 2 !== 0) throw new CryptoError('malformed', `hex: odd length ${s.length}`);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(s.charCodeAt(2 * i));
    const lo = hexNibble(s.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new CryptoError('malformed', `hex: invalid character near offset ${2 * i}`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Compares two byte strings in time that depends only on their lengths (lengths are
 * treated as public). Returns false on a length mismatch.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** 4-byte big-endian encoding of an integer in [0, 2^32). */
export function u32be(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new CryptoError('bad-length', `u32be: ${n} is not an integer in [0, 2^32)`);
  }
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, false);
  return out;
}

/** 8-byte big-endian encoding of a safe integer in [0, 2^53). */
export function u64be(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new CryptoError('bad-length', `u64be: ${n} is not a safe integer in [0, 2^53)`);
  }
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, Math.floor(n / 0x100000000), false);
  dv.setUint32(4, n >>> 0, false);
  return out;
}

/** Reads a 4-byte big-endian integer at `offset`; throws CryptoError('malformed') if out of range. */
export function readU32be(b: Uint8Array, offset: number): number {
  if (!Number.isInteger(offset) || offset < 0 || offset + 4 > b.length) {
    throw new CryptoError('malformed', `readU32be: offset ${offset} out of range for ${b.length} bytes`);
  }
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(offset, false);
}

/** Reads an 8-byte big-endian integer at `offset`; throws CryptoError('malformed') if out of range or ≥ 2^53. */
export function readU64be(b: Uint8Array, offset: number): number {
  if (!Number.isInteger(offset) || offset < 0 || offset + 8 > b.length) {
    throw new CryptoError('malformed', `readU64be: offset ${offset} out of range for ${b.length} bytes`);
  }
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const hi = dv.getUint32(offset, false);
  const lo = dv.getUint32(offset + 4, false);
  if (hi > 0x1fffff) throw new CryptoError('malformed', 'readU64be: value exceeds 2^53 - 1');
  return hi * 0x100000000 + lo;
}
