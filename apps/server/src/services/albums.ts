import type { Static } from '@sinclair/typebox';
import {
  ALBUM_MEMBERS_MAX, CHANGES_LIMIT_DEFAULT,
  type AddAlbumItemsBody, type AlbumDetail, type AlbumItems, type AlbumMember, type AlbumSummary, type CreateAlbumBody,
  type AlbumMembers, type Invitation, type InvitationList, type Rotation, type ShareAlbumBody, type UsersLookupResult, type SignAlbumStateBody, type SignedAlbumState, type SignedAlbumStateInput, type UpdateAlbumMetadataBody, type UserRef,
} from '@obscura/protocol';
import { AppError, badRequest, conflict, notFound, shortId, unauthorized } from '../errors.ts';
import { isUniqueViolation } from '../db/dialect/index.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { Random } from '../ports/random.ts';
import type { AlbumRow, AlbumStateRow, Database, FileRow, MemberRow, Repos, Role, UserRow } from '../repositories/index.ts';
import type { AuthContext } from './auth-context.ts';
import { keyChanged, onePhotoOnly, rotationRequired, setupRequired, stateConflict } from './album-errors.ts';
import { albumNotFound, forbidden, type Access, type Permission } from './access.ts';
import { fromB64, iso, normalizeEmail, toB64 } from './encoding.ts';
import type { FileService } from './files.ts';
import { invitationMail } from './invitation-mail.ts';
import { tooMany, type ExternalInvitationService } from './external-invitations.ts';
import { foreignPendingFits, foreignPendingLimit, formatBytes, Ledger, lockParties, settleReleased, tooMuchPending } from './quota.ts';

type S<T extends import('@sinclair/typebox').TSchema> = Static<T>;

export const userRef = (u: UserRow): UserRef => ({
  id: u.id, email: u.email, displayName: u.displayName,
  x25519PublicKeyB64: toB64(u.x25519PublicKey), ed25519PublicKeyB64: toB64(u.ed25519PublicKey),
});

const list = (xs: string[], max = 5) => `${xs.slice(0, max).join(', ')}${xs.length > max ? ` and ${xs.length - max} more` : ''}`;
const countOf = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Albums, their members and keys, and their items. The server sees only ciphertext and ids. */
export class AlbumService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly files: FileService,
    private readonly access: Access,
    private readonly mailer: Mailer,
    private readonly logger: Logger,
    private readonly publicUrl: string | undefined,
    /** Counts emails looked up per account (usersLookup); none: not limited. */
    private readonly lookupLimiter: import('./rate-limiter.ts').RateLimiter | undefined,
    /** Invitations to emails without an account ([Note: external invitations]). */
    private readonly external: ExternalInvitationService,
  ) {}

  // ------------------------------------------------------------ users

  async lookupUsers(auth: AuthContext, emails: string[], allowMissing = false): Promise<S<typeof UsersLookupResult>> {
    // Access: any account may look up others' public keys by exact email (to share with them).
    const wanted = [...new Set(emails.map(normalizeEmail))];
    // [Note: lookups are counted] the answer tells which emails have an account (sharing needs
    // to say "no account for X", or to invite X by email), so each account may look up only so
    // many emails a minute (USER_LOOKUP_RATE_LIMIT_PER_MINUTE); beyond that, 429 with the wait.
    await this.lookupLimiter?.check('users-lookup', [{ label: 'for this account', key: `user:${auth.userId}` }],
      { cost: wanted.length, what: 'email lookups' });
    const found = new Map((await this.db.repos.users.findManyByEmail(wanted)).map((u) => [u.email, u]));
    const missing = wanted.filter((e) => !found.has(e));
    if (allowMissing) return { users: wanted.flatMap((e) => (found.has(e) ? [userRef(found.get(e)!)] : [])), missing };
    if (missing.length > 0) throw notFound(`no Obscura account for: ${missing.join(', ')}; nothing was shared`);
    return { users: wanted.map((e) => userRef(found.get(e)!)) };
  }

  // ------------------------------------------------------------ albums

  async create(auth: AuthContext, body: S<typeof CreateAlbumBody>): Promise<S<typeof AlbumDetail>> {
    // Access: any account may create albums.
    const albumId = body.albumId.toLowerCase();
    const now = this.clock.now();
    if (body.state.seq !== 1) throw badRequest('a new album starts with its signed state number 1 (its genesis)');
    try {
      await this.db.tx(async (r) => {
        if (await r.albums.exists(albumId)) throw conflict(`album ${shortId(albumId)} already exists; choose a new id`);
        await r.albums.insert({
          id: albumId, kind: body.kind ?? 'album', ownerId: auth.userId, currentEpoch: 1, metadata: fromB64(body.metadataB64), metadataEpoch: 1,
          rotationNeeded: false, itemSeq: 0, stateSeq: 0, createdAt: now, updatedAt: now,
        });
        await r.albums.insertMember({
          id: this.random.uuid(), albumId, userId: auth.userId, role: 'owner', status: 'active', invitedBy: null,
          invitedAt: now, respondedAt: now, messageSealed: null,
        });
        await r.albums.insertKeys([{ albumId, epoch: 1, userId: auth.userId, sealed: fromB64(body.sealedKeyB64), sealedBy: auth.userId }]);
        await r.albums.appendState(stateRow(albumId, body.state, now));
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(`album ${shortId(albumId)} already exists; choose a new id`);
      throw e;
    }
    return this.get(auth, albumId);
  }

  async list(auth: AuthContext): Promise<{ albums: S<typeof AlbumSummary>[] }> {
    // Access: scoped to albums where the caller is an active member.
    const rows = await this.db.repos.albums.listForUser(auth.userId);
    const states = await this.db.repos.albums.latestStates(rows.map((x) => x.album.id));
    const albums = [];
    for (const { album, role } of rows) albums.push(await this.summary(this.db.repos, album, role, states.get(album.id)));
    return { albums };
  }

  async get(auth: AuthContext, albumId: string): Promise<S<typeof AlbumDetail>> {
    const { album, member } = await this.album(auth, 'album.read', albumId);
    return this.detail(this.db.repos, album, member.role, auth.userId);
  }

  async updateMetadata(auth: AuthContext, albumId: string, body: S<typeof UpdateAlbumMetadataBody>): Promise<S<typeof AlbumDetail>> {
    const { album } = await this.album(auth, 'album.update', albumId);
    await this.db.tx(async (r) => {
      const a = await r.albums.lock(album.id);
      if (!a) throw albumNotFound(album.id);
      if (body.epoch !== a.currentEpoch) throw keyChanged();
      const now = this.clock.now();
      await appendState(r, a, body.state, now);
      await r.albums.update(a.id, { metadata: fromB64(body.metadataB64), metadataEpoch: body.epoch, updatedAt: now });
    });
    return this.get(auth, album.id);
  }

  /** The first signed state of an album from before signed states (its owner's one-time setup). */
  async signLegacy(auth: AuthContext, albumId: string, body: S<typeof SignAlbumStateBody>): Promise<S<typeof AlbumDetail>> {
    const { album } = await this.album(auth, 'album.sign', albumId);
    if (body.state.seq !== 1) throw badRequest("an album's first signed state is number 1");
    await this.db.tx(async (r) => {
      const a = await r.albums.lock(album.id);
      if (!a) throw albumNotFound(album.id);
      if (a.stateSeq !== 0) throw conflict(`this album already has a signed state (number ${a.stateSeq}); nothing was changed`);
      if (body.epoch !== a.currentEpoch) throw keyChanged();
      const now = this.clock.now();
      await appendState(r, a, body.state, now);
      await r.albums.update(a.id, { metadata: fromB64(body.metadataB64), metadataEpoch: body.epoch, updatedAt: now });
    });
    return this.get(auth, album.id);
  }

  async delete(auth: AuthContext, albumId: string): Promise<{ deletedFiles: number }> {
    const { album } = await this.album(auth, 'album.delete', albumId);
    const freed = await this.db.tx(async (r) => {
      await r.albums.lock(album.id);
      const files = await this.lockCharges(r, await r.albums.activeFileIds(album.id), auth.userId);
      await this.deletePublicLinks(r, album.id);
      await r.albums.delete(album.id);
      return this.releaseUnreferenced(r, files);
    });
    for (const f of freed) await this.files.deleteBlobs(f);
    return { deletedFiles: freed.length };
  }

  // ------------------------------------------------------------ items

  async items(auth: AuthContext, albumId: string, since = 0, limit = CHANGES_LIMIT_DEFAULT): Promise<S<typeof AlbumItems>> {
    const { album } = await this.album(auth, 'album.read', albumId);
    const rows = await this.db.repos.albums.itemChanges(album.id, since, limit + 1);
    const page = rows.slice(0, limit);
    const users = await this.users(this.db.repos, page.flatMap((c) => c.state === 'active' ? [c.addedBy, c.uploaderId] : []));
    return {
      items: page.map((c) => {
        if (c.state === 'removed') return c;
        const uploader = users.get(c.uploaderId)!;
        return {
          fileId: c.fileId, state: 'active' as const, seq: c.seq, epoch: c.epoch, wrappedKeyB64: toB64(c.wrappedKey),
          addedBy: users.get(c.addedBy)!, addedAt: iso(c.addedAt),
          uploader: { id: uploader.id, email: uploader.email, displayName: uploader.displayName, ed25519PublicKeyB64: uploader.ed25519PublicKeyB64 },
          manifestB64: toB64(c.manifest), signatureB64: toB64(c.signature), metadataB64: toB64(c.metadata),
          encryptedSize: c.encryptedSize, blockCount: c.blockCount,
        };
      }),
      nextSince: page.at(-1)?.seq ?? since,
      hasMore: rows.length > limit,
    };
  }

  async addItems(auth: AuthContext, albumId: string, body: S<typeof AddAlbumItemsBody>): Promise<{ added: number }> {
    const { album } = await this.album(auth, 'album.addPhotos', albumId);
    const wanted = new Map(body.items.map((i) => [i.fileId.toLowerCase(), i.wrappedKeyB64]));
    // Each file must be the caller's to share: their own photo, or one of an album they own
    // (a viewer or editor elsewhere cannot re-share it; see 'file.share' in access.ts).
    await this.access.require(this.db.repos, {
      actor: { auth }, permission: 'file.share', ids: [...wanted.keys()],
      hidden: (ids) => notFound(`${ids.length === 1 ? 'file' : 'files'} ${list(ids.map(shortId))} not found among the photos you can see; nothing was added`),
    });
    return this.db.tx(async (r) => {
      const a = await r.albums.lock(album.id);
      if (!a) throw albumNotFound(album.id);
      if (a.stateSeq === 0) throw setupRequired();
      if (a.rotationNeeded) throw rotationRequired();
      if (body.epoch !== a.currentEpoch) throw keyChanged();
      const present = new Set((await r.albums.items(a.id, [...wanted.keys()])).filter((i) => i.state === 'active').map((i) => i.fileId));
      const adding = [...wanted].filter(([id]) => !present.has(id));
      if (adding.length === 0) return { added: 0 };
      if (a.kind === 'photo' && (await r.albums.activeFileIds(a.id)).length + adding.length > 1) throw onePhotoOnly();
      // [Note: one payer per file] what is added is charged to the album's owner (editors' photos
      // count against the owner), all or nothing; whoever paid before is refunded.
      const files = await this.lockCharges(r, adding.map(([id]) => id), a.ownerId);
      const byId = new Map(files.map((f) => [f.id, f]));
      const gone = adding.filter(([id]) => !byId.has(id)).map(([id]) => shortId(id));
      if (gone.length > 0) throw notFound(`${gone.length === 1 ? 'file' : 'files'} ${list(gone)} no longer stored; nothing was added`);
      await this.checkForeignPending(r, files.filter((f) => f.status === 'pending' && f.uploaderId !== a.ownerId && f.quotaOwnerId !== a.ownerId), a.ownerId);
      const ledger = new Ledger();
      for (const f of files) await ledger.move(r, f, a.ownerId, true);
      await ledger.apply(r, async (_userId, needed) => {
        const u = await r.users.findById(a.ownerId);
        const what = `${formatBytes(u?.usedBytes ?? 0)} of ${formatBytes(u?.quotaBytes ?? 0)} used, adding ${
          adding.length === 1 ? 'this photo' : `these ${adding.length} photos`} needs ${formatBytes(needed)}; nothing was added`;
        return new AppError('quota-exceeded', a.ownerId === auth.userId ? `storage full: ${what}` : `storage of the album owner (${u?.displayName ?? 'unknown'}) is full: ${what}`);
      });
      const now = this.clock.now();
      let seq = (await r.albums.advanceItemSeq(a.id, adding.length)) - adding.length + 1;
      for (const [fileId, keyB64] of adding) {
        const f = byId.get(fileId);
        await r.albums.putItem({
          albumId: a.id, fileId, epoch: body.epoch, wrappedKey: fromB64(keyB64), addedBy: auth.userId, addedAt: now,
          // A file still uploading joins the feed when it completes.
          seq: f?.status === 'complete' ? seq++ : 0, state: 'active',
        });
      }
      await r.albums.update(a.id, { updatedAt: now });
      return { added: adding.length };
    });
  }

  async removeItems(auth: AuthContext, albumId: string, fileIds: string[]): Promise<{ removed: number }> {
    const { album, member } = await this.album(auth, 'album.removePhotos', albumId);
    const ids = [...new Set(fileIds.map((id) => id.toLowerCase()))];
    const { removed, freed } = await this.db.tx(async (r) => {
      await r.albums.lock(album.id);
      const files = await this.lockCharges(r, ids, album.ownerId);
      const items = (await r.albums.items(album.id, ids)).filter((i) => i.state === 'active');
      const present = new Set(items.map((i) => i.fileId));
      const missing = ids.filter((id) => !present.has(id));
      if (missing.length > 0) {
        throw notFound(`${missing.length === 1 ? 'file' : 'files'} ${list(missing.map(shortId))} not in this album; nothing was removed`);
      }
      if (member.role === 'editor' && album.kind === 'photo') {
        throw forbidden('editors cannot remove the shared photo; only its owner can stop sharing it');
      }
      if (member.role === 'editor') {
        const others = items.filter((i) => i.addedBy !== auth.userId).length;
        if (others > 0) {
          throw forbidden(`editors can remove only photos they added; ${others} of these ${others === 1 ? 'was' : 'were'} added by others; nothing was removed`);
        }
      }
      const now = this.clock.now();
      let seq = (await r.albums.advanceItemSeq(album.id, items.length)) - items.length + 1;
      for (const i of items) await r.albums.markItemRemoved(album.id, i.fileId, seq++);
      await r.albums.update(album.id, { updatedAt: now });
      return { removed: items.length, freed: await this.releaseUnreferenced(r, files) };
    });
    for (const f of freed) await this.files.deleteBlobs(f);
    return { removed };
  }

  // ------------------------------------------------------------ members

  async members(auth: AuthContext, albumId: string): Promise<S<typeof AlbumMembers>> {
    const { album, member } = await this.album(auth, 'album.read', albumId);
    // The owner sees every invitation, invitations to emails without an account included;
    // others see who is in (or invited to) the album now.
    const owner = member.role === 'owner';
    const rows = await this.db.repos.albums.members(album.id, owner ? undefined : ['pending', 'active']);
    return { members: await this.memberViews(this.db.repos, rows), external: owner ? await this.external.forAlbum(this.db.repos, album.id) : [] };
  }

  async share(auth: AuthContext, albumId: string, body: S<typeof ShareAlbumBody>): Promise<S<typeof AlbumMembers>> {
    const { album } = await this.album(auth, 'album.share', albumId);
    const sharer = await this.db.repos.users.findById(auth.userId);
    if (!sharer) throw unauthorized('this account no longer exists');
    const invites = body.invites.map((i) => ({ ...i, userId: i.userId.toLowerCase(), externalInvitationId: i.externalInvitationId?.toLowerCase() }));
    const external = this.external.normalize(sharer, body.external ?? []);
    if (invites.length === 0 && external.length === 0) {
      throw badRequest('nothing to share: name people with an account in invites, or emails without an account in external');
    }
    if (invites.length > 0 && !body.state) throw badRequest('inviting people with an account needs the signed album state that adds them (state); nothing was shared');
    if (invites.length === 0 && body.state) {
      throw badRequest('state goes with invites: leave it out when inviting only emails without an account (they join the album when their invitation is completed); nothing was shared');
    }
    const dup = invites.map((i) => i.userId).filter((id, n, all) => all.indexOf(id) !== n);
    if (dup.length > 0) throw badRequest(`each person may be invited once per request; repeated: ${list([...new Set(dup)].map(shortId))}`);
    const named = invites.flatMap((i) => (i.externalInvitationId ? [i.externalInvitationId] : []));
    const dupNamed = named.filter((id, n) => named.indexOf(id) !== n);
    if (dupNamed.length > 0) throw badRequest(`each invitation may be completed once per request; repeated: ${list([...new Set(dupNamed)].map(shortId))}`);
    if (invites.some((i) => i.userId === auth.userId)) throw badRequest('you own this album; invite other people');
    const users = await this.users(this.db.repos, invites.map((i) => i.userId));
    const unknown = invites.filter((i) => !users.has(i.userId)).map((i) => shortId(i.userId));
    if (unknown.length > 0) throw notFound(`no Obscura account with id ${list(unknown)}; nothing was shared`);

    const now = this.clock.now();
    // [Note: external invitations] one transaction under the album lock, all or nothing: the
    // invitations to accounts, the completions of external invitations, and the new ones.
    const { created, plan } = await this.db.tx(async (r) => {
      const a = await r.albums.lock(album.id);
      if (!a) throw albumNotFound(album.id);
      const already: string[] = [];
      for (const i of invites) if (await r.albums.liveMember(a.id, i.userId)) already.push(users.get(i.userId)!.email);
      if (already.length > 0) throw conflict(`already invited to or in this album: ${list(already)}; nothing was shared`);
      const plan = await this.external.plan(r, a, auth.userId, external,
        invites.map((i) => ({ userId: i.userId, email: users.get(i.userId)!.email, externalInvitationId: i.externalInvitationId })), now);
      const shared = await r.albums.countShared(a.id);
      const adds = invites.length + plan.insert.length + plan.refresh.length - plan.liveCompleted;
      if (shared + plan.liveBefore + adds > ALBUM_MEMBERS_MAX) throw tooMany(shared + plan.liveBefore, plan.liveBefore, adds);
      for (const i of invites) checkEpochCoverage(i.sealedKeys.map((k) => k.epoch), a.currentEpoch, users.get(i.userId)!.email);
      if (body.state) await appendState(r, a, body.state, now);
      const rows: MemberRow[] = [];
      for (const i of invites) {
        const row: MemberRow = {
          id: this.random.uuid(), albumId: a.id, userId: i.userId, role: i.role, status: 'pending', invitedBy: auth.userId,
          invitedAt: now, respondedAt: null, messageSealed: i.messageSealedB64 ? fromB64(i.messageSealedB64) : null,
        };
        await r.albums.insertMember(row);
        await r.albums.deleteKeysFor(a.id, [i.userId]);
        await r.albums.insertKeys(i.sealedKeys.map((k) => ({ albumId: a.id, epoch: k.epoch, userId: i.userId, sealed: fromB64(k.sealedB64), sealedBy: auth.userId })));
        rows.push(row);
      }
      for (const c of plan.complete) {
        const memberId = rows.find((m) => m.userId === c.userId)!.id;
        if (!(await r.externalInvitations.complete(c.row.id, c.row.status === 'signed-up' ? ['signed-up'] : ['pending', 'signed-up'], c.userId, memberId, now))) {
          throw conflict(`the invitation to ${c.row.email} changed meanwhile (cancelled?); nothing was shared`);
        }
      }
      await this.external.apply(r, plan, auth.userId);
      await r.albums.update(a.id, { updatedAt: now });
      return { created: rows, plan };
    });

    const invitationIds = new Map(created.map((row) => [row.userId, row.id]));
    for (const i of invites) {
      const to = users.get(i.userId)!.email;
      try {
        await this.mailer.send(invitationMail({
          to, sharer: { displayName: sharer.displayName, email: sharer.email }, role: i.role, kind: album.kind,
          invitationId: invitationIds.get(i.userId),
          albumName: i.email?.albumName, message: i.email?.message, publicUrl: this.publicUrl,
        }));
      } catch (e) {
        this.logger.error(`mail: invitation for ${to} could not be sent; the invitation stands in the app`, e);
      }
    }
    const sent = [...plan.insert, ...plan.refresh];
    const mailOf = new Map(external.map((e) => [e.email, e.mail]));
    await this.external.sendMails(auth.userId, album, sent.map((row) => ({ row, albumName: mailOf.get(row.email)?.albumName, message: mailOf.get(row.email)?.message })));
    return {
      members: await this.memberViews(this.db.repos, created),
      external: await this.external.views(this.db.repos, sent.map((x) => ({ ...x, albumKind: album.kind, albumOwnerId: album.ownerId }))),
    };
  }

  async updateMember(
    auth: AuthContext, albumId: string, userId: string, body: { role: 'viewer' | 'editor'; state: SignedAlbumStateInput },
  ): Promise<S<typeof AlbumMember>> {
    const { album } = await this.album(auth, 'album.members.update', albumId);
    const target = await this.db.tx(async (r) => {
      const a = await r.albums.lock(album.id);
      if (!a) throw albumNotFound(album.id);
      const t = await this.targetMember(r, a, userId.toLowerCase());
      await appendState(r, a, body.state, this.clock.now());
      await r.albums.setMemberRole(t.id, body.role);
      return t;
    });
    const role = body.role;
    const [view] = await this.memberViews(this.db.repos, [{ ...target, role }]);
    return view!;
  }

  async removeMember(auth: AuthContext, albumId: string, userId: string, rotation: S<typeof Rotation>): Promise<S<typeof AlbumDetail>> {
    const { album } = await this.album(auth, 'album.members.remove', albumId);
    const targetId = userId.toLowerCase();
    // [Note: remove and rotate together] the member's access ends, and the album moves
    // to a key they never had, in one transaction: no photo can be added in between.
    await this.db.tx(async (r) => {
      const a = await r.albums.lock(album.id);
      if (!a) throw albumNotFound(album.id);
      const target = await this.targetMember(r, a, targetId);
      const now = this.clock.now();
      await r.albums.setMemberStatus(target.id, 'removed', now);
      await r.albums.deleteKeysFor(a.id, [target.userId]);
      await this.applyRotation(r, a, rotation, auth.userId, now);
    });
    return this.get(auth, album.id);
  }

  async unshare(auth: AuthContext, albumId: string, rotation: S<typeof Rotation>): Promise<S<typeof AlbumDetail>> {
    const { album } = await this.album(auth, 'album.unshare', albumId);
    await this.db.tx(async (r) => {
      const a = await r.albums.lock(album.id);
      if (!a) throw albumNotFound(album.id);
      const now = this.clock.now();
      const gone = (await r.albums.members(a.id, ['pending', 'active'])).filter((m) => m.role !== 'owner');
      await r.albums.endAllShares(a.id, 'removed', now);
      await r.albums.deleteKeysFor(a.id, gone.map((m) => m.userId));
      // [Note: external invitations] stopping sharing cancels the invitations to emails without an account too.
      await r.externalInvitations.cancelAllForAlbum(a.id, now);
      await this.deletePublicLinks(r, a.id);
      // The links are gone: any linkKeys sent along have nothing to attach to.
      await this.applyRotation(r, a, { ...rotation, linkKeys: [] }, auth.userId, now);
    });
    return this.get(auth, album.id);
  }

  async leave(auth: AuthContext, albumId: string): Promise<{ ok: true }> {
    const { album: { id }, member } = await this.album(auth, 'album.leave', albumId);
    if (member.role === 'owner') throw badRequest('you own this album: stop sharing it or delete it instead of leaving');
    await this.db.tx(async (r) => {
      const now = this.clock.now();
      await r.albums.lock(id);
      const to = member.status === 'pending' ? 'declined' : 'left';
      if (!(await r.albums.setMemberStatusIf(member.id, member.status, to, now))) throw albumNotFound(id);
      await r.albums.deleteKeysFor(id, [auth.userId]);
      // [Note: why album keys rotate] someone who leaves still knows the current key — and so
      // does a pending invitee who declines: the invitation carried the sealed keys.
      await r.albums.update(id, { rotationNeeded: true, updatedAt: now });
    });
    return { ok: true };
  }

  async rotate(auth: AuthContext, albumId: string, rotation: S<typeof Rotation>): Promise<S<typeof AlbumDetail>> {
    // Only the owner signs album states, so only the owner can move the album to a new key;
    // after someone left, editors wait for the owner's app to do it (see docs/security.md).
    const { album } = await this.album(auth, 'album.rotate', albumId);
    await this.db.tx(async (r) => {
      const a = await r.albums.lock(album.id);
      if (!a) throw albumNotFound(album.id);
      await this.applyRotation(r, a, rotation, auth.userId, this.clock.now());
    });
    return this.get(auth, album.id);
  }

  /** The album's signed states after `since` (active members, and pending invitees who must verify it). */
  async states(auth: AuthContext, albumId: string, since = 0): Promise<{ states: SignedAlbumState[] }> {
    const { album } = await this.album(auth, 'album.states', albumId);
    const rows = await this.db.repos.albums.states(album.id, since, CHANGES_LIMIT_DEFAULT);
    return { states: rows.map(signedState) };
  }

  // ------------------------------------------------------------ invitations

  async invitations(auth: AuthContext): Promise<S<typeof InvitationList>> {
    // Access: scoped to the caller's own pending invitations.
    const rows = await this.db.repos.albums.pendingInvitationsFor(auth.userId);
    const states = await this.db.repos.albums.latestStates([...new Set(rows.map((m) => m.albumId))]);
    const invitations: S<typeof Invitation>[] = [];
    for (const m of rows) {
      const album = await this.db.repos.albums.find(m.albumId);
      if (!album) continue;
      const keys = await this.sealedKeys(this.db.repos, album.id, auth.userId);
      const people = await this.users(this.db.repos, [m.invitedBy ?? album.ownerId, album.ownerId]);
      const state = states.get(album.id);
      invitations.push({
        invitationId: m.id, albumId: album.id, albumKind: album.kind, role: m.role, invitedBy: people.get(m.invitedBy ?? album.ownerId)!,
        owner: people.get(album.ownerId)!, state: state ? signedState(state) : null,
        invitedAt: iso(m.invitedAt), albumMetadataB64: toB64(album.metadata), metadataEpoch: album.metadataEpoch,
        sealedKeys: keys, messageSealedB64: m.messageSealed ? toB64(m.messageSealed) : null,
      });
    }
    return { invitations, waiting: await this.external.waiting(auth) };
  }

  async accept(auth: AuthContext, invitationId: string): Promise<S<typeof AlbumSummary>> {
    const inv = await this.ownInvitation(auth, invitationId);
    // [Note: respond under the album lock] accepting takes the album's lock, like removing
    // someone or stopping sharing, and changes only a still-pending row: an invitee revoked
    // meanwhile stays removed (and never receives the next epoch key), whichever came first.
    await this.db.tx(async (r) => {
      await r.albums.lock(inv.albumId);
      if (!(await r.albums.setMemberStatusIf(inv.id, 'pending', 'active', this.clock.now()))) await this.stillPending(r, inv.id);
    });
    const album = (await this.db.repos.albums.find(inv.albumId))!;
    return this.summary(this.db.repos, album, inv.role);
  }

  async decline(auth: AuthContext, invitationId: string): Promise<{ ok: true }> {
    const inv = await this.ownInvitation(auth, invitationId);
    await this.db.tx(async (r) => {
      await r.albums.lock(inv.albumId);
      const now = this.clock.now();
      if (!(await r.albums.setMemberStatusIf(inv.id, 'pending', 'declined', now))) await this.stillPending(r, inv.id);
      await r.albums.deleteKeysFor(inv.albumId, [auth.userId]);
      // The invitation carried the sealed keys: rotate before anything new is added.
      await r.albums.update(inv.albumId, { rotationNeeded: true, updatedAt: now });
    });
    return { ok: true };
  }

  // ------------------------------------------------------------ helpers

  /** Access for invitations: only the invitee sees one; any other caller gets "not found". */
  private ownInvitation(auth: AuthContext, invitationId: string): Promise<MemberRow> {
    return this.access.one(this.db.repos, { actor: { auth }, permission: 'invitation.respond', id: invitationId });
  }

  /** The caller's membership of the album, if `permission` allows ([Note: one access module]). */
  private album<P extends Permission & `album.${string}`>(auth: AuthContext, permission: P, albumId: string) {
    return this.access.one(this.db.repos, { actor: { auth }, permission, id: albumId });
  }

  private async stillPending(r: Repos, invitationId: string): Promise<void> {
    const m = await r.albums.memberById(invitationId);
    if (!m) throw notFound(`invitation ${shortId(invitationId)} not found`);
    const was = { pending: '', active: 'accepted', declined: 'declined', removed: 'withdrawn', left: 'accepted (you have left the album since)' }[m.status];
    if (m.status !== 'pending') throw conflict(`this invitation was already ${was}`);
  }

  /** A live non-owner member the owner acts on. */
  private async targetMember(r: Repos, album: AlbumRow, userId: string): Promise<MemberRow> {
    if (userId === album.ownerId) throw badRequest('the owner cannot be changed or removed; delete the album instead');
    const m = await r.albums.liveMember(album.id, userId);
    if (!m) throw notFound(`${shortId(userId)} is not a member of this album (nor invited to it)`);
    return m;
  }

  /**
   * Stores a new epoch: its key sealed to exactly the people who remain (owner,
   * active and pending members) and the metadata re-encrypted under it.
   */
  private async applyRotation(r: Repos, album: AlbumRow, rot: S<typeof Rotation>, byUserId: string, now: number): Promise<void> {
    if (rot.epoch !== album.currentEpoch + 1) throw keyChanged();
    await appendState(r, album, rot.state, now);
    const remaining = (await r.albums.members(album.id, ['pending', 'active'])).map((m) => m.userId);
    const given = rot.sealedKeys.map((k) => k.userId.toLowerCase());
    const dups = given.filter((id, n) => given.indexOf(id) !== n);
    const users = await this.users(r, [...remaining, ...given]);
    const label = (id: string) => users.get(id)?.email ?? shortId(id);
    if (dups.length > 0) throw badRequest(`the new album key is sealed more than once to ${list([...new Set(dups)].map(label))}`);
    const missing = remaining.filter((id) => !given.includes(id));
    const extra = given.filter((id) => !remaining.includes(id));
    if (missing.length > 0 || extra.length > 0) {
      throw badRequest(`the new album key must be sealed to exactly the people who remain in the album: ${[
        missing.length > 0 ? `missing ${list(missing.map(label))}` : '',
        extra.length > 0 ? `not in the album: ${list(extra.map(label))}` : '',
      ].filter(Boolean).join('; ')}`);
    }
    await r.albums.insertKeys(rot.sealedKeys.map((k) => ({
      albumId: album.id, epoch: rot.epoch, userId: k.userId.toLowerCase(), sealed: fromB64(k.sealedB64), sealedBy: byUserId,
    })));
    await storeRotationLinkKeys(r, album.id, rot);
    await r.albums.update(album.id, {
      currentEpoch: rot.epoch, metadata: fromB64(rot.metadataB64), metadataEpoch: rot.epoch, rotationNeeded: false, updatedAt: now,
    });
  }

  // [Note: public links hook] stopping sharing (and deleting the album) deletes every public
  // link of the album — album links and links to a shared photo — in the same transaction.
  private async deletePublicLinks(r: Repos, albumId: string): Promise<number> {
    return r.links.deleteForAlbum(albumId);
  }

  /**
   * Locks files whose charges may move, then everyone involved ([Note: charge lock order]; the
   * caller holds the album's lock). `also`: the album's owner, who may take or give up charges.
   */
  private async lockCharges(r: Repos, fileIds: string[], also: string): Promise<FileRow[]> {
    const files = await r.files.lock(fileIds);
    await lockParties(r, files, [also]);
    return files;
  }

  /**
   * After the album let go of these (locked) files ([Note: one payer per file]): if the album's
   * owner paid and holds them nowhere else, the charge moves to the remaining holder with the most
   * recent reference; files nobody holds are deleted (rows here, blobs after commit) and refunded.
   */
  private async releaseUnreferenced(r: Repos, files: FileRow[]): Promise<FileRow[]> {
    const ledger = new Ledger();
    const freed = await settleReleased(r, ledger, files);
    await ledger.apply(r, async () => new AppError('internal', 'a released charge was refused'));
    return freed;
  }

  /**
   * [Note: upload holds] unfinished uploads added to an album move to its owner's storage: the
   * same cap as uploading straight into the album, per uploader (the owner's row is locked).
   */
  private async checkForeignPending(r: Repos, pending: FileRow[], ownerId: string): Promise<void> {
    if (pending.length === 0) return;
    const owner = await r.users.findById(ownerId);
    const limit = foreignPendingLimit(owner?.quotaBytes ?? 0);
    for (const uploaderId of new Set(pending.map((f) => f.uploaderId))) {
      const mine = pending.filter((f) => f.uploaderId === uploaderId);
      const already = await r.files.pendingChargedTo(uploaderId, ownerId);
      const adding = mine.reduce((n, f) => n + f.chargedBytes, 0);
      const total = { count: already.count + mine.length - 1, bytes: already.bytes };
      if (!foreignPendingFits(total, adding, limit)) throw tooMuchPending({ count: already.count + mine.length, bytes: already.bytes + adding }, owner?.displayName ?? 'the album owner', limit);
    }
  }

  private async users(r: Repos, ids: string[]): Promise<Map<string, UserRef>> {
    return new Map((await r.users.findManyById(ids)).map((u) => [u.id, userRef(u)]));
  }

  private async sealedKeys(r: Repos, albumId: string, userId: string) {
    const keys = await r.albums.keysFor(albumId, userId);
    const by = await this.users(r, keys.map((k) => k.sealedBy));
    return keys.map((k) => ({ epoch: k.epoch, sealedB64: toB64(k.sealed), sealedBy: by.get(k.sealedBy)! }));
  }

  private async memberViews(r: Repos, rows: MemberRow[]): Promise<S<typeof AlbumMember>[]> {
    const users = await this.users(r, rows.flatMap((m) => m.invitedBy ? [m.userId, m.invitedBy] : [m.userId]));
    return rows.map((m) => ({
      invitationId: m.id, user: users.get(m.userId)!, role: m.role, status: m.status,
      invitedBy: m.invitedBy ? users.get(m.invitedBy) ?? null : null,
      invitedAt: iso(m.invitedAt), respondedAt: m.respondedAt === null ? null : iso(m.respondedAt),
    }));
  }

  private async summary(r: Repos, album: AlbumRow, role: Role, latest?: AlbumStateRow): Promise<S<typeof AlbumSummary>> {
    const owner = (await this.users(r, [album.ownerId])).get(album.ownerId)!;
    const state = latest ?? (await r.albums.latestStates([album.id])).get(album.id);
    return {
      albumId: album.id, kind: album.kind, owner, myRole: role, currentEpoch: album.currentEpoch, metadataB64: toB64(album.metadata),
      metadataEpoch: album.metadataEpoch, itemCount: await r.albums.itemCount(album.id), memberCount: await r.albums.countShared(album.id),
      linkCount: await r.links.countForAlbum(album.id), rotationNeeded: album.rotationNeeded, state: state ? signedState(state) : null, createdAt: iso(album.createdAt), updatedAt: iso(album.updatedAt),
    };
  }

  private async detail(r: Repos, album: AlbumRow, role: Role, userId: string): Promise<S<typeof AlbumDetail>> {
    return { ...(await this.summary(r, album, role)), myKeys: await this.sealedKeys(r, album.id, userId) };
  }
}

/**
 * The new epoch key wrapped under the album's public links (given with the rotation). Each must
 * be a link of this album; links left out report the epoch in `missingEpochs` until `addLinkKeys`.
 */
async function storeRotationLinkKeys(r: Repos, albumId: string, rot: S<typeof Rotation>): Promise<void> {
  const given = (rot.linkKeys ?? []).map((k) => ({ ...k, linkId: k.linkId.toLowerCase() }));
  if (given.length === 0) return;
  const ids = given.map((k) => k.linkId);
  if (new Set(ids).size !== ids.length) throw badRequest('linkKeys names a link more than once');
  const links = new Map((await r.links.listForAlbum(albumId)).map((l) => [l.id, l.kind]));
  const foreign = ids.filter((id) => !links.has(id));
  if (foreign.length > 0) throw badRequest(`linkKeys: ${list(foreign.map(shortId))} ${foreign.length === 1 ? 'is not a public link' : 'are not public links'} of this album; nothing was changed`);
  // A link to a shared photo holds the file key, which a rotation does not change: nothing to store.
  const keys = given.filter((k) => links.get(k.linkId) === 'album');
  if (keys.length > 0) await r.links.putKeys(keys.map((k) => ({ linkId: k.linkId, epoch: rot.epoch, wrapped: fromB64(k.wrappedB64) })));
}

/** An invitee needs every epoch key 1..current (older photos are wrapped under older keys). */
function checkEpochCoverage(epochs: number[], current: number, who: string): void {
  const seen = new Set(epochs);
  const missing: number[] = [];
  for (let e = 1; e <= current; e++) if (!seen.has(e)) missing.push(e);
  const extra = [...seen].filter((e) => e < 1 || e > current);
  if (missing.length > 0 || extra.length > 0 || seen.size !== epochs.length) {
    throw badRequest(`sealedKeys for ${who} must hold each album key epoch 1..${current} exactly once${
      missing.length > 0 ? `; missing epoch ${missing.join(', ')}` : ''}${extra.length > 0 ? `; unknown epoch ${extra.join(', ')}` : ''}${
      seen.size !== epochs.length ? '; an epoch is repeated' : ''}`);
  }
}

const stateRow = (albumId: string, s: SignedAlbumStateInput, now: number): AlbumStateRow =>
  ({ albumId, seq: s.seq, state: fromB64(s.stateB64), signature: fromB64(s.signatureB64), createdAt: now });

const signedState = (s: AlbumStateRow): SignedAlbumState => ({ seq: s.seq, stateB64: toB64(s.state), signatureB64: toB64(s.signature) });

/**
 * Stores the owner's next signed state with the change it describes (the caller holds the
 * album lock). [Note: album state is owner-signed] — the server cannot check the signature;
 * it keeps the chain gap-free and fork-free: exactly one state per sequence number.
 */
async function appendState(r: Repos, album: AlbumRow, s: SignedAlbumStateInput, now: number): Promise<void> {
  if (s.seq !== album.stateSeq + 1) throw stateConflict(album.stateSeq);
  await r.albums.appendState(stateRow(album.id, s, now));
}
