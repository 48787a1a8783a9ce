// Sharing albums with people: share, members, role, revoke, unshare, invitations, accept,
// decline, leave; and one photo: share-photo, caption.
import { ApiError, UsageError as SdkUsageError, type AlbumPhoto, type ExternalInvitationView, type MemberView, type WaitingInvitationView } from '@obscura/sdk';
import { boolOpt, stringOpt, type Command } from '../command.ts';
import { withClient, type Client } from '../client.ts';
import { CliError, UsageError } from '../errors.ts';
import { personLabel, printJson, printTable, TABLE_WIDTH } from '../output.ts';
import { accessPhrase, askYesNo, canPrompt, confirmDestructive } from '../prompt.ts';
import { resolvePhoto, shortIdLength } from '../resolve.ts';
import { albumLabel, findAlbum, invitationJson, printInvitations } from './album.ts';
import { safe } from '../terminal-text.ts';
import { albumPhotos, isoLocal, libraryPhotoCandidates, photoCandidate, resolvePhotoArgs } from './library.ts';
import { externalJson, printExternal, signedUpHint } from './pending.ts';

const JSON_OPT = { json: { type: 'boolean', description: 'print one JSON document on stdout (see docs/cli.md)' } } as const;

// What the server accepts as an email (its schema's format "email").
const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
export const isEmail = (s: string): boolean => s.length >= 3 && s.length <= 254 && EMAIL.test(s);

/** Every EMAIL argument must look like an email before anything is sent: a usage error naming those that do not. */
export function checkEmails(command: string, emails: readonly string[]): void {
  const bad = emails.filter((e) => !isEmail(e));
  if (bad.length === 0) return;
  const quoted = bad.map((e) => JSON.stringify(e)).join(', ');
  throw new UsageError(`${quoted} ${bad.length === 1 ? 'is not an email address' : 'are not email addresses'}: ${command} takes an ALBUM then the invitees' emails; see obscura ${command} --help`);
}

function memberRole(role: string | undefined): 'viewer' | 'editor' {
  if (role !== 'viewer' && role !== 'editor') throw new UsageError(`the role must be viewer or editor${role ? ` (got "${role}")` : ''}`);
  return role;
}

const SHARE_OPTIONS = {
  role: { type: 'string', value: 'viewer|editor', description: 'viewer: sees and downloads; editor: also adds photos (charged to you)' },
  'include-name': { type: 'boolean', description: 'put the album name and the message in the invitation email' },
  message: { type: 'string', value: 'TEXT', description: 'a message for the invitees' },
  'no-invite-new': { type: 'boolean', description: 'refuse emails without an account (then nothing is shared)' },
  ...JSON_OPT,
} as const;

const NEW_PEOPLE = 'Emails without an account get a mail inviting them to sign up with that address (it counts toward the\n' +
  'album\'s 100 people and lapses after 30 days unless re-sent); nothing is sealed to anyone until they have, and\n' +
  'your app has checked their new key: see obscura pending (backup finishes them on the way). --no-invite-new\n' +
  'refuses such emails instead.';

/**
 * One line per EMAIL asked: an account ("… fingerprint: …") or an invitation to sign up.
 * `members`/`external` are what the SDK answered for the whole album.
 */
function printInvited(c: Client, emails: readonly string[], label: string, role: string, r: { members: readonly MemberView[]; invitedWithoutAccount: readonly ExternalInvitationView[] }): void {
  for (const email of emails) {
    const m = r.members.find((x) => x.email.toLowerCase() === email.trim().toLowerCase());
    const x = r.invitedWithoutAccount.find((e) => e.email === email.trim().toLowerCase());
    if (!m && x) {
      c.ctx.stdout.write(safe`invited ${x.email} to ${label} as ${role} — no account yet: they get a mail to sign up; your app finishes sharing once they have (obscura pending)\n`);
      continue;
    }
    c.ctx.stdout.write(safe`invited ${m?.email ?? email} to ${label} as ${role}${m ? `  fingerprint: ${m.fingerprint}` : ''}\n`);
  }
}

/** `--json` of share / share-photo: the people just invited, with and without an account. */
function invitedJson(emails: readonly string[], r: { members: readonly MemberView[]; invitedWithoutAccount: readonly ExternalInvitationView[] }) {
  const asked = new Set(emails.map((e) => e.trim().toLowerCase()));
  return {
    members: r.members.filter((m) => asked.has(m.email.toLowerCase())).map(memberJson),
    invitedWithoutAccount: r.invitedWithoutAccount.filter((x) => asked.has(x.email)).map(externalJson),
  };
}

export const share: Command = {
  name: 'share',
  summary: 'Invite people by email to an album as viewers or editors (also people without an account yet).',
  usage: 'obscura share ALBUM EMAIL... --role viewer|editor [--include-name] [--message TEXT] [--no-invite-new] [--json]',
  description: 'The message is end-to-end encrypted and shown to invitees in Obscura. The invitation email carries the album\n' +
    'name and the message only with --include-name (then the server sees them). Prints each invitee\'s\n' +
    'fingerprint: compare it with them to be sure the server did not substitute their keys.\n' + NEW_PEOPLE + '\n\n' +
    'example: obscura share Kyoto ann@example.org bob@example.org --role viewer --message "our trip"',
  options: { ...SHARE_OPTIONS },
  positionals: { name: 'ALBUM and at least one EMAIL', min: 2, max: Infinity },
  async run(ctx, args) {
    const role = memberRole(stringOpt(args, 'role'));
    const [album, ...emails] = args.positionals;
    checkEmails('share', emails);
    const message = stringOpt(args, 'message');
    return withClient(ctx, async (c) => {
      const { albumId, view } = await findAlbum(c, album!);
      const r = await c.albums.share(albumId, emails, {
        role, ...(message ? { message } : {}), includeNameInEmail: boolOpt(args, 'include-name'), inviteWithoutAccount: !boolOpt(args, 'no-invite-new'),
      });
      if (boolOpt(args, 'json')) return printJson(ctx.stdout, { albumId, ...invitedJson(emails, r) });
      printInvited(c, emails, albumLabel(view ?? { albumId }), role, r);
    });
  },
};

export const sharePhoto: Command = {
  name: 'share-photo',
  summary: 'Share one photo by email with people as viewers or editors (also people without an account yet).',
  usage: 'obscura share-photo PHOTO EMAIL... --role viewer|editor [--include-name] [--message TEXT] [--no-invite-new] [--json]',
  description: 'PHOTO is a photo of your library, or of an album you are in (file name, local file you backed up, id, or a\nunique prefix of 6+ characters; see obscura photos, obscura album show). It works like sharing an album that holds just this photo: invitees see it\nin obscura invitations as a "photo"; members, role, revoke, unshare and leave work on it, and the owner or an\neditor may set its caption (obscura caption). The share is named after the photo\'s file name. Prints the share\'s\nid, then each invitee\'s fingerprint: compare it with them.\n' + NEW_PEOPLE,
  options: {
    ...SHARE_OPTIONS,
    role: { type: 'string', value: 'viewer|editor', description: 'viewer: sees and downloads; editor: also sets the caption' },
    'include-name': { type: 'boolean', description: 'put the photo name and the message in the invitation email' },
  },
  positionals: { name: 'PHOTO and at least one EMAIL', min: 2, max: Infinity },
  async run(ctx, args) {
    const role = memberRole(stringOpt(args, 'role'));
    const [photo, ...emails] = args.positionals;
    checkEmails('share-photo', emails);
    const message = stringOpt(args, 'message');
    return withClient(ctx, async (c) => {
      const index = await c.timeline();
      let candidates = libraryPhotoCandidates(index);
      let inAlbums = new Map<string, AlbumPhoto>();
      // [Note: photos by name] my library first; the photos of albums I am in when nothing there matches
      const [fileId] = await resolvePhotoArgs(ctx, [photo!], candidates, { allowUnknownFullId: true }).catch(async (err) => {
        if (!(err instanceof CliError) || err instanceof UsageError) throw err;
        inAlbums = await albumPhotos(c);
        candidates = [...candidates, ...[...inAlbums.values()].filter((p) => !index.get(p.fileId)).map(photoCandidate)];
        return resolvePhotoArgs(ctx, [photo!], candidates, { allowUnknownFullId: true });
      }) as [string];
      const fromAlbum = index.get(fileId) ? undefined : inAlbums.get(fileId);
      const r = await c.albums.sharePhoto(fromAlbum ?? fileId, emails, {
        role, ...(message ? { message } : {}), includeNameInEmail: boolOpt(args, 'include-name'), inviteWithoutAccount: !boolOpt(args, 'no-invite-new'),
      });
      await c.savePins();
      const name = fromAlbum?.metadata.name ?? index.get(fileId)?.metadata?.name;
      if (boolOpt(args, 'json')) return printJson(ctx.stdout, { albumId: r.albumId, name: name ?? null, ...invitedJson(emails, r) });
      const label = albumLabel({ albumId: r.albumId, kind: 'photo', ...(name !== undefined ? { name } : {}) });
      ctx.stdout.write(safe`shared ${label} as ${r.albumId}\n`);
      printInvited(c, emails, label, role, r);
    });
  },
};

export const caption: Command = {
  name: 'caption',
  summary: 'Set the caption of a shared photo (its owner only: the caption is part of the owner-signed state).',
  usage: 'obscura caption ALBUM TEXT',
  description: 'ALBUM is the shared photo (obscura share-photo): its id, a unique id prefix (4+ characters) or its name (the\nphoto\'s file name), as listed by obscura albums. The caption is end-to-end encrypted; an empty TEXT removes it.',
  options: {},
  positionals: { name: 'ALBUM and TEXT', min: 2, max: 2 },
  run: (ctx, args) => withClient(ctx, async (c) => {
    const [album, text] = args.positionals;
    const { albumId, view } = await findAlbum(c, album!);
    if (view && view.kind !== 'photo') throw new CliError(`${albumLabel(view)} is an album: captions are for photos shared with obscura share-photo`);
    const updated = await c.albums.setCaption(albumId, text!);
    ctx.stdout.write(text === '' ? safe`removed the caption of ${albumLabel(updated)}\n` : safe`caption of ${albumLabel(updated)} set to "${text}"\n`);
  }),
};

export function memberJson(m: MemberView) {
  return { email: m.email, name: m.displayName, userId: m.userId, role: m.role, status: m.status, fingerprint: m.fingerprint, invitationId: m.invitationId, inRoster: m.inRoster };
}

export const members: Command = {
  name: 'members',
  summary: 'Who has access to an album: people, invitations to emails without an account, links; --all: history.',
  usage: 'obscura members ALBUM [--all] [--json]',
  description: 'By default only current access: people active or invited (pending), and a line for the public links.\n' +
    '--all also lists those who were removed, left or declined.\n' +
    'Then, for the owner, the emails invited without an account (as obscura pending lists them): "invited — no\n' +
    'account yet", "signed up — confirm their key" (their fingerprint follows the table; finish with obscura\n' +
    'pending finish) or "expired" (obscura pending resend EMAIL).',
  options: { all: { type: 'boolean', description: 'also list people removed, who left or declined (the history)' }, ...JSON_OPT },
  positionals: { name: 'ALBUM', min: 1, max: 1 },
  run: (ctx, args) => withClient(ctx, async (c) => {
    const { albumId, view } = await findAlbum(c, args.positionals[0]!);
    const all = await c.albums.members(albumId);
    const list = boolOpt(args, 'all') ? all : all.filter((m) => m.status === 'active' || m.status === 'pending');
    const links = view?.linkCount ?? 0;
    // Only the owner invites, so only the owner has any (one request; the list is every album's).
    const everywhere = view === undefined || view.myRole === 'owner' ? await c.albums.externalInvitations() : [];
    const external = everywhere.filter((x) => x.albumId === albumId);
    if (boolOpt(args, 'json')) {
      printJson(ctx.stdout, { members: list.map(memberJson), invitedWithoutAccount: external.map(externalJson), publicLinks: links });
      return;
    }
    printTable(ctx.stdout, [
      { header: 'EMAIL', value: (m: MemberView) => m.email },
      { header: 'NAME', value: (m) => m.displayName, shrink: true },
      { header: 'ROLE', value: (m) => m.role },
      // [Note: album state is owner-signed] a live member the owner never signed in is flagged.
      { header: 'STATUS', value: (m) => (m.inRoster || (m.status !== 'active' && m.status !== 'pending') ? m.status : `${m.status} (NOT signed in by the owner)`) },
      { header: 'FINGERPRINT', value: (m) => m.fingerprint },
    ], list, { maxWidth: TABLE_WIDTH });
    if (links > 0) ctx.stdout.write(`and ${links} public ${links === 1 ? 'link' : 'links'} (obscura links)\n`);
    const history = all.length - list.length;
    if (history > 0) ctx.stdout.write(`(${history} more removed, left or declined: obscura members ALBUM --all)\n`);
    if (external.length > 0) {
      ctx.stdout.write('\ninvited without an account (obscura pending):\n');
      printExternal(ctx.stdout, external, { withAlbum: false, albumArg: args.positionals[0]! });
    }
    // people who signed up for the owner's other albums: from the list already fetched
    signedUpHint(ctx, everywhere.filter((x) => x.albumId !== albumId && x.status === 'signed-up').length);
  }),
};

export const role: Command = {
  name: 'role',
  summary: "Change a person's role in an album you own.",
  usage: 'obscura role ALBUM EMAIL viewer|editor',
  options: {},
  positionals: { name: 'ALBUM EMAIL viewer|editor', min: 3, max: 3 },
  async run(ctx, args) {
    const [album, email, r] = args.positionals;
    const newRole = memberRole(r);
    return withClient(ctx, async (c) => {
      const { albumId, view } = await findAlbum(c, album!);
      await c.albums.setRole(albumId, email!, newRole);
      ctx.stdout.write(safe`${email} is now ${newRole === 'editor' ? 'an editor' : 'a viewer'} of ${albumLabel(view ?? { albumId })}\n`);
    });
  },
};

export const revoke: Command = {
  name: 'revoke',
  summary: "Remove a person's access to an album you own (the album key rotates: they cannot read anything added later).",
  usage: 'obscura revoke ALBUM EMAIL',
  options: {},
  positionals: { name: 'ALBUM EMAIL', min: 2, max: 2 },
  run: (ctx, args) => withClient(ctx, async (c) => {
    const [album, email] = args.positionals;
    const { albumId, view } = await findAlbum(c, album!);
    try {
      await c.albums.revoke(albumId, email!);
    } catch (e) {
      // the server names the person by id only; say who, by the email typed, and why
      if (!((e instanceof SdkUsageError || (e instanceof ApiError && e.status === 404)) && / is not a member of this album/.test(e.message))) throw e;
      const m = (await c.albums.members(albumId)).find((x) => x.email.toLowerCase() === email!.toLowerCase() && x.role !== 'owner');
      const whyByStatus: Record<string, string> = { declined: 'they declined the invitation', removed: 'they were already removed', left: 'they left it' };
      const why = (m && whyByStatus[m.status]) ?? 'nor invited to it';
      throw new CliError(`${email} is not a member of ${albumLabel(view ?? { albumId })} (${why}); see obscura members`);
    }
    ctx.stdout.write(safe`${email} no longer has access to ${albumLabel(view ?? { albumId })}\n`);
  }),
};

export const unshare: Command = {
  name: 'unshare',
  summary: 'Stop sharing an album: everyone and every link is removed at once (the key rotates).',
  usage: 'obscura unshare ALBUM [--yes]',
  description: 'On a terminal, says how many people and links lose access and asks to confirm; without a terminal\n--yes is required.',
  options: { yes: { type: 'boolean', short: 'y', description: 'do not ask for confirmation (needed without a terminal)' } },
  positionals: { name: 'ALBUM', min: 1, max: 1 },
  run: (ctx, args) => withClient(ctx, async (c) => {
    const { albumId, view } = await findAlbum(c, args.positionals[0]!);
    const label = albumLabel(view ?? { albumId });
    const ends = accessPhrase(view?.memberCount ?? 0, view?.linkCount ?? 0);
    const go = await confirmDestructive(ctx, boolOpt(args, 'yes'), safe`Stop sharing ${label}? This removes ${ends}.`, safe`stop sharing ${label} (removes ${ends})`);
    if (!go) throw new CliError(safe`did not stop sharing ${label}; nothing changed`);
    await c.albums.unshare(albumId);
    ctx.stdout.write(safe`stopped sharing ${label}: everyone was removed (${ends})\n`);
  }),
};

/** "Alice <a@…> invited you to an album — waiting for Alice to finish sharing; your fingerprint: … (Alice sees the same one)" */
function waitingLine(w: WaitingInvitationView, mine: string): string {
  const what = w.kind === 'photo' ? 'a photo' : 'an album';
  return safe`${personLabel(w.from)} invited you to ${what} as ${w.role} — waiting for ${w.from.displayName} to finish sharing; ` +
    safe`your fingerprint: ${mine} (${w.from.displayName} sees the same one)\n`;
}

export const invitations: Command = {
  name: 'invitations',
  summary: 'Your pending invitations (albums, and single photos): kind, name, who shared it, role, message.',
  usage: 'obscura invitations [--json]',
  description: 'Also lists the invitations sent to your email before you had an account that wait for their sharer\'s app to\n' +
    'finish sharing (it then checks your new key: compare your fingerprint with theirs). An invitation that does not\n' +
    'verify is shown as REFUSED with the reason (e.g. keys in it that are not yours): do not accept it.',
  options: { ...JSON_OPT },
  run: (ctx, args) => withClient(ctx, async (c) => {
    const list = await c.albums.invitations();
    const waiting = await c.albums.waitingInvitations();
    if (boolOpt(args, 'json')) {
      printJson(ctx.stdout, {
        invitations: list.map(invitationJson),
        waiting: waiting.map((w) => ({ id: w.id, kind: w.kind, role: w.role, from: { id: w.from.id, email: w.from.email, name: w.from.displayName, fingerprint: w.from.fingerprint }, invitedAt: w.invitedAt })),
      });
      return;
    }
    if (list.length === 0 && waiting.length === 0) {
      ctx.stdout.write('No pending invitations.\n');
      return;
    }
    if (list.length > 0) printInvitations(c, list);
    if (waiting.length > 0) {
      if (list.length > 0) ctx.stdout.write('\n');
      const mine = await c.session.fingerprint();
      for (const w of waiting) ctx.stdout.write(waitingLine(w, mine));
    }
  }),
};

/**
 * INVITATION: an invitation id, a unique prefix (6+), or the exact album name. A name two
 * pending invitations share is ambiguous (both are listed); the name of an album already
 * accepted says so.
 */
async function findInvitation(c: Client, input: string, verb: 'accept' | 'decline') {
  const list = await c.albums.invitations();
  const byName = list.filter((i) => i.albumName === input);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    const n = shortIdLength(list.map((i) => i.invitationId));
    const named = byName.map((i) => `${i.invitationId.slice(0, n)} (from ${personLabel(i.from)}, as ${i.role})`).join(', ');
    throw new CliError(`"${input}" is ambiguous: ${byName.length} pending invitations have that name: ${named}; use the invitation id: obscura ${verb} ID`);
  }
  try {
    const id = resolvePhoto(input, list.map((i) => ({ id: i.invitationId, ...(i.albumName !== undefined ? { label: i.albumName } : {}) })), { what: 'invitation', allowUnknownFullId: true });
    return list.find((i) => i.invitationId === id) ?? { invitationId: id, albumName: undefined };
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    const accepted = (await c.albums.sharedWithMe()).filter((a) => a.name === input);
    if (accepted.length === 0) throw e;
    const a = accepted[0]!;
    throw new CliError(`you already accepted the invitation to ${albumLabel(a)}: it is in your albums as ${a.myRole} (from ${personLabel(a.owner)})${verb === 'decline' ? '; to leave it: obscura leave' : ''}`);
  }
}

export const accept: Command = {
  name: 'accept',
  summary: 'Accept an album invitation: the album then appears in obscura albums.',
  usage: 'obscura accept INVITATION',
  description: 'INVITATION is an invitation id, a unique prefix of it (6+ characters), or the album name (see obscura invitations).',
  options: {},
  positionals: { name: 'INVITATION', min: 1, max: 1 },
  run: (ctx, args) => withClient(ctx, async (c) => {
    const inv = await findInvitation(c, args.positionals[0]!, 'accept');
    const a = await c.albums.accept(inv.invitationId);
    ctx.stdout.write(safe`accepted: ${albumLabel(a)} (${a.albumId}) is in your albums as ${a.myRole}\n`);
  }),
};

export const decline: Command = {
  name: 'decline',
  summary: 'Decline an album invitation.',
  usage: 'obscura decline INVITATION',
  description: 'INVITATION is an invitation id, a unique prefix of it (6+ characters), or the album name (see obscura invitations).',
  options: {},
  positionals: { name: 'INVITATION', min: 1, max: 1 },
  run: (ctx, args) => withClient(ctx, async (c) => {
    const inv = await findInvitation(c, args.positionals[0]!, 'decline');
    await c.albums.decline(inv.invitationId);
    ctx.stdout.write(safe`declined the invitation${inv.albumName !== undefined ? ` to "${inv.albumName}"` : ''}\n`);
  }),
};

export const leave: Command = {
  name: 'leave',
  summary: 'Leave an album shared with you, for good (only a new invitation brings you back).',
  usage: 'obscura leave ALBUM [--save-photos | --no-save]',
  description: '--save-photos first saves into your library every photo others uploaded that is not already in it (any\nnumber; no re-upload; counted against your storage). Without either flag, on a terminal, the photos that would\nbe lost are listed and you are asked to confirm; without a terminal one of the flags is required.',
  options: {
    'save-photos': { type: 'boolean', description: "save the photos others uploaded that aren't in your library, then leave" },
    'no-save': { type: 'boolean', description: 'leave without saving anything' },
  },
  positionals: { name: 'ALBUM', min: 1, max: 1 },
  async run(ctx, args) {
    const save = boolOpt(args, 'save-photos');
    const noSave = boolOpt(args, 'no-save');
    if (save && noSave) throw new UsageError('use either --save-photos or --no-save');
    if (!save && !noSave && !canPrompt(ctx)) {
      throw new UsageError('leaving is permanent: say --save-photos (keep the photos others uploaded) or --no-save; or run in a terminal to be asked');
    }
    return withClient(ctx, async (c) => {
      const { albumId, view } = await findAlbum(c, args.positionals[0]!);
      const label = albumLabel(view ?? { albumId });
      if (view?.myRole === 'owner') throw new CliError(`you own ${label}; delete it (obscura album delete) or stop sharing it (obscura unshare) instead`);
      if (!save && !noSave) {
        const lost = await c.albums.photosToSave(albumId);
        if (lost.length > 0) {
          ctx.stderr.write(safe`${lost.length} ${lost.length === 1 ? 'photo' : 'photos'} in ${label} uploaded by others ${lost.length === 1 ? 'is' : 'are'} not in your library and would be lost:\n`);
          for (const p of lost.slice(0, 20)) ctx.stderr.write(safe`  ${p.fileId.slice(0, 8)}  ${isoLocal(p.metadata.capturedAt)}  ${p.metadata.name}  (${personLabel(p.uploader)})\n`);
          if (lost.length > 20) ctx.stderr.write(`  ... and ${lost.length - 20} more\n`);
          ctx.stderr.write('(obscura leave ALBUM --save-photos saves them first.)\n');
        }
        const ok = await askYesNo(ctx, safe`Leave ${label} for good${lost.length ? ` without saving ${lost.length === 1 ? 'it' : 'them'}` : ''}?`);
        if (!ok) throw new CliError(`did not leave ${label}`);
      }
      const { saved } = await c.albums.leave(albumId, { savePhotos: save });
      ctx.stdout.write(safe`left ${label}${save ? `; saved ${saved} ${saved === 1 ? 'photo' : 'photos'} to your library` : ''}\n`);
    });
  },
};
