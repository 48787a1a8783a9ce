import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { fromBytes, toBytes, toNumber, toNumberOrNull } from '../db/dialect/index.ts';

export type LinkKind = 'file' | 'album';

export interface LinkRow {
  id: string;
  ownerId: string;
  kind: LinkKind;
  /** File links: the photo. */
  fileId: string | null;
  /** Album links: the album; file links made from a shared photo: that album of kind 'photo'. */
  albumId: string | null;
  /** SHA-256 of the visitor's access proof. */
  accessVerifier: Uint8Array;
  passwordParams: Uint8Array | null;
  expiresAt: number | null;
  allowDownload: boolean;
  ownerWrappedLinkKey: Uint8Array;
  ownerWrappedSecret: Uint8Array;
  /** File links: the file key wrapped under the link key. */
  wrappedFileKey: Uint8Array | null;
  createdAt: number;
  accessCount: number;
}

export interface LinkKeyRow { linkId: string; epoch: number; wrapped: Uint8Array }

/** Wrong-proof state of one subject (a link, or a client address). */
export interface ThrottleRow { key: string; windowStart: number; failures: number; level: number; blockedUntil: number }

type Num = number | string | bigint;

export class LinksRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(l: LinkRow): Promise<void> {
    await this.db.insertInto('links').values({
      id: l.id, owner_id: l.ownerId, kind: l.kind, file_id: l.fileId, album_id: l.albumId,
      access_verifier: fromBytes(l.accessVerifier), password_params: l.passwordParams && fromBytes(l.passwordParams),
      expires_at: l.expiresAt, allow_download: l.allowDownload ? 1 : 0,
      owner_wrapped_link_key: fromBytes(l.ownerWrappedLinkKey), owner_wrapped_secret: fromBytes(l.ownerWrappedSecret),
      wrapped_file_key: l.wrappedFileKey && fromBytes(l.wrappedFileKey), created_at: l.createdAt, access_count: l.accessCount,
    }).execute();
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.selectFrom('links').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  async find(id: string): Promise<LinkRow | undefined> {
    const r = await this.db.selectFrom('links').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toLink(r);
  }

  /** Reads the link for a change, holding its row lock (PostgreSQL) until the transaction ends. */
  async findMany(ids: string[]): Promise<LinkRow[]> {
    if (ids.length === 0) return [];
    return (await this.db.selectFrom('links').selectAll().where('id', 'in', ids).execute()).map(toLink);
  }

  async lock(id: string): Promise<LinkRow | undefined> {
    const r = await this.db.updateTable('links').set({ kind: sql`kind` }).where('id', '=', id).returningAll().executeTakeFirst();
    return r && toLink(r);
  }

  async listForOwner(ownerId: string): Promise<LinkRow[]> {
    const rows = await this.db.selectFrom('links').selectAll().where('owner_id', '=', ownerId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toLink);
  }

  async listForAlbum(albumId: string): Promise<LinkRow[]> {
    const rows = await this.db.selectFrom('links').selectAll().where('album_id', '=', albumId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toLink);
  }

  async countForAlbum(albumId: string): Promise<number> {
    const r = await this.db.selectFrom('links').select((eb) => eb.fn.countAll().as('n')).where('album_id', '=', albumId).executeTakeFirstOrThrow();
    return toNumber(r.n as Num);
  }

  async update(id: string, p: {
    expiresAt?: number | null; allowDownload?: boolean; accessVerifier?: Uint8Array; passwordParams?: Uint8Array | null;
    ownerWrappedLinkKey?: Uint8Array; wrappedFileKey?: Uint8Array;
  }): Promise<void> {
    const set = {
      ...(p.expiresAt !== undefined ? { expires_at: p.expiresAt } : {}),
      ...(p.allowDownload !== undefined ? { allow_download: p.allowDownload ? 1 : 0 } : {}),
      ...(p.accessVerifier !== undefined ? { access_verifier: fromBytes(p.accessVerifier) } : {}),
      ...(p.passwordParams !== undefined ? { password_params: p.passwordParams && fromBytes(p.passwordParams) } : {}),
      ...(p.ownerWrappedLinkKey !== undefined ? { owner_wrapped_link_key: fromBytes(p.ownerWrappedLinkKey) } : {}),
      ...(p.wrappedFileKey !== undefined ? { wrapped_file_key: fromBytes(p.wrappedFileKey) } : {}),
    };
    if (Object.keys(set).length === 0) return;
    await this.db.updateTable('links').set(set).where('id', '=', id).execute();
  }

  async incrementAccess(id: string): Promise<void> {
    await this.db.updateTable('links').set({ access_count: sql`access_count + 1` }).where('id', '=', id).execute();
  }

  /** Deletes the link; its keys go with it (cascade). */
  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('links').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Every link of the album (album links and links to its shared photo); returns how many. */
  async deleteForAlbum(albumId: string): Promise<number> {
    const r = await this.db.deleteFrom('links').where('album_id', '=', albumId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  // ------------------------------------------------------------ album epoch keys

  async keys(linkId: string): Promise<LinkKeyRow[]> {
    const rows = await this.db.selectFrom('link_keys').selectAll().where('link_id', '=', linkId).orderBy('epoch').execute();
    return rows.map((r) => ({ linkId: r.link_id, epoch: toNumber(r.epoch), wrapped: toBytes(r.wrapped) }));
  }

  async epochs(linkId: string): Promise<number[]> {
    const rows = await this.db.selectFrom('link_keys').select('epoch').where('link_id', '=', linkId).orderBy('epoch').execute();
    return rows.map((r) => toNumber(r.epoch));
  }

  /** Adds keys, replacing those of the same epochs. */
  async putKeys(keys: LinkKeyRow[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 500) {
      await this.db.insertInto('link_keys').values(keys.slice(i, i + 500).map((k) => ({ link_id: k.linkId, epoch: k.epoch, wrapped: fromBytes(k.wrapped) })))
        .onConflict((oc) => oc.columns(['link_id', 'epoch']).doUpdateSet({ wrapped: sql`excluded.wrapped` }))
        .execute();
    }
  }

  async deleteKeys(linkId: string): Promise<void> {
    await this.db.deleteFrom('link_keys').where('link_id', '=', linkId).execute();
  }
}

/** Wrong-proof counters and back-off, in the database so every server process agrees. */
export class LinkThrottleRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async get(keys: string[]): Promise<ThrottleRow[]> {
    if (keys.length === 0) return [];
    const rows = await this.db.selectFrom('link_throttle').selectAll().where('key', 'in', keys).execute();
    return rows.map(toThrottle);
  }

  /**
   * The subject's row for a change (created empty when absent). The no-op upsert takes
   * PostgreSQL's row lock, so concurrent wrong proofs update it one after the other.
   */
  async lock(key: string, now: number): Promise<ThrottleRow> {
    const r = await this.db.insertInto('link_throttle').values({ key, window_start: now, failures: 0, level: 0, blocked_until: 0 })
      .onConflict((oc) => oc.column('key').doUpdateSet({ failures: sql`link_throttle.failures` }))
      .returningAll().executeTakeFirstOrThrow();
    return toThrottle(r);
  }

  async save(t: ThrottleRow): Promise<void> {
    await this.db.updateTable('link_throttle').set({
      window_start: t.windowStart, failures: t.failures, level: t.level, blocked_until: t.blockedUntil,
    }).where('key', '=', t.key).execute();
  }

  async deleteKey(key: string): Promise<void> {
    await this.db.deleteFrom('link_throttle').where('key', '=', key).execute();
  }

  /** Forgets subjects with nothing recent (the sweeper). */
  async purgeIdleBefore(before: number): Promise<number> {
    const r = await this.db.deleteFrom('link_throttle').where('window_start', '<', before).where('blocked_until', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

function toLink(r: {
  id: string; owner_id: string; kind: string; file_id: string | null; album_id: string | null; access_verifier: Uint8Array;
  password_params: Uint8Array | null; expires_at: Num | null; allow_download: number; owner_wrapped_link_key: Uint8Array;
  owner_wrapped_secret: Uint8Array; wrapped_file_key: Uint8Array | null; created_at: Num; access_count: Num;
}): LinkRow {
  return {
    id: r.id, ownerId: r.owner_id, kind: r.kind === 'album' ? 'album' : 'file', fileId: r.file_id, albumId: r.album_id,
    accessVerifier: toBytes(r.access_verifier), passwordParams: r.password_params && toBytes(r.password_params),
    expiresAt: toNumberOrNull(r.expires_at), allowDownload: toNumber(r.allow_download) !== 0,
    ownerWrappedLinkKey: toBytes(r.owner_wrapped_link_key), ownerWrappedSecret: toBytes(r.owner_wrapped_secret),
    wrappedFileKey: r.wrapped_file_key && toBytes(r.wrapped_file_key), createdAt: toNumber(r.created_at), accessCount: toNumber(r.access_count),
  };
}

function toThrottle(r: { key: string; window_start: Num; failures: number; level: number; blocked_until: Num }): ThrottleRow {
  return {
    key: r.key, windowStart: toNumber(r.window_start), failures: toNumber(r.failures), level: toNumber(r.level), blockedUntil: toNumber(r.blocked_until),
  };
}
