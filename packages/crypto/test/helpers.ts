// Shared test helpers (not a test file).
import assert from 'node:assert/strict';
import { primitives } from '#primitives';
import { CryptoError, type CryptoErrorCode } from '../src/errors.ts';
import { newSigningKeyPair } from '../src/keys.ts';
import { signManifest, verifyManifest, type Manifest } from '../src/manifest.ts';
import type { EncryptedBlock } from '../src/file.ts';

/** Tiny Argon2id parameters: tests only. */
export const TEST_KDF = { memoryKiB: 64, iterations: 1, parallelism: 1 } as const;

/** Asserts that `p` rejects with a CryptoError of `code` whose message contains every `mentions`. */
export async function rejectsWith(p: Promise<unknown> | (() => Promise<unknown>), code: CryptoErrorCode, ...mentions: string[]): Promise<CryptoError> {
  let caught: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof CryptoError, `expected CryptoError('${code}'), got ${caught === undefined ? 'no error' : String(caught)}`);
  assert.equal(caught.code, code, `expected code '${code}', got '${caught.code}': ${caught.message}`);
  for (const m of mentions) assert.ok(caught.message.includes(m), `message "${caught.message}" should mention "${m}"`);
  return caught;
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
export function pseudoRandom(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Splits `data` at the given cut points (fractions in [0,1)). */
export function splitAt(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * data.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) { out.push(data.subarray(prev, p)); prev = p; }
  out.push(data.subarray(prev));
  return out;
}

export const uploader = await newSigningKeyPair();

/** Signs and verifies a manifest for `blocks` (no thumbnails, a dummy metadata hash). */
export async function manifestFor(fileId: string, blocks: EncryptedBlock[], plaintextSize?: number): Promise<Manifest> {
  const { manifest, signature } = await signManifest(uploader, {
    fileId, uploaderId: 'uploader', blockHashes: blocks.map((b) => b.sha256), thumbnailHashes: {},
    metadataHash: await primitives.sha256(new Uint8Array(1)), ...(plaintextSize !== undefined ? { plaintextSize } : {}),
  });
  return verifyManifest(manifest, signature, uploader.publicKey, { fileId, uploaderId: 'uploader' });
}
