// [Note: fingerprints]
// Two people compare a short string to check that the keys each client pinned are the
// same. fingerprint = 8 groups of 5 decimal digits; group i = (u32be of SHA-256 bytes 4i..4i+3)
// mod 100000, over context("obscura/fingerprint/v1", X25519 public key, Ed25519 public key).
// That is ~133 bits of the hash; the mod bias (2^32 is not a multiple of 10^5) is < 2^-15 per group.
import { primitives } from '#primitives';
import { CryptoError } from './errors.ts';
import { constantTimeEqual, readU32be, utf8Encode } from './encoding.ts';
import { context } from './internal/bytes.ts';
import type { PublicKeys } from './keys.ts';

export async function fingerprint(publicKeys: PublicKeys): Promise<string> {
  if (publicKeys.x25519?.length !== 32 || publicKeys.ed25519?.length !== 32) throw new CryptoError('bad-length', 'fingerprint: public keys must be 32 bytes each');
  const h = await primitives.sha256(context('obscura/fingerprint/v1', publicKeys.x25519, publicKeys.ed25519));
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) groups.push(String(readU32be(h, i * 4) % 100000).padStart(5, '0'));
  return groups.join(' ');
}

/** Compares two fingerprints as typed or read aloud (whitespace and dashes ignored). */
export function fingerprintsEqual(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/[\s-]/g, '');
  const x = norm(a), y = norm(b);
  if (!/^\d{40}$/.test(x) || !/^\d{40}$/.test(y)) return false;
  return constantTimeEqual(utf8Encode(x), utf8Encode(y));
}
