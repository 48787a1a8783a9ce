// Argon2id (RFC 9106) through hash-wasm's WASM build, shared by the node and WebCrypto
// implementations: neither node:crypto (before Node 24) nor WebCrypto offers Argon2.
import { argon2id as hashWasmArgon2id } from 'hash-wasm';
import { CryptoError } from '../errors.ts';
import type { Argon2idParams } from './types.ts';

// [Note: Argon2 parameter bounds]
// Parameters may come from the server (e.g. the salt/params stored next to a public link),
// and a malicious server must not be able to make a client allocate gigabytes or spin for
// minutes. The lower bounds are RFC 9106's; the upper bounds are generous for Obscura's
// own choices (64 MiB, t=3, p=1) yet keep a hostile parameter set within reach of a phone.
export const ARGON2_LIMITS = {
  minMemoryKiB: 8, // per lane: memoryKiB >= 8 * parallelism (RFC 9106 §3.1)
  maxMemoryKiB: 1024 * 1024, // 1 GiB
  minIterations: 1,
  maxIterations: 64,
  minParallelism: 1,
  maxParallelism: 255,
  minSaltLength: 8, // RFC 9106 §3.1 minimum (hash-wasm enforces it too)
  minLength: 4,
  maxLength: 1024,
} as const;

export function validateArgon2idParams(params: Argon2idParams): void {
  const { memoryKiB, iterations, parallelism } = params;
  const L = ARGON2_LIMITS;
  if (!Number.isInteger(parallelism) || parallelism < L.minParallelism || parallelism > L.maxParallelism) {
    throw new CryptoError('malformed', `argon2id: parallelism ${parallelism} must be an integer in [${L.minParallelism}, ${L.maxParallelism}]`);
  }
  if (!Number.isInteger(iterations) || iterations < L.minIterations || iterations > L.maxIterations) {
    throw new CryptoError('malformed', `argon2id: iterations ${iterations} must be an integer in [${L.minIterations}, ${L.maxIterations}]`);
  }
  if (!Number.isInteger(memoryKiB) || memoryKiB < 8 * parallelism || memoryKiB > L.maxMemoryKiB) {
    throw new CryptoError('malformed', `argon2id: memoryKiB ${memoryKiB} must be an integer in [8 * parallelism = ${8 * parallelism}, ${L.maxMemoryKiB}]`);
  }
}

export async function argon2id(password: Uint8Array, salt: Uint8Array, params: Argon2idParams, length: number): Promise<Uint8Array> {
  validateArgon2idParams(params);
  if (salt.length < ARGON2_LIMITS.minSaltLength) {
    throw new CryptoError('bad-length', `argon2id: salt is ${salt.length} bytes, at least ${ARGON2_LIMITS.minSaltLength} required`);
  }
  if (!Number.isInteger(length) || length < ARGON2_LIMITS.minLength || length > ARGON2_LIMITS.maxLength) {
    throw new CryptoError('bad-length', `argon2id: output length ${length} must be an integer in [${ARGON2_LIMITS.minLength}, ${ARGON2_LIMITS.maxLength}]`);
  }
  return hashWasmArgon2id({
    password,
    salt,
    iterations: params.iterations,
    parallelism: params.parallelism,
    memorySize: params.memoryKiB,
    hashLength: length,
    outputType: 'binary',
  });
}
