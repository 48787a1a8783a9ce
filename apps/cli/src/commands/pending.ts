// Invitations to people who had no account yet ([Note: external invitations] in the SDK):
// `obscura pending` lists, finishes, cancels and re-sends them; `members`, `share`, `backup`
// and `login` use the helpers here to show them and finish them on the way.
import type { CompleteExternalResult, ExternalInvitationView } from '@obscura/sdk';
import { boolOpt, stringOpt, type Command } from '../command.ts';
import { withClient, type Client } from '../client.ts';
import type { CliContext, OutStream } from '../context.ts';
import { CliError, UsageError } from '../errors.ts';
import { printJson, printTable, TABLE_WIDTH } from '../output.ts';
import { askYesNo, canPrompt } from '../prompt.ts';
import { shortIdLength } from '../resolve.ts';
import { safe } from '../terminal-text.ts';
import { albumLabel, findAlbum } from './album.ts';
import { isoLocal } from './library.ts';

const normalize = (email: string) => email.trim().toLowerCase();

/** One invitation to an email without an account, as `--json` prints it (pending, members, share). */
export function externalJson(x: ExternalInvitationView) {
  return {
    id: x.id, albumId: x.albumId, kind: x.albumKind, albumName: x.albumName ?? null, email: x.email, role: x.role, status: x.status,
    invitedAt: x.invitedAt, expiresAt: x.expiresAt,
    invitee: x.invitee ? { id: x.invitee.id, email: x.invitee.email, name: x.invitee.displayName, fingerprint: x.invitee.fingerprint } : null,
    ...(x.problem ? { problem: x.problem } : {}),
  };
}

/** What the STATUS column says. */
export function externalStatus(x: ExternalInvitationView): string {
  if (x.status === 'pending') return 'invited — no account yet';
  if (x.status === 'expired') return 'expired';
  return x.problem ? 'REFUSED (see below)' : 'signed up — confirm their key';
}

/** `"Kyoto"` / `photo "IMG_1.jpg"`, or the album id when its name could not be read. */
export const externalAlbum = (x: ExternalInvitationView) =>
  albumLabel({ albumId: x.albumId, kind: x.albumKind, ...(x.albumName !== undefined ? { name: x.albumName } : {}) });

/** The day in local time, as tables show days ("2026-12-30"). */
const day = (iso: string) => isoLocal(Date.parse(iso)).slice(0, 10);

/** "bob@… signed up; their key fingerprint: …" and how to check it: two lines. */
export function fingerprintLines(x: ExternalInvitationView): string {
  return safe`${x.email} signed up; their key fingerprint: ${x.invitee?.fingerprint ?? '?'}\n` +
    '  check it with them (they see theirs with obscura fingerprint)\n';
}

/**
 * The invitations as a table (ALBUM only when `withAlbum`), then what needs doing: the
 * fingerprint of each one signed up, the refusals in full, how to re-send the expired ones.
 * Column widths stay within 100: fingerprints (47 characters) get their own lines; a long album
 * name is cut first, then (rarely) a long email.
 */
export function printExternal(out: OutStream, list: readonly ExternalInvitationView[], o: { withAlbum: boolean; albumArg?: string }): void {
  const rows = [...list].sort((a, b) => (externalAlbum(a).localeCompare(externalAlbum(b)) || a.email.localeCompare(b.email)));
  printTable(out, [
    ...(o.withAlbum ? [{ header: 'ALBUM', value: (x: ExternalInvitationView) => externalAlbum(x), shrink: true }] : []),
    // cut only when it must (after ALBUM): the lines below and --json always hold whole emails
    { header: 'EMAIL', value: (x: ExternalInvitationView) => x.email, shrink: true },
    { header: 'ROLE', value: (x) => x.role },
    { header: 'STATUS', value: (x) => externalStatus(x) },
    { header: 'EXPIRES', value: (x) => day(x.expiresAt) },
  ], rows, { maxWidth: TABLE_WIDTH });
  const ready = rows.filter((x) => x.status === 'signed-up' && !x.problem);
  for (const x of ready) out.write(fingerprintLines(x));
  if (ready.length > 0) out.write(`then finish sharing: obscura pending finish${ready.length === 1 ? safe` ${ready[0]!.email}` : ''}\n`);
  for (const x of rows.filter((r) => r.problem)) {
    out.write(safe`REFUSED: ${x.email} (${externalAlbum(x)}): ${x.problem}\n`);
  }
  const expired = rows.filter((x) => x.status === 'expired');
  if (expired.length > 0) {
    const album = o.albumArg !== undefined ? safe` --album ${o.albumArg}` : '';
    out.write(expired.length === 1
      ? safe`the invitation to ${expired[0]!.email} expired: obscura pending resend ${expired[0]!.email}${album}\n`
      : `${expired.length} invitations expired: obscura pending resend EMAIL${album}\n`);
  }
}

/** "finished sharing "Kyoto" with bob@… (new account; fingerprint … — compare it with theirs)" */
export function completedLine(x: CompleteExternalResult['completed'][number]): string {
  return safe`finished sharing ${externalAlbum(x)} with ${x.email} as ${x.role} (new account; fingerprint ${x.invitee.fingerprint} — compare it with theirs)\n`;
}

const failedLine = (f: CompleteExternalResult['failed'][number], warning: boolean) =>
  safe`obscura: ${warning ? 'WARNING: ' : ''}could not finish sharing ${externalAlbum(f.invitation)} with ${f.invitation.email}: ${f.problem}\n` +
  safe`  nothing was shared with them; if this is not expected, cancel it: obscura pending cancel ${f.invitation.email}\n`;

/**
 * [Note: backup finishes sharing] After its uploads, `backup` finishes sharing with everyone
 * who signed up after being invited (the issue: "backup does it on the way"), without asking:
 * the SDK's checks still apply (the email is the one invited, the keys do not contradict a pin),
 * and each one is printed with the fingerprint sealed to, to compare with theirs. A refusal is a
 * WARNING on stderr (also with -q) and does not change backup's exit code, which is about files;
 * it comes back at every backup until the invitation is cancelled or finished.
 */
export async function finishOnTheWay(ctx: CliContext, c: Client): Promise<void> {
  let r: CompleteExternalResult;
  try {
    r = await c.albums.completeExternal();
  } catch (e) {
    ctx.stderr.write(safe`obscura: WARNING: could not finish sharing with people who signed up: ${(e as Error).message}\n`);
    return;
  }
  if (!ctx.quiet) for (const x of r.completed) ctx.stdout.write(completedLine(x));
  for (const f of r.failed) ctx.stderr.write(failedLine(f, true));
}

/**
 * "1 person you invited has signed up: run obscura pending" on stderr, from a list already
 * fetched (no extra request), or from one cheap request (login). Nothing when none did.
 */
export function signedUpHint(ctx: CliContext, signedUp: number): void {
  if (signedUp === 0 || ctx.quiet) return;
  ctx.stderr.write(`${signedUp} ${signedUp === 1 ? 'person you invited has' : 'people you invited have'} signed up: run obscura pending\n`);
}

/** The one invitation to EMAIL (in ALBUM when given): none → exit 1; several → exit 2, naming them. */
function pickOne(list: readonly ExternalInvitationView[], email: string, albumId: string | undefined, verb: 'cancel' | 'resend'): ExternalInvitationView {
  const matches = list.filter((x) => x.email === normalize(email) && (albumId === undefined || x.albumId === albumId))
    .sort((a, b) => externalAlbum(a).localeCompare(externalAlbum(b)));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new CliError(`you have no invitation to ${email}${albumId !== undefined ? ' for that album' : ''} (people with an account are in obscura members ALBUM); see obscura pending`);
  }
  const n = shortIdLength(matches.map((x) => x.albumId));
  const named = matches.map((x) => `${externalAlbum(x)} (${x.albumId.slice(0, n)})`).join(', ');
  throw new UsageError(`${email} is invited to ${matches.length} albums: ${named}; say which: obscura pending ${verb} ${email} --album ALBUM`);
}

const JSON_OPT = { json: { type: 'boolean', description: 'print one JSON document on stdout (see docs/cli.md)' } } as const;

export const pending: Command = {
  name: 'pending',
  summary: 'Invitations to people without an account: list, finish sharing once they signed up, cancel, re-send.',
  usage: 'obscura pending [--json] | pending finish [EMAIL...] [--album ALBUM] [--yes] | pending cancel|resend EMAIL [--album ALBUM]',
  description: [
    'Sharing with an email that has no account sends them a mail to sign up; nothing is sealed to anyone yet.',
    'Once they signed up (and confirmed that email), their new key waits for you: check its fingerprint with',
    'them, then finish sharing; they can then accept or decline like any invitation. backup finishes them on',
    'the way without asking (and prints each fingerprint).',
    '',
    'examples:',
    '  obscura pending                               the list, and the fingerprint of each one signed up',
    '  obscura pending finish                        shows each fingerprint, asks "Finish sharing …? [y/N]"',
    '  obscura pending finish bob@example.org --yes  no question (scripts; needed without a terminal)',
    '  obscura pending cancel bob@example.org        cancels it (also after they signed up)',
    '  obscura pending resend bob@example.org --album Kyoto   mails it again; its expiry starts over',
    '',
    'STATUS: "invited — no account yet", "signed up — confirm their key", or "expired" (re-send it).',
    'finish exits 1 when one could not be finished (e.g. the server named keys that contradict what you pinned).',
  ].join('\n'),
  options: {
    album: { type: 'string', value: 'ALBUM', description: 'only the invitations to this album (needed when an EMAIL is invited to several)' },
    yes: { type: 'boolean', short: 'y', description: 'finish: do not ask (needed without a terminal); check the fingerprints first' },
    ...JSON_OPT,
  },
  positionals: { name: 'finish|cancel|resend and EMAIL', min: 0, max: Infinity },
  async run(ctx, args) {
    const [sub, ...emails] = args.positionals;
    const json = boolOpt(args, 'json');
    const yes = boolOpt(args, 'yes');
    const albumArg = stringOpt(args, 'album');
    if (sub === undefined) {
      if (yes) throw new UsageError('--yes is for obscura pending finish');
      return withClient(ctx, async (c) => {
        let list = await c.albums.externalInvitations();
        if (albumArg !== undefined) {
          const { albumId } = await findAlbum(c, albumArg);
          list = list.filter((x) => x.albumId === albumId);
        }
        if (json) return printJson(ctx.stdout, { invitations: list.map(externalJson) });
        if (list.length === 0) {
          ctx.stdout.write('No invitations to people without an account.\n');
          return;
        }
        printExternal(ctx.stdout, list, { withAlbum: true, ...(albumArg !== undefined ? { albumArg } : {}) });
      });
    }
    if (sub === 'finish') return finish(ctx, emails, { yes, json, ...(albumArg !== undefined ? { albumArg } : {}) });
    if (sub !== 'cancel' && sub !== 'resend') throw new UsageError(`unknown pending subcommand ${sub}; use finish, cancel or resend (see obscura pending --help)`);
    if (emails.length !== 1) throw new UsageError(`obscura pending ${sub} takes one EMAIL (and --album ALBUM when they are invited to several)`);
    if (yes) throw new UsageError('--yes is for obscura pending finish');
    const email = emails[0]!;
    return withClient(ctx, async (c) => {
      const albumId = albumArg !== undefined ? (await findAlbum(c, albumArg)).albumId : undefined;
      const x = pickOne(await c.albums.externalInvitations(), email, albumId, sub);
      if (sub === 'cancel') {
        await c.albums.cancelExternal(x.id);
        if (json) return printJson(ctx.stdout, { cancelled: externalJson(x) });
        ctx.stdout.write(safe`cancelled the invitation of ${x.email} to ${externalAlbum(x)}\n`);
        return;
      }
      const again = await c.albums.resendExternal(x.id);
      if (json) return printJson(ctx.stdout, { resent: externalJson(again) });
      ctx.stdout.write(safe`mailed the invitation to ${again.email} (${externalAlbum(again)}, as ${again.role}) again; it now expires on ${day(again.expiresAt)}\n`);
    });
  },
};

async function finish(ctx: CliContext, emails: readonly string[], o: { yes: boolean; json: boolean; albumArg?: string }): Promise<number> {
  // In --json mode stdout holds the one document: what a person reads goes to stderr.
  const say = o.json ? ctx.stderr : ctx.stdout;
  return withClient(ctx, async (c) => {
    let scope = await c.albums.externalInvitations();
    if (o.albumArg !== undefined) {
      const { albumId } = await findAlbum(c, o.albumArg);
      scope = scope.filter((x) => x.albumId === albumId);
    }
    for (const e of emails) {
      if (!scope.some((x) => x.email === normalize(e))) {
        throw new CliError(`you have no invitation to ${e}${o.albumArg !== undefined ? ' for that album' : ''}; see obscura pending`);
      }
    }
    if (emails.length > 0) scope = scope.filter((x) => emails.some((e) => normalize(e) === x.email));
    const ready = scope.filter((x) => x.status === 'signed-up');
    if (ready.length === 0) {
      if (o.json) printJson(ctx.stdout, { completed: [], skipped: [], failed: [] });
      else ctx.stdout.write(emails.length > 0
        ? `nothing to finish: ${emails.length === 1 ? 'they have not' : 'none of them has'} signed up yet (see obscura pending)\n`
        : 'nothing to finish: nobody you invited has signed up yet (see obscura pending)\n');
      return 0;
    }
    if (!o.yes && !canPrompt(ctx)) {
      for (const x of ready.filter((r) => !r.problem)) say.write(fingerprintLines(x));
      throw new UsageError(`finishing sharing seals the album key to ${ready.length === 1 ? 'this key' : 'these keys'}: there is no terminal to ask; ` +
        'check the fingerprints with them, then: obscura pending finish --yes');
    }
    const result = await c.albums.completeExternal({
      ids: ready.map((x) => x.id),
      confirm: async (x) => {
        if (o.yes) return true;
        say.write(fingerprintLines(x));
        return askYesNo(ctx, safe`Finish sharing ${externalAlbum(x)} with ${x.email}?`);
      },
    });
    if (o.json) {
      printJson(ctx.stdout, {
        completed: result.completed.map(externalJson),
        skipped: result.skipped.map((s) => ({ invitation: externalJson(s.invitation), reason: s.reason })),
        failed: result.failed.map((f) => ({ invitation: externalJson(f.invitation), problem: f.problem })),
      });
    } else {
      for (const x of result.completed) ctx.stdout.write(completedLine(x));
      for (const s of result.skipped) ctx.stdout.write(safe`not finished: ${externalAlbum(s.invitation)} with ${s.invitation.email}: ${s.reason}\n`);
    }
    for (const f of result.failed) ctx.stderr.write(failedLine(f, false));
    return result.failed.length > 0 ? 1 : 0;
  });
}
