// obscura photo show PHOTO [--album ALBUM] [--json]: every decrypted detail of one photo,
// after verifying it (the uploader's signature over its manifest, the metadata's hash).
import { fingerprintOf, IntegrityError, type AlbumPhoto, type OpenedPhoto, type TimelineEntry } from '@obscura/sdk';

/** The decrypted metadata of a photo (FileMetadata of @obscura/crypto, as the SDK hands it out). */
type FileMetadata = OpenedPhoto['metadata'];
import { boolOpt, stringOpt, type Command } from '../command.ts';
import { withClient, type Client } from '../client.ts';
import { CliError, UsageError } from '../errors.ts';
import { formatBytes, formatDurationS, formatTime, jsonTime, localZoneName, personLabel, printJson } from '../output.ts';
import { resolvePhoto } from '../resolve.ts';
import { safe } from '../terminal-text.ts';
import { findAlbum } from './album.ts';
import { albumPhotos, timelineCandidates } from './library.ts';

/** What `photo show` prints, gathered from the library or an album (both verified). */
export interface PhotoDetails {
  readonly id: string;
  /** 'library': in my library; 'album': readable only through an album I am in. */
  readonly from: 'library' | 'album';
  readonly metadata: FileMetadata;
  readonly state?: 'active' | 'trashed';
  readonly uploader: { readonly id: string; readonly displayName: string; readonly email?: string; readonly fingerprint?: string; readonly me: boolean };
  readonly uploadedAt?: string;
  readonly albums: readonly { readonly id: string; readonly name?: string; readonly kind: 'album' | 'photo' }[];
}

const SOURCE: Readonly<Record<FileMetadata['captureSource'], string>> = {
  exif: "the photo's EXIF data",
  container: "the video's container metadata",
  mtime: "the file's modification time (no capture time inside the file)",
  unknown: 'unknown',
};

const or = (v: string | undefined | null): string => (v === undefined || v === null || v === '' ? '-' : v);

/** The human lines of `photo show` (every value from the photo goes through `safe`). */
export function formatPhotoDetails(d: PhotoDetails): string {
  const m = d.metadata;
  const camera = [m.cameraMake, m.cameraModel].filter((x) => x !== undefined && x !== '').join(' ');
  const gps = m.gps
    ? `${m.gps.latitude.toFixed(6)}, ${m.gps.longitude.toFixed(6)}${m.gps.altitude !== undefined ? `, altitude ${m.gps.altitude} m` : ''}`
    : undefined;
  const dims = m.width !== undefined && m.height !== undefined ? `${m.width} × ${m.height}` : undefined;
  const isVideo = m.mimeType.startsWith('video/') || m.durationMs !== undefined;
  const uploader = `${personLabel(d.uploader)}${d.uploader.me ? ' (you)' : ''}`;
  const albums = d.albums.map((a) => (a.kind === 'photo' ? 'shared on its own' : `"${a.name ?? a.id.slice(0, 8)}"`)).join(', ');
  const lines = [
    safe`photo:       ${m.name}`,
    `id:          ${d.id}`,
    safe`type:        ${m.mimeType}`,
    // [Note: times] the metadata records no UTC offset: the time is shown in this machine's zone, said so.
    safe`captured:    ${formatTime(m.capturedAt)}  (in this machine's time zone, ${localZoneName(m.capturedAt)}; the photo records no offset)`,
    safe`  from:      ${SOURCE[m.captureSource] ?? m.captureSource}`,
    safe`camera:      ${or(camera)}`,
    'lens:        -',
    `size:        ${formatBytes(m.size)} (${m.size} bytes)`,
    `dimensions:  ${or(dims)}`,
    ...(isVideo ? [`duration:    ${m.durationMs !== undefined ? formatDurationS(m.durationMs / 1000) : '-'}`] : []),
    `gps:         ${or(gps)}`,
    ...(m.description !== undefined ? [safe`description: ${m.description}`] : []),
    safe`uploader:    ${uploader}`,
    safe`  key:       ${or(d.uploader.fingerprint)}`,
    ...(d.uploadedAt !== undefined ? [`uploaded:    ${formatTime(Date.parse(d.uploadedAt))}`] : []),
    `in:          ${d.from === 'library' ? `your library${d.state === 'trashed' ? ' (in the trash)' : ''}` : 'an album you are in (not in your library)'}`,
    safe`albums:      ${or(albums)}`,
    `check:       signature verified (${d.uploader.me ? 'your own key' : "uploader's key pinned"})`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `photo show --json`: every field; times in UTC ISO, GPS as numbers, absent values null. */
export function photoDetailsJson(d: PhotoDetails) {
  const m = d.metadata;
  return {
    id: d.id,
    name: m.name,
    mimeType: m.mimeType,
    capturedAt: jsonTime(m.capturedAt),
    capturedAtOffset: null,
    captureSource: m.captureSource,
    camera: { make: m.cameraMake ?? null, model: m.cameraModel ?? null },
    lens: null,
    size: m.size,
    width: m.width ?? null,
    height: m.height ?? null,
    durationMs: m.durationMs ?? null,
    gps: m.gps ? { latitude: m.gps.latitude, longitude: m.gps.longitude, altitude: m.gps.altitude ?? null } : null,
    description: m.description ?? null,
    contentSha256: m.contentSha256Hex ?? null,
    uploader: { id: d.uploader.id, name: d.uploader.displayName, email: d.uploader.email ?? null, fingerprint: d.uploader.fingerprint ?? null, me: d.uploader.me },
    uploadedAt: d.uploadedAt !== undefined ? jsonTime(Date.parse(d.uploadedAt)) : null,
    in: d.from,
    state: d.state ?? null,
    albums: d.albums.map((a) => ({ id: a.id, name: a.name ?? null, kind: a.kind })),
    verified: true,
  };
}

/** The uploader's key fingerprint: mine, or the keys pinned for them (undefined when not pinned with both keys). */
async function uploaderFingerprint(c: Client, userId: string): Promise<string | undefined> {
  if (userId === c.session.user.id) return c.session.fingerprint();
  const pin = c.pins.toJSON().byId[userId];
  if (!pin?.x25519) return undefined;
  return fingerprintOf({ x25519PublicKeyB64: pin.x25519, ed25519PublicKeyB64: pin.ed25519 });
}

/** The albums (that I can see) holding `fileId`. */
async function albumsHolding(c: Client, fileId: string, known?: { albumId: string; photos: readonly { fileId: string }[] }) {
  const out: { id: string; name?: string; kind: 'album' | 'photo' }[] = [];
  for (const a of await c.albums.list()) {
    if (a.problem || a.itemCount === 0) continue;
    const photos = known?.albumId === a.albumId ? known.photos : (await c.albums.photos(a.albumId)).photos;
    if (photos.some((p) => p.fileId === fileId)) out.push({ id: a.albumId, ...(a.name !== undefined ? { name: a.name } : {}), kind: a.kind });
  }
  return out;
}

async function showDetails(c: Client, input: string, albumInput: string | undefined): Promise<PhotoDetails> {
  const index = await c.timeline();
  let entry: TimelineEntry | undefined;
  let ap: AlbumPhoto | undefined;
  let known: { albumId: string; photos: AlbumPhoto[] } | undefined;
  if (albumInput !== undefined) {
    const { albumId } = await findAlbum(c, albumInput);
    const r = await c.albums.photos(albumId);
    known = { albumId, photos: r.photos };
    const candidates = [...r.photos.map((p) => ({ id: p.fileId, label: p.metadata.name })), ...r.refused.map((p) => ({ id: p.fileId }))];
    const id = resolvePhoto(input, candidates);
    const refused = r.refused.find((p) => p.fileId === id);
    if (refused) throw new IntegrityError(id, refused.problem);
    ap = r.photos.find((p) => p.fileId === id);
  } else {
    let candidates = timelineCandidates(index);
    let inAlbums = new Map<string, AlbumPhoto>();
    if (!candidates.some((cd) => cd.id.startsWith(input.trim().toLowerCase()))) {
      inAlbums = await albumPhotos(c);
      candidates = [...candidates, ...[...inAlbums.values()].filter((p) => !index.get(p.fileId)).map((p) => ({ id: p.fileId, label: p.metadata.name }))];
    }
    const id = resolvePhoto(input, candidates, { allowUnknownFullId: true });
    entry = index.get(id);
    if (!entry) ap = inAlbums.get(id);
    if (!entry && !ap) throw new CliError(`no photo of your library or of your albums is ${id}; see obscura photos`);
  }
  if (ap) {
    return {
      id: ap.fileId, from: index.get(ap.fileId) ? 'library' : 'album', metadata: ap.metadata,
      uploader: { ...ap.uploader, me: ap.uploader.id === c.session.user.id, ...(await fp(c, ap.uploader.id)) },
      albums: await albumsHolding(c, ap.fileId, known),
    };
  }
  const e = entry!;
  if (e.problem) throw new IntegrityError(e.fileId, e.problem.replace(/^failed verification and was refused: /, ''));
  // Opened afresh: the signature and the metadata are verified now, not only when the index was built.
  const opened = await c.library.open(e.fileId);
  return {
    id: e.fileId, from: 'library', metadata: opened.metadata, state: e.state, uploadedAt: e.uploadedAt,
    uploader: { id: e.uploader.id, displayName: e.uploader.displayName, ...(e.uploader.email !== undefined ? { email: e.uploader.email } : {}), me: e.uploader.id === c.session.user.id, ...(await fp(c, e.uploader.id)) },
    albums: await albumsHolding(c, e.fileId),
  };
}

const fp = async (c: Client, userId: string) => {
  const f = await uploaderFingerprint(c, userId);
  return f !== undefined ? { fingerprint: f } : {};
};

export const photo: Command = {
  name: 'photo',
  summary: 'One photo in detail: capture time, camera, size, dimensions, GPS, uploader, albums, verification.',
  usage: 'obscura photo show PHOTO [--album ALBUM] [--json]',
  description: [
    'PHOTO is a photo id or a unique prefix (6+ characters) of your library, or of the albums you are in;',
    '--album ALBUM looks only in that album (for a photo you can read only through it). The photo is',
    'decrypted and its signature verified before anything is shown; a photo that fails is refused (exit 1).',
    'Times are shown in this machine\'s time zone with their UTC offset; --json gives UTC ISO times and GPS as',
    'numbers. Absent details are shown as "-" (null in JSON).',
    '',
    'examples:',
    '  obscura photo show 1a2b3c4d',
    '  obscura photo show 1a2b3c4d --album Kyoto --json',
  ].join('\n'),
  options: {
    json: { type: 'boolean', description: 'print one JSON document on stdout (see docs/cli.md)' },
    album: { type: 'string', value: 'ALBUM', description: 'look for PHOTO in this album (id, id prefix or exact name)' },
  },
  positionals: { name: 'SUBCOMMAND', min: 1, max: 2 },
  async run(ctx, args) {
    const [sub, input] = args.positionals;
    if (sub !== 'show') throw new UsageError(`unknown photo subcommand ${sub}; see obscura help photo`);
    if (input === undefined) throw new UsageError('usage: obscura photo show PHOTO [--album ALBUM] [--json]');
    return withClient(ctx, async (c) => {
      const d = await showDetails(c, input, stringOpt(args, 'album'));
      await c.savePins();
      if (boolOpt(args, 'json')) printJson(ctx.stdout, photoDetailsJson(d));
      else ctx.stdout.write(formatPhotoDetails(d));
    });
  },
};
