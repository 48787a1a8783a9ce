// Fixed inputs for the format vectors, shared by gen-vectors.ts (writes them once) and
// vectors.test.ts (re-checks them). "Random" values are derived from labels, never drawn.
import { createHash } from 'node:crypto';
import { albumKeyFromBytes, boxKeyPairFromPrivate, fileKeyFromBytes, libraryKeyFromBytes, linkKeyFromBytes, signingKeyPairFromSeed } from '../src/keys.ts';

export const VECTORS_DIR = new URL('../vectors/format/', import.meta.url);

/** 32 bytes = SHA-256("obscura-test-vector/" + label). */
export function seed(label: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`obscura-test-vector/${label}`).digest());
}

/** Deterministic plaintext: byte i = (i * 31 + 7) mod 256. */
export function pattern(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

export const fixed = {
  fileKey: fileKeyFromBytes(seed('file-key')),
  libraryKey: libraryKeyFromBytes(seed('library-key')),
  albumKey: albumKeyFromBytes('album-vector', 3, seed('album-key')),
  linkKey: linkKeyFromBytes(seed('link-key')),
  fileId: 'file-vector-0001',
  alice: { userId: 'alice', signingKeys: await signingKeyPairFromSeed(seed('alice-ed25519')), boxKeys: await boxKeyPairFromPrivate(seed('alice-x25519')) },
  bob: { userId: 'bob', signingKeys: await signingKeyPairFromSeed(seed('bob-ed25519')), boxKeys: await boxKeyPairFromPrivate(seed('bob-x25519')) },
  linkSecret: 'b2JzY3VyYS10ZXN0LXZlY3Rvci1saW5rLXNlY3JldDE', // base64url of 32 fixed bytes
  tinyKdf: { memoryKiB: 64, iterations: 1, parallelism: 1 },
};

/** The two owner-signed album states of album-state.json (deterministic: Ed25519 signs deterministically). */
export async function albumStateInputs() {
  const { albumEpochCommitment } = await import('../src/album-state.ts');
  const k1 = albumKeyFromBytes('album-vector', 1, seed('album-state-key-1'));
  const k2 = albumKeyFromBytes('album-vector', 2, seed('album-state-key-2'));
  const genesis = {
    albumId: 'album-vector', ownerId: 'alice', ownerSigningKey: fixed.alice.signingKeys.publicKey, kind: 'album' as const, origin: 'created' as const,
    createdAt: 1_700_000_000_000, seq: 1, epoch: 1, epochCommitments: [await albumEpochCommitment(k1)], metadataHash: seed('album-state-metadata-1'), members: [],
  };
  const c2 = await albumEpochCommitment(k2);
  const second = (prevHash: Uint8Array) => ({
    ...genesis, seq: 2, prevHash, epoch: 2, epochCommitments: [genesis.epochCommitments[0]!, c2], metadataHash: seed('album-state-metadata-2'),
    members: [{ userId: 'bob', email: 'bob@example.org', role: 'editor' as const, ed25519PublicKey: fixed.bob.signingKeys.publicKey, x25519PublicKey: fixed.bob.boxKeys.publicKey }],
  });
  return { keys: [k1, k2], genesis, second };
}

/** Sizes whose blocks are stored in full (hex). */
export const STORED_SIZES = [0, 1, 1000];
/** Sizes whose block hashes are stored and whose ciphertexts are recomputed. */
export const COMPUTED_SIZES = [4 * 1024 * 1024, 4 * 1024 * 1024 + 1];
