// Public links to a photo or a whole album. The URL is BASE/s/LINK_ID#SECRET: the secret
// stays in the fragment (browsers and this SDK never send it). An optional password goes
// through Argon2id into the key itself, so a leaked URL without it decrypts nothing, and
// the server — holding only a verifier of the access proof — throttles guesses.
import {
  createLinkSecret, newLinkPasswordParams, deriveLinkKeys, encodeLinkPasswordParams, decodeLinkPasswordParams,
  wrapFileKeyForLink, unwrapFileKeyForLink, wrapAlbumKeyForLink, unwrapAlbumKeyForLink, wrapLinkForOwner, unwrapLinkForOwner,
  decryptAlbumMetadata, verifyManifest, checkBlob, decryptMetadata, unwrapFileKeyForAlbum, decryptFile, decryptThumbnail, ed25519PublicKeyFromBytes, toBase64, toBase64Url, fromBase64,
  DEFAULT_KDF_PARAMS, CryptoError,
  type AlbumEpochKey, type FileKey, type FileMetadata, type KdfParams, type LinkKey, type Manifest,
} from '@obscura/crypto';
import type { LinkInfo, LinkParams, LinkFile, LinkAlbumItem } from '@obscura/protocol';
import { ApiClient } from './api.ts';
import { ApiError, IntegrityError, UsageError, verifying } from './errors.ts';
import { mapConcurrent } from './concurrency.ts';
import type { Albums } from './albums.ts';
import type { Library, PhotoKeys } from './library.ts';

export interface LinkSettings {
  /** null or absent: never expires. */
  readonly expiresAt?: Date | null;
  /** Part of the key: without it the URL opens nothing. */
  readonly password?: string;
  /** Default true. Off: previews only (a courtesy, not a protection: a visitor sees the pixels). */
  readonly allowDownload?: boolean;
}

/**
 * What a link points at: a photo (of my library; or, with `albumId`, a photo of that album),
 * or an album I own.
 */
export type LinkTarget = { readonly kind: 'file'; readonly fileId: string; readonly albumId?: string } | { readonly kind: 'album'; readonly albumId: string };

export interface LinkView {
  readonly linkId: string;
  readonly url: string;
  readonly target: { readonly kind: 'file' | 'album'; readonly fileId?: string; readonly albumId?: string };
  readonly hasPassword: boolean;
  readonly expiresAt: string | null;
  readonly allowDownload: boolean;
  readonly createdAt: string;
  readonly accessCount: number;
  readonly missingEpochs: readonly number[];
}

/** Splits `BASE/s/LINK_ID#SECRET`. */
export function parseLinkUrl(url: string): { server: string; linkId: string; secret: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`"${url}" is not a link (expected https://…/s/LINK_ID#SECRET)`);
  }
  const m = /^(.*)\/s\/([0-9a-fA-F-]{36})\/?$/.exec(u.pathname);
  if (!m) throw new UsageError(`"${url}" is not an Obscura link (expected …/s/LINK_ID#SECRET)`);
  const secret = u.hash.replace(/^#/, '');
  if (!secret) throw new UsageError('the link has no key after "#" (it was copied incompletely?)');
  return { server: u.origin + m[1], linkId: m[2]!.toLowerCase(), secret };
}

export class Links {
  constructor(readonly library: Library, readonly albums: Albums, private readonly kdf: KdfParams = DEFAULT_KDF_PARAMS) {}

  private get session() {
    return this.library.session;
  }
  private get api() {
    return this.library.session.api;
  }

  private urlOf(linkId: string, secret: string): string {
    return `${this.api.baseUrl}/s/${linkId}#${secret}`;
  }

  private async keysFor(linkId: string, secret: string, password: string | undefined) {
    const params = password !== undefined ? newLinkPasswordParams(this.kdf) : undefined;
    const keys = await deriveLinkKeys(secret, password, params);
    return { ...keys, passwordParamsB64: params ? toBase64(encodeLinkPasswordParams(params)) : null };
  }

  private async ownerBlob(linkId: string, linkKey: LinkKey, secret: string) {
    const me = this.session;
    const w = await wrapLinkForOwner(me.bundle.libraryKey, { linkKey, secret }, { linkId, ownerId: me.user.id });
    return { ownerWrappedLinkKeyB64: toBase64(w.wrappedLinkKey), ownerWrappedSecretB64: toBase64(w.wrappedSecret) };
  }

  /**
   * The photo a file link wraps the key of: through the album named (an album of mine, or one
   * I am a member of), else from my library.
   */
  private openPhoto(target: { fileId: string; albumId?: string }): Promise<PhotoKeys & { readonly metadata: FileMetadata }> {
    return target.albumId !== undefined ? this.albums.photo(target.albumId, target.fileId) : this.library.open(target.fileId);
  }

  private async targetKeys(linkId: string, linkKey: LinkKey, target: LinkTarget, photo?: PhotoKeys) {
    if (target.kind === 'file') {
      const p = photo ?? (await this.openPhoto(target));
      return { fileKey: { wrappedB64: toBase64(await wrapFileKeyForLink(linkKey, p.fileKey, { linkId, fileId: target.fileId })) } };
    }
    const { keys } = await this.albums.epochKeys(target.albumId);
    const albumKeys = [];
    for (const k of [...keys.values()].sort((a, b) => a.epoch - b.epoch)) {
      albumKeys.push({ epoch: k.epoch, wrappedB64: toBase64(await wrapAlbumKeyForLink(linkKey, k, { linkId })) });
    }
    return { albumKeys };
  }

  /**
   * Creates a public link to a photo, or to an album I own. A photo of my library by its id;
   * a photo of an album by its id and `albumId` (opened and verified through the album): when
   * it is not in my library — uploaded straight into the album — a one-photo share of mine is
   * made to hold it first (see [Note: a link to a photo outside my library] in albums.ts), which
   * only a photo's owner or the owner of an album holding it may do (editors: photos they uploaded).
   */
  async create(target: LinkTarget, settings: LinkSettings = {}): Promise<LinkView> {
    if (settings.password !== undefined && settings.password.length === 0) throw new UsageError('a link password cannot be empty');
    const linkId = crypto.randomUUID();
    const secret = createLinkSecret();
    const k = await this.keysFor(linkId, secret, settings.password);
    const photo = target.kind === 'file' ? await this.openPhoto(target) : undefined;
    // The server names the photo by its id alone and finds for itself what of mine holds it.
    const wire = target.kind === 'file' ? { kind: 'file' as const, fileId: target.fileId } : { kind: 'album' as const, albumId: target.albumId };
    const body = {
      linkId, target: wire, accessVerifierB64: toBase64(k.accessVerifier), passwordParamsB64: k.passwordParamsB64,
      expiresAt: settings.expiresAt ? settings.expiresAt.toISOString() : null, allowDownload: settings.allowDownload ?? true,
      ...(await this.ownerBlob(linkId, k.linkKey, secret)), ...(await this.targetKeys(linkId, k.linkKey, target, photo)),
    };
    let info: LinkInfo;
    try {
      info = await this.api.call('createLink', { body });
    } catch (e) {
      // Neither in my library nor in a one-photo share of mine: make the share, then the same link.
      if (!(photo && target.kind === 'file' && target.albumId !== undefined && e instanceof ApiError && e.status === 404 && e.code === 'not-found')) throw e;
      await this.albums.photoShareFor(photo);
      info = await this.api.call('createLink', { body });
    }
    return this.view(info);
  }

  private async unwrapOwner(info: LinkInfo): Promise<{ linkKey: LinkKey; secret: string }> {
    const me = this.session;
    return verifying(`link ${info.linkId}`, () => unwrapLinkForOwner(me.bundle.libraryKey, {
      wrappedLinkKey: fromBase64(info.ownerWrappedLinkKeyB64), wrappedSecret: fromBase64(info.ownerWrappedSecretB64),
    }, { linkId: info.linkId, ownerId: me.user.id }));
  }

  private async view(info: LinkInfo): Promise<LinkView> {
    const { secret } = await this.unwrapOwner(info);
    return {
      linkId: info.linkId, url: this.urlOf(info.linkId, secret), target: info.target, hasPassword: info.hasPassword,
      expiresAt: info.expiresAt, allowDownload: info.allowDownload, createdAt: info.createdAt, accessCount: info.accessCount,
      missingEpochs: info.missingEpochs,
    };
  }

  /**
   * My links. Album links that lack the key of a newer epoch (an editor rotated the album
   * after someone left) are given it here, so visitors see the new photos.
   */
  async list(): Promise<LinkView[]> {
    const { links } = await this.api.call('listLinks');
    const out: LinkView[] = [];
    for (let info of links) {
      if (info.target.kind === 'album' && info.target.albumId && info.missingEpochs.length > 0) {
        const { linkKey } = await this.unwrapOwner(info);
        const { keys } = await this.albums.epochKeys(info.target.albumId);
        const albumKeys = [];
        for (const e of info.missingEpochs) {
          const k = keys.get(e);
          if (k) albumKeys.push({ epoch: e, wrappedB64: toBase64(await wrapAlbumKeyForLink(linkKey, k, { linkId: info.linkId })) });
        }
        if (albumKeys.length) info = await this.api.call('addLinkKeys', { params: { linkId: info.linkId }, body: { albumKeys } });
      }
      out.push(await this.view(info));
    }
    return out;
  }

  /**
   * Changes expiry, downloads or password. The URL stays the same: the password is not
   * part of it; a new password re-derives the key and every wrapped key is replaced.
   */
  async update(linkId: string, change: { expiresAt?: Date | null; allowDownload?: boolean; password?: string | null }): Promise<LinkView> {
    const body: Record<string, unknown> = {};
    if (change.expiresAt !== undefined) body.expiresAt = change.expiresAt ? change.expiresAt.toISOString() : null;
    if (change.allowDownload !== undefined) body.allowDownload = change.allowDownload;
    if (change.password !== undefined) {
      if (change.password !== null && change.password.length === 0) throw new UsageError('a link password cannot be empty');
      const info = (await this.api.call('listLinks')).links.find((l) => l.linkId === linkId);
      if (!info) throw new ApiError(404, 'not-found', 'this link no longer exists');
      const { secret } = await this.unwrapOwner(info);
      const k = await this.keysFor(linkId, secret, change.password ?? undefined);
      // A link to a photo held by a one-photo share names that share: its key is opened through it.
      const target: LinkTarget = info.target.kind === 'file'
        ? { kind: 'file', fileId: info.target.fileId!, ...(info.target.albumId ? { albumId: info.target.albumId } : {}) }
        : { kind: 'album', albumId: info.target.albumId! };
      body.rekey = {
        accessVerifierB64: toBase64(k.accessVerifier), passwordParamsB64: k.passwordParamsB64,
        ownerWrappedLinkKeyB64: (await this.ownerBlob(linkId, k.linkKey, secret)).ownerWrappedLinkKeyB64,
        ...(await this.targetKeys(linkId, k.linkKey, target)),
      };
    }
    return this.view(await this.api.call('updateLink', { params: { linkId }, body: body as never }));
  }

  /** Destroys the link at once. */
  async delete(linkId: string): Promise<void> {
    await this.api.call('deleteLink', { params: { linkId } });
  }
}

// ---------------------------------------------------------------- visitors (no account)

export interface LinkPhoto extends PhotoKeys {
  readonly metadata: FileMetadata;
  /** Display name of the uploader whose signature verified (as the server names them). */
  readonly uploader: { readonly id: string; readonly displayName: string };
}

export interface OpenedLink {
  readonly kind: 'file' | 'album';
  readonly albumName?: string;
  readonly allowDownload: boolean;
  readonly expiresAt: string | null;
  readonly photos: LinkPhoto[];
  /** Photos that failed verification, with the reason (never shown as someone's photo). */
  readonly refused: { readonly fileId: string; readonly problem: string }[];
  download(photo: LinkPhoto): AsyncGenerator<Uint8Array>;
  thumbnail(photo: LinkPhoto, size: 'small' | 'large'): Promise<Uint8Array>;
}

async function openLinkFile(linkId: string, f: LinkFile | LinkAlbumItem, fileKey: () => Promise<FileKey>): Promise<LinkPhoto> {
  return verifying(f.fileId, async () => {
    // [Note: link visitors trust the server's name for the uploader] a visitor has no
    // account and no pinned keys; the signature still binds the photo to that key and id.
    const signer = ed25519PublicKeyFromBytes(fromBase64(f.uploader.ed25519PublicKeyB64));
    const manifest: Manifest = await verifyManifest(fromBase64(f.manifestB64), fromBase64(f.signatureB64), signer, { fileId: f.fileId, uploaderId: f.uploader.id });
    const key = await fileKey();
    const metadataCt = fromBase64(f.metadataB64);
    await checkBlob(manifest, 'metadata', metadataCt);
    const metadata = await decryptMetadata(key, f.fileId, metadataCt);
    if (f.blocks.length !== manifest.blockHashes.length) throw new CryptoError('manifest-mismatch', `link ${linkId}: block list differs from the signed manifest`);
    return { fileId: f.fileId, manifest, fileKey: key, metadata, uploader: { id: f.uploader.id, displayName: f.uploader.displayName } };
  });
}

/**
 * Opens a public link as a visitor: derives the key from the URL secret (+ password),
 * proves it to the server, and verifies every photo before returning it.
 */
export async function openLink(url: string, opts: { password?: string; fetch?: typeof fetch } = {}): Promise<OpenedLink> {
  const { server, linkId, secret } = parseLinkUrl(url);
  const anon = new ApiClient({ baseUrl: server, fetch: opts.fetch });
  const params: LinkParams = await anon.call('linkParams', { params: { linkId } });
  if (params.hasPassword && opts.password === undefined) throw new UsageError('this link is protected by a password; give it with --password or OBSCURA_LINK_PASSWORD');
  const passwordParams = params.hasPassword && params.passwordParamsB64 ? decodeLinkPasswordParams(fromBase64(params.passwordParamsB64)) : undefined;
  const { linkKey, accessProof } = await deriveLinkKeys(secret, params.hasPassword ? opts.password : undefined, passwordParams);
  const api = new ApiClient({ baseUrl: server, linkProof: toBase64Url(accessProof), fetch: opts.fetch });
  const photos: LinkPhoto[] = [];
  const refused: { fileId: string; problem: string }[] = [];
  let albumName: string | undefined;
  const attempt = async (f: LinkFile | LinkAlbumItem, key: () => Promise<FileKey>) => {
    try {
      photos.push(await openLinkFile(linkId, f, key));
    } catch (e) {
      if (!(e instanceof IntegrityError)) throw e;
      refused.push({ fileId: f.fileId, problem: e.message });
    }
  };
  let since = 0;
  const albumKeys = new Map<number, AlbumEpochKey>();
  for (;;) {
    const content = await api.call('linkContent', { params: { linkId }, query: { since, limit: 1000 } });
    if (content.kind === 'file') {
      const f = content.file;
      await attempt(f, () => unwrapFileKeyForLink(linkKey, fromBase64(f.wrappedKeyB64), { linkId, fileId: f.fileId }));
      break;
    }
    for (const k of content.albumKeys) {
      if (!albumKeys.has(k.epoch)) {
        albumKeys.set(k.epoch, await verifying(`album ${content.albumId}`, () =>
          unwrapAlbumKeyForLink(linkKey, fromBase64(k.wrappedB64), { linkId, albumId: content.albumId, epoch: k.epoch })));
      }
    }
    if (albumName === undefined) {
      const mk = albumKeys.get(content.metadataEpoch);
      if (mk) albumName = (await verifying(`album ${content.albumId}`, () => decryptAlbumMetadata(mk, fromBase64(content.albumMetadataB64)))).name;
    }
    await mapConcurrent(content.items, 32, (it) => attempt(it, async () => {
      const k = albumKeys.get(it.epoch);
      if (!k) throw new CryptoError('wrong-context', `this link has no key for album epoch ${it.epoch} yet (the owner's app adds it)`);
      return unwrapFileKeyForAlbum(k, fromBase64(it.wrappedKeyB64), { fileId: it.fileId });
    }));
    since = content.nextSince;
    if (!content.hasMore) break;
  }
  photos.sort((a, b) => b.metadata.capturedAt - a.metadata.capturedAt || a.fileId.localeCompare(b.fileId));
  const content = {
    async *download(photo: LinkPhoto): AsyncGenerator<Uint8Array> {
      if (!params.allowDownload) throw new ApiError(403, 'forbidden', 'downloads are turned off for this link; previews only');
      const count = photo.manifest.blockHashes.length;
      async function* blocks() {
        for (let index = 0; index < count; index++) yield await api.download('linkBlock', { linkId, fileId: photo.fileId, index });
      }
      const it = decryptFile(photo.fileKey, photo.fileId, photo.manifest, blocks());
      try {
        for (;;) {
          const r = await verifying(photo.fileId, () => it.next());
          if (r.done) return;
          yield r.value;
        }
      } finally {
        await it.return(undefined);
      }
    },
    async thumbnail(photo: LinkPhoto, size: 'small' | 'large'): Promise<Uint8Array> {
      const ct = await api.download('linkThumbnail', { linkId, fileId: photo.fileId, size });
      return verifying(photo.fileId, async () => {
        await checkBlob(photo.manifest, size === 'small' ? 'thumbnail-small' : 'thumbnail-large', ct);
        return decryptThumbnail(photo.fileKey, photo.fileId, size, ct);
      });
    },
  };
  return {
    kind: params.kind, ...(albumName !== undefined ? { albumName } : {}), allowDownload: params.allowDownload, expiresAt: params.expiresAt,
    photos, refused, download: content.download, thumbnail: content.thumbnail,
  };
}
