// obscura albums, and obscura album SUBCOMMAND ... (create, rename, cover, delete, add,
// remove, show, upload).
import type { AlbumPhoto, AlbumView, BrokenAlbumPhoto, InvitationView } from '@obscura/sdk';
import { nodeThumbnailer, openFileSource } from '@obscura/sdk/node';
import { boolOpt, stringOpt, type Command, type CommandArgs } from '../command.ts';
import { resolve as resolvePath } from 'node:path';
import { withClient, type Client } from '../client.ts';
import { CliError, UsageError } from '../errors.ts';
import { describeUpload, downloadToFolder, expandPaths, uploadProgressFeeder } from '../files.ts';
import { formatBytes, personLabel, printJson, printTable } from '../output.ts';
import { createProgress } from '../progress.ts';
import { isFullId, resolveAlbum, SELECTION_OPTIONS, selectByCapture, shortIdLength, type PhotoCandidate } from '../resolve.ts';
import { safe } from '../terminal-text.ts';
import { accessPhrase, confirmDestructive } from '../prompt.ts';
import { albumJob, captureRange, folderOptions, isoLocal, libraryPhotoCandidates, photoCandidate, resolvePhotoArgs } from './library.ts';

const JSON_OPT = { json: { type: 'boolean', description: 'print one JSON document on stdout (see docs/cli.md)' } } as const;

/** ALBUM argument → the album (by id, unique id prefix or exact name among my albums). */
export async function findAlbum(c: Client, input: string): Promise<{ albumId: string; view?: AlbumView }> {
  const list = await c.albums.list();
  const known = list.find((a) => a.albumId.toLowerCase() === input.toLowerCase());
  // a full id I cannot list (removed, left): let the server say why
  if (!known && isFullId(input)) return { albumId: input.toLowerCase() };
  const albumId = resolveAlbum(input, list.map((a) => ({ id: a.albumId, ...(a.name !== undefined ? { label: a.name } : {}) })));
  const view = list.find((a) => a.albumId === albumId);
  return { albumId, ...(view ? { view } : {}) };
}

/** How messages name an album: `"NAME"`, or for a shared photo (kind 'photo') `photo "NAME"`. */
export const albumLabel = (a: { albumId: string; name?: string; kind?: 'album' | 'photo' }) =>
  a.kind === 'photo' ? (a.name !== undefined ? `photo "${a.name}"` : `shared photo ${a.albumId}`) : a.name !== undefined ? `"${a.name}"` : `album ${a.albumId}`;

export function albumJson(a: AlbumView) {
  return {
    id: a.albumId,
    kind: a.kind,
    name: a.name ?? null,
    caption: a.caption ?? null,
    role: a.myRole,
    owner: { id: a.owner.id, email: a.owner.email, name: a.owner.displayName },
    coverId: a.coverFileId ?? null,
    photoCount: a.itemCount,
    memberCount: a.memberCount,
    linkCount: a.linkCount,
    shared: a.sharedByMe,
    ...(a.problem ? { problem: a.problem } : {}),
  };
}

export function invitationJson(i: InvitationView) {
  return {
    id: i.invitationId, albumId: i.albumId, kind: i.kind, albumName: i.albumName ?? null, role: i.role,
    from: { id: i.from.id, email: i.from.email, name: i.from.displayName, fingerprint: i.from.fingerprint },
    message: i.message ?? null, invitedAt: i.invitedAt, ...(i.problem ? { problem: i.problem } : {}),
  };
}

export function printInvitations(c: Client, list: readonly InvitationView[]): void {
  printTable(c.ctx.stdout, [
    { header: 'INVITATION', value: (i: InvitationView) => i.invitationId.slice(0, shortIdLength(list.map((x) => x.invitationId))) },
    { header: 'KIND', value: (i) => i.kind },
    { header: 'NAME', value: (i) => i.albumName ?? `REFUSED: ${i.problem ?? 'unreadable'}` },
    { header: 'FROM', value: (i) => `${i.from.displayName} <${i.from.email}>` },
    { header: 'ROLE', value: (i) => i.role },
    { header: 'MESSAGE', value: (i) => i.message ?? '' },
  ], list);
}

export const albums: Command = {
  name: 'albums',
  summary: 'List your albums and shared photos: yours and those shared with you (accepted).',
  usage: 'obscura albums [--shared | --shared-with-me] [--json]',
  description: '--shared: albums you own and share with someone. --shared-with-me: albums others share with you, and your\npending invitations (accept them with obscura accept). KIND is "album", or "photo" for one photo shared with\npeople (obscura share-photo).',
  options: {
    shared: { type: 'boolean', description: 'only albums you share with others' },
    'shared-with-me': { type: 'boolean', description: 'only albums shared with you, and pending invitations' },
    ...JSON_OPT,
  },
  run: (ctx, args) => {
    const shared = boolOpt(args, 'shared');
    const withMe = boolOpt(args, 'shared-with-me');
    if (shared && withMe) throw new UsageError('use either --shared or --shared-with-me; see obscura albums --help');
    return withClient(ctx, async (c) => {
      const list = shared ? await c.albums.sharedByMe() : withMe ? await c.albums.sharedWithMe() : await c.albums.list();
      const invitations = withMe ? await c.albums.invitations() : undefined;
      if (boolOpt(args, 'json')) {
        printJson(ctx.stdout, { albums: list.map(albumJson), ...(invitations ? { invitations: invitations.map(invitationJson) } : {}) });
        return;
      }
      if (list.length === 0) ctx.stdout.write(shared ? 'You share no albums.\n' : withMe ? 'No albums are shared with you.\n' : 'No albums yet; create one with obscura album create NAME.\n');
      else {
        const n = shortIdLength(list.map((a) => a.albumId));
        printTable(ctx.stdout, [
          { header: 'ID', value: (a: AlbumView) => a.albumId.slice(0, n) },
          { header: 'KIND', value: (a) => a.kind },
          { header: 'NAME', value: (a) => a.name ?? `REFUSED: ${a.problem ?? 'unreadable'}` },
          { header: 'ROLE', value: (a) => a.myRole },
          { header: 'OWNER', value: (a) => (a.myRole === 'owner' ? 'me' : `${a.owner.displayName} <${a.owner.email}>`) },
          { header: 'PHOTOS', value: (a) => String(a.itemCount), align: 'right' },
          { header: 'MEMBERS', value: (a) => String(a.memberCount), align: 'right' },
        ], list);
      }
      if (invitations && invitations.length > 0) {
        ctx.stdout.write('\nPending invitations (obscura accept INVITATION | obscura decline INVITATION):\n');
        printInvitations(c, invitations);
      }
    });
  },
};

// ---------------------------------------------------------------- album SUBCOMMAND

interface Sub {
  usage: string;
  summary: string;
  args: [min: number, max: number];
  run(c: Client, rest: string[], args: CommandArgs): Promise<number | void>;
}

async function photosOf(c: Client, albumId: string) {
  const r = await c.albums.photos(albumId);
  await c.savePins();
  return r;
}

const albumPhotoCandidates = (r: { photos: AlbumPhoto[]; refused: BrokenAlbumPhoto[] }): PhotoCandidate[] => [
  ...r.photos.map(photoCandidate),
  ...r.refused.map((p) => ({ id: p.fileId })),
];

const inAlbum = (album: string) => ({ label: `album "${album}"`, listCommand: `obscura album show ${/^[\w.-]+$/.test(album) ? album : `'${album.replace(/'/g, "'\\''")}'`}` });

const SUBS: Record<string, Sub> = {
  create: {
    usage: 'album create NAME', summary: 'create an album (its name is encrypted; the server never sees it); refuses a name you already have unless --allow-duplicate', args: [1, 1],
    async run(c, [name], args) {
      if (!boolOpt(args, 'allow-duplicate')) {
        const twin = (await c.albums.list()).find((a) => a.name === name);
        if (twin) throw new CliError(`you already have ${twin.kind === 'photo' ? 'a shared photo' : 'an album'} named "${name}" (id ${twin.albumId}); use --allow-duplicate to make another`);
      }
      const a = await c.albums.create(name!);
      c.ctx.stdout.write(safe`${a.albumId}  ${a.name ?? ''}\n`);
    },
  },
  rename: {
    usage: 'album rename ALBUM NAME', summary: 'rename an album (owner only)', args: [2, 2],
    async run(c, [album, name]) {
      const { albumId } = await findAlbum(c, album!);
      const a = await c.albums.rename(albumId, name!);
      c.ctx.stdout.write(safe`renamed album ${a.albumId} to "${a.name ?? name}"\n`);
    },
  },
  cover: {
    usage: 'album cover ALBUM PHOTO', summary: "set the album's cover to one of its photos (owner only)", args: [2, 2],
    async run(c, [album, photo]) {
      const { albumId, view } = await findAlbum(c, album!);
      const [fileId] = await resolvePhotoArgs(c.ctx, [photo!], albumPhotoCandidates(await photosOf(c, albumId)), { allowUnknownFullId: true, scope: inAlbum(album!) });
      await c.albums.setCover(albumId, fileId!);
      c.ctx.stdout.write(safe`cover of ${albumLabel(view ?? { albumId })} set to ${fileId}\n`);
    },
  },
  delete: {
    usage: 'album delete ALBUM [--yes]', summary: 'delete an album (owner only; photos stay in the libraries they are in)', args: [1, 1],
    async run(c, [album], args) {
      const { albumId, view } = await findAlbum(c, album!);
      // A shared album: say who loses access and how many photos go, and ask (--yes for scripts).
      if (view && view.memberCount + view.linkCount > 0) {
        const label = albumLabel(view);
        const ends = `removes ${accessPhrase(view.memberCount, view.linkCount)}, and its ${view.itemCount} ${view.itemCount === 1 ? 'photo' : 'photos'} go with it ` +
          '(photos in no one\'s library are deleted for good)';
        const go = await confirmDestructive(c.ctx, boolOpt(args, 'yes'), safe`Delete ${label}? This ${ends}.`, safe`delete ${label} (${ends})`);
        if (!go) throw new CliError(safe`did not delete ${label}; nothing changed`);
      }
      const freed = await c.albums.delete(albumId);
      const shared = view && view.memberCount + view.linkCount > 0 ? `; ${accessPhrase(view.memberCount, view.linkCount)} lost access` : '';
      c.ctx.stdout.write(safe`deleted ${albumLabel(view ?? { albumId })}${freed ? ` (${freed} photos only the album held were deleted)` : ''}${shared}\n`);
    },
  },
  add: {
    usage: 'album add ALBUM PHOTO... | --from DATE --to DATE | --album OTHER', summary: 'add photos from your library (no re-upload: only keys are re-wrapped)', args: [1, Infinity],
    async run(c, [album, ...photos], args) {
      const range = captureRange(args);
      const other = stringOpt(args, 'album');
      if (photos.length === 0 && !range && other === undefined) throw new UsageError('usage: obscura album add ALBUM PHOTO... | --from DATE --to DATE | --album OTHER');
      const { albumId, view } = await findAlbum(c, album!);
      const index = await c.timeline();
      let ids = photos.length > 0 ? await resolvePhotoArgs(c.ctx, photos, libraryPhotoCandidates(index, { trashed: false }), { allowUnknownFullId: true }) : [];
      if (other !== undefined) {
        const from = await photosOf(c, (await findAlbum(c, other)).albumId);
        const mine = from.photos.filter((p) => index.get(p.fileId)?.state === 'active');
        const notMine = from.photos.length + from.refused.length - mine.length;
        if (notMine > 0) c.ctx.stderr.write(safe`obscura: ${notMine} ${notMine === 1 ? 'photo' : 'photos'} of "${other}" not in your library: not added (save them to your library first)\n`);
        ids = [...ids, ...mine.map((p) => p.fileId)];
      }
      if (range) {
        const base = photos.length > 0 || other !== undefined ? ids.map((id) => photoCandidate({ fileId: id, ...(index.get(id)?.metadata ? { metadata: index.get(id)!.metadata! } : {}) })) : libraryPhotoCandidates(index, { trashed: false });
        ids = selectByCapture(base, range).map((p) => p.id);
      }
      ids = [...new Set(ids)];
      if (ids.length === 0) throw new CliError('no photo matches this selection; nothing added');
      const n = await c.albums.addPhotos(albumId, ids);
      const there = ids.length - n;
      const already = there > 0 ? `${there} ${there === 1 ? 'photo was' : 'photos were'} already in the album` : '';
      c.ctx.stdout.write(n === 0 && there > 0
        ? safe`nothing added to ${albumLabel(view ?? { albumId })}: ${already}\n`
        : safe`added ${n} ${n === 1 ? 'photo' : 'photos'} to ${albumLabel(view ?? { albumId })}${already ? `; ${already}` : ''}\n`);
    },
  },
  remove: {
    usage: 'album remove ALBUM PHOTO...', summary: 'remove photos from the album (editors: only those they added)', args: [2, Infinity],
    async run(c, [album, ...photos]) {
      const { albumId, view } = await findAlbum(c, album!);
      const ids = await resolvePhotoArgs(c.ctx, photos, albumPhotoCandidates(await photosOf(c, albumId)), { allowUnknownFullId: true, scope: inAlbum(album!) });
      const n = await c.albums.removePhotos(albumId, ids);
      c.ctx.stdout.write(safe`removed ${n} ${n === 1 ? 'photo' : 'photos'} from ${albumLabel(view ?? { albumId })}\n`);
    },
  },
  show: {
    usage: 'album show ALBUM [--json]', summary: 'the album: name, your role, counts, and each photo with its uploader and "verified"/"REFUSED"', args: [1, 1],
    async run(c, [album], args) {
      const { albumId } = await findAlbum(c, album!);
      const view = await c.albums.get(albumId);
      const { photos, refused } = await photosOf(c, albumId);
      if (boolOpt(args, 'json')) {
        printJson(c.ctx.stdout, {
          ...albumJson(view),
          photos: [
            ...photos.map((p) => ({
              id: p.fileId, capturedAt: new Date(p.metadata.capturedAt).toISOString(), name: p.metadata.name, mimeType: p.metadata.mimeType, size: p.metadata.size,
              uploader: { id: p.uploader.id, name: p.uploader.displayName, email: p.uploader.email ?? null }, addedBy: { id: p.addedBy.id, name: p.addedBy.displayName }, addedAt: p.addedAt,
              verified: true,
            })),
            ...refused.map((p) => ({ id: p.fileId, capturedAt: null, name: null, mimeType: null, size: null, uploader: { id: p.uploader.id, name: p.uploader.displayName }, addedBy: null, addedAt: null, verified: false, problem: p.problem })),
          ],
        });
        return;
      }
      const out = c.ctx.stdout;
      out.write([
        view.kind === 'photo' ? safe`photo:    ${view.name ?? '?'}  (${view.albumId}; one photo shared with people)` : safe`album:    ${view.name ?? '?'}  (${view.albumId})`,
        ...(view.kind === 'photo' ? [safe`caption:  ${view.caption ?? '(none)'}`] : []),
        safe`owner:    ${view.myRole === 'owner' ? 'me' : `${view.owner.displayName} <${view.owner.email}>`}`,
        safe`my role:  ${view.myRole}`,
        `photos:   ${photos.length + refused.length}${refused.length ? ` (${refused.length} REFUSED)` : ''}    members: ${view.memberCount}`,
        '',
      ].join('\n'));
      if (photos.length + refused.length === 0) return;
      const rows = [
        ...photos.map((p) => ({ id: p.fileId, captured: isoLocal(p.metadata.capturedAt), name: p.metadata.name, size: formatBytes(p.metadata.size), uploader: personLabel(p.uploader), check: 'verified' })),
        ...refused.map((p) => ({ id: p.fileId, captured: '-', name: '-', size: '-', uploader: personLabel(p.uploader), check: `REFUSED: ${p.problem}` })),
      ];
      const n = shortIdLength(rows.map((r) => r.id));
      out.write('\n');
      printTable(out, [
        { header: 'ID', value: (r: (typeof rows)[number]) => r.id.slice(0, n) },
        { header: 'CAPTURED', value: (r) => r.captured },
        { header: 'NAME', value: (r) => r.name },
        { header: 'SIZE', value: (r) => r.size, align: 'right' },
        { header: 'UPLOADED BY', value: (r) => r.uploader },
        { header: 'CHECK', value: (r) => r.check },
      ], rows);
    },
  },
  download: {
    usage: 'album download ALBUM [-o DIR] [--overwrite] [--dry-run] [--json]', summary: 'download every photo of the album into a folder; files already there are skipped (see obscura download)', args: [1, 1],
    async run(c, [album], args) {
      const { albumId } = await findAlbum(c, album!);
      const dir = resolvePath(c.ctx.cwd, stringOpt(args, 'output') ?? '.');
      const { photos, refused } = await photosOf(c, albumId);
      for (const p of refused) c.ctx.stderr.write(safe`obscura: photo ${p.fileId} not saved: failed verification: ${p.problem}\n`);
      const range = captureRange(args);
      const keep = range ? new Set(selectByCapture(photos.map(photoCandidate), range).map((p) => p.id)) : undefined;
      const jobs = photos.filter((p) => !keep || keep.has(p.fileId)).map(albumJob);
      const code = await downloadToFolder(c.ctx, c.library, jobs, dir, folderOptions(args));
      return refused.length === 0 ? code : jobs.length > 0 && code !== 1 ? 3 : 1;
    },
  },
  upload: {
    usage: 'album upload ALBUM PATH...', summary: "upload files or folders straight into the album (owner or editor; charged to the owner's storage)", args: [2, Infinity],
    async run(c, [album, ...paths]) {
      const { albumId } = await findAlbum(c, album!);
      const files = await expandPaths(c.ctx, paths);
      const progress = createProgress(c.ctx, { label: 'upload', total: { bytes: files.reduce((a, f) => a + f.size, 0), files: files.length }, summaryOnlyWhenPlain: true });
      const counts = { uploaded: 0, added: 0, skipped: 0 };
      for (const f of files) {
        const feed = uploadProgressFeeder(progress, f.size);
        const source = await openFileSource(f.path);
        let r;
        try {
          r = await c.albums.upload(albumId, source, { thumbnailer: nodeThumbnailer, onProgress: (p) => feed.onProgress(p) });
        } finally {
          await source.close();
        }
        feed.finish();
        if (r.status === 'skipped') counts.skipped++;
        else if (r.status === 'duplicate') counts.added++;
        else counts.uploaded++;
        c.ctx.stdout.write(safe`${describeUpload(r, f.path).replace('(already uploaded)', '(already in my library: added by reference)')}\n`);
      }
      progress.finish(`${counts.uploaded} uploaded, ${counts.added} added from my library, ${counts.skipped} skipped`);
    },
  },
};

const SUB_HELP = Object.values(SUBS).map((s) => `  obscura ${s.usage.padEnd(28)}  ${s.summary}`).join('\n');

export const album: Command = {
  name: 'album',
  summary: 'Manage one album: create, rename, cover, delete, add, remove, show, upload.',
  usage: 'obscura album SUBCOMMAND ...',
  description: `subcommands:\n${SUB_HELP}\n\nALBUM is an album id, a unique id prefix (4+ characters) or its exact name. PHOTO is a file name (unique in\nyour library, or in the album for cover and remove), a local file you backed up (matched by content), a photo id\nor a unique prefix (6+ characters); several photos match: exit 2 listing them. album add also takes a selection:\n--from/--to (capture dates, inclusive) or --album OTHER (the photos of OTHER that are in your library).\n\nexamples:\n  obscura album download "Kyoto 2026" -o kyoto --dry-run\n  obscura album add "Kyoto 2026" IMG_1054.JPG ~/Pictures/IMG_1055.JPG\n  obscura album add "Kyoto 2026" --from 2026-01-20 --to 2026-01-27`,
  options: {
    ...JSON_OPT,
    output: { type: 'string', short: 'o', value: 'DIR', description: 'album download: folder to save into (default: the current one)' },
    overwrite: { type: 'boolean', description: 'album download: replace a file of the same name that holds something else' },
    'dry-run': { type: 'boolean', description: 'album download: print what would be downloaded, download nothing' },
    ...SELECTION_OPTIONS,
    album: { type: 'string', value: 'OTHER', description: 'album add: add the photos of album OTHER (those in your library)' }, yes: { type: 'boolean', short: 'y', description: 'album delete: do not ask for confirmation (needed without a terminal)' }, 'allow-duplicate': { type: 'boolean', description: 'album create: make the album even if you already have one of that name' } },
  positionals: { name: 'SUBCOMMAND', min: 1, max: Infinity },
  async run(ctx, args) {
    const [subName, ...rest] = args.positionals;
    const sub = SUBS[subName!];
    if (!sub || !Object.hasOwn(SUBS, subName!)) throw new UsageError(`unknown album subcommand ${subName}; see obscura help album`);
    if (rest.length < sub.args[0]) throw new UsageError(`usage: obscura ${sub.usage}`);
    if (rest.length > sub.args[1]) throw new UsageError(`too many arguments; usage: obscura ${sub.usage}`);
    if (boolOpt(args, 'json') && subName !== 'show' && subName !== 'download') throw new UsageError(`--json is for obscura album show and album download; see obscura help album`);
    for (const flag of ['output', 'overwrite', 'dry-run'] as const) {
      if (args.values[flag] !== undefined && subName !== 'download') throw new UsageError(`--${flag} is for obscura album download; see obscura help album`);
    }
    if (args.values.album !== undefined && subName !== 'add') throw new UsageError(`--album is for obscura album add; see obscura help album`);
    if ((args.values.from !== undefined || args.values.to !== undefined) && subName !== 'add' && subName !== 'download') throw new UsageError(`--from/--to are for obscura album add and album download; see obscura help album`);
    if (boolOpt(args, 'yes') && subName !== 'delete') throw new UsageError(`--yes is for obscura album delete; see obscura help album`);
    if (boolOpt(args, 'allow-duplicate') && subName !== 'create') throw new UsageError(`--allow-duplicate is for obscura album create; see obscura help album`);
    return withClient(ctx, (c) => sub.run(c, rest, args));
  },
};
