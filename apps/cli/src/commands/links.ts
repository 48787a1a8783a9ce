// Public links: obscura link create|set|delete, obscura links (the owner's side), and
// obscura open (a visitor's side: no account, no OBSCURA_HOME).
import { resolve } from 'node:path';
import { IntegrityError, Links, openLink, parseLinkUrl, UsageError as SdkUsageError, type LinkPhoto, type LinkView, type OpenedLink, type PhotoKeys } from '@obscura/sdk';
import { saveOriginal } from '@obscura/sdk/node';
import { boolOpt, stringOpt, type Command, type CommandArgs } from '../command.ts';
import { linkKdf, withClient, type Client } from '../client.ts';
import type { CliContext } from '../context.ts';
import { CliError, UsageError } from '../errors.ts';
import { saveAll, type SaveJob } from '../files.ts';
import { formatBytes, printJson, printTable, TABLE_WIDTH, type Column } from '../output.ts';
import { canPrompt, readPassword } from '../prompt.ts';
import { isFullId, matchPhotoByName, resolveLinkTarget, resolvePhoto, shortIdLength, type LinkTarget } from '../resolve.ts';
import { localHashes } from '../files.ts';
import { isoLocal, photoCandidate } from './library.ts';
import { safe } from '../terminal-text.ts';

export const LINK_PASSWORD_ENV = 'OBSCURA_LINK_PASSWORD';
export const DOWNLOADS_OFF = 'downloads are turned off for this link; previews only';
const COURTESY = '--no-download is a courtesy, not a protection: a visitor sees the pixels (and can keep them)';

/**
 * `--expires YYYY-MM-DD`: the end of that day (23:59:59.999) in the local time zone.
 * Not a real date, or a day already over at `now` → usage error.
 */
export function parseExpiryDate(text: string, now: number): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) throw new UsageError(`--expires takes a date as YYYY-MM-DD (got "${text}")`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const end = new Date(y, mo - 1, d, 23, 59, 59, 999);
  if (end.getFullYear() !== y || end.getMonth() !== mo - 1 || end.getDate() !== d) throw new UsageError(`--expires ${text}: there is no such date`);
  if (end.getTime() <= now) throw new UsageError(`--expires ${text} is in the past; give today or a later date`);
  return end;
}

const linksOf = (c: Client, withPassword: boolean) => {
  const kdf = withPassword ? linkKdf(c.ctx) : undefined;
  return new Links(c.library, c.albums, ...(kdf ? [kdf] as const : []));
};

const readLinkPassword = (ctx: CliContext) =>
  readPassword(ctx, { envVar: LINK_PASSWORD_ENV, confirm: true, prompt: 'Link password: ' });

const expiresText = (iso: string | null, now: number) =>
  (iso === null ? 'never' : `${isoLocal(Date.parse(iso))}${Date.parse(iso) <= now ? ' (expired)' : ''}`);

/** Names of link targets: photo names from the timeline, album names from my albums. */
async function targetNames(c: Client, list: readonly LinkView[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (list.some((l) => l.target.kind === 'file')) {
    const index = await c.timeline();
    for (const l of list) {
      const id = l.target.fileId;
      const name = id ? index.get(id)?.metadata?.name : undefined;
      if (id && name !== undefined) names.set(id, name);
    }
  }
  if (list.some((l) => l.target.kind === 'album')) {
    for (const a of await c.albums.list()) if (a.name !== undefined) names.set(a.albumId, a.name);
  }
  return names;
}

const targetId = (l: LinkView) => (l.target.kind === 'file' ? l.target.fileId : l.target.albumId) ?? '';

export function linkJson(l: LinkView, names: ReadonlyMap<string, string>) {
  const id = targetId(l);
  return {
    id: l.linkId,
    url: l.url,
    target: { kind: l.target.kind === 'file' ? 'photo' : 'album', id, name: names.get(id) ?? null },
    createdAt: l.createdAt,
    expiresAt: l.expiresAt,
    hasPassword: l.hasPassword,
    allowDownload: l.allowDownload,
    accessCount: l.accessCount,
  };
}

/** `idLength`: a target without a known name shows its id, as long as the other ids of the table. */
const describeTarget = (l: LinkView, names: ReadonlyMap<string, string>, idLength = 36) => {
  const id = targetId(l);
  const name = names.get(id);
  return `${l.target.kind === 'file' ? 'photo' : 'album'} ${name !== undefined ? `"${name}"` : id.slice(0, idLength)}`;
};

const settingsLine = (l: LinkView, now: number) =>
  `password ${l.hasPassword ? 'yes' : 'no'}; expires ${expiresText(l.expiresAt, now)}; downloads ${l.allowDownload ? 'on' : 'off'}`;

/** LINK argument → one of my links (full id or unique prefix of 6+ characters). */
async function findLink(links: Links, input: string): Promise<{ link: LinkView; all: LinkView[] }> {
  const all = await links.list();
  const id = resolvePhoto(input, all.map((l) => ({ id: l.linkId })), { what: 'link' });
  return { link: all.find((l) => l.linkId === id)!, all };
}

/** PHOTO|ALBUM → a photo of my library or an album I own. */
async function findTarget(c: Client, input: string): Promise<LinkTarget & { name?: string }> {
  const [index, albums] = await Promise.all([c.timeline(), c.albums.list()]);
  const photos = index.list().map((e) => ({ id: e.fileId, ...(e.metadata ? { label: e.metadata.name } : {}) }));
  const candidates = albums.filter((a) => a.kind === 'album').map((a) => ({ id: a.albumId, ...(a.name !== undefined ? { label: a.name } : {}) }));
  // [Note: photos by name] an album's exact name first, then a photo's file name or a local file, then ids
  let t: LinkTarget | undefined;
  if (!isFullId(input) && !candidates.some((a) => a.label === input)) {
    const hashes = await localHashes(c.ctx, [input]);
    const id = matchPhotoByName(input, index.list().map(photoCandidate), { formatTime: isoLocal, ...(hashes.has(input) ? { localSha256: hashes.get(input)! } : {}) });
    if (id !== undefined) t = { kind: 'photo', id };
  }
  t ??= resolveLinkTarget(input, photos, candidates);
  if (t.kind === 'album') {
    const view = albums.find((a) => a.albumId === t.id)!;
    if (view.myRole !== 'owner') throw new CliError(`"${view.name ?? view.albumId}" is shared with you by ${view.owner.displayName}: only the owner of an album can make a public link to it`);
    return { ...t, ...(view.name !== undefined ? { name: view.name } : {}) };
  }
  const name = index.get(t.id)?.metadata?.name;
  return { ...t, ...(name !== undefined ? { name } : {}) };
}

// ---------------------------------------------------------------- link SUBCOMMAND

interface Sub {
  usage: string;
  summary: string;
  args: [min: number, max: number];
  flags: readonly string[];
  run(ctx: CliContext, rest: string[], args: CommandArgs): Promise<number | void>;
}

function exclusive(args: CommandArgs, a: string, b: string): void {
  if (boolOpt(args, a) && (boolOpt(args, b) || stringOpt(args, b) !== undefined)) throw new UsageError(`use either --${a} or --${b}; see obscura help link`);
}

const SUBS: Record<string, Sub> = {
  create: {
    usage: 'link create PHOTO|ALBUM [--expires YYYY-MM-DD] [--password] [--no-download]',
    summary: 'make a public link to a photo of your library or an album you own; prints the URL',
    args: [1, 1], flags: ['expires', 'password', 'no-download'],
    async run(ctx, [input], args) {
      const expires = stringOpt(args, 'expires');
      const expiresAt = expires !== undefined ? parseExpiryDate(expires, ctx.now()) : undefined;
      const withPassword = boolOpt(args, 'password');
      const password = withPassword ? await readLinkPassword(ctx) : undefined;
      return withClient(ctx, async (c) => {
        const target = await findTarget(c, input!);
        const link = await linksOf(c, withPassword).create(
          target.kind === 'photo' ? { kind: 'file', fileId: target.id } : { kind: 'album', albumId: target.id },
          { ...(expiresAt ? { expiresAt } : {}), ...(password !== undefined ? { password } : {}), allowDownload: !boolOpt(args, 'no-download') },
        );
        ctx.stdout.write(safe`${link.url}\n`);
        if (!ctx.quiet) {
          ctx.stderr.write(safe`link ${link.linkId} to ${target.kind} ${target.name !== undefined ? `"${target.name}"` : target.id}: ${settingsLine(link, ctx.now())}\n`);
          ctx.stderr.write(`anyone with this URL${link.hasPassword ? ' and the password' : ''} can see ${target.kind === 'album' ? 'the album, photos added later included' : 'the photo'}; quote it in a shell (it contains "#")\n`);
          if (!link.allowDownload) ctx.stderr.write(`note: ${COURTESY}\n`);
        }
      });
    },
  },
  set: {
    usage: 'link set LINK [--expires YYYY-MM-DD | --no-expiry] [--password | --no-password] [--download | --no-download]',
    summary: 'change the expiry, password or downloads of a link; the URL stays the same',
    args: [1, 1], flags: ['expires', 'no-expiry', 'password', 'no-password', 'download', 'no-download'],
    async run(ctx, [input], args) {
      exclusive(args, 'no-expiry', 'expires');
      exclusive(args, 'password', 'no-password');
      exclusive(args, 'download', 'no-download');
      const expires = stringOpt(args, 'expires');
      const change: { expiresAt?: Date | null; allowDownload?: boolean; password?: string | null } = {};
      if (expires !== undefined) change.expiresAt = parseExpiryDate(expires, ctx.now());
      if (boolOpt(args, 'no-expiry')) change.expiresAt = null;
      if (boolOpt(args, 'download')) change.allowDownload = true;
      if (boolOpt(args, 'no-download')) change.allowDownload = false;
      if (boolOpt(args, 'no-password')) change.password = null;
      if (Object.keys(change).length === 0 && !boolOpt(args, 'password')) {
        throw new UsageError('nothing to change: give --expires/--no-expiry, --password/--no-password or --download/--no-download');
      }
      if (boolOpt(args, 'password')) change.password = await readLinkPassword(ctx);
      return withClient(ctx, async (c) => {
        const links = linksOf(c, typeof change.password === 'string');
        const { link } = await findLink(links, input!);
        const updated = await links.update(link.linkId, change);
        ctx.stdout.write(safe`link ${updated.linkId} updated: ${settingsLine(updated, ctx.now())}\n`);
        if (change.password !== undefined) {
          ctx.stdout.write(change.password === null
            ? safe`the password was removed; the URL stays the same, and now opens without a password: ${updated.url}\n`
            : safe`the password changed; the URL stays the same (${updated.url}); visitors now need the new password\n`);
        }
        if (change.allowDownload === false) ctx.stderr.write(`note: ${COURTESY}\n`);
      });
    },
  },
  delete: {
    usage: 'link delete LINK', summary: 'destroy a link at once: its URL no longer opens anything', args: [1, 1], flags: [],
    run: (ctx, [input]) => withClient(ctx, async (c) => {
      const links = linksOf(c, false);
      const { link } = await findLink(links, input!);
      await links.delete(link.linkId);
      ctx.stdout.write(safe`deleted link ${link.linkId}: its URL no longer opens anything\n`);
    }),
  },
};

const SUB_HELP = Object.values(SUBS).map((s) => `  obscura ${s.usage}\n      ${s.summary}`).join('\n');
const SUB_FLAGS = [...new Set(Object.values(SUBS).flatMap((s) => s.flags))];

export const link: Command = {
  name: 'link',
  summary: 'Public links to a photo or an album: create, set, delete (see also obscura links, obscura open).',
  usage: 'obscura link SUBCOMMAND ...',
  description: `subcommands:\n${SUB_HELP}\n\nPHOTO is a photo of your library (id, or a unique prefix of 6+ characters); ALBUM an album you own (id, unique\nprefix of 4+ characters, or exact name). LINK is a link id or a unique prefix of 6+ characters (see obscura links).\n--expires YYYY-MM-DD: the link works until the end of that day, local time. --password asks for the password\ntwice, or reads ${LINK_PASSWORD_ENV}; it becomes part of the key, so the URL alone opens nothing.\nThe URL carries the key after "#": the server never sees it.\n${COURTESY}.`,
  options: {
    expires: { type: 'string', value: 'YYYY-MM-DD', description: 'the link stops working after that day (local time)' },
    'no-expiry': { type: 'boolean', description: 'set: the link never expires' },
    password: { type: 'boolean', description: `protect the link with a password (prompt, or ${LINK_PASSWORD_ENV})` },
    'no-password': { type: 'boolean', description: 'set: remove the password' },
    download: { type: 'boolean', description: 'set: visitors may download originals (the default)' },
    'no-download': { type: 'boolean', description: 'previews only (a courtesy, not a protection)' },
  },
  positionals: { name: 'SUBCOMMAND', min: 1, max: Infinity },
  async run(ctx, args) {
    const [subName, ...rest] = args.positionals;
    const sub = SUBS[subName!];
    if (!sub || !Object.hasOwn(SUBS, subName!)) throw new UsageError(`unknown link subcommand ${subName}; see obscura help link`);
    if (rest.length < sub.args[0]) throw new UsageError(`usage: obscura ${sub.usage}`);
    if (rest.length > sub.args[1]) throw new UsageError(`too many arguments; usage: obscura ${sub.usage}`);
    for (const f of SUB_FLAGS) {
      if (args.values[f] !== undefined && !sub.flags.includes(f)) throw new UsageError(`--${f} is not an option of obscura link ${subName}; usage: obscura ${sub.usage}`);
    }
    return sub.run(ctx, rest, args);
  },
};

export const links: Command = {
  name: 'links',
  summary: 'Your public links: target, created, expires, password, downloads, times opened (--wide: and the URL).',
  usage: 'obscura links [--wide] [--json]',
  description: `The table fits ${TABLE_WIDTH} columns: days only, long target names cut with "…". --wide adds the URL (the owner\ncan always copy a link's URL again from here: its key is kept encrypted for you) and shows full times and names.\nOPENED counts the times the link was opened.`,
  options: {
    wide: { type: 'boolean', description: 'also the URL, full times and names (wider than a terminal)' },
    json: { type: 'boolean', description: 'print one JSON document on stdout (see docs/cli.md)' },
  },
  run: (ctx, args) => withClient(ctx, async (c) => {
    const list = (await linksOf(c, false).list()).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const names = await targetNames(c, list);
    if (boolOpt(args, 'json')) {
      printJson(ctx.stdout, { links: list.map((l) => linkJson(l, names)) });
      return;
    }
    if (list.length === 0) {
      ctx.stdout.write('No links; make one with obscura link create PHOTO|ALBUM.\n');
      return;
    }
    // one id length for every id of the table: link ids and the ids of unnamed targets
    const n = shortIdLength([...new Set([...list.map((l) => l.linkId), ...list.map(targetId)])]);
    const now = ctx.now();
    const wide = boolOpt(args, 'wide');
    // [Note: tables fit 100 columns] a URL alone is ~100 characters: only with --wide
    const day = (text: string) => (wide ? text : text.replace(/^(\d{4}-\d{2}-\d{2})T[\d:.]+/, '$1'));
    const columns: Column<LinkView>[] = [
      { header: 'ID', value: (l) => l.linkId.slice(0, n) },
      { header: 'TARGET', value: (l) => describeTarget(l, names, n), shrink: true },
      ...(wide ? [{ header: 'URL', value: (l: LinkView) => l.url }] : []),
      { header: 'CREATED', value: (l) => day(isoLocal(Date.parse(l.createdAt))) },
      { header: 'EXPIRES', value: (l) => day(expiresText(l.expiresAt, now)) },
      { header: 'PASSWORD', value: (l) => (l.hasPassword ? 'yes' : 'no') },
      { header: 'DOWNLOADS', value: (l) => (l.allowDownload ? 'on' : 'off') },
      { header: 'OPENED', value: (l) => String(l.accessCount), align: 'right' },
    ];
    printTable(ctx.stdout, columns, list, wide ? {} : { maxWidth: TABLE_WIDTH });
  }),
};

// ---------------------------------------------------------------- open (visitors)

const MISSING_KEY = 'the URL has no key after "#": copy the whole link, and put it in quotes in the shell, e.g. obscura open \'https://…/s/ID#KEY\' (unquoted, "#…" starts a comment and is dropped)';

async function openAsVisitor(ctx: CliContext, url: string, given: string | undefined): Promise<OpenedLink> {
  try {
    return await openLink(url, given !== undefined ? { password: given } : {});
  } catch (err) {
    // a password-protected link opened without one: ask, if there is someone to ask
    if (!(err instanceof SdkUsageError) || given !== undefined || !/password/.test(err.message) || !canPrompt(ctx)) throw err;
    const password = await readPassword(ctx, { envVar: LINK_PASSWORD_ENV, prompt: 'Link password: ' });
    return openLink(url, { password });
  }
}

export const open: Command = {
  name: 'open',
  summary: 'Open a public link, no account needed: list its photos, and with -o save the originals.',
  usage: "obscura open URL [--password P] [-o DIR]",
  description: `Quote the URL ('https://…/s/ID#KEY'): its key is after "#", which a shell would otherwise drop. Works without\nan account or login. Lists each photo: captured, name, size, who uploaded it. With -o, saves the originals, verified\nand byte-identical, into DIR (never overwriting); a link with downloads turned off refuses (exit 1).\nPassword: --password, else ${LINK_PASSWORD_ENV}, else a prompt on a terminal (--password is visible to other users\nof this computer in the process list; prefer the prompt or the variable).`,
  options: {
    password: { type: 'string', value: 'P', description: `the link's password (or ${LINK_PASSWORD_ENV}, or a prompt)` },
    output: { type: 'string', short: 'o', value: 'DIR', description: 'save the originals into DIR (created if needed)' },
  },
  positionals: { name: 'URL', min: 1, max: 1 },
  async run(ctx, args) {
    const url = args.positionals[0]!;
    if (!url.includes('#') || url.endsWith('#')) {
      // only when it looks like a link at all; otherwise parseLinkUrl names the problem
      if (/^https?:\/\//i.test(url)) throw new UsageError(MISSING_KEY);
    }
    parseLinkUrl(url);
    const fromEnv = ctx.env[LINK_PASSWORD_ENV];
    const given = stringOpt(args, 'password') ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined);
    const out = stringOpt(args, 'output');
    const opened = await openAsVisitor(ctx, url, given);
    const total = opened.photos.length + opened.refused.length;
    ctx.stdout.write([
      safe`link:       ${opened.kind === 'album' ? `album "${opened.albumName ?? '?'}" (${total} ${total === 1 ? 'photo' : 'photos'})` : 'one photo'}`,
      safe`expires:    ${expiresText(opened.expiresAt, ctx.now())}`,
      `downloads:  ${opened.allowDownload ? 'on' : 'off (previews only)'}`,
      '',
    ].join('\n'));
    if (total === 0) ctx.stdout.write('\nThis album has no photos yet.\n');
    else {
      const rows = [
        ...opened.photos.map((p) => ({ captured: isoLocal(p.metadata.capturedAt), name: p.metadata.name, size: formatBytes(p.metadata.size), uploader: p.uploader.displayName })),
        ...opened.refused.map((p) => ({ captured: '-', name: `REFUSED: ${p.problem}`, size: '-', uploader: '-' })),
      ];
      ctx.stdout.write('\n');
      printTable(ctx.stdout, [
        { header: 'CAPTURED', value: (r: (typeof rows)[number]) => r.captured },
        { header: 'NAME', value: (r) => r.name },
        { header: 'SIZE', value: (r) => r.size, align: 'right' },
        { header: 'UPLOADED BY', value: (r) => r.uploader },
      ], rows);
    }
    if (out === undefined) return;
    if (!opened.allowDownload) throw new CliError(DOWNLOADS_OFF);
    const dir = resolve(ctx.cwd, out);
    const source = { download: (p: PhotoKeys) => opened.download(p as LinkPhoto) };
    // [Note: batch downloads keep going] a refused photo is one failure line, like a photo that fails while saving.
    const jobs: SaveJob[] = [
      ...opened.photos.map((p) => ({ id: p.fileId, name: p.metadata.name, size: p.metadata.size, save: (onBytes: (n: number) => void) => saveOriginal(source, p, dir, { onBytes }) })),
      ...opened.refused.map((p) => ({ id: p.fileId, size: 0, save: () => Promise.reject(new IntegrityError(p.fileId, p.problem.replace(/^photo \S+ failed verification and was refused: /, ''))) })),
    ];
    if (jobs.length === 0) return;
    ctx.stdout.write('\n');
    return saveAll(ctx, jobs, dir);
  },
};
