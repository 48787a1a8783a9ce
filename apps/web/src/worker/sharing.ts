// Sharing with people, in the worker: invitations (verified by the SDK: the owner-signed roster,
// keys sealed by the owner, the name the owner signed), sharing an album or photos by email,
// roles, removing access, stopping sharing, and the fingerprints people compare to be sure the
// server did not slip in other keys. Every key and every check stays here; the page gets words.
import {
  ApiError, fingerprintOf, type AlbumPhoto, type AlbumView, type ExternalInvitationView, type InvitationView, type MemberView, type PersonKeys,
} from '@obscura/sdk';
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
  /** Emails of people with an account: invited now (the album key is sealed to each). */
  readonly invited: readonly string[];
  /**
   * Emails with no Obscura account: each got an invitation to sign up ([Note: external
   * invitations] in the SDK); nothing is sealed until they have keys and I finish sharing.
   */
  readonly invitedWithoutAccount: readonly string[];
  /** Emails of people who already have access (or an invitation): nothing changed for them. */
  readonly alreadyIn: readonly string[];
  /** Several photos were shared as this new album. */
  readonly createdAlbum?: { readonly albumId: string; readonly name: string };
}

/**
 * An invitation I sent to an email that had no account, as the share dialog and the "finish
 * sharing" review show it. 'pending': "invited — no account yet"; 'signed-up': "signed up —
 * waiting for you to confirm their key" (`invitee` with the fingerprint of the keys the server
 * lists for the new account); 'expired': lapsed (re-send). `problem`: must not be sealed to.
 */
export interface ExternalInvite {
  readonly id: string;
  readonly albumId: string;
  readonly albumKind: 'album' | 'photo';
  readonly albumName?: string;
  readonly email: string;
  readonly role: 'owner' | 'editor' | 'viewer';
  readonly status: 'pending' | 'signed-up' | 'expired';
  readonly invitedAt: string;
  readonly expiresAt: string;
  readonly invitee?: { readonly id: string; readonly email: string; readonly displayName: string; readonly fingerprint: string };
  readonly problem?: string;
}

/** What "Finish sharing" did, per invitation (plain words for the page). */
export interface FinishResult {
  readonly completed: readonly ExternalInvite[];
  readonly skipped: readonly { readonly invitation: ExternalInvite; readonly reason: string }[];
  readonly failed: readonly { readonly invitation: ExternalInvite; readonly problem: string }[];
}

/** An invitation sent to my email before I had an account: waiting for its sharer to finish sharing. */
export interface WaitingInvite {
  readonly id: string;
  readonly kind: 'album' | 'photo';
  readonly role: 'owner' | 'editor' | 'viewer';
  readonly from: { readonly id: string; readonly email: string; readonly displayName: string; readonly fingerprint: string };
  readonly invitedAt: string;
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

function externalOf(x: ExternalInvitationView): ExternalInvite {
  return {
    id: x.id, albumId: x.albumId, albumKind: x.albumKind, email: x.email, role: x.role, status: x.status, invitedAt: x.invitedAt, expiresAt: x.expiresAt,
    ...(x.albumName !== undefined ? { albumName: x.albumName } : {}),
    ...(x.invitee ? { invitee: { id: x.invitee.id, email: x.invitee.email, displayName: x.invitee.displayName, fingerprint: x.invitee.fingerprint } } : {}),
    ...(x.problem !== undefined ? { problem: x.problem } : {}),
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
 * [Note: who has no account] One lookup of all the emails (allowMissing) tells which have an
 * account and which do not: those without one get an invitation to sign up when shared with,
 * nothing sealed. The answer must name exactly the emails asked for, as the SDK checks when it
 * shares. Every email looked up counts against the server's per-minute lookup allowance.
 */
async function lookupAll(emails: readonly string[]): Promise<{ found: Map<string, UserRef>; missing: string[] }> {
  const asked = [...new Set(emails.map(normalizeEmail))].sort();
  const { users, missing = [] } = await state.need.session.api.call('usersLookup', { body: { emails: asked, allowMissing: true } });
  const found = new Map<string, UserRef>();
  for (const u of users) found.set(normalizeEmail(u.email), u);
  const none = new Set(missing.map(normalizeEmail));
  const answered = [...found.keys(), ...none].sort();
  if (answered.length !== asked.length || asked.some((e, i) => e !== answered[i])) {
    throw new AppError({ kind: 'album-trust', message: `the server answered a lookup of ${asked.join(', ')} with ${answered.join(', ') || 'nobody'}; nothing was shared` });
  }
  return { found, missing: asked.filter((e) => none.has(e)) };
}

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

/** Emails of the album's open invitations to people without an account (pending, or signed up); expired ones may be invited again. */
async function openExternalEmails(albumId: string): Promise<Set<string>> {
  const { invitations } = await state.need.session.api.call('listExternalInvitations');
  return new Set(invitations.filter((x) => x.albumId === albumId && x.status !== 'expired').map((x) => normalizeEmail(x.email)));
}

const sdkOptions = (opts: ShareOptions) =>
  ({ role: opts.role, ...(opts.message?.trim() ? { message: opts.message.trim() } : {}), includeNameInEmail: opts.includeNameInEmail });

/** Splits the emails shared with into people with an account (invited) and those who got an invitation to sign up. */
function split(emails: readonly string[], external: readonly ExternalInvitationView[]): Pick<ShareResult, 'invited' | 'invitedWithoutAccount'> {
  const without = new Set(external.map((x) => normalizeEmail(x.email)));
  return { invited: emails.filter((e) => !without.has(e)), invitedWithoutAccount: emails.filter((e) => without.has(e)) };
}

/**
 * Shares an album I own by email: people with an account are invited (the key sealed to each),
 * emails without one get an invitation to sign up; people already in (or invited) are named.
 */
async function shareAlbum(albumId: string, emails: readonly string[], opts: ShareOptions): Promise<ShareResult> {
  const { albums } = state.need;
  const wanted = cleanEmails(emails);
  const [live, open] = await Promise.all([liveMemberEmails(albumId), openExternalEmails(albumId)]);
  const alreadyIn = wanted.filter((e) => live.has(e) || open.has(e));
  const todo = wanted.filter((e) => !live.has(e) && !open.has(e));
  const view = await albums.get(albumId);
  if (todo.length === 0) return { albumId, kind: view.kind, invited: [], invitedWithoutAccount: [], alreadyIn };
  const r = await persisting(() => albums.share(albumId, todo, sdkOptions(opts)));
  return { albumId, kind: view.kind, ...split(todo, r.invitedWithoutAccount), alreadyIn };
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
  // Before anything is created: whether the key of anyone with an account changed.
  const { found } = await lookupAll(wanted);
  checkPins(found.values());
  const kind = fileIds.length === 1 ? 'photo' as const : 'album' as const;
  return persisting(async () => {
    if (fileIds.length === 1) {
      const r = await albums.sharePhoto(await photoArg(scope, fileIds[0]!), wanted, sdkOptions(opts));
      return { albumId: r.albumId, kind, ...split(wanted, r.invitedWithoutAccount), alreadyIn: [] };
    }
    if (scope !== 'library') throw usage('several photos are shared as a new album of your library photos; select them in Photos, or share the whole album');
    const name = opts.albumName?.trim();
    if (!name) throw usage('give the new album a name');
    const album = await albums.create(name);
    await albums.addPhotos(album.albumId, fileIds);
    state.emit({ type: 'library-changed' });
    const r = await albums.share(album.albumId, wanted, sdkOptions(opts));
    return { albumId: album.albumId, kind, ...split(wanted, r.invitedWithoutAccount), alreadyIn: [], createdAlbum: { albumId: album.albumId, name } };
  });
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

  /**
   * Which of these emails have an Obscura account, for the share dialog's chips ("no account
   * yet — gets an invitation to sign up"). One lookup; each email counts against the per-minute
   * lookup allowance, so the dialog asks only for a few.
   */
  async accounts(emails: readonly string[]): Promise<{ email: string; hasAccount: boolean }[]> {
    const wanted = [...new Set(emails.map(normalizeEmail))].filter(isEmail);
    if (wanted.length === 0) return [];
    const { found } = await lookupAll(wanted);
    return wanted.map((email) => ({ email, hasAccount: found.has(email) }));
  },

  // ------------------------------------------------------------ invitations to people without an account

  /** Invitations I sent to emails without an account (of one album, or all), with what each waits for. */
  async externalInvitations(albumId?: string): Promise<ExternalInvite[]> {
    return (await state.need.albums.externalInvitations(albumId)).map(externalOf);
  },

  /**
   * [Note: finishing is asked, not done] Invitations whose invitee signed up and waits for me to
   * confirm their key, for the app-wide notice. One request when there are none (the common
   * case); the app asks when it starts and when the Shared pages load, never in a loop. Nothing
   * is sealed here: the CLI's backup finishes on its own, the web app only when the person
   * presses "Finish sharing" (finishSharing).
   */
  async toFinish(): Promise<ExternalInvite[]> {
    const { albums, session } = state.need;
    const { invitations } = await session.api.call('listExternalInvitations');
    if (!invitations.some((x) => x.status === 'signed-up')) return [];
    return (await albums.externalInvitations()).filter((x) => x.status === 'signed-up').map(externalOf);
  },

  /**
   * "Finish sharing": seals the album key to each signed-up invitee and signs them into the
   * roster (the SDK's completeExternal, under the album-trust rules); they then get a normal
   * invitation to accept or decline. Only the keys whose fingerprint the person was shown
   * (`fingerprint`) are sealed to: keys that changed in between are skipped, to look at again.
   */
  async finishSharing(confirmed: readonly { id: string; fingerprint: string }[]): Promise<FinishResult> {
    if (confirmed.length === 0) throw usage('choose whom to finish sharing with');
    const bare = (fp: string) => fp.replace(/\s/g, '');
    const seen = new Map(confirmed.map((c) => [c.id.toLowerCase(), bare(c.fingerprint)]));
    const r = await persisting(() => state.need.albums.completeExternal({
      ids: [...seen.keys()],
      confirm: (x) => x.invitee !== undefined && seen.get(x.id) === bare(x.invitee.fingerprint),
    }));
    return {
      completed: r.completed.map(externalOf),
      skipped: r.skipped.map((s) => ({
        invitation: externalOf(s.invitation),
        reason: s.reason === 'not confirmed' && s.invitation.invitee
          ? `the keys the server lists for ${s.invitation.email} changed since you looked (fingerprint now ${s.invitation.invitee.fingerprint}); look again before finishing`
          : s.reason,
      })),
      failed: r.failed.map((f) => ({ invitation: externalOf(f.invitation), problem: f.problem })),
    };
  },

  /** Cancels an invitation I sent to an email without an account (pending, signed up or expired). */
  async cancelExternal(id: string): Promise<void> {
    await state.need.albums.cancelExternal(id);
  },

  /** Sends the sign-up invitation again and restarts its expiry. */
  async resendExternal(id: string): Promise<ExternalInvite> {
    return externalOf(await state.need.albums.resendExternal(id));
  },

  /** For the invitee: invitations sent to my email before I had an account, waiting for their sharers to finish. */
  async waitingInvitations(): Promise<WaitingInvite[]> {
    return (await state.need.albums.waitingInvitations()).map((w) => ({
      id: w.id, kind: w.kind, role: w.role, invitedAt: w.invitedAt,
      from: { id: w.from.id, email: w.from.email, displayName: w.from.displayName, fingerprint: w.from.fingerprint },
    }));
  },
};
