// Albums and sharing them with people, on the client: every album name, message and key is
// encrypted here; the server sees only opaque blobs, ids, roles and counts.
import {
  newAlbumKey, rotateAlbumKey, encryptAlbumMetadata, decryptAlbumMetadata, sealAlbumKey, openSealedAlbumKey,
  sealMessage, openMessage, wrapFileKeyForAlbum, unwrapFileKeyForAlbum, wrapFileKeyForLibrary, wrapAlbumKeyForLink, unwrapLinkForOwner,
  verifyManifest, checkBlob, decryptMetadata, fromBase64, toBase64, utf8Encode, utf8Decode, CryptoError,
  type AlbumEpochKey, type AlbumMetadata, type FileMetadata, type Manifest, type FileKey,
} from '@obscura/crypto';
import type { AlbumDetail, AlbumItem, AlbumMember, AlbumSummary, Role, MemberRole, SealedKey, UserRef } from '@obscura/protocol';
import { IntegrityError, UsageError, verifying } from './errors.ts';
import { fingerprintOf } from './keys.ts';
import { mapConcurrent } from './concurrency.ts';
import type { Library, PhotoKeys, UploadOptions, UploadResult } from './library.ts';
import type { RandomAccessSource } from './media/index.ts';

export interface AlbumView {
  readonly albumId: string;
  /** 'photo': one photo shared with people (its caption is the album description). */
  readonly kind: 'album' | 'photo';
  readonly caption?: string;
  /** Decrypted name; absent when it could not be verified (see `problem`). */
  readonly name?: string;
  readonly coverFileId?: string;
  readonly owner: { readonly id: string; readonly email: string; readonly displayName: string };
  readonly myRole: Role;
  readonly itemCount: number;
  readonly memberCount: number;
  readonly linkCount: number;
  /** Owned by me and shared with someone (members or links). */
  readonly sharedByMe: boolean;
  readonly rotationNeeded: boolean;
  readonly problem?: string;
}

export interface AlbumPhoto extends PhotoKeys {
  readonly albumId: string;
  readonly epoch: number;
  readonly metadata: FileMetadata;
  /** The uploader whose signature verified. */
  readonly uploader: { readonly id: string; readonly displayName: string; readonly verified: true };
  readonly addedBy: { readonly id: string; readonly displayName: string };
  readonly addedAt: string;
}

export interface BrokenAlbumPhoto {
  readonly fileId: string;
  readonly albumId: string;
  readonly uploader: { readonly id: string; readonly displayName: string; readonly verified: false };
  readonly problem: string;
}

export interface MemberView {
  readonly invitationId: string;
  readonly userId: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
  readonly status: AlbumMember['status'];
  readonly fingerprint: string;
}

export interface InvitationView {
  readonly invitationId: string;
  readonly albumId: string;
  readonly kind: 'album' | 'photo';
  readonly albumName?: string;
  readonly role: Role;
  readonly from: { readonly id: string; readonly email: string; readonly displayName: string; readonly fingerprint: string };
  readonly message?: string;
  readonly invitedAt: string;
  readonly problem?: string;
}

export interface ShareOptions {
  readonly role: MemberRole;
  /** End-to-end encrypted message shown to the invitee in the app. */
  readonly message?: string;
  /** Opt-in: also put the album name and the message in the invitation email (the server then sees them). */
  readonly includeNameInEmail?: boolean;
}

const inviteTopic = (albumId: string) => `obscura/invitation/${albumId}`;
/** Items verified at once when listing an album. */
const VERIFY_CONCURRENCY = 32;

export class Albums {
  /** Opened epoch keys by album id, then epoch. */
  private readonly keyCache = new Map<string, Map<number, AlbumEpochKey>>();

  constructor(readonly library: Library) {}

  private get session() {
    return this.library.session;
  }
  private get api() {
    return this.library.session.api;
  }

  // ------------------------------------------------------------ keys

  private async openKeys(albumId: string, sealed: readonly SealedKey[]): Promise<Map<number, AlbumEpochKey>> {
    const cache = this.keyCache.get(albumId) ?? new Map<number, AlbumEpochKey>();
    this.keyCache.set(albumId, cache);
    for (const s of sealed) {
      if (cache.has(s.epoch)) continue;
      const senderPublicKey = this.library.pins.signingKeyOf(this.session, s.sealedBy);
      const key = await verifying(`album ${albumId}`, () => openSealedAlbumKey({
        recipient: { userId: this.session.user.id, boxKeys: this.session.bundle.boxKeys },
        senderPublicKey, senderId: s.sealedBy.id, sealed: fromBase64(s.sealedB64), expect: { albumId, epoch: s.epoch },
      }));
      cache.set(s.epoch, key);
    }
    return cache;
  }

  private async detail(albumId: string): Promise<{ detail: AlbumDetail; keys: Map<number, AlbumEpochKey>; current: AlbumEpochKey }> {
    const detail = await this.api.call('getAlbum', { params: { albumId } });
    const keys = await this.openKeys(albumId, detail.myKeys);
    const current = keys.get(detail.currentEpoch);
    if (!current) throw new IntegrityError(`album ${albumId}`, `no key for the current epoch ${detail.currentEpoch} was sealed to me`);
    return { detail, keys, current };
  }

  /** Every epoch key of the album I hold, and the current one. */
  async epochKeys(albumId: string): Promise<{ current: AlbumEpochKey; keys: ReadonlyMap<number, AlbumEpochKey> }> {
    const { keys, current } = await this.detail(albumId);
    return { current, keys };
  }

  private async metadataOf(summary: AlbumSummary, keys: Map<number, AlbumEpochKey>): Promise<AlbumMetadata> {
    const key = keys.get(summary.metadataEpoch);
    if (!key) throw new IntegrityError(`album ${summary.albumId}`, `no key for epoch ${summary.metadataEpoch} of its name`);
    return verifying(`album ${summary.albumId}`, () => decryptAlbumMetadata(key, fromBase64(summary.metadataB64)));
  }

  private view(summary: AlbumSummary, meta: AlbumMetadata | undefined, problem?: string): AlbumView {
    return {
      albumId: summary.albumId,
      kind: summary.kind,
      ...(meta ? { name: meta.name } : {}),
      ...(meta?.description ? { caption: meta.description } : {}),
      ...(meta?.coverFileId ? { coverFileId: meta.coverFileId } : {}),
      owner: { id: summary.owner.id, email: summary.owner.email, displayName: summary.owner.displayName },
      myRole: summary.myRole, itemCount: summary.itemCount, memberCount: summary.memberCount, linkCount: summary.linkCount,
      sharedByMe: summary.myRole === 'owner' && summary.memberCount + summary.linkCount > 0,
      rotationNeeded: summary.rotationNeeded,
      ...(problem ? { problem } : {}),
    };
  }

  // ------------------------------------------------------------ albums

  async create(name: string, opts: { kind?: 'album' | 'photo' } = {}): Promise<AlbumView> {
    if (!name.trim()) throw new UsageError('an album needs a name');
    const albumId = crypto.randomUUID();
    const key = newAlbumKey(albumId, 1);
    const me = this.session;
    const sealed = await sealAlbumKey({
      sender: { userId: me.user.id, signingKeys: me.bundle.signingKeys },
      recipient: { userId: me.user.id, x25519PublicKey: me.bundle.boxKeys.publicKey }, albumKey: key,
    });
    const detail = await this.api.call('createAlbum', {
      body: { albumId, metadataB64: toBase64(await encryptAlbumMetadata(key, { name })), sealedKeyB64: toBase64(sealed), ...(opts.kind ? { kind: opts.kind } : {}) },
    });
    this.keyCache.set(albumId, new Map([[1, key]]));
    return this.view(detail, { name });
  }

  /** My albums (owned, and shared with me and accepted), names decrypted. */
  async list(): Promise<AlbumView[]> {
    const { albums } = await this.api.call('listAlbums');
    const out: AlbumView[] = [];
    for (const a of albums) {
      try {
        const keys = this.keyCache.get(a.albumId)?.has(a.metadataEpoch)
          ? this.keyCache.get(a.albumId)!
          : (await this.detail(a.albumId)).keys;
        out.push(this.view(a, await this.metadataOf(a, keys)));
      } catch (e) {
        if (!(e instanceof IntegrityError) && !(e instanceof Error && e.name === 'KeyChangedError')) throw e;
        out.push(this.view(a, undefined, e.message));
      }
    }
    return out;
  }

  /** "Shared": albums I own that have members or links. */
  async sharedByMe(): Promise<AlbumView[]> {
    return (await this.list()).filter((a) => a.sharedByMe);
  }

  /** "Shared with me": albums I am a member of (pending invitations: `invitations()`). */
  async sharedWithMe(): Promise<AlbumView[]> {
    return (await this.list()).filter((a) => a.myRole !== 'owner');
  }

  async get(albumId: string): Promise<AlbumView> {
    const { detail, keys } = await this.detail(albumId);
    return this.view(detail, await this.metadataOf(detail, keys));
  }

  private async updateMetadata(albumId: string, change: (m: AlbumMetadata) => AlbumMetadata): Promise<AlbumView> {
    const { detail, keys, current } = await this.detail(albumId);
    const meta = change(await this.metadataOf(detail, keys));
    const updated = await this.api.call('updateAlbumMetadata', {
      params: { albumId }, body: { epoch: current.epoch, metadataB64: toBase64(await encryptAlbumMetadata(current, meta)) },
    });
    return this.view(updated, meta);
  }

  rename(albumId: string, name: string): Promise<AlbumView> {
    if (!name.trim()) throw new UsageError('an album needs a name');
    return this.updateMetadata(albumId, (m) => ({ ...m, name }));
  }

  setCover(albumId: string, fileId: string): Promise<AlbumView> {
    return this.updateMetadata(albumId, (m) => ({ ...m, coverFileId: fileId }));
  }

  /** The caption of a shared photo (owner and editors may change it). */
  setCaption(albumId: string, caption: string): Promise<AlbumView> {
    return this.updateMetadata(albumId, (m) => ({ ...m, description: caption }));
  }

  /**
   * Shares one photo of my library with people: a one-photo share (kind 'photo') with the
   * same invitations, roles, revoke and stop-sharing as albums.
   */
  async sharePhoto(
    photo: string | (PhotoKeys & { readonly metadata: FileMetadata }), emails: readonly string[], opts: ShareOptions,
  ): Promise<{ albumId: string; members: MemberView[] }> {
    // a photo of my library by id, or an opened photo (e.g. from an album I'm a member of)
    const opened = typeof photo === 'string' ? await this.library.open(photo) : photo;
    const share = await this.create(opened.metadata.name, { kind: 'photo' });
    await this.addOpened(share.albumId, [opened]);
    return { albumId: share.albumId, members: await this.share(share.albumId, emails, opts) };
  }

  async delete(albumId: string): Promise<number> {
    return (await this.api.call('deleteAlbum', { params: { albumId } })).deletedFiles;
  }

  // ------------------------------------------------------------ photos

  /** Makes sure the album key is fresh (someone left) before anything is added under it. */
  private async currentForAdding(albumId: string): Promise<AlbumEpochKey> {
    const { detail, current } = await this.detail(albumId);
    if (!detail.rotationNeeded) return current;
    return (await this.rotate(albumId)).current;
  }

  /** Adds photos from my library: only their keys are re-wrapped, no byte is re-uploaded. */
  async addPhotos(albumId: string, fileIds: readonly string[]): Promise<number> {
    const photos = await mapConcurrent(fileIds, VERIFY_CONCURRENCY, (fileId) => this.library.open(fileId));
    return this.addOpened(albumId, photos);
  }

  /** Adds photos whose file keys I already hold (re-wrapped under the current epoch key). */
  private async addOpened(albumId: string, photos: readonly PhotoKeys[]): Promise<number> {
    const key = await this.currentForAdding(albumId);
    let added = 0;
    for (let i = 0; i < photos.length; i += 1000) {
      const items = await mapConcurrent(photos.slice(i, i + 1000), VERIFY_CONCURRENCY, async (p) =>
        ({ fileId: p.fileId, wrappedKeyB64: toBase64(await wrapFileKeyForAlbum(key, p.fileKey, { fileId: p.fileId })) }));
      added += (await this.api.call('addAlbumItems', { params: { albumId }, body: { epoch: key.epoch, items } })).added;
    }
    return added;
  }

  /**
   * Uploads straight into the album (owners and editors). The album owner's storage is
   * charged. A file already in my library is added by reference instead of uploaded again.
   */
  async upload(albumId: string, source: RandomAccessSource, opts: Omit<UploadOptions, 'album'>): Promise<UploadResult> {
    const digest = opts.digest ?? (await this.library.digestOf(source));
    const mine = (await this.library.lookup([digest.contentHash])).get(digest.contentHash);
    if (mine?.status === 'complete') {
      await this.addPhotos(albumId, [mine.fileId]);
      return { status: 'duplicate', fileId: mine.fileId, name: source.name, contentHash: digest.contentHash };
    }
    const key = await this.currentForAdding(albumId);
    return this.library.upload(source, { ...opts, digest, album: key });
  }

  async removePhotos(albumId: string, fileIds: readonly string[]): Promise<number> {
    return (await this.api.call('removeAlbumItems', { params: { albumId }, body: { fileIds: [...fileIds] } })).removed;
  }

  /**
   * The album's photos, each verified: the uploader's signature over the manifest, the key
   * wrapped for this album and epoch, and the metadata against the manifest. Photos that fail
   * are returned apart, with the reason, never shown as someone's photo.
   */
  async photos(albumId: string): Promise<{ photos: AlbumPhoto[]; refused: BrokenAlbumPhoto[] }> {
    const { keys } = await this.detail(albumId);
    const items = new Map<string, AlbumItem>();
    let since = 0;
    for (;;) {
      const page = await this.api.call('listAlbumItems', { params: { albumId }, query: { since, limit: 1000 } });
      for (const it of page.items) {
        if (it.state === 'removed') items.delete(it.fileId);
        else items.set(it.fileId, it);
      }
      since = page.nextSince;
      if (!page.hasMore) break;
    }
    const photos: AlbumPhoto[] = [];
    const refused: BrokenAlbumPhoto[] = [];
    const opened = await mapConcurrent([...items.values()], VERIFY_CONCURRENCY, async (it) => {
      try {
        return await this.openItem(albumId, it, keys);
      } catch (e) {
        if (!(e instanceof IntegrityError) && !(e instanceof Error && e.name === 'KeyChangedError')) throw e;
        return { fileId: it.fileId, albumId, uploader: { id: it.uploader.id, displayName: it.uploader.displayName, verified: false as const }, problem: e.message };
      }
    });
    for (const o of opened) {
      if ('problem' in o) refused.push(o);
      else photos.push(o);
    }
    photos.sort((a, b) => b.metadata.capturedAt - a.metadata.capturedAt || a.fileId.localeCompare(b.fileId));
    return { photos, refused };
  }

  private async openItem(albumId: string, it: AlbumItem, keys: Map<number, AlbumEpochKey>): Promise<AlbumPhoto> {
    const fileId = it.fileId;
    return verifying(fileId, async () => {
      const key = keys.get(it.epoch);
      if (!key) throw new CryptoError('wrong-context', `no key of album ${albumId} for epoch ${it.epoch}`);
      const signer = this.library.pins.signingKeyOf(this.session, it.uploader);
      const manifest: Manifest = await verifyManifest(fromBase64(it.manifestB64), fromBase64(it.signatureB64), signer, { fileId, uploaderId: it.uploader.id });
      const fileKey: FileKey = await unwrapFileKeyForAlbum(key, fromBase64(it.wrappedKeyB64), { fileId });
      const metadataCt = fromBase64(it.metadataB64);
      await checkBlob(manifest, 'metadata', metadataCt);
      const metadata = await decryptMetadata(fileKey, fileId, metadataCt);
      return {
        fileId, albumId, epoch: it.epoch, manifest, fileKey, metadata,
        uploader: { id: it.uploader.id, displayName: it.uploader.displayName, verified: true },
        addedBy: { id: it.addedBy.id, displayName: it.addedBy.displayName }, addedAt: it.addedAt,
      };
    });
  }

  // ------------------------------------------------------------ people

  async members(albumId: string): Promise<MemberView[]> {
    const { members } = await this.api.call('listMembers', { params: { albumId } });
    return Promise.all(members.map(async (m) => ({
      invitationId: m.invitationId, userId: m.user.id, email: m.user.email, displayName: m.user.displayName,
      role: m.role, status: m.status, fingerprint: await fingerprintOf(m.user),
    })));
  }

  /**
   * Shares the album with registered people by email. Every epoch key is sealed to each
   * invitee (so they see older photos too) and signed by me; their keys are pinned.
   */
  async share(albumId: string, emails: readonly string[], opts: ShareOptions): Promise<MemberView[]> {
    if (emails.length === 0) throw new UsageError('name at least one email address to share with');
    const { detail, keys } = await this.detail(albumId);
    const { users } = await this.api.call('usersLookup', { body: { emails: [...emails] } });
    const me = this.session;
    const sender = { userId: me.user.id, signingKeys: me.bundle.signingKeys };
    const meta = await this.metadataOf(detail, keys);
    const invites = [];
    for (const u of users) {
      if (u.id === me.user.id) throw new UsageError(`${u.email} is you; albums you own are already yours`);
      const pk = this.library.pins.publicKeysOf(me, u);
      const recipient = { userId: u.id, x25519PublicKey: pk.x25519 };
      const sealedKeys = [];
      for (let epoch = 1; epoch <= detail.currentEpoch; epoch++) {
        const k = keys.get(epoch);
        if (!k) throw new IntegrityError(`album ${albumId}`, `I hold no key for epoch ${epoch}, so I cannot share older photos`);
        sealedKeys.push({ epoch, sealedB64: toBase64(await sealAlbumKey({ sender, recipient, albumKey: k })) });
      }
      const messageSealedB64 = opts.message
        ? toBase64(await sealMessage({ sender, recipient, topic: inviteTopic(albumId), message: utf8Encode(opts.message) }))
        : undefined;
      invites.push({
        userId: u.id, role: opts.role, sealedKeys,
        ...(messageSealedB64 ? { messageSealedB64 } : {}),
        ...(opts.includeNameInEmail ? { email: { albumName: meta.name, ...(opts.message ? { message: opts.message } : {}) } } : {}),
      });
    }
    await this.api.call('shareAlbum', { params: { albumId }, body: { invites } });
    return this.members(albumId);
  }

  /** The album's member list, and the (non-owner) member with this email. */
  private async memberByEmail(albumId: string, email: string): Promise<{ member: AlbumMember; members: AlbumMember[] }> {
    const { members } = await this.api.call('listMembers', { params: { albumId } });
    const member = members.find((x) => x.user.email.toLowerCase() === email.toLowerCase() && x.role !== 'owner');
    if (!member) throw new UsageError(`${email} is not a member of this album`);
    return { member, members };
  }

  async setRole(albumId: string, email: string, role: MemberRole): Promise<void> {
    const { member } = await this.memberByEmail(albumId, email);
    await this.api.call('updateMember', { params: { albumId, userId: member.user.id }, body: { role } });
  }

  /**
   * A new epoch key sealed to `keep` (user refs incl. me), and the metadata re-encrypted.
   * [Note: why album keys rotate] someone removed keeps every key they ever held; only a
   * new key they never see keeps photos added afterwards out of their reach.
   */
  private async rotation(albumId: string, keep: readonly UserRef[]) {
    const { detail, keys, current } = await this.detail(albumId);
    const meta = await this.metadataOf(detail, keys);
    const next = rotateAlbumKey(current);
    const me = this.session;
    const sender = { userId: me.user.id, signingKeys: me.bundle.signingKeys };
    const sealedKeys = [];
    for (const u of keep) {
      const pk = this.library.pins.publicKeysOf(me, u);
      sealedKeys.push({ userId: u.id, sealedB64: toBase64(await sealAlbumKey({ sender, recipient: { userId: u.id, x25519PublicKey: pk.x25519 }, albumKey: next })) });
    }
    const linkKeys = await this.linkKeysFor(albumId, next);
    return { next, rotation: { epoch: next.epoch, metadataB64: toBase64(await encryptAlbumMetadata(next, meta)), sealedKeys, ...(linkKeys.length ? { linkKeys } : {}) } };
  }

  /**
   * The new epoch key wrapped for each public link of the album I own, sent with the
   * rotation so link visitors keep seeing new photos. (Links are listed only to their owner;
   * after an editor's rotation the owner's app adds the key later — see Links.list.)
   */
  private async linkKeysFor(albumId: string, next: AlbumEpochKey): Promise<{ linkId: string; wrappedB64: string }[]> {
    const me = this.session;
    const { links } = await this.api.call('listLinks');
    const out = [];
    for (const info of links.filter((l) => l.target.kind === 'album' && l.target.albumId === albumId)) {
      const { linkKey } = await verifying(`link ${info.linkId}`, () => unwrapLinkForOwner(me.bundle.libraryKey, {
        wrappedLinkKey: fromBase64(info.ownerWrappedLinkKeyB64), wrappedSecret: fromBase64(info.ownerWrappedSecretB64),
      }, { linkId: info.linkId, ownerId: me.user.id }));
      out.push({ linkId: info.linkId, wrappedB64: toBase64(await wrapAlbumKeyForLink(linkKey, next, { linkId: info.linkId })) });
    }
    return out;
  }

  /** Those who keep the album key: the owner, active members and pending invitees. */
  private async remaining(albumId: string, except?: string, members?: readonly AlbumMember[]): Promise<UserRef[]> {
    const list = members ?? (await this.api.call('listMembers', { params: { albumId } })).members;
    return list.filter((m) => (m.status === 'active' || m.status === 'pending') && m.user.id !== except).map((m) => m.user);
  }

  private remember(albumId: string, key: AlbumEpochKey): void {
    const cache = this.keyCache.get(albumId) ?? new Map<number, AlbumEpochKey>();
    cache.set(key.epoch, key);
    this.keyCache.set(albumId, cache);
  }

  /** Removes one person's access and rotates the album key in the same step. */
  async revoke(albumId: string, email: string): Promise<void> {
    const { member, members } = await this.memberByEmail(albumId, email);
    const { next, rotation } = await this.rotation(albumId, await this.remaining(albumId, member.user.id, members));
    await this.api.call('removeMember', { params: { albumId, userId: member.user.id }, body: { rotation } });
    this.remember(albumId, next);
  }

  /** Stop sharing: everyone and every link removed at once; the key rotates to me alone. */
  async unshare(albumId: string): Promise<void> {
    const owner = (await this.remaining(albumId)).filter((u) => u.id === this.session.user.id);
    const { next, rotation } = await this.rotation(albumId, owner);
    await this.api.call('unshareAlbum', { params: { albumId }, body: { rotation } });
    this.remember(albumId, next);
  }

  /** Rotates the key for those who remain (done automatically after someone left). */
  async rotate(albumId: string): Promise<{ current: AlbumEpochKey }> {
    const { next, rotation } = await this.rotation(albumId, await this.remaining(albumId));
    await this.api.call('rotateAlbum', { params: { albumId }, body: { rotation } });
    this.remember(albumId, next);
    return { current: next };
  }

  /** Photos others uploaded that are not in my library (what leaving would lose). */
  async photosToSave(albumId: string): Promise<AlbumPhoto[]> {
    const { photos } = await this.photos(albumId);
    const candidates = photos.filter((p) => p.uploader.id !== this.session.user.id);
    // Same content = same keyed hash in my account, whoever uploaded it and under which id.
    const hashes = await Promise.all(candidates.map((p) => (p.metadata.contentSha256Hex ? this.library.keyedHashOf(p.metadata.contentSha256Hex) : undefined)));
    const present = await this.library.lookup(hashes.filter((h): h is string => h !== undefined));
    return candidates.filter((_, i) => hashes[i] === undefined || !present.has(hashes[i]!));
  }

  /**
   * Saves photos into my library by re-wrapping their keys under my library key: no
   * re-upload, any number of photos, charged to my storage.
   */
  async saveToLibrary(photos: readonly AlbumPhoto[], onProgress?: (done: number, total: number) => void): Promise<number> {
    let added = 0;
    const me = this.session;
    for (let i = 0; i < photos.length; i += 1000) {
      const items = await mapConcurrent(photos.slice(i, i + 1000), VERIFY_CONCURRENCY, async (p) => {
        const sha = p.metadata.contentSha256Hex;
        if (!sha) throw new IntegrityError(p.fileId, 'its metadata carries no content hash, so it cannot be saved without downloading it');
        return {
          fileId: p.fileId,
          wrappedKeyB64: toBase64(await wrapFileKeyForLibrary(me.bundle.libraryKey, p.fileKey, { fileId: p.fileId, ownerId: me.user.id })),
          contentHash: await this.library.keyedHashOf(sha),
        };
      });
      added += (await this.api.call('libraryAdd', { body: { items } })).added;
      onProgress?.(Math.min(i + 1000, photos.length), photos.length);
    }
    return added;
  }

  /** Leaves for good; with `savePhotos`, first saves what others uploaded into my library. */
  async leave(albumId: string, opts: { savePhotos: boolean; onProgress?: (done: number, total: number) => void }): Promise<{ saved: number }> {
    let saved = 0;
    if (opts.savePhotos) saved = await this.saveToLibrary(await this.photosToSave(albumId), opts.onProgress);
    await this.api.call('leaveAlbum', { params: { albumId } });
    this.keyCache.delete(albumId);
    return { saved };
  }

  // ------------------------------------------------------------ invitations

  async invitations(): Promise<InvitationView[]> {
    const { invitations } = await this.api.call('listInvitations');
    const me = this.session;
    const out: InvitationView[] = [];
    for (const inv of invitations) {
      const from = { id: inv.invitedBy.id, email: inv.invitedBy.email, displayName: inv.invitedBy.displayName, fingerprint: await fingerprintOf(inv.invitedBy) };
      const base = { invitationId: inv.invitationId, albumId: inv.albumId, kind: inv.albumKind, role: inv.role, from, invitedAt: inv.invitedAt };
      try {
        const keys = await this.openKeys(inv.albumId, inv.sealedKeys);
        const key = keys.get(inv.metadataEpoch);
        if (!key) throw new IntegrityError(`album ${inv.albumId}`, 'the invitation carries no key for the album name');
        const meta = await verifying(`album ${inv.albumId}`, () => decryptAlbumMetadata(key, fromBase64(inv.albumMetadataB64)));
        let message: string | undefined;
        if (inv.messageSealedB64) {
          const bytes = await verifying(`album ${inv.albumId}`, () => openMessage({
            recipient: { userId: me.user.id, boxKeys: me.bundle.boxKeys },
            senderPublicKey: this.library.pins.signingKeyOf(me, inv.invitedBy), senderId: inv.invitedBy.id,
            sealed: fromBase64(inv.messageSealedB64!), expect: { topic: inviteTopic(inv.albumId) },
          }));
          message = utf8Decode(bytes);
        }
        out.push({ ...base, albumName: meta.name, ...(message !== undefined ? { message } : {}) });
      } catch (e) {
        if (!(e instanceof IntegrityError) && !(e instanceof Error && e.name === 'KeyChangedError')) throw e;
        out.push({ ...base, problem: e.message });
      }
    }
    return out;
  }

  async accept(invitationId: string): Promise<AlbumView> {
    const summary = await this.api.call('acceptInvitation', { params: { invitationId } });
    const { keys } = await this.detail(summary.albumId);
    return this.view(summary, await this.metadataOf(summary, keys));
  }

  async decline(invitationId: string): Promise<void> {
    await this.api.call('declineInvitation', { params: { invitationId } });
  }
}
