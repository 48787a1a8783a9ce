// Small binary helpers for Obscura's own formats: a writer/reader pair for the versioned
// structures (manifest, envelopes, sealed boxes) and `context()` for AAD / HKDF info strings.
import { CryptoError } from '../errors.ts';
import { concatBytes, readU32be, readU64be, u32be, u64be, utf8Decode, utf8Encode } from '../encoding.ts';

/** A field of a context string: text, raw bytes, or an integer (u64 big-endian). */
export type ContextField = string | Uint8Array | number;

// [Note: context strings are length-prefixed]
// Every AAD and HKDF info string is `label || 0x00 || (u32 length || bytes)*`, with integers
// as u64 big-endian. Because each field carries its length, no two different field lists
// encode to the same bytes ("ab"+"c" ≠ "a"+"bc"), and the label (e.g.
// "obscura/file/v1/block") separates purposes so one key's output is never valid for another.
export function context(label: string, ...fields: ContextField[]): Uint8Array {
  const parts: Uint8Array[] = [utf8Encode(label), Uint8Array.of(0)];
  for (const f of fields) {
    const b = typeof f === 'string' ? utf8Encode(f) : typeof f === 'number' ? u64be(f) : f;
    parts.push(u32be(b.length), b);
  }
  return concatBytes(...parts);
}

export class Writer {
  private readonly parts: Uint8Array[] = [];
  u8(n: number): this {
    if (!Number.isInteger(n) || n < 0 || n > 0xff) throw new CryptoError('bad-length', `u8: ${n} out of range`);
    this.parts.push(Uint8Array.of(n));
    return this;
  }
  u16(n: number): this {
    if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new CryptoError('bad-length', `u16: ${n} out of range`);
    this.parts.push(Uint8Array.of(n >>> 8, n & 0xff));
    return this;
  }
  u32(n: number): this {
    this.parts.push(u32be(n));
    return this;
  }
  u64(n: number): this {
    this.parts.push(u64be(n));
    return this;
  }
  bytes(b: Uint8Array): this {
    this.parts.push(b);
    return this;
  }
  /** UTF-8 string with a u16 length prefix. */
  str(s: string): this {
    const b = utf8Encode(s);
    this.u16(b.length);
    this.parts.push(b);
    return this;
  }
  finish(): Uint8Array {
    return concatBytes(...this.parts);
  }
}

/** Reads a structure; every overrun throws CryptoError('malformed') naming `what`. */
export class Reader {
  private offset = 0;
  constructor(private readonly buf: Uint8Array, private readonly what: string) {}
  private need(n: number): void {
    if (this.offset + n > this.buf.length) {
      throw new CryptoError('malformed', `${this.what}: truncated at byte ${this.offset} (needs ${n} more, has ${this.buf.length - this.offset})`);
    }
  }
  u8(): number {
    this.need(1);
    return this.buf[this.offset++]!;
  }
  u16(): number {
    this.need(2);
    const v = (this.buf[this.offset]! << 8) | this.buf[this.offset + 1]!;
    this.offset += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = readU32be(this.buf, this.offset);
    this.offset += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = readU64be(this.buf, this.offset);
    this.offset += 8;
    return v;
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const b = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }
  str(): string {
    return utf8Decode(this.bytes(this.u16()));
  }
  /** Everything left except the final `keep` bytes. */
  restExcept(keep: number): Uint8Array {
    const n = this.buf.length - this.offset - keep;
    if (n < 0) throw new CryptoError('malformed', `${this.what}: too short`);
    return this.bytes(n);
  }
  get position(): number {
    return this.offset;
  }
  end(): void {
    if (this.offset !== this.buf.length) {
      throw new CryptoError('malformed', `${this.what}: ${this.buf.length - this.offset} unexpected trailing bytes`);
    }
  }
}

export function checkVersion(what: string, bytes: Uint8Array, supported: readonly number[]): number {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new CryptoError('malformed', `${what}: empty`);
  const v = bytes[0]!;
  if (!supported.includes(v)) throw new CryptoError('bad-version', `${what}: unknown version ${v} (supported: ${supported.join(', ')})`);
  return v;
}

/** Non-empty id string of at most 256 UTF-8 bytes (file, album, link and user ids). */
export function checkId(what: string, id: string): void {
  if (typeof id !== 'string' || id.length === 0 || utf8Encode(id).length > 256) {
    throw new CryptoError('malformed', `${what} must be a non-empty string of at most 256 bytes`);
  }
}

export function checkEpoch(epoch: number): void {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffffffff) {
    throw new CryptoError('malformed', `album epoch ${epoch} must be an integer in [0, 2^32)`);
  }
}

/** Runs an AEAD open and turns 'auth-failed' into an error naming the object. */
export async function authOrThrow<T>(promise: Promise<T>, code: 'auth-failed' | 'bad-password' | 'bad-recovery-key', message: string): Promise<T> {
  try {
    return await promise;
  } catch (cause) {
    if (cause instanceof CryptoError && cause.code === 'auth-failed') throw new CryptoError(code, message, { cause });
    throw cause;
  }
}

// [Note: padding hides lengths]
// Metadata plaintexts are `u32 length || bytes || zeros` up to a multiple of PAD_BLOCK, so the
// server sees only a coarse size class, not the exact length of a file or album name.
export const PAD_BLOCK = 256;

export function pad(data: Uint8Array): Uint8Array {
  const total = Math.ceil((data.length + 4) / PAD_BLOCK) * PAD_BLOCK;
  const out = new Uint8Array(total);
  out.set(u32be(data.length), 0);
  out.set(data, 4);
  return out;
}

export function unpad(padded: Uint8Array, what: string): Uint8Array {
  if (padded.length < 4 || padded.length % PAD_BLOCK !== 0) throw new CryptoError('malformed', `${what}: bad padded length ${padded.length}`);
  const n = readU32be(padded, 0);
  if (n > padded.length - 4) throw new CryptoError('malformed', `${what}: length prefix ${n} exceeds the padded size`);
  for (let i = 4 + n; i < padded.length; i++) {
    if (padded[i] !== 0) throw new CryptoError('malformed', `${what}: non-zero padding`);
  }
  return padded.subarray(4, 4 + n);
}

/** Unpads a decrypted record and parses its JSON; errors say 'malformed' and name `what`. */
export function parsePaddedJson(padded: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(utf8Decode(unpad(padded, what)));
  } catch (cause) {
    if (cause instanceof CryptoError) throw cause;
    throw new CryptoError('malformed', `${what}: not valid JSON`, { cause });
  }
}
