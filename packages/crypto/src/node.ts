// @obscura/crypto/node — Node-only extras. The parallel hasher runs SHA-256 of block
// ciphertexts on a worker thread so it overlaps AES-GCM on the main thread.
export { createParallelHasher, type ParallelHasher } from './primitives/node-parallel.ts';
