// Minimal rows for repository (medium) tests, inserted through the repositories.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '../src/repositories/index.ts';

export async function insertUser(db: Database): Promise<string> {
  const id = randomUUID();
  await db.repos.users.insert({
    id, email: `${id}@example.org`, displayName: 'U', opaqueRecord: randomBytes(192), x25519PublicKey: randomBytes(32),
    ed25519PublicKey: randomBytes(32), passwordEnvelope: randomBytes(10), recoveryEnvelope: randomBytes(10), quotaBytes: 10 ** 12, dataVersion: 2, createdAt: 1,
  });
  return id;
}

export async function insertFile(
  db: Database, owner: string, o: { status?: 'pending' | 'complete'; encryptedSize?: number; chargedBytes?: number } = {},
): Promise<string> {
  const id = randomUUID();
  await db.repos.files.insert({
    id, uploaderId: owner, quotaOwnerId: owner, status: o.status ?? 'complete', blockCount: 1, encryptedSize: o.encryptedSize ?? 10,
    chargedBytes: o.chargedBytes ?? 19, manifest: randomBytes(8), signature: randomBytes(8), metadata: randomBytes(8),
    thumbSmallSize: 1, thumbLargeSize: 1, createdAt: 1,
  }, [{ size: 10, sha256Hex: '0'.repeat(64) }]);
  return id;
}
