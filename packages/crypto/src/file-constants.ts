/** Plaintext bytes per block of file format v1 (the last block may be shorter, even empty). */
export const BLOCK_SIZE = 4 * 1024 * 1024;
export const FILE_FORMAT_VERSION = 1;

/** Number of blocks a plaintext of `size` bytes encrypts to (a 0-byte file is one empty block). */
export function blockCountFor(size: number, blockSize: number): number {
  return Math.max(1, Math.ceil(size / blockSize));
}
