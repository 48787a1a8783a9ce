// Writes the stored format of the version before owner-signed album states, for the one-time
// setup tests: what that version's code path stored is what the current code stores minus the
// signed states (no album_states rows, albums.state_seq 0) and with the accounts at data
// version 1 — plus the one thing only the old code did: an editor rotating the album key after
// someone left (the new server refuses it), written here as the old server stored it.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import {
  decryptAlbumMetadata, encryptAlbumMetadata, fromBase64, rotateAlbumKey, sealAlbumKey, albumMetadataEpoch, x25519PublicKeyFromBytes,
  type AlbumEpochKey,
} from '@obscura/crypto';
import type { Albums, Session } from '@obscura/sdk';

export function openDb(dataDir: string): Database.Database {
  const db = new Database(join(dataDir, 'obscura.db'));
  db.pragma('busy_timeout = 5000');
  return db;
}

/** Turns the given accounts (and every album they own) into the format before signed states. */
export function toLegacyFormat(dataDir: string, userIds: readonly string[]): void {
  const db = openDb(dataDir);
  try {
    const marks = userIds.map(() => '?').join(', ');
    db.transaction(() => {
      db.prepare(`DELETE FROM album_states WHERE album_id IN (SELECT id FROM albums WHERE owner_id IN (${marks}))`).run(...userIds);
      db.prepare(`UPDATE albums SET state_seq = 0 WHERE owner_id IN (${marks})`).run(...userIds);
      db.prepare(`UPDATE users SET data_version = 1 WHERE id IN (${marks})`).run(...userIds);
      db.prepare(`DELETE FROM account_setups WHERE user_id IN (${marks})`).run(...userIds);
    })();
  } finally {
    db.close();
  }
}

/**
 * The old client's rotation by an editor after someone left: a new epoch key made and sealed by
 * the editor to everyone who remains, the album name re-encrypted under it by the editor.
 */
export async function legacyEditorRotation(
  dataDir: string, editor: { session: Session; albums: Albums }, albumId: string, remaining: readonly Session[],
): Promise<AlbumEpochKey> {
  const { current, keys } = await editor.albums.epochKeys(albumId);
  const db = openDb(dataDir);
  try {
    const row = db.prepare('SELECT metadata, current_epoch FROM albums WHERE id = ?').get(albumId) as { metadata: Buffer; current_epoch: number };
    const blob = new Uint8Array(row.metadata);
    const meta = await decryptAlbumMetadata(keys.get(albumMetadataEpoch(blob))!, blob);
    const next = rotateAlbumKey(current);
    const metadata = await encryptAlbumMetadata(next, meta);
    const sender = { userId: editor.session.user.id, signingKeys: editor.session.bundle.signingKeys };
    const sealed = await Promise.all(remaining.map(async (s) => ({
      userId: s.user.id,
      box: await sealAlbumKey({ sender, recipient: { userId: s.user.id, x25519PublicKey: x25519PublicKeyFromBytes(fromBase64(s.user.x25519PublicKeyB64)) }, albumKey: next }),
    })));
    db.transaction(() => {
      const ins = db.prepare('INSERT INTO album_keys (album_id, epoch, user_id, sealed, sealed_by) VALUES (?, ?, ?, ?, ?)');
      for (const s of sealed) ins.run(albumId, next.epoch, s.userId, Buffer.from(s.box), editor.session.user.id);
      db.prepare('UPDATE albums SET current_epoch = ?, metadata = ?, metadata_epoch = ?, rotation_needed = 0 WHERE id = ?')
        .run(next.epoch, Buffer.from(metadata), next.epoch, albumId);
    })();
    return next;
  } finally {
    db.close();
  }
}
