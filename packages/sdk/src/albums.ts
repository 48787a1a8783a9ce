// Albums and sharing them with people, on the client: every album name, message and key is
// encrypted here; the server sees only opaque blobs, ids, roles and counts. What the server
// says about an album (its owner, members, current key, name) is believed only as far as the
// owner signed it: see [Note: album state is owner-signed] and [Note: album state pins].
import {
  newAlbumKey, rotateAlbumKey, encryptAlbumMetadata, decryptAlbumMetadata, albumMetadataEpoch, sealAlbumKey, openSealedAlbumKey,
  sealMessage, openMessage, wrapFileKeyForAlbum, unwrapFileKeyForAlbum, wrapFileKeyForLibrary, wrapAlbumKeyForLink, unwrapLinkForOwner,
  verifyManifest, checkBlob, decryptMetadata, fromBase64, toBase64, utf8Encode, utf8Decode, CryptoError, constantTimeEqual,
  signAlbumState, verifyAlbumState, albumEpochCommitment, albumMetadataHash, checkMetadataInState, rosterKeys, fingerprint,
  type AlbumEpochKey, type AlbumMetadata, type AlbumState, type AlbumStateInput, type FileMetadata, type Manifest, type FileKey,
  type RosterEntry, type RosterRole,
} from '@obscura/crypto';
import type {
  AlbumDetail, AlbumItem, AlbumMember, AlbumSummary, ExternalInvitation, Invitation, Role, MemberRole, SealedKey, SignedAlbumStateInput, UserRef,
} from '@obscura/protocol';
import { AlbumStatePins, AlbumTrust, AlbumTrustError, unsignedRefusal } from './album-trust.ts';
import { ApiError, IntegrityError, UsageError, verifying } from './errors.ts';
import { fingerprintOf } from './keys.ts';
import { mapConcurrent } from './concurrency.ts';
import type { DuplicateWarning, Library, PhotoKeys, UploadOptions, UploadResult } from './library.ts';
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
  /**
   * 'verified': the album's state is signed by its owner and follows what this client saw
   * before. 'awaiting-owner-setup': made before signed states; readable, but nothing can be
   * added or shared until its owner's one-time setup signs it.
   */
  readonly trust: 'verified' | 'awaiting-owner-setup' | 'refused';
  readonly problem?: string;
}

/** A person as the signed data names them: name, email and key fingerprint (or the first bytes of their signing key). */
export interface VerifiedPerson {
  readonly id: string;
  readonly displayName: string;
  /** Absent only for public-link visitors, who are not told uploaders' emails. */
  readonly email?: string;
}

export interface AlbumPhoto extends PhotoKeys {
  readonly albumId: string;
  readonly epoch: number;
  readonly metadata: FileMetadata;
  /** The uploader whose signature verified, with the email pinned for that key. */
  readonly uploader: VerifiedPerson & { readonly verified: true };
  readonly addedBy: { readonly id: string; readonly displayName: string };
  readonly addedAt: string;
}

export interface BrokenAlbumPhoto {
  readonly fileId: string;
  readonly albumId: string;
  readonly uploader: { readonly id: string; readonly displayName: string; readonly email?: string; readonly verified: false };
  readonly problem: string;
}

export interface MemberView {
  readonly invitationId: string;
  readonly userId: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
  readonly status: AlbumMember['status'];
  /** From the owner-signed roster when the person is in it, else from the server. */
  readonly fingerprint: string;
  /**
   * Whether the owner-signed roster lists this person with this role. A live member the
   * roster does not list was added by someone other than the owner: never sealed to.
   */
  readonly inRoster: boolean;
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
  /**
   * Emails without an account get an invitation to sign up (default true); false refuses them
   * ("no Obscura account for …") and shares with nobody.
   */
  readonly inviteWithoutAccount?: boolean;
}

/**
 * An invitation I sent to an email that had no account ([Note: external invitations]).
 * 'pending': nobody has signed up with it (and proved it) yet; 'signed-up': someone did, and
 * waits for me to finish sharing — `invitee` is the new account as the server names it, with
 * the fingerprint of its keys (show it: the invitee sees the same one in their app);
 * 'expired': it lapsed unanswered (re-send it).
 */
export interface ExternalInvitationView {
  readonly id: string;
  readonly albumId: string;
  readonly albumKind: 'album' | 'photo';
  /** Decrypted album name; absent when the album could not be opened. */
  readonly albumName?: string;
  readonly email: string;
  readonly role: MemberRole;
  readonly status: 'pending' | 'signed-up' | 'expired';
  readonly invitedAt: string;
  readonly expiresAt: string;
  readonly invitee?: { readonly id: string; readonly email: string; readonly displayName: string; readonly fingerprint: string };
  /** Why this one cannot be finished as it is (a changed key, an account under another email). */
  readonly problem?: string;
}

export interface ShareResult {
  /** Everyone in (or invited to) the album now. */
  readonly members: MemberView[];
  /** Emails that had no account: they got an invitation to sign up (finish with `completeExternal` once they did). */
  readonly invitedWithoutAccount: ExternalInvitationView[];
}

export interface CompleteExternalResult {
  /** Sealed: each new member's key fingerprint, as the owner-signed roster now holds it. */
  readonly completed: readonly (ExternalInvitationView & { readonly invitee: NonNullable<ExternalInvitationView['invitee']> })[];
  /** Not done now: not confirmed, or nothing left to do (`reason`). */
  readonly skipped: readonly { readonly invitation: ExternalInvitationView; readonly reason: string }[];
  /** Refused: the check that failed (a key that changed, another email); nothing was sealed. */
  readonly failed: readonly { readonly invitation: ExternalInvitationView; readonly problem: string }[];
}

/** An invitation sent to my email before I had an account: it waits for the sharer's app to finish sharing. */
export interface WaitingInvitationView {
  readonly id: string;
  readonly kind: 'album' | 'photo';
  readonly role: MemberRole;
  readonly from: { readonly id: string; readonly email: string; readonly displayName: string; readonly fingerprint: string };
  readonly invitedAt: string;
}

/** Things the album code did on its own that the person should be told about. */
export type AlbumNotice =
  | { readonly kind: 'key-renewed'; readonly albumId: string; readonly epoch: number; readonly dropped: readonly { email: string; status: string }[] };

export interface AlbumsOptions {
  /** The latest verified state of each album (persist `statePins.toJSON()`). */
  readonly statePins?: AlbumStatePins;
  readonly onNotice?: (n: AlbumNotice) => void;
}

const inviteTopic = (albumId: string) => `obscura/invitation/${albumId}`;
/** The message of an invitation to an email without an account, sealed to the sharer until the invitee has keys. */
const externalTopic = (albumId: string, email: string) => `obscura/external-invitation/${albumId}/${email}`;
const normalize = (email: string) => email.trim().toLowerCase();
/** Items verified at once when listing an album. */
const VERIFY_CONCURRENCY = 32;
const LIVE = new Set<AlbumMember['status']>(['active', 'pending']);

/** An album as fetched and verified: its state (absent while it awaits its owner's setup), keys and current key. */
interface Opened {
  readonly detail: AlbumDetail;
  readonly state?: AlbumState;
  readonly keys: Map<number, AlbumEpochKey>;
  readonly current: AlbumEpochKey;
}
type Signed = Opened & { readonly state: AlbumState };

/** The server's words for the same refusal (the CLI and the web app show one sentence). */
const notMetadataEditor = (role: Role) => `${role}s cannot rename the album or change its cover`;

const isRefusal = (e: unknown): e is Error =>
  e instanceof IntegrityError || e instanceof AlbumTrustError || (e instanceof Error && e.name === 'KeyChangedError');

export class Albums {
  /** Opened (and, for signed albums, commitment-checked) epoch keys by album id, then epoch. */
  private readonly keyCache = new Map<string, Map<number, AlbumEpochKey>>();
  readonly trust: AlbumTrust;
  private readonly onNotice?: (n: AlbumNotice) => void;

  constructor(readonly library: Library, opts: AlbumsOptions = {}) {
    this.trust = new AlbumTrust(library.session, library.pins, opts.statePins ?? new AlbumStatePins());
    if (opts.onNotice) this.onNotice = opts.onNotice;
  }

  get statePins(): AlbumStatePins {
    return this.trust.statePins;
  }

  private get session() {
    return this.library.session;
  }
  private get api() {
    return this.library.session.api;
  }

  // ------------------------------------------------------------ keys and state

  /**
   * Opens the sealed epoch keys. With a verified state, each key must be the one the owner
   * committed to (whoever sealed it); `sealer` additionally demands who sealed it.
   */
  private async openKeys(albumId: string, sealed: readonly SealedKey[], state?: AlbumState, sealer?: UserRef): Promise<Map<number, AlbumEpochKey>> {
    const cache = this.keyCache.get(albumId) ?? new Map<number, AlbumEpochKey>();
    for (const s of sealed) {
      if (sealer && s.sealedBy.id !== sealer.id) {
        throw new AlbumTrustError(albumId, 'owner', `its key of epoch ${s.epoch} was sealed by ${s.sealedBy.email}, not by the album's owner ${sealer.email}`);
      }
      let key = cache.get(s.epoch);
      if (!key) {
        const senderPublicKey = this.library.pins.signingKeyOf(this.session, s.sealedBy);
        key = await verifying(`album ${albumId}`, () => openSealedAlbumKey({
          recipient: { userId: this.session.user.id, boxKeys: this.session.bundle.boxKeys },
          senderPublicKey, senderId: s.sealedBy.id, sealed: fromBase64(s.sealedB64), expect: { albumId, epoch: s.epoch },
        }));
      }
      if (state) await this.trust.checkKey(state, key);
      cache.set(s.epoch, key);
    }
    this.keyCache.set(albumId, cache);
    return cache;
  }

  /** Verifies the album's state (when it has one) and opens its keys. */
  private async open(albumId: string, detail?: AlbumDetail): Promise<Opened> {
    const d = detail ?? (await this.api.call('getAlbum', { params: { albumId } }));
    let state: AlbumState | undefined;
    try {
      state = await this.trust.verify(albumId, d.owner, d.state);
    } catch (e) {
      // [Note: reading an unsigned album] an album from before signed states stays readable
      // (every photo is still checked against its uploader's signature), never writable.
      if (!(e instanceof AlbumTrustError && e.check === 'unsigned')) throw e;
    }
    // The server keeps its current epoch with each signed state in one transaction: any
    // difference is the server's doing (an epoch rolled back, or one its owner never signed).
    if (state && d.currentEpoch !== state.epoch) {
      throw new AlbumTrustError(albumId, d.currentEpoch < state.epoch ? 'rollback' : 'key', d.currentEpoch < state.epoch
        ? `the server names epoch ${d.currentEpoch} as current, but its owner moved it to epoch ${state.epoch} (a rolled-back key)`
        : `the server names epoch ${d.currentEpoch} as current, but its owner signed epoch ${state.epoch} only (a key its owner never made)`);
    }
    const keys = await this.openKeys(albumId, d.myKeys, state);
    const epoch = state ? state.epoch : d.currentEpoch;
    const current = keys.get(epoch);
    if (!current) throw new AlbumTrustError(albumId, 'key', `no key for its current epoch ${epoch} was sealed to me`);
    return { detail: d, ...(state ? { state } : {}), keys, current };
  }

  /** Opened with a verified state: needed for anything that adds, shares or changes. */
  private async signed(albumId: string): Promise<Signed> {
    const o = await this.open(albumId);
    if (!o.state) throw unsignedRefusal(albumId);
    return o as Signed;
  }

  /** Opened, signed, and owned by me; `what` completes "only the album's owner can …" (or a sentence of its own for my role). */
  private async owned(albumId: string, what: string | ((role: Role) => string)): Promise<Signed> {
    const o = await this.signed(albumId);
    if (o.state.ownerId !== this.session.user.id) {
      throw new UsageError(typeof what === 'string' ? `only the album's owner can ${what}` : what(o.detail.myRole));
    }
    return o;
  }

  /** Every epoch key of the album I hold, and the current one. */
  async epochKeys(albumId: string): Promise<{ current: AlbumEpochKey; keys: ReadonlyMap<number, AlbumEpochKey> }> {
    const { keys, current } = await this.open(albumId);
    return { current, keys };
  }

  private async metadataOf(albumId: string, blobB64: string, keys: Map<number, AlbumEpochKey>, state?: AlbumState): Promise<AlbumMetadata> {
    const blob = fromBase64(blobB64);
    if (state) await checkMetadataInState(state, blob).catch((e: unknown) => {
      throw new AlbumTrustError(albumId, 'metadata', e instanceof Error ? e.message : String(e), { cause: e });
    });
    return verifying(`album ${albumId}`, async () => {
      const epoch = albumMetadataEpoch(blob);
      const key = keys.get(epoch);
      if (!key) throw new CryptoError('wrong-context', `no key for epoch ${epoch} of its name`);
      return decryptAlbumMetadata(key, blob);
    });
  }

  private view(summary: AlbumSummary, meta: AlbumMetadata | undefined, state: AlbumState | undefined, problem?: string): AlbumView {
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
      trust: state ? 'verified' : problem ? 'refused' : 'awaiting-owner-setup',
      ...(problem ? { problem } : {}),
    };
  }

  // ------------------------------------------------------------ signing states

  /** Signs the state that follows `prev` with `change` applied. */
  private nextState(prev: AlbumState, change: Partial<Pick<AlbumStateInput, 'epoch' | 'epochCommitments' | 'metadataHash' | 'members'>>) {
    return this.sign({
      albumId: prev.albumId, ownerId: prev.ownerId, ownerSigningKey: prev.ownerSigningKey, kind: prev.kind, origin: prev.origin,
      createdAt: prev.createdAt, seq: prev.seq + 1, prevHash: prev.hash, epoch: prev.epoch, epochCommitments: prev.epochCommitments,
      metadataHash: prev.metadataHash, members: prev.members, ...change,
    });
  }

  /** Signs a state as its owner: the wire form, and the verified form to remember once the server stored it. */
  private async sign(input: AlbumStateInput): Promise<{ wire: SignedAlbumStateInput; state: AlbumState }> {
    const me = this.session;
    const { state, signature } = await signAlbumState(me.bundle.signingKeys, input);
    const verified = await verifyAlbumState(state, signature, me.bundle.signingKeys.publicKey, { albumId: input.albumId, ownerId: me.user.id });
    return { wire: { seq: input.seq, stateB64: toBase64(state), signatureB64: toBase64(signature) }, state: verified };
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
    const metadata = await encryptAlbumMetadata(key, { name });
    const genesis = await this.sign({
      albumId, ownerId: me.user.id, ownerSigningKey: me.bundle.signingKeys.publicKey, kind: opts.kind ?? 'album', origin: 'created',
      createdAt: Date.now(), seq: 1, epoch: 1, epochCommitments: [await albumEpochCommitment(key)],
      metadataHash: await albumMetadataHash(metadata), members: [],
    });
    const detail = await this.api.call('createAlbum', {
      body: { albumId, metadataB64: toBase64(metadata), sealedKeyB64: toBase64(sealed), state: genesis.wire, ...(opts.kind ? { kind: opts.kind } : {}) },
    });
    this.trust.remember(genesis.state);
    this.keyCache.set(albumId, new Map([[1, key]]));
    return this.view(detail, { name }, genesis.state);
  }

  /** My albums (owned, and shared with me and accepted), names decrypted. */
  async list(): Promise<AlbumView[]> {
    const { albums } = await this.api.call('listAlbums');
    const out: AlbumView[] = [];
    for (const a of albums) {
      try {
        let state: AlbumState | undefined;
        try {
          state = await this.trust.verify(a.albumId, a.owner, a.state);
        } catch (e) {
          if (!(e instanceof AlbumTrustError && e.check === 'unsigned')) throw e;
        }
        const cached = this.keyCache.get(a.albumId);
        const keys = cached?.has(a.metadataEpoch) && cached.has(state?.epoch ?? a.currentEpoch) ? cached : (await this.open(a.albumId)).keys;
        if (state) for (const k of keys.values()) await this.trust.checkKey(state, k);
        out.push(this.view(a, await this.metadataOf(a.albumId, a.metadataB64, keys, state), state));
      } catch (e) {
        if (!isRefusal(e)) throw e;
        out.push(this.view(a, undefined, undefined, e.message));
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
    const { detail, keys, state } = await this.open(albumId);
    return this.view(detail, await this.metadataOf(albumId, detail.metadataB64, keys, state), state);
  }

  private async updateMetadata(albumId: string, what: string | ((role: Role) => string), change: (m: AlbumMetadata) => AlbumMetadata): Promise<AlbumView> {
    const { detail, keys, current, state } = await this.owned(albumId, what);
    const meta = change(await this.metadataOf(albumId, detail.metadataB64, keys, state));
    const blob = await encryptAlbumMetadata(current, meta);
    const next = await this.nextState(state, { metadataHash: await albumMetadataHash(blob) });
    const updated = await this.api.call('updateAlbumMetadata', {
      params: { albumId }, body: { epoch: current.epoch, metadataB64: toBase64(blob), state: next.wire },
    });
    this.trust.remember(next.state);
    return this.view(updated, meta, next.state);
  }

  rename(albumId: string, name: string): Promise<AlbumView> {
    if (!name.trim()) throw new UsageError('an album needs a name');
    return this.updateMetadata(albumId, notMetadataEditor, (m) => ({ ...m, name }));
  }

  setCover(albumId: string, fileId: string): Promise<AlbumView> {
    return this.updateMetadata(albumId, notMetadataEditor, (m) => ({ ...m, coverFileId: fileId }));
  }

  /** The caption of a shared photo (its owner only: the caption is part of the owner-signed state). */
  setCaption(albumId: string, caption: string): Promise<AlbumView> {
    return this.updateMetadata(albumId, (role) => `${role}s cannot edit the caption of this photo; only its owner can`, (m) => ({ ...m, description: caption }));
  }

  /**
   * Shares one photo of my library with people: a one-photo share (kind 'photo') with the
   * same invitations, roles, revoke and stop-sharing as albums.
   */
  async sharePhoto(
    photo: string | (PhotoKeys & { readonly metadata: FileMetadata }), emails: readonly string[], opts: ShareOptions,
  ): Promise<{ albumId: string } & ShareResult> {
    // a photo of my library by id, or an opened photo (e.g. from an album I'm a member of)
    const opened = typeof photo === 'string' ? await this.library.open(photo) : photo;
    const share = await this.create(opened.metadata.name, { kind: 'photo' });
    try {
      await this.addOpened(share.albumId, [opened]);
    } catch (e) {
      // Not mine to share (only a photo's owner, or the owner of an album holding it, may): leave no empty share behind.
      await this.delete(share.albumId).catch(() => undefined);
      throw e;
    }
    return { albumId: share.albumId, ...(await this.share(share.albumId, emails, opts)) };
  }

  /**
   * [Note: one-time setup of an album] Gives an album I own from before signed states its first
   * signed state (origin 'upgraded') from what my client can verify now: every epoch key sealed
   * to me (each seal checked under its sealer's pinned key) committed to as it is, the current
   * metadata re-encrypted under the current key, and a roster of the people the server lists as
   * active or invited whose keys agree with my pins (anyone whose key changed is left out and
   * reported). It seals nothing to anyone. Idempotent: an album signed already is only verified.
   */
  async signLegacy(albumId: string): Promise<{ status: 'signed' | 'already-signed'; leftOut: readonly { email: string; reason: string }[] }> {
    const me = this.session;
    const d = await this.api.call('getAlbum', { params: { albumId } });
    if (d.owner.id !== me.user.id) throw new UsageError("only an album's owner can sign its state; members wait for the owner's one-time setup");
    if (d.state) {
      await this.open(albumId, d);
      return { status: 'already-signed', leftOut: [] };
    }
    const keys = await this.openKeys(albumId, d.myKeys);
    const commitments = [];
    for (let epoch = 1; epoch <= d.currentEpoch; epoch++) {
      const k = keys.get(epoch);
      if (!k) throw new AlbumTrustError(albumId, 'key', `I hold no key for its epoch ${epoch}, so I cannot vouch for it`);
      commitments.push(await albumEpochCommitment(k));
    }
    const meta = await this.metadataOf(albumId, d.metadataB64, keys);
    const current = keys.get(d.currentEpoch)!;
    const metadata = await encryptAlbumMetadata(current, meta);
    const { members } = await this.api.call('listMembers', { params: { albumId } });
    const roster: RosterEntry[] = [];
    const leftOut: { email: string; reason: string }[] = [];
    for (const m of members.filter((x) => LIVE.has(x.status) && x.role !== 'owner')) {
      try {
        const pk = this.library.pins.publicKeysOf(me, m.user);
        roster.push({ userId: m.user.id, email: m.user.email.toLowerCase(), role: m.role as RosterRole, ed25519PublicKey: pk.ed25519, x25519PublicKey: pk.x25519 });
      } catch (e) {
        if (!(e instanceof Error && e.name === 'KeyChangedError')) throw e;
        leftOut.push({ email: m.user.email, reason: e.message });
      }
    }
    const genesis = await this.sign({
      albumId, ownerId: me.user.id, ownerSigningKey: me.bundle.signingKeys.publicKey, kind: d.kind, origin: 'upgraded',
      createdAt: Date.parse(d.createdAt), seq: 1, epoch: d.currentEpoch, epochCommitments: commitments,
      metadataHash: await albumMetadataHash(metadata), members: roster,
    });
    try {
      await this.api.call('signAlbumState', { params: { albumId }, body: { epoch: d.currentEpoch, metadataB64: toBase64(metadata), state: genesis.wire } });
    } catch (e) {
      // Signed meanwhile (by another device of mine, or by an earlier run that was cut off after
      // the server stored it): verify what is there instead.
      if (e instanceof ApiError && e.status === 409 && e.code === 'conflict') {
        await this.open(albumId);
        return { status: 'already-signed', leftOut: [] };
      }
      throw e;
    }
    this.trust.remember(genesis.state);
    return { status: 'signed', leftOut };
  }

  async delete(albumId: string): Promise<number> {
    const { deletedFiles } = await this.api.call('deleteAlbum', { params: { albumId } });
    this.trust.forget(albumId);
    this.keyCache.delete(albumId);
    return deletedFiles;
  }

  // ------------------------------------------------------------ photos

  /**
   * The key to add photos under: the latest epoch the owner signed, never an epoch the
   * server names. After someone left, the owner's client renews the key first (telling the
   * person who was dropped); anyone else must wait for the owner.
   */
  private async currentForAdding(albumId: string): Promise<AlbumEpochKey> {
    const o = await this.signed(albumId);
    const me = this.session.user.id;
    const role = o.state.ownerId === me ? 'owner' : o.state.members.find((m) => m.userId === me)?.role;
    if (role !== 'owner' && role !== 'editor') {
      throw new UsageError(role === 'viewer' ? 'viewers cannot add photos to this album; ask its owner for editor access'
        : "the album's owner has not (yet) signed you in as a member; nothing was added");
    }
    if (!o.detail.rotationNeeded) return o.current;
    if (role !== 'owner') {
      throw new UsageError("someone left this album: its owner's app must renew the album key before photos can be added (it does so the next time the owner uses the album)");
    }
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
    const digest = opts.digest ?? (await this.library.digestOf(source, undefined, opts.signal));
    const warnings: DuplicateWarning[] = [];
    // [Note: verify duplicates] only a photo whose signed metadata holds this content is added
    const mine = await this.library.findVerifiedDuplicate({ ...digest, name: source.name }, {
      onWarning: (w) => { warnings.push(w); opts.onWarning?.(w); },
    });
    opts.signal?.throwIfAborted();
    if (mine !== undefined) {
      await this.addPhotos(albumId, [mine]);
      return { status: 'duplicate', fileId: mine, name: source.name, contentHash: digest.contentHash };
    }
    const key = await this.currentForAdding(albumId);
    const r = await this.library.upload(source, { ...opts, digest, album: key });
    return r.status !== 'skipped' && warnings.length > 0 ? { ...r, warnings } : r;
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
    const { keys } = await this.open(albumId);
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
        if (!isRefusal(e)) throw e;
        const u = it.uploader;
        return { fileId: it.fileId, albumId, uploader: { id: u.id, displayName: u.displayName, ...(u.email ? { email: u.email } : {}), verified: false as const }, problem: e.message };
      }
    });
    for (const o of opened) {
      if ('problem' in o) refused.push(o);
      else photos.push(o);
    }
    photos.sort((a, b) => b.metadata.capturedAt - a.metadata.capturedAt || a.fileId.localeCompare(b.fileId));
    return { photos, refused };
  }

  /**
   * One photo of the album, verified as `photos()` verifies each (uploader's signature, key for
   * this album and epoch, metadata against the manifest) without verifying all the others. The
   * server has no route for a single item, so the item feed is read until its latest state.
   */
  async photo(albumId: string, fileId: string): Promise<AlbumPhoto> {
    const { keys } = await this.open(albumId);
    const id = fileId.toLowerCase();
    let found: AlbumItem | undefined;
    let since = 0;
    for (;;) {
      const page = await this.api.call('listAlbumItems', { params: { albumId }, query: { since, limit: 1000 } });
      for (const it of page.items) {
        if (it.fileId.toLowerCase() !== id) continue;
        found = it.state === 'removed' ? undefined : it;
      }
      since = page.nextSince;
      if (!page.hasMore) break;
    }
    if (!found) throw new ApiError(404, 'not-found', `photo ${fileId} is not in this album (it was removed, or never added)`);
    return this.openItem(albumId, found, keys);
  }

  /**
   * [Note: a link to a photo outside my library] The server lets a public link point at a photo
   * its owner holds: in their library, or in a one-photo share (kind 'photo') of theirs, and it
   * ends the link when that goes. A photo uploaded straight into an album is in neither, so a
   * link to it needs this: a one-photo share of it with nobody in it yet (people can be invited
   * to it later, like to any photo share; the web app finds it again by its contents).
   */
  async photoShareFor(photo: PhotoKeys & { readonly metadata: FileMetadata }): Promise<AlbumView> {
    const share = await this.create(photo.metadata.name, { kind: 'photo' });
    try {
      await this.addOpened(share.albumId, [photo]);
    } catch (e) {
      // Not mine to share onward (the server says whose it is): leave no empty share behind.
      await this.delete(share.albumId).catch(() => undefined);
      throw e;
    }
    return share;
  }

  private async openItem(albumId: string, it: AlbumItem, keys: Map<number, AlbumEpochKey>): Promise<AlbumPhoto> {
    const fileId = it.fileId;
    return verifying(fileId, async () => {
      const key = keys.get(it.epoch);
      if (!key) throw new CryptoError('wrong-context', `no key of album ${albumId} for epoch ${it.epoch}`);
      // [Note: uploader shown authentically] the name comes with the email pinned for the key
      // that signed the manifest, so two people who call themselves "Alice" are told apart.
      const signer = this.library.pins.signingKeyOf(this.session, it.uploader);
      const manifest: Manifest = await verifyManifest(fromBase64(it.manifestB64), fromBase64(it.signatureB64), signer, { fileId, uploaderId: it.uploader.id });
      const fileKey: FileKey = await unwrapFileKeyForAlbum(key, fromBase64(it.wrappedKeyB64), { fileId });
      const metadataCt = fromBase64(it.metadataB64);
      await checkBlob(manifest, 'metadata', metadataCt);
      const metadata = await decryptMetadata(fileKey, fileId, metadataCt);
      const u = it.uploader;
      return {
        fileId, albumId, epoch: it.epoch, manifest, fileKey, metadata,
        uploader: { id: u.id, displayName: u.displayName, ...(u.email ? { email: u.email } : {}), verified: true },
        addedBy: { id: it.addedBy.id, displayName: it.addedBy.displayName }, addedAt: it.addedAt,
      };
    });
  }

  // ------------------------------------------------------------ people

  /**
   * Who is in the album, as the server lists them, each checked against the owner-signed
   * roster (`inRoster`); fingerprints come from the roster's keys when the person is in it.
   */
  async members(albumId: string): Promise<MemberView[]> {
    const [{ members }, o] = await Promise.all([this.api.call('listMembers', { params: { albumId } }), this.open(albumId)]);
    const roster = new Map((o.state?.members ?? []).map((m) => [m.userId, m]));
    return Promise.all(members.map(async (m) => {
      const r = roster.get(m.user.id);
      const isOwner = m.role === 'owner' && m.user.id === o.detail.owner.id;
      // In the roster means: the same account, role, email and keys as the owner signed.
      const rosterFp = r ? await fingerprint(rosterKeys(r)) : undefined;
      const serverFp = await fingerprintOf(m.user);
      const matches = r !== undefined && r.role === m.role && r.email === m.user.email.toLowerCase() && rosterFp === serverFp;
      return {
        invitationId: m.invitationId, userId: m.user.id, email: r ? r.email : m.user.email, displayName: m.user.displayName,
        role: m.role, status: m.status, fingerprint: rosterFp ?? serverFp,
        inRoster: isOwner || matches,
      };
    }));
  }

  /**
   * Shares the album by email. People with an account: every epoch key is sealed to each (so
   * they see older photos too) and signed by me; their keys are pinned and go into the
   * owner-signed roster with their role. Emails without an account (unless
   * `inviteWithoutAccount: false`) get an invitation to sign up: the server keeps only the
   * email and role; nothing is sealed until they have keys I have checked (`completeExternal`).
   */
  async share(albumId: string, emails: readonly string[], opts: ShareOptions): Promise<ShareResult> {
    if (emails.length === 0) throw new UsageError('name at least one email address to share with');
    let o = await this.owned(albumId, 'share it');
    if (o.detail.rotationNeeded) {
      await this.rotate(albumId);
      o = await this.owned(albumId, 'share it');
    }
    const { detail, keys, state } = o;
    const asked = [...new Set(emails.map(normalize))].sort();
    if (asked.includes(normalize(this.session.user.email))) throw new UsageError(`${this.session.user.email} is you; albums you own are already yours`);
    const allowMissing = opts.inviteWithoutAccount !== false;
    const { users, missing = [] } = await this.api.call('usersLookup', { body: { emails: [...emails], ...(allowMissing ? { allowMissing } : {}) } });
    // The answer must name exactly the people asked for: a server answering bob@ with an
    // account under another (unpinned) email would slip past the email pins.
    const got = [...users.map((u) => normalize(u.email)), ...missing.map(normalize)].sort();
    if (asked.length !== got.length || asked.some((e, i) => e !== got[i]) || (!allowMissing && missing.length > 0)) {
      throw new AlbumTrustError(albumId, 'roster', `the server answered a lookup of ${asked.join(', ')} with ${got.join(', ') || 'nobody'}; nothing was shared`);
    }
    const meta = await this.metadataOf(albumId, detail.metadataB64, keys, state);
    const inRoster = new Set(state.members.map((m) => m.userId));
    for (const u of users) if (inRoster.has(u.id)) throw new UsageError(`${u.email} is already in this album (or invited); nothing was shared`);
    const invites = [];
    const added: RosterEntry[] = [];
    for (const u of users) {
      const { invite, entry } = await this.sealInvite(o, u, opts.role, opts.message, opts.includeNameInEmail ? meta.name : undefined);
      invites.push(invite);
      added.push(entry);
    }
    const me = this.session;
    const external = [];
    for (const email of missing.map(normalize)) {
      const messageSealedB64 = opts.message ? toBase64(await sealMessage({
        sender: { userId: me.user.id, signingKeys: me.bundle.signingKeys },
        recipient: { userId: me.user.id, x25519PublicKey: me.bundle.boxKeys.publicKey },
        topic: externalTopic(albumId, email), message: utf8Encode(opts.message),
      })) : undefined;
      external.push({
        email, role: opts.role,
        ...(messageSealedB64 ? { messageSealedB64 } : {}),
        ...(opts.includeNameInEmail ? { mail: { albumName: meta.name, ...(opts.message ? { message: opts.message } : {}) } } : {}),
      });
    }
    const next = added.length > 0 ? await this.nextState(state, { members: [...state.members, ...added] }) : undefined;
    await this.api.call('shareAlbum', {
      params: { albumId },
      body: { invites, ...(next ? { state: next.wire } : {}), ...(external.length > 0 ? { external } : {}) },
    });
    if (next) this.trust.remember(next.state);
    const sent = new Set(missing.map(normalize));
    return {
      members: await this.members(albumId),
      invitedWithoutAccount: (await this.externalInvitations(albumId)).filter((x) => sent.has(normalize(x.email))),
    };
  }

  /** The invitation of one person with an account: every epoch key sealed to their (pinned) keys, and their roster entry. */
  private async sealInvite(o: Signed, u: UserRef, role: MemberRole, message: string | undefined, mailAlbumName: string | undefined, messageOnlyInApp = false) {
    const me = this.session;
    const { albumId } = o.state;
    if (u.id === me.user.id) throw new UsageError(`${u.email} is you; albums you own are already yours`);
    const sender = { userId: me.user.id, signingKeys: me.bundle.signingKeys };
    const pk = this.library.pins.publicKeysOf(me, u);
    const recipient = { userId: u.id, x25519PublicKey: pk.x25519 };
    const sealedKeys = [];
    for (let epoch = 1; epoch <= o.state.epoch; epoch++) {
      const k = o.keys.get(epoch);
      if (!k) throw new AlbumTrustError(albumId, 'key', `I hold no key for epoch ${epoch}, so I cannot share older photos`);
      sealedKeys.push({ epoch, sealedB64: toBase64(await sealAlbumKey({ sender, recipient, albumKey: k })) });
    }
    const messageSealedB64 = message
      ? toBase64(await sealMessage({ sender, recipient, topic: inviteTopic(albumId), message: utf8Encode(message) }))
      : undefined;
    const invite = {
      userId: u.id, role, sealedKeys,
      ...(messageSealedB64 ? { messageSealedB64 } : {}),
      ...(mailAlbumName !== undefined && !messageOnlyInApp ? { email: { albumName: mailAlbumName, ...(message ? { message } : {}) } } : {}),
    };
    const entry: RosterEntry = { userId: u.id, email: normalize(u.email), role: role as RosterRole, ed25519PublicKey: pk.ed25519, x25519PublicKey: pk.x25519 };
    return { invite, entry };
  }

  // ------------------------------------------------------------ invitations to emails without an account

  /**
   * [Note: external invitations] Invitations I sent to emails that had no account, with what
   * each waits for. A signed-up one names the new account as the SERVER says: its email must be
   * the invited one, and its keys must not contradict what I pinned; its fingerprint is shown
   * so both sides can compare. Nothing is sealed here.
   */
  async externalInvitations(albumId?: string): Promise<ExternalInvitationView[]> {
    const { invitations } = await this.api.call('listExternalInvitations');
    const mine = invitations.filter((x) => albumId === undefined || x.albumId === albumId);
    const names = new Map<string, string | undefined>();
    const out: ExternalInvitationView[] = [];
    for (const x of mine) {
      if (!names.has(x.albumId)) names.set(x.albumId, await this.get(x.albumId).then((v) => v.name, () => undefined));
      out.push(await this.externalView(x, names.get(x.albumId)));
    }
    return out;
  }

  private async externalView(x: ExternalInvitation, albumName?: string): Promise<ExternalInvitationView> {
    const base = {
      id: x.id, albumId: x.albumId, albumKind: x.albumKind, ...(albumName !== undefined ? { albumName } : {}), email: normalize(x.email), role: x.role,
      status: x.status, invitedAt: x.invitedAt, expiresAt: x.expiresAt,
    };
    if (!x.invitee) return base;
    const invitee = { id: x.invitee.id, email: x.invitee.email, displayName: x.invitee.displayName, fingerprint: await fingerprintOf(x.invitee) };
    const problem = this.externalProblem(x);
    return { ...base, invitee, ...(problem ? { problem } : {}) };
  }

  /** Why the account the server names for this invitation must not be sealed to (undefined: it may, after showing its fingerprint). */
  private externalProblem(x: ExternalInvitation): string | undefined {
    if (!x.invitee) return undefined;
    if (normalize(x.invitee.email) !== normalize(x.email)) {
      return `the server names an account with another email (${x.invitee.email}) for the invitation to ${x.email}; nothing was shared`;
    }
    if (x.invitee.id === this.session.user.id || normalize(x.invitee.email) === normalize(this.session.user.email)) {
      return `the server names your own account for the invitation to ${x.email}; nothing was shared`;
    }
    const pin = this.library.pins.statusOf(x.invitee);
    if (pin.status === 'changed') return `${pin.error.message}; nothing was shared`;
    return undefined;
  }

  /**
   * Finishes sharing with people who signed up after I invited their email: for each signed-up
   * invitation (or those in `ids`), checks the new account (its email is the invited one; its
   * keys are pinned on first sight, or match the pins), asks `confirm` with the fingerprint
   * when given, then seals every epoch key to it and signs it into the roster with its role —
   * an ordinary share, under the album-trust rules. The invitee can then accept or decline.
   */
  async completeExternal(opts: {
    readonly ids?: readonly string[];
    readonly confirm?: (invitation: ExternalInvitationView) => boolean | Promise<boolean>;
  } = {}): Promise<CompleteExternalResult> {
    const { invitations } = await this.api.call('listExternalInvitations');
    const wanted = opts.ids ? new Set(opts.ids.map((id) => id.toLowerCase())) : undefined;
    const ready = invitations.filter((x) => x.status === 'signed-up' && (!wanted || wanted.has(x.id)));
    const completed: CompleteExternalResult['completed'][number][] = [];
    const skipped: { invitation: ExternalInvitationView; reason: string }[] = [];
    const failed: { invitation: ExternalInvitationView; problem: string }[] = [];
    if (wanted) {
      for (const x of invitations.filter((i) => wanted.has(i.id) && i.status !== 'signed-up')) {
        skipped.push({ invitation: await this.externalView(x), reason: x.status === 'pending' ? 'nobody has signed up with this email yet' : 'it expired; re-send it' });
      }
    }
    const byAlbum = new Map<string, ExternalInvitation[]>();
    for (const x of ready) byAlbum.set(x.albumId, [...(byAlbum.get(x.albumId) ?? []), x]);
    const me = this.session;
    for (const [albumId, list] of byAlbum) {
      let o: Signed;
      let albumName: string | undefined;
      try {
        o = await this.owned(albumId, 'share it');
        if (o.detail.rotationNeeded) {
          await this.rotate(albumId);
          o = await this.owned(albumId, 'share it');
        }
        albumName = (await this.metadataOf(albumId, o.detail.metadataB64, o.keys, o.state)).name;
      } catch (e) {
        if (!isRefusal(e) && !(e instanceof UsageError)) throw e;
        for (const x of list) failed.push({ invitation: await this.externalView(x), problem: e.message });
        continue;
      }
      const inRoster = new Set(o.state.members.map((m) => m.userId));
      const invites = [];
      const added: RosterEntry[] = [];
      const doing: CompleteExternalResult['completed'][number][] = [];
      for (const x of list) {
        const view = await this.externalView(x, albumName);
        if (view.problem || !x.invitee || !view.invitee) {
          failed.push({ invitation: view, problem: view.problem ?? 'no account named' });
          continue;
        }
        if (inRoster.has(x.invitee.id)) {
          skipped.push({ invitation: view, reason: `${x.email} is already in this album` });
          continue;
        }
        if (opts.confirm && !(await opts.confirm(view))) {
          skipped.push({ invitation: view, reason: 'not confirmed' });
          continue;
        }
        let message: string | undefined;
        if (x.messageSealedB64) {
          const bytes = await verifying(`album ${albumId}`, () => openMessage({
            recipient: { userId: me.user.id, boxKeys: me.bundle.boxKeys }, senderPublicKey: me.bundle.signingKeys.publicKey, senderId: me.user.id,
            sealed: fromBase64(x.messageSealedB64!), expect: { topic: externalTopic(albumId, normalize(x.email)) },
          })).catch(() => undefined);
          message = bytes ? utf8Decode(bytes) : undefined;
        }
        try {
          const { invite, entry } = await this.sealInvite(o, x.invitee, x.role, message, undefined);
          invites.push({ ...invite, externalInvitationId: x.id });
          added.push(entry);
          doing.push({ ...view, invitee: view.invitee });
        } catch (e) {
          if (!isRefusal(e) && !(e instanceof UsageError)) throw e;
          failed.push({ invitation: view, problem: e.message });
        }
      }
      if (invites.length === 0) continue;
      const next = await this.nextState(o.state, { members: [...o.state.members, ...added] });
      await this.api.call('shareAlbum', { params: { albumId }, body: { invites, state: next.wire } });
      this.trust.remember(next.state);
      completed.push(...doing);
    }
    return { completed, skipped, failed };
  }

  /** Cancels an invitation I sent to an email without an account (pending, signed up or expired). */
  async cancelExternal(id: string): Promise<void> {
    await this.api.call('cancelExternalInvitation', { params: { invitationId: id } });
  }

  /** Sends the invitation mail again and restarts its expiry (pending or expired ones). */
  async resendExternal(id: string): Promise<ExternalInvitationView> {
    const x = await this.api.call('resendExternalInvitation', { params: { invitationId: id } });
    return this.externalView(x, await this.get(x.albumId).then((v) => v.name, () => undefined));
  }

  /** Invitations sent to my email before I had an account, waiting for their sharers' apps to finish sharing. */
  async waitingInvitations(): Promise<WaitingInvitationView[]> {
    const { waiting = [] } = await this.api.call('listInvitations');
    return Promise.all(waiting.map(async (w) => ({
      id: w.id, kind: w.albumKind, role: w.role, invitedAt: w.invitedAt,
      from: { id: w.invitedBy.id, email: w.invitedBy.email, displayName: w.invitedBy.displayName, fingerprint: await fingerprintOf(w.invitedBy) },
    })));
  }

  /** The album's member list, and the (non-owner) member with this email. */
  private async memberByEmail(albumId: string, email: string): Promise<{ member: AlbumMember; members: AlbumMember[] }> {
    const { members } = await this.api.call('listMembers', { params: { albumId } });
    const member = members.find((x) => x.user.email.toLowerCase() === email.toLowerCase() && x.role !== 'owner' && LIVE.has(x.status))
      ?? members.find((x) => x.user.email.toLowerCase() === email.toLowerCase() && x.role !== 'owner');
    if (!member) throw new UsageError(`${email} is not a member of this album`);
    return { member, members };
  }

  async setRole(albumId: string, email: string, role: MemberRole): Promise<void> {
    const { state } = await this.owned(albumId, "change what people may do");
    const { member } = await this.memberByEmail(albumId, email);
    if (!state.members.some((m) => m.userId === member.user.id)) {
      throw new AlbumTrustError(albumId, 'roster', `${email} is not in the album's signed roster; remove them instead`);
    }
    const next = await this.nextState(state, { members: state.members.map((m) => (m.userId === member.user.id ? { ...m, role: role as RosterRole } : m)) });
    await this.api.call('updateMember', { params: { albumId, userId: member.user.id }, body: { role, state: next.wire } });
    this.trust.remember(next.state);
  }

  /**
   * A new epoch key sealed to me and to `keep` (roster entries: their signed keys, never keys
   * the server names now), the metadata re-encrypted, and the signed state that says so.
   * [Note: why album keys rotate] someone removed keeps every key they ever held; only a
   * new key they never see keeps photos added afterwards out of their reach.
   */
  private async rotation(o: Signed, keep: readonly RosterEntry[]) {
    const { albumId } = o.state;
    const meta = await this.metadataOf(albumId, o.detail.metadataB64, o.keys, o.state);
    const next = rotateAlbumKey(o.current);
    const me = this.session;
    const sender = { userId: me.user.id, signingKeys: me.bundle.signingKeys };
    const sealedKeys = [{ userId: me.user.id, sealedB64: toBase64(await sealAlbumKey({ sender, recipient: { userId: me.user.id, x25519PublicKey: me.bundle.boxKeys.publicKey }, albumKey: next })) }];
    for (const m of keep) {
      sealedKeys.push({ userId: m.userId, sealedB64: toBase64(await sealAlbumKey({ sender, recipient: { userId: m.userId, x25519PublicKey: rosterKeys(m).x25519 }, albumKey: next })) });
    }
    const metadata = await encryptAlbumMetadata(next, meta);
    const signed = await this.nextState(o.state, {
      epoch: next.epoch, epochCommitments: [...o.state.epochCommitments, await albumEpochCommitment(next)],
      metadataHash: await albumMetadataHash(metadata), members: keep,
    });
    const linkKeys = await this.linkKeysFor(albumId, next);
    return {
      next, state: signed.state,
      rotation: { epoch: next.epoch, metadataB64: toBase64(metadata), sealedKeys, state: signed.wire, ...(linkKeys.length ? { linkKeys } : {}) },
    };
  }

  /**
   * The new epoch key wrapped for each public link of the album I own, sent with the
   * rotation so link visitors keep seeing new photos.
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

  /**
   * Who keeps the album key at a rotation: people of the signed roster whom the server still
   * lists as active or pending, minus `except`. Never anyone outside the roster: a member
   * row the owner did not sign (a "ghost") gets nothing. Roster people the server lists as
   * gone (left, declined) are dropped — reported, since the server could claim it falsely.
   */
  private async keepers(state: AlbumState, members: readonly AlbumMember[], except?: string) {
    const liveMembers = members.filter((m) => LIVE.has(m.status) && m.role !== 'owner');
    const inRoster = new Set(state.members.map((m) => m.userId));
    const ghosts = liveMembers.filter((m) => !inRoster.has(m.user.id) && m.user.id !== except);
    if (ghosts.length > 0) {
      throw new AlbumTrustError(state.albumId, 'roster', `the server lists ${ghosts.map((g) => g.user.email).join(', ')} as ${ghosts.length === 1 ? 'a member' : 'members'}, ` +
        "but you never added them (they are not in the album's signed roster); nothing was sealed to them. Remove them with revoke if they should not be there");
    }
    const live = new Set(liveMembers.map((m) => m.user.id));
    const status = new Map(members.map((m) => [m.user.id, m.status]));
    const keep = state.members.filter((m) => m.userId !== except && live.has(m.userId));
    const dropped = state.members.filter((m) => m.userId !== except && !live.has(m.userId))
      .map((m) => ({ email: m.email, status: status.get(m.userId) ?? 'gone' }));
    return { keep, dropped };
  }

  private remember(albumId: string, key: AlbumEpochKey, state: AlbumState): void {
    const cache = this.keyCache.get(albumId) ?? new Map<number, AlbumEpochKey>();
    cache.set(key.epoch, key);
    this.keyCache.set(albumId, cache);
    this.trust.remember(state);
  }

  /** Removes one person's access and rotates the album key in the same step. */
  async revoke(albumId: string, email: string): Promise<void> {
    const o = await this.owned(albumId, 'remove people');
    const { member, members } = await this.memberByEmail(albumId, email);
    const { keep } = await this.keepers(o.state, members, member.user.id);
    const { next, state, rotation } = await this.rotation(o, keep);
    await this.api.call('removeMember', { params: { albumId, userId: member.user.id }, body: { rotation } });
    this.remember(albumId, next, state);
  }

  /** Stop sharing: everyone and every link removed at once; the key rotates to me alone. */
  async unshare(albumId: string): Promise<void> {
    const o = await this.owned(albumId, 'stop sharing it');
    const { next, state, rotation } = await this.rotation(o, []);
    await this.api.call('unshareAlbum', { params: { albumId }, body: { rotation } });
    this.remember(albumId, next, state);
  }

  /** Rotates the key for those who remain (done automatically after someone left; the owner only). */
  async rotate(albumId: string): Promise<{ current: AlbumEpochKey; dropped: readonly { email: string; status: string }[] }> {
    const o = await this.owned(albumId, 'renew the album key');
    const { members } = await this.api.call('listMembers', { params: { albumId } });
    const { keep, dropped } = await this.keepers(o.state, members);
    const { next, state, rotation } = await this.rotation(o, keep);
    await this.api.call('rotateAlbum', { params: { albumId }, body: { rotation } });
    this.remember(albumId, next, state);
    this.onNotice?.({ kind: 'key-renewed', albumId, epoch: next.epoch, dropped });
    return { current: next, dropped };
  }

  /** Photos others uploaded that are not in my library (what leaving would lose). */
  async photosToSave(albumId: string): Promise<AlbumPhoto[]> {
    const { photos } = await this.photos(albumId);
    const candidates = photos.filter((p) => p.uploader.id !== this.session.user.id);
    // Same content = same keyed hash in my account, whoever uploaded it and under which id.
    // Only a copy verified to hold the same content counts as saved ([Note: verify duplicates]):
    // a forged "you have it" must not make leaving lose a photo.
    const hashes = await Promise.all(candidates.map((p) => (p.metadata.contentSha256Hex ? this.library.keyedHashOf(p.metadata.contentSha256Hex) : undefined)));
    const queries = candidates.flatMap((p, i) => (hashes[i] ? [{ sha256Hex: p.metadata.contentSha256Hex!, contentHash: hashes[i]!, name: p.metadata.name }] : []));
    const present = await this.library.verifiedDuplicates(queries);
    return candidates.filter((_, i) => hashes[i] === undefined || !present.complete.has(hashes[i]!));
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
    this.trust.forget(albumId);
    return { saved };
  }

  // ------------------------------------------------------------ invitations

  /**
   * My pending invitations, each checked: it comes from the album's owner, whose signed state
   * lists me with the role offered; the keys are sealed by the owner and are the ones the owner
   * committed to; the name is the one the owner signed. One that fails shows its `problem`.
   */
  async invitations(): Promise<InvitationView[]> {
    const { invitations } = await this.api.call('listInvitations');
    const out: InvitationView[] = [];
    for (const inv of invitations) {
      const from = { id: inv.invitedBy.id, email: inv.invitedBy.email, displayName: inv.invitedBy.displayName, fingerprint: await fingerprintOf(inv.invitedBy) };
      const base = { invitationId: inv.invitationId, albumId: inv.albumId, kind: inv.albumKind, role: inv.role, from, invitedAt: inv.invitedAt };
      try {
        const { albumName, message } = await this.verifyInvitation(inv);
        out.push({ ...base, albumName, ...(message !== undefined ? { message } : {}) });
      } catch (e) {
        if (!isRefusal(e)) throw e;
        out.push({ ...base, problem: e.message });
      }
    }
    return out;
  }

  /** The checks of `invitations()` for one invitation; throws the refusal. */
  private async verifyInvitation(inv: Invitation): Promise<{ albumName: string; message?: string }> {
    const me = this.session;
    if (inv.invitedBy.id !== inv.owner.id) {
      throw new AlbumTrustError(inv.albumId, 'owner', `the invitation names ${inv.invitedBy.email} as its sender, but only the album's owner ${inv.owner.email} can invite`);
    }
    const state = await this.trust.verify(inv.albumId, inv.owner, inv.state);
    const mine = state.members.find((m) => m.userId === me.user.id);
    if (!mine || mine.role !== inv.role) {
      throw new AlbumTrustError(inv.albumId, 'roster', mine ? `the owner signed you in as ${mine.role}, not ${inv.role}` : 'the owner has not signed you into this album');
    }
    // [Note: my keys in the roster] the owner sealed the album to the keys the SERVER showed
    // them for me. Keys that are not mine mean someone (the server) swapped them: whoever holds
    // those keys can read the album. Refuse, and say so with both fingerprints to compare.
    const own = me.publicKeys;
    if (!constantTimeEqual(mine.ed25519PublicKey, own.ed25519) || !constantTimeEqual(mine.x25519PublicKey, own.x25519)) {
      const theirs = await fingerprint(rosterKeys(mine));
      throw new AlbumTrustError(inv.albumId, 'roster', `${inv.owner.email} shared this album with keys that are not yours (fingerprint ${theirs}; yours is ${await me.fingerprint()}): ` +
        `the server may have swapped your keys, and whoever holds those can read the album. Do not accept; tell ${inv.owner.email} and compare fingerprints`);
    }
    const keys = await this.openKeys(inv.albumId, inv.sealedKeys, state, inv.owner);
    const meta = await this.metadataOf(inv.albumId, inv.albumMetadataB64, keys, state);
    if (!inv.messageSealedB64) return { albumName: meta.name };
    const bytes = await verifying(`album ${inv.albumId}`, () => openMessage({
      recipient: { userId: me.user.id, boxKeys: me.bundle.boxKeys },
      senderPublicKey: this.library.pins.signingKeyOf(me, inv.invitedBy), senderId: inv.invitedBy.id,
      sealed: fromBase64(inv.messageSealedB64!), expect: { topic: inviteTopic(inv.albumId) },
    }));
    return { albumName: meta.name, message: utf8Decode(bytes) };
  }

  /** Accepts an invitation that verifies (see `invitations()`); a refused one is not accepted, with the refusal. */
  async accept(invitationId: string): Promise<AlbumView> {
    const inv = (await this.api.call('listInvitations')).invitations.find((i) => i.invitationId === invitationId);
    if (inv) await this.verifyInvitation(inv);
    const summary = await this.api.call('acceptInvitation', { params: { invitationId } });
    const { keys, state } = await this.open(summary.albumId);
    return this.view(summary, await this.metadataOf(summary.albumId, summary.metadataB64, keys, state), state);
  }

  async decline(invitationId: string): Promise<void> {
    await this.api.call('declineInvitation', { params: { invitationId } });
  }
}
