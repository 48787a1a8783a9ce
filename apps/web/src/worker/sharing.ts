// Sharing with people, in the worker: invitations (verified by the SDK: the owner-signed roster,
// keys sealed by the owner, the name the owner signed), sharing an album or photos by email,
// roles, removing access, stopping sharing, and the fingerprints people compare to be sure the
// server did not slip in other keys. Every key and every check stays here; the page gets words.
import { ApiError, fingerprintOf, type AlbumPhoto, type AlbumView, type InvitationView, type MemberView, type PersonKeys } from '@obscura/sdk';
import type { UserRef } from '@obscura/protocol';
import type { AlbumSummary, PhotoScope } from '../shared/types.ts';
import { AppError } from '../shared/rpc.ts';
import { isEmail, listWords, normalizeEmail } from '../features/sharing/emails.ts';
import { state } from './state.ts';

export type MemberRoleChoice = 'viewer' | 'editor';

export interface ShareOptions {
  readonly role: MemberRoleChoice;
  /** End-to-end encrypted, shown to the invitee in the app. */
  readonly message?: string;
  /** Opt-in: the album (or photo) name and the message also go into the email, which the server can read. */
  readonly includeNameInEmail: boolean;
}

export interface Invitation {
  readonly invitationId: string;
  readonly albumId: string;
  /** 'photo': one photo shared with me (say "photo", not "album"). */
  readonly kind: 'album' | 'photo';
  readonly albumName?: string;
  readonly role: 'owner' | 'editor' | 'viewer';
  /** Who shared it, as the server lists them; the fingerprint is of the keys that signed the invitation. */
  readonly from: { readonly id: string; readonly email: string; readonly displayName: string; readonly fingerprint: string };
  readonly message?: string;
  readonly invitedAt: string;
  /** Set when the invitation did not verify: it cannot be accepted, only declined. */
  readonly problem?: string;
}

export interface Member {
  readonly invitationId: string;
  readonly userId: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: 'owner' | 'editor' | 'viewer';
  readonly status: 'pending' | 'active' | 'declined' | 'removed' | 'left';
  readonly fingerprint: string;
  /** In the owner-signed roster with this role and these keys (see the SDK's MemberView). */
  readonly inRoster: boolean;
  readonly isMe: boolean;
}

/** What the share dialog needs to know about its album (or one-photo share). */
export interface ShareTargetInfo {
  readonly albumId: string;
  readonly kind: 'album' | 'photo';
  readonly name?: string;
  readonly myRole: 'owner' | 'editor' | 'viewer';
  readonly owner: { readonly id: string; readonly email: string; readonly displayName: string };
  readonly linkCount: number;
  readonly trust: 'verified' | 'awaiting-owner-setup' | 'refused';
  readonly problem?: string;
}

export interface ShareResult {
  /** The album (or one-photo share) the people were invited to; absent when nobody could be invited. */
  readonly albumId?: string;
  readonly kind: 'album' | 'photo';
  readonly invited: readonly string[];
  /** Emails with no Obscura account: nobody was invited under them, the others were. */
  readonly noAccount: readonly string[];
  /** Emails of people who already have access (or an invitation): nothing changed for them. */
  readonly alreadyIn: readonly string[];
  /** Several photos were shared as this new album. */
  readonly createdAlbum?: { readonly albumId: string; readonly name: string };
}

/** A person's keys as the server lists them now, against what this browser pinned. */
export interface PersonKeyState {
  readonly userId: string;
  readonly displayName: string;
  readonly email: string;
  /** Of the keys the server lists now. */
  readonly fingerprint: string;
  readonly pin: 'me' | 'unpinned' | 'pinned' | 'changed';
  /** What was pinned before, when it differs (and its X25519 half is known). */
  readonly pinnedFingerprint?: string;
  /** The change in one sentence (pin 'changed'). */
  readonly change?: string;
}

const usage = (message: string) => new AppError({ kind: 'usage', message });

const LIVE = new Set<Member['status']>(['active', 'pending']);

function summaryOf(v: AlbumView): AlbumSummary {
  return {
    albumId: v.albumId, kind: v.kind, owner: { id: v.owner.id, email: v.owner.email, displayName: v.owner.displayName },
    myRole: v.myRole, itemCount: v.itemCount, memberCount: v.memberCount, linkCount: v.linkCount, sharedByMe: v.sharedByMe,
    rotationNeeded: v.rotationNeeded, trust: v.trust,
    ...(v.name !== undefined ? { name: v.name } : {}), ...(v.caption !== undefined ? { caption: v.caption } : {}),
    ...(v.coverFileId !== undefined ? { coverFileId: v.coverFileId } : {}), ...(v.problem !== undefined ? { problem: v.problem } : {}),
  };
}

function invitationOf(i: InvitationView): Invitation {
  return {
    invitationId: i.invitationId, albumId: i.albumId, kind: i.kind, role: i.role, invitedAt: i.invitedAt,
    from: { id: i.from.id, email: i.from.email, displayName: i.from.displayName, fingerprint: i.from.fingerprint },
    ...(i.albumName !== undefined ? { albumName: i.albumName } : {}),
    ...(i.message !== undefined ? { message: i.message } : {}),
    ...(i.problem !== undefined ? { problem: i.problem } : {}),
  };
}

function memberOf(m: MemberView, me: string): Member {
  return {
    invitationId: m.invitationId, userId: m.userId, email: m.email, displayName: m.displayName, role: m.role, status: m.status,
    fingerprint: m.fingerprint, inRoster: m.inRoster, isMe: m.userId === me,
  };
}

/** Runs `fn`, then saves pins and album-state pins whatever happened (a refusal may have pinned others first). */
async function persisting<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    await state.persist();
  }
}

/** Normalized, each once; refuses malformed addresses and my own before anything is sent. */
function cleanEmails(emails: readonly string[]): string[] {
  const out = [...new Set(emails.map(normalizeEmail))].filter((e) => e.length > 0);
  if (out.length === 0) throw usage('add at least one email address to share with');
  const bad = out.filter((e) => !isEmail(e));
  if (bad.length > 0) throw usage(`${listWords(bad)} ${bad.length === 1 ? 'is not an email address' : 'are not email addresses'}; nothing was shared`);
  const me = normalizeEmail(state.need.session.user.email);
  if (out.includes(me)) throw usage(`${me} is you: what you own is already yours; nothing was shared`);
  return out;
}

/** The account the server lists for one email, or undefined when it has none (404). */
async function lookupOne(email: string): Promise<UserRef | undefined> {
  try {
    const { users } = await state.need.session.api.call('usersLookup', { body: { emails: [email] } });
    return users.find((u) => normalizeEmail(u.email) === email);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}

/**
 * [Note: who has no account] the server answers a lookup of several emails with 404 as soon as
 * one has no account ("nothing was shared"). To invite the others anyway, the emails are then
 * looked up one by one (each lookup counts against the per-minute allowance just the same) and
 * the ones without an account are named to the sharer. The common case (everyone has an
 * account) costs one lookup per email, inside the SDK's share.
 */
async function splitByAccount(emails: readonly string[]): Promise<{ found: Map<string, UserRef>; missing: string[] }> {
  const found = new Map<string, UserRef>();
  const missing: string[] = [];
  for (const e of emails) {
    const u = await lookupOne(e);
    if (u) found.set(e, u);
    else missing.push(e);
  }
  return { found, missing };
}

const isNoAccount = (e: unknown) => e instanceof ApiError && e.status === 404 && e.code === 'not-found';

/**
 * Refuses (before anything is created) when the server now lists someone I pinned with other
 * keys, another account, or another email: the same KeyChangedError the SDK would throw halfway.
 */
function checkPins(users: Iterable<UserRef>): void {
  const { pins } = state.need;
  for (const u of users) {
    const st = pins.statusOf(u);
    if (st.status === 'changed') throw st.error;
  }
}

async function liveMemberEmails(albumId: string): Promise<Set<string>> {
  const members = await state.need.albums.members(albumId);
  return new Set(members.filter((m) => LIVE.has(m.status) && m.role !== 'owner').map((m) => normalizeEmail(m.email)));
}

/** Shares an album I own with people who have an account; names those who have none. */
async function shareAlbum(albumId: string, emails: readonly string[], opts: ShareOptions): Promise<ShareResult> {
  const { albums } = state.need;
  const wanted = cleanEmails(emails);
  const live = await liveMemberEmails(albumId);
  const alreadyIn = wanted.filter((e) => live.has(e));
  let todo = wanted.filter((e) => !live.has(e));
  let noAccount: string[] = [];
  const sdkOpts = { role: opts.role, ...(opts.message?.trim() ? { message: opts.message.trim() } : {}), includeNameInEmail: opts.includeNameInEmail };
  const view = await albums.get(albumId);
  if (todo.length > 0) {
    await persisting(async () => {
      try {
        await albums.share(albumId, todo, sdkOpts);
      } catch (e) {
        if (!isNoAccount(e)) throw e;
        const { missing } = await splitByAccount(todo);
        // Everyone has an account after all: the 404 was about something else (the album).
        if (missing.length === 0) throw e;
        noAccount = missing;
        todo = todo.filter((x) => !missing.includes(x));
        if (todo.length > 0) await albums.share(albumId, todo, sdkOpts);
      }
    });
  }
  return { albumId, kind: view.kind, invited: todo, noAccount, alreadyIn };
}

/** An opened photo to share from an album scope, or the file id of a photo of my library. */
async function photoArg(scope: PhotoScope, fileId: string): Promise<string | AlbumPhoto> {
  if (scope === 'library') return fileId;
  if (scope.startsWith('album:')) {
    const albumId = scope.slice('album:'.length);
    // One photo opened and checked, not every photo of the album.
    return state.need.albums.photo(albumId, fileId);
  }
  throw usage('a photo seen through a public link cannot be shared from here');
}

/**
 * The one-photo share I already made of this photo (to add people to it rather than make a
 * second one), found among my shares of kind 'photo' by their verified contents.
 */
async function existingPhotoShare(fileId: string): Promise<AlbumView | undefined> {
  const { albums } = state.need;
  const mine = (await albums.list()).filter((a) => a.kind === 'photo' && a.myRole === 'owner' && a.trust === 'verified');
  for (const a of mine) {
    const { photos } = await albums.photos(a.albumId).catch(() => ({ photos: [] as AlbumPhoto[] }));
    if (photos.some((p) => p.fileId === fileId)) return a;
  }
  return undefined;
}

/**
 * Shares photos by email. One photo: a one-photo share (the SDK's sharePhoto), or the one I
 * made before. Several photos: [Note: several photos are shared as an album] a new album of
 * mine holding them (keys re-wrapped, nothing uploaded again), shared like any album; the
 * dialog says so before the person clicks Share.
 */
async function sharePhotos(fileIds: readonly string[], scope: PhotoScope, emails: readonly string[], opts: ShareOptions & { albumName?: string }): Promise<ShareResult> {
  const { albums } = state.need;
  if (fileIds.length === 0) throw usage('select at least one photo to share');
  if (fileIds.length === 1) {
    const existing = await existingPhotoShare(fileIds[0]!);
    if (existing) return shareAlbum(existing.albumId, emails, opts);
  }
  const wanted = cleanEmails(emails);
  // Before anything is created: who has an account, and whether any key changed.
  const { found, missing } = await splitByAccountQuickly(wanted);
  checkPins(found.values());
  const todo = wanted.filter((e) => found.has(e));
  const kind = fileIds.length === 1 ? 'photo' as const : 'album' as const;
  if (todo.length === 0) return { kind, invited: [], noAccount: missing, alreadyIn: [] };
  const sdkOpts = { role: opts.role, ...(opts.message?.trim() ? { message: opts.message.trim() } : {}), includeNameInEmail: opts.includeNameInEmail };
  return persisting(async () => {
    if (fileIds.length === 1) {
      const { albumId } = await albums.sharePhoto(await photoArg(scope, fileIds[0]!), todo, sdkOpts);
      return { albumId, kind, invited: todo, noAccount: missing, alreadyIn: [] };
    }
    if (scope !== 'library') throw usage('several photos are shared as a new album of your library photos; select them in Photos, or share the whole album');
    const name = opts.albumName?.trim();
    if (!name) throw usage('give the new album a name');
    const album = await albums.create(name);
    await albums.addPhotos(album.albumId, fileIds);
    state.emit({ type: 'library-changed' });
    await albums.share(album.albumId, todo, sdkOpts);
    return { albumId: album.albumId, kind, invited: todo, noAccount: missing, alreadyIn: [], createdAlbum: { albumId: album.albumId, name } };
  });
}

/** One lookup for all when everyone has an account; one by one only after a 404 (see [Note: who has no account]). */
async function splitByAccountQuickly(emails: readonly string[]): Promise<{ found: Map<string, UserRef>; missing: string[] }> {
  try {
    const { users } = await state.need.session.api.call('usersLookup', { body: { emails: [...emails] } });
    const found = new Map<string, UserRef>();
    for (const u of users) found.set(normalizeEmail(u.email), u);
    const missing = emails.filter((e) => !found.has(e));
    // The server must answer exactly the emails asked for (the SDK checks it again when sharing).
    if (missing.length > 0 || found.size !== emails.length) return splitByAccount(emails);
    return { found, missing: [] };
  } catch (e) {
    if (!isNoAccount(e)) throw e;
    return splitByAccount(emails);
  }
}

async function keyStateOf(u: UserRef): Promise<PersonKeyState> {
  const { pins, session } = state.need;
  const base = { userId: u.id, displayName: u.displayName, email: normalizeEmail(u.email), fingerprint: await fingerprintOf(u) };
  if (u.id === session.user.id && base.email === normalizeEmail(session.user.email)) return { ...base, pin: 'me' };
  if (base.email === normalizeEmail(session.user.email)) {
    // Someone else under my own email: never to be trusted (the SDK refuses it too).
    return { ...base, pin: 'changed', change: `${base.email} is your own email, but the server lists it for another account (${u.id})` };
  }
  const st = pins.statusOf(u as PersonKeys);
  if (st.status === 'unpinned') return { ...base, pin: 'unpinned' };
  if (st.status === 'pinned') return { ...base, pin: 'pinned' };
  const pinnedFingerprint = st.pinned.x25519
    ? await fingerprintOf({ x25519PublicKeyB64: st.pinned.x25519, ed25519PublicKeyB64: st.pinned.ed25519 })
    : undefined;
  return { ...base, pin: 'changed', change: st.error.what, ...(pinnedFingerprint ? { pinnedFingerprint } : {}) };
}

export const sharing = {
  /** "Shared": albums (and one-photo shares) I own that people or links can see. */
  async sharedByMe(): Promise<AlbumSummary[]> {
    return (await state.need.albums.sharedByMe()).map(summaryOf);
  },

  /** "Shared with me": albums and photos others share with me that I accepted (pending ones: `invitations`). */
  async sharedWithMe(): Promise<AlbumSummary[]> {
    return (await state.need.albums.sharedWithMe()).map(summaryOf);
  },

  /** Albums I own that I can share (for "Share an album…"): verified, of kind album. */
  async shareableAlbums(): Promise<AlbumSummary[]> {
    return (await state.need.albums.list()).filter((a) => a.myRole === 'owner' && a.kind === 'album' && a.trust === 'verified').map(summaryOf);
  },

  /** My pending invitations, each verified (one that fails carries `problem`). */
  async invitations(): Promise<Invitation[]> {
    return persisting(async () => (await state.need.albums.invitations()).map(invitationOf));
  },

  /** One pending invitation (the mail's landing page), or null when it is no longer pending. */
  async invitation(invitationId: string): Promise<Invitation | null> {
    const all = await sharing.invitations();
    return all.find((i) => i.invitationId === invitationId.toLowerCase()) ?? null;
  },

  /** Accepts a verified invitation; the album (or photo) is then in Shared with me. */
  async accept(invitationId: string): Promise<AlbumSummary> {
    return persisting(async () => summaryOf(await state.need.albums.accept(invitationId)));
  },

  async decline(invitationId: string): Promise<void> {
    await state.need.albums.decline(invitationId);
  },

  /** The album or one-photo share the dialog manages. */
  async target(albumId: string): Promise<ShareTargetInfo> {
    const v = await persisting(() => state.need.albums.get(albumId));
    return {
      albumId: v.albumId, kind: v.kind, myRole: v.myRole, linkCount: v.linkCount, trust: v.trust,
      owner: { id: v.owner.id, email: v.owner.email, displayName: v.owner.displayName },
      ...(v.name !== undefined ? { name: v.name } : {}), ...(v.problem !== undefined ? { problem: v.problem } : {}),
    };
  },

  /** The one-photo share I made of this photo before, if any (its people are managed like an album's). */
  async photoShare(fileId: string): Promise<ShareTargetInfo | null> {
    const v = await existingPhotoShare(fileId);
    return v ? sharing.target(v.albumId) : null;
  },

  /** Who has (or had) access, each checked against the owner-signed roster. */
  async members(albumId: string): Promise<Member[]> {
    const { albums, session } = state.need;
    const list = await persisting(() => albums.members(albumId));
    return list.map((m) => memberOf(m, session.user.id));
  },

  share: shareAlbum,
  sharePhotos,

  async setRole(albumId: string, email: string, role: MemberRoleChoice): Promise<void> {
    await persisting(() => state.need.albums.setRole(albumId, email, role));
  },

  /** Removes one person's access; the album key is renewed so they cannot read what is added next. */
  async revoke(albumId: string, email: string): Promise<void> {
    await persisting(() => state.need.albums.revoke(albumId, email));
  },

  /** Stop sharing: everyone and every public link of the album, at once; the key is renewed. */
  async unshare(albumId: string): Promise<void> {
    await persisting(() => state.need.albums.unshare(albumId));
  },

  /** The public links of one photo of my library (what "stop sharing" a photo ends besides its people). */
  async photoLinkCount(fileId: string): Promise<number> {
    return (await state.need.links.list()).filter((l) => l.target.kind === 'file' && l.target.fileId === fileId).length;
  },

  /** Stop sharing a photo: the people of its one-photo share (if any) and every public link to it. */
  async stopSharingPhoto(fileId: string, shareAlbumId: string | null): Promise<{ people: number; links: number }> {
    const { albums, links } = state.need;
    let people = 0;
    if (shareAlbumId) {
      people = (await liveMemberEmails(shareAlbumId)).size;
      await persisting(() => albums.unshare(shareAlbumId));
    }
    const mine = (await links.list()).filter((l) => l.target.kind === 'file' && l.target.fileId === fileId);
    for (const l of mine) await links.delete(l.linkId);
    return { people, links: mine.length };
  },

  /** My own fingerprint (from my keys, never from the server). */
  async me(): Promise<{ email: string; displayName: string; fingerprint: string }> {
    const { session } = state.need;
    return { email: session.user.email, displayName: session.user.displayName, fingerprint: await session.fingerprint() };
  },

  /** A person's keys as the server lists them now, compared with what this browser pinned. */
  async person(email: string): Promise<PersonKeyState> {
    const e = normalizeEmail(email);
    if (!isEmail(e)) throw usage(`${email} is not an email address`);
    const u = await lookupOne(e);
    if (!u) throw usage(`no Obscura account for ${e}`);
    return keyStateOf(u);
  },

  /**
   * "I verified the new key, trust it": pins the keys the server lists now for `email`, but only
   * when they are the ones whose fingerprint the person compared (`fingerprint`), so a key that
   * changed again in between is not trusted by mistake.
   */
  async trustKey(email: string, fingerprint: string): Promise<PersonKeyState> {
    const e = normalizeEmail(email);
    const u = await lookupOne(e);
    if (!u) throw usage(`no Obscura account for ${e}`);
    const now = await keyStateOf(u);
    if (now.pin === 'me') throw usage('your own keys come from your account, not from the server; there is nothing to trust');
    if (now.change && now.email === normalizeEmail(state.need.session.user.email)) throw usage(now.change);
    if (now.fingerprint.replace(/\s/g, '') !== fingerprint.replace(/\s/g, '')) {
      throw new AppError({
        kind: 'key-changed', message: `the keys the server lists for ${e} changed again (fingerprint now ${now.fingerprint}); compare again before trusting them`,
        person: { userId: u.id, displayName: u.displayName, email: e },
      });
    }
    const { pins } = state.need;
    pins.accept(u);
    await state.persist();
    return keyStateOf(u);
  },
};
