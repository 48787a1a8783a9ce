import type { Static } from '@sinclair/typebox';
import {
  CHANGES_LIMIT_DEFAULT, LINKS_PER_ALBUM_MAX,
  type CreateLinkBody, type LinkAlbumKey, type LinkContent, type LinkInfo, type LinkParams, type UpdateLinkBody,
} from '@obscura/protocol';
import { AppError, badRequest, conflict, notFound, shortId } from '../errors.ts';
import { isUniqueViolation } from '../db/dialect/index.ts';
import type { Clock } from '../ports/clock.ts';
import type { Database, FileRow, LinkRow, Repos } from '../repositories/index.ts';
import type { AuthContext, ClientInfo, LinkCredentials } from './auth-context.ts';
import { keyChanged } from './album-errors.ts';
import { albumNotFound, forbidden, type Access } from './access.ts';
import { fromB64, iso, parseInstant, toB64 } from './encoding.ts';
import type { BinaryBody, FileService } from './files.ts';
import type { LinkThrottle } from './link-throttle.ts';

type S<T extends import('@sinclair/typebox').TSchema> = Static<T>;

export const linkGone = () => notFound('this link no longer exists');
const day = (ms: number) => iso(ms).slice(0, 10);

// [Note: public links] see packages/protocol/src/schemas.ts. The server holds SHA-256 of the
// visitor's access proof (the verifier) and keys wrapped under the link key; the link key, its
// URL secret and the password never reach it. A link answers only while its owner still holds
// what it points to: the album (album links), the photo in their library or in their shared photo.
export class LinkService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly files: FileService,
    private readonly throttle: LinkThrottle,
    private readonly access: Access,
  ) {}

  // ------------------------------------------------------------ owner

  async create(auth: AuthContext, body: S<typeof CreateLinkBody>): Promise<S<typeof LinkInfo>> {
    const target = await this.requireLinkable(auth, body.target);
    const linkId = body.linkId.toLowerCase();
    const now = this.clock.now();
    checkVerifier(body.accessVerifierB64);
    const expiresAt = body.expiresAt === null ? null : parseInstant('expiresAt', body.expiresAt);
    if (expiresAt !== null && expiresAt <= now) throw badRequest(`expiresAt ${body.expiresAt} is in the past; choose a later date, or null for no expiry`);
    if (target.kind === 'file') {
      if (!body.fileKey) throw badRequest('a link to a photo needs fileKey: the file key wrapped under the link key');
      if (body.albumKeys) throw badRequest('albumKeys are for album links; a link to a photo carries fileKey only');
    } else {
      if (!body.albumKeys) throw badRequest('an album link needs albumKeys: every album key epoch wrapped under the link key');
      if (body.fileKey) throw badRequest('fileKey is for links to a photo; an album link carries albumKeys only');
    }
    try {
      await this.db.tx(async (r) => {
        if (await r.links.exists(linkId)) throw conflict(`public link ${shortId(linkId)} already exists; choose a new id`);
        if (target.albumId) {
          const a = await r.albums.lock(target.albumId);
          if (!a) throw albumNotFound(target.albumId);
          if ((await r.links.countForAlbum(a.id)) >= LINKS_PER_ALBUM_MAX) {
            throw new AppError('limit-reached', `an album has at most ${LINKS_PER_ALBUM_MAX} public links; delete one first`);
          }
          if (target.kind === 'album') checkAllEpochs(body.albumKeys!, a.currentEpoch);
        }
        await r.links.insert({
          id: linkId, ownerId: auth.userId, kind: target.kind, fileId: target.fileId, albumId: target.albumId,
          accessVerifier: fromB64(body.accessVerifierB64), passwordParams: body.passwordParamsB64 === null ? null : fromB64(body.passwordParamsB64),
          expiresAt, allowDownload: body.allowDownload,
          ownerWrappedLinkKey: fromB64(body.ownerWrappedLinkKeyB64), ownerWrappedSecret: fromB64(body.ownerWrappedSecretB64),
          wrappedFileKey: body.fileKey ? fromB64(body.fileKey.wrappedB64) : null, createdAt: now, accessCount: 0,
        });
        if (body.albumKeys) await r.links.putKeys(body.albumKeys.map((k) => ({ linkId, epoch: k.epoch, wrapped: fromB64(k.wrappedB64) })));
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(`public link ${shortId(linkId)} already exists; choose a new id`);
      throw e;
    }
    return this.info(this.db.repos, (await this.db.repos.links.find(linkId))!);
  }

  async list(auth: AuthContext): Promise<{ links: S<typeof LinkInfo>[] }> {
    // Access: scoped to the caller's own links.
    const links = [];
    for (const l of await this.db.repos.links.listForOwner(auth.userId)) links.push(await this.info(this.db.repos, l));
    return { links };
  }

  async update(auth: AuthContext, linkId: string, body: S<typeof UpdateLinkBody>): Promise<S<typeof LinkInfo>> {
    const link = await this.requireOwn(auth, linkId);
    const now = this.clock.now();
    const expiresAt = body.expiresAt == null ? body.expiresAt : parseInstant('expiresAt', body.expiresAt);
    if (expiresAt != null && expiresAt <= now) throw badRequest(`expiresAt ${body.expiresAt} is in the past; choose a later date, or null for no expiry`);
    const rekey = body.rekey;
    if (rekey) {
      checkVerifier(rekey.accessVerifierB64);
      if (link.kind === 'file' && (!rekey.fileKey || rekey.albumKeys)) throw badRequest('re-keying a link to a photo needs fileKey (and no albumKeys)');
      if (link.kind === 'album' && (!rekey.albumKeys || rekey.fileKey)) throw badRequest('re-keying an album link needs albumKeys for every epoch (and no fileKey)');
    }
    await this.db.tx(async (r) => {
      const l = await r.links.lock(link.id);
      if (!l) throw linkGone();
      if (rekey && l.kind === 'album') {
        const a = await r.albums.lock(l.albumId!);
        if (!a) throw linkGone();
        checkAllEpochs(rekey.albumKeys!, a.currentEpoch);
        // [Note: re-key atomically] every key under the old link key goes, in the same transaction.
        await r.links.deleteKeys(l.id);
        await r.links.putKeys(rekey.albumKeys!.map((k) => ({ linkId: l.id, epoch: k.epoch, wrapped: fromB64(k.wrappedB64) })));
      }
      await r.links.update(l.id, {
        ...(expiresAt !== undefined ? { expiresAt } : {}),
        ...(body.allowDownload !== undefined ? { allowDownload: body.allowDownload } : {}),
        ...(rekey ? {
          accessVerifier: fromB64(rekey.accessVerifierB64),
          passwordParams: rekey.passwordParamsB64 === null ? null : fromB64(rekey.passwordParamsB64),
          ownerWrappedLinkKey: fromB64(rekey.ownerWrappedLinkKeyB64),
          ...(rekey.fileKey ? { wrappedFileKey: fromB64(rekey.fileKey.wrappedB64) } : {}),
        } : {}),
      });
    });
    return this.info(this.db.repos, (await this.db.repos.links.find(link.id))!);
  }

  async delete(auth: AuthContext, linkId: string): Promise<{ ok: true }> {
    const link = await this.requireOwn(auth, linkId);
    await this.db.tx(async (r) => {
      await r.links.delete(link.id);
      await this.throttle.forget(r, link.id);
    });
    return { ok: true };
  }

  async addKeys(auth: AuthContext, linkId: string, albumKeys: S<typeof LinkAlbumKey>[]): Promise<S<typeof LinkInfo>> {
    const link = await this.requireOwn(auth, linkId);
    if (link.kind !== 'album') throw badRequest('only album links hold album keys; a link to a photo has its file key');
    const epochs = albumKeys.map((k) => k.epoch);
    if (new Set(epochs).size !== epochs.length) throw badRequest('albumKeys repeats an epoch');
    await this.db.tx(async (r) => {
      const a = await r.albums.lock(link.albumId!);
      if (!a) throw linkGone();
      const unknown = epochs.filter((e) => e > a.currentEpoch);
      if (unknown.length > 0) throw badRequest(`the album has epochs 1..${a.currentEpoch}; unknown epoch ${unknown.join(', ')}`);
      await r.links.putKeys(albumKeys.map((k) => ({ linkId: link.id, epoch: k.epoch, wrapped: fromB64(k.wrappedB64) })));
    });
    return this.info(this.db.repos, (await this.db.repos.links.find(link.id))!);
  }

  // ------------------------------------------------------------ visitors

  async params(linkId: string): Promise<S<typeof LinkParams>> {
    // Access: anyone with the link id; this is what they need to derive the access proof.
    const link = await this.live(linkId);
    return {
      kind: link.kind, hasPassword: link.passwordParams !== null,
      passwordParamsB64: link.passwordParams && toB64(link.passwordParams),
      expiresAt: link.expiresAt === null ? null : iso(link.expiresAt), allowDownload: link.allowDownload,
    };
  }

  async content(cred: LinkCredentials, client: ClientInfo, linkId: string, since = 0, limit = CHANGES_LIMIT_DEFAULT): Promise<S<typeof LinkContent>> {
    const link = await this.requireVisitor(cred, client, linkId);
    if (since === 0) await this.db.repos.links.incrementAccess(link.id);
    const r = this.db.repos;
    if (link.kind === 'file') {
      const file = await this.linkedFile(r, link, link.fileId!);
      const uploader = await r.users.findById(file.uploaderId);
      if (!uploader) throw linkGone();
      return {
        kind: 'file',
        file: {
          fileId: file.id, manifestB64: toB64(file.manifest), signatureB64: toB64(file.signature), metadataB64: toB64(file.metadata),
          uploader: { id: uploader.id, displayName: uploader.displayName, ed25519PublicKeyB64: toB64(uploader.ed25519PublicKey) },
          blocks: (await r.files.blocks(file.id)).map((b) => ({ size: b.size, sha256Hex: b.sha256Hex })),
          encryptedSize: file.encryptedSize, blockCount: file.blockCount, wrappedKeyB64: toB64(link.wrappedFileKey!),
        },
      };
    }
    const album = await r.albums.find(link.albumId!);
    if (!album) throw linkGone();
    const rows = await r.albums.currentItemsAfter(album.id, since, limit + 1);
    const page = rows.slice(0, limit);
    const users = new Map((await r.users.findManyById(page.flatMap((i) => [i.addedBy, i.uploaderId]))).map((u) => [u.id, u]));
    const items = [];
    for (const i of page) {
      const up = users.get(i.uploaderId);
      items.push({
        fileId: i.fileId, seq: i.seq, epoch: i.epoch, wrappedKeyB64: toB64(i.wrappedKey),
        uploader: { id: i.uploaderId, displayName: up?.displayName ?? '', ed25519PublicKeyB64: up ? toB64(up.ed25519PublicKey) : '' },
        addedBy: { displayName: users.get(i.addedBy)?.displayName ?? '' },
        manifestB64: toB64(i.manifest), signatureB64: toB64(i.signature), metadataB64: toB64(i.metadata),
        blocks: (await r.files.blocks(i.fileId)).map((b) => ({ size: b.size, sha256Hex: b.sha256Hex })),
        encryptedSize: i.encryptedSize, blockCount: i.blockCount,
      });
    }
    return {
      kind: 'album', albumId: album.id, albumMetadataB64: toB64(album.metadata), metadataEpoch: album.metadataEpoch,
      albumKeys: (await r.links.keys(link.id)).map((k) => ({ epoch: k.epoch, wrappedB64: toB64(k.wrapped) })),
      items, nextSince: page.at(-1)?.seq ?? since, hasMore: rows.length > limit,
    };
  }

  async block(cred: LinkCredentials, client: ClientInfo, linkId: string, fileId: string, index: number): Promise<BinaryBody> {
    const link = await this.requireVisitor(cred, client, linkId);
    if (!link.allowDownload) throw forbidden('downloads are turned off for this link; previews only');
    return this.files.blockOf(await this.linkedFile(this.db.repos, link, fileId.toLowerCase()), index);
  }

  async thumbnail(cred: LinkCredentials, client: ClientInfo, linkId: string, fileId: string, size: 'small' | 'large'): Promise<BinaryBody> {
    const link = await this.requireVisitor(cred, client, linkId);
    // Previews are always allowed; `allowDownload` governs the original only.
    return this.files.thumbnailOf(await this.linkedFile(this.db.repos, link, fileId.toLowerCase()), size);
  }

  /** For the `/s/:linkId` page: does the link still answer? */
  async exists(linkId: string): Promise<boolean> {
    return (await findLink(this.db.repos, linkId)) !== undefined;
  }

  // ------------------------------------------------------------ access

  /**
   * Who may link what: an album link, the album's owner; a photo link, a photo active in my
   * library or in a shared photo (album of kind 'photo') I own. Returns where the link points.
   */
  private async requireLinkable(auth: AuthContext, t: S<typeof CreateLinkBody>['target']): Promise<{ kind: 'file' | 'album'; fileId: string | null; albumId: string | null }> {
    const r = this.db.repos;
    if (t.kind === 'album') {
      const { album } = await this.access.one(r, { actor: { auth }, permission: 'album.link', id: t.albumId });
      return { kind: 'album', fileId: null, albumId: album.id };
    }
    const fileId = t.fileId.toLowerCase();
    const hidden = notFound(`file ${shortId(fileId)} is not in your library; only photos you hold can be shared by link`);
    const file = await r.files.find(fileId);
    if (!file) throw hidden;
    let albumId: string | null = null;
    const item = await r.library.find(auth.userId, fileId);
    if (!item || item.state !== 'active') {
      albumId = (await r.albums.photoSharesHolding(auth.userId, fileId))[0] ?? null;
      if (!albumId) throw hidden;
    }
    if (file.status !== 'complete') throw conflict(`file ${shortId(fileId)} is still uploading; share it by link once the upload completes`);
    return { kind: 'file', fileId, albumId };
  }

  /** The caller's own link, else "not found" (ids of other people's links reveal nothing). */
  private requireOwn(auth: AuthContext, linkId: string): Promise<LinkRow> {
    return this.access.one(this.db.repos, { actor: { auth }, permission: 'link.manage', id: linkId });
  }

  private live(linkId: string): Promise<LinkRow> {
    return liveLink(this.db.repos, this.clock, linkId);
  }

  /** A visitor with the right access proof ([Note: one door for visitors] in access.ts). */
  private requireVisitor(cred: LinkCredentials, client: ClientInfo, linkId: string): Promise<LinkRow> {
    return this.access.one(this.db.repos, { actor: { visitor: cred, client }, permission: 'link.visit', id: linkId });
  }

  /** A photo the link gives access to: the link's photo, or one currently in the linked album. */
  private async linkedFile(r: Repos, link: LinkRow, fileId: string): Promise<FileRow> {
    const notHere = notFound(`file ${shortId(fileId)} is not part of this link`);
    if (link.kind === 'file' ? fileId !== link.fileId : (await r.albums.items(link.albumId!, [fileId]))[0]?.state !== 'active') throw notHere;
    const file = await r.files.find(fileId);
    if (!file || file.status !== 'complete') throw notHere;
    return file;
  }

  private async info(r: Repos, l: LinkRow): Promise<S<typeof LinkInfo>> {
    let missingEpochs: number[] = [];
    if (l.kind === 'album') {
      const album = await r.albums.find(l.albumId!);
      const have = new Set(await r.links.epochs(l.id));
      for (let e = 1; e <= (album?.currentEpoch ?? 0); e++) if (!have.has(e)) missingEpochs.push(e);
    }
    return {
      linkId: l.id,
      target: { kind: l.kind, ...(l.fileId ? { fileId: l.fileId } : {}), ...(l.albumId ? { albumId: l.albumId } : {}) },
      hasPassword: l.passwordParams !== null, expiresAt: l.expiresAt === null ? null : iso(l.expiresAt), allowDownload: l.allowDownload,
      createdAt: iso(l.createdAt), accessCount: l.accessCount,
      ownerWrappedLinkKeyB64: toB64(l.ownerWrappedLinkKey), ownerWrappedSecretB64: toB64(l.ownerWrappedSecret), missingEpochs,
    };
  }
}

/** The verifier is SHA-256 of the access proof: exactly 32 bytes. */
function checkVerifier(b64: string): void {
  const n = fromB64(b64).length;
  if (n !== 32) throw badRequest(`accessVerifierB64 must be the 32-byte SHA-256 of the access proof; got ${n} bytes`);
}

/** An album link needs every epoch key 1..current, exactly once. */
function checkAllEpochs(keys: { epoch: number }[], current: number): void {
  const epochs = keys.map((k) => k.epoch);
  const seen = new Set(epochs);
  const missing: number[] = [];
  for (let e = 1; e <= current; e++) if (!seen.has(e)) missing.push(e);
  const extra = [...seen].filter((e) => e > current);
  if (missing.length === 1 && missing[0] === current && extra.length === 0 && seen.size === epochs.length) throw keyChanged();
  if (missing.length > 0 || extra.length > 0 || seen.size !== epochs.length) {
    throw badRequest(`albumKeys must hold each album key epoch 1..${current} exactly once${
      missing.length > 0 ? `; missing epoch ${missing.join(', ')}` : ''}${extra.length > 0 ? `; unknown epoch ${extra.join(', ')}` : ''}${
      seen.size !== epochs.length ? '; an epoch is repeated' : ''}`);
  }
}

/** The link, if it exists and its owner still holds what it points to. */
async function findLink(r: Repos, linkId: string): Promise<LinkRow | undefined> {
  const link = await r.links.find(linkId.toLowerCase());
  if (!link) return undefined;
  if (link.kind === 'album') return link; // the album's deletion takes its links along
  if (link.albumId) {
    const [item] = await r.albums.items(link.albumId, [link.fileId!]);
    return item?.state === 'active' ? link : undefined;
  }
  const item = await r.library.find(link.ownerId, link.fileId!);
  return item?.state === 'active' ? link : undefined;
}

/** The link if it exists and has not expired (410 once expired, 404 once gone). */
export async function liveLink(r: Repos, clock: Clock, linkId: string): Promise<LinkRow> {
  const link = await findLink(r, linkId);
  if (!link) throw linkGone();
  if (link.expiresAt !== null && clock.now() >= link.expiresAt) {
    throw new AppError('link-expired', `this link expired on ${day(link.expiresAt)}`);
  }
  return link;
}
