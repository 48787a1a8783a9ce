// Turning what a person types (an id, a unique id prefix, an album name) into ids.
// Pure functions over candidate lists, so they are unit-tested without a server.
import { CliError, UsageError } from './errors.ts';
import { didYouMean } from './suggest.ts';

export const MIN_PHOTO_PREFIX = 6;
export const MIN_ALBUM_PREFIX = 4;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isFullId = (s: string): boolean => UUID.test(s);

export interface Candidate {
  readonly id: string;
  /** Shown when naming candidates (photo or album name). */
  readonly label?: string;
}

const describe = (c: Candidate) => (c.label ? `${c.id} (${c.label})` : c.id);
function nameCandidates(list: readonly Candidate[]): string {
  const shown = list.slice(0, 5).map(describe).join(', ');
  return list.length > 5 ? `${shown} and ${list.length - 5} more` : shown;
}

/**
 * A photo id: the full id, or a unique prefix of at least 6 characters among `candidates`.
 * `allowUnknownFullId`: a full id not among the candidates is passed through (the server
 * then decides, e.g. "not found" for someone else's photo).
 */
export function resolvePhoto(input: string, candidates: readonly Candidate[], o: { what?: string; allowUnknownFullId?: boolean } = {}): string {
  const what = o.what ?? 'photo';
  const needle = input.trim().toLowerCase();
  const exact = candidates.find((c) => c.id.toLowerCase() === needle);
  if (exact) return exact.id;
  if (isFullId(needle) && o.allowUnknownFullId) return needle;
  if (needle.length < MIN_PHOTO_PREFIX) {
    throw new UsageError(`${what} id "${input}" is too short: give the full id or at least ${MIN_PHOTO_PREFIX} characters`);
  }
  const matches = candidates.filter((c) => c.id.toLowerCase().startsWith(needle));
  if (matches.length === 1) return matches[0]!.id;
  if (matches.length === 0) throw new CliError(`no ${what} matches "${input}"`);
  throw new CliError(`"${input}" is ambiguous: it matches ${matches.length} ${what}s: ${nameCandidates(matches)}`);
}

export function resolvePhotos(inputs: readonly string[], candidates: readonly Candidate[], o: { what?: string; allowUnknownFullId?: boolean } = {}): string[] {
  const out: string[] = [];
  for (const i of inputs) {
    const id = resolvePhoto(i, candidates, o);
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

/**
 * An album: its id, its exact (decrypted) name, or a unique id prefix (at least 4
 * characters). A name shared by several albums is ambiguous: the error lists their ids.
 */
export function resolveAlbum(input: string, albums: readonly Candidate[]): string {
  const byId = albums.find((a) => a.id.toLowerCase() === input.toLowerCase());
  if (byId) return byId.id;
  const byName = albums.filter((a) => a.label === input);
  if (byName.length === 1) return byName[0]!.id;
  if (byName.length > 1) throw new CliError(`"${input}" is ambiguous: ${byName.length} albums have that name: ${nameCandidates(byName)}; use an id`);
  if (input.length >= MIN_ALBUM_PREFIX) {
    const byPrefix = albums.filter((a) => a.id.toLowerCase().startsWith(input.toLowerCase()));
    if (byPrefix.length === 1) return byPrefix[0]!.id;
    if (byPrefix.length > 1) throw new CliError(`"${input}" is ambiguous: it matches ${byPrefix.length} albums: ${nameCandidates(byPrefix)}`);
  }
  const near = albums.filter((a) => a.label?.toLowerCase() === input.toLowerCase());
  const close = near.length ? '' : didYouMean(input, albums.flatMap((a) => (a.label !== undefined ? [a.label] : [])));
  const hint = near.length ? ` (did you mean ${nameCandidates(near)}?)` : close ? ` (${close})` : '; see obscura albums';
  throw new CliError(`no album matches "${input}"${hint}`);
}

/** The shortest prefix length (≥ min) under which every id is unique, for tables. */
export function shortIdLength(ids: readonly string[], min = 8): number {
  for (let n = min; n < 36; n++) {
    if (new Set(ids.map((i) => i.slice(0, n))).size === ids.length) return n;
  }
  return 36;
}

export type LinkTarget = { kind: 'photo'; id: string } | { kind: 'album'; id: string };

/**
 * PHOTO|ALBUM for `link create`: a photo (full id, or unique prefix of 6+ characters) or an
 * album (id, exact name, or unique id prefix of 4+). An exact id wins, then an exact album
 * name, then prefixes of both kinds together: more than one match is ambiguous and every
 * candidate is named with its kind.
 */
export function resolveLinkTarget(input: string, photos: readonly Candidate[], albums: readonly Candidate[]): LinkTarget {
  const needle = input.trim().toLowerCase();
  const photo = photos.find((c) => c.id.toLowerCase() === needle);
  if (photo) return { kind: 'photo', id: photo.id };
  const album = albums.find((c) => c.id.toLowerCase() === needle);
  if (album) return { kind: 'album', id: album.id };
  const byName = albums.filter((a) => a.label === input);
  if (byName.length === 1) return { kind: 'album', id: byName[0]!.id };
  if (byName.length > 1) throw new CliError(`"${input}" is ambiguous: ${byName.length} albums have that name: ${nameCandidates(byName)}; use an id`);
  if (needle.length < MIN_ALBUM_PREFIX) {
    throw new UsageError(`"${input}" is too short: give a photo id (or ${MIN_PHOTO_PREFIX}+ characters of it), an album id (or ${MIN_ALBUM_PREFIX}+ characters of it) or an album's exact name`);
  }
  const photoMatches = photos.filter((c) => c.id.toLowerCase().startsWith(needle));
  const albumMatches = albums.filter((c) => c.id.toLowerCase().startsWith(needle));
  if (needle.length < MIN_PHOTO_PREFIX && albumMatches.length === 0 && photoMatches.length > 0) {
    throw new UsageError(`photo id "${input}" is too short: give the full id or at least ${MIN_PHOTO_PREFIX} characters`);
  }
  const matches: (LinkTarget & { label?: string })[] = [
    ...(needle.length >= MIN_PHOTO_PREFIX ? photoMatches : []).map((c) => ({ kind: 'photo' as const, id: c.id, ...(c.label !== undefined ? { label: c.label } : {}) })),
    ...albumMatches.map((c) => ({ kind: 'album' as const, id: c.id, ...(c.label !== undefined ? { label: c.label } : {}) })),
  ];
  if (matches.length === 1) return { kind: matches[0]!.kind, id: matches[0]!.id };
  if (matches.length === 0) throw new CliError(`no photo of your library and no album you own matches "${input}"; see obscura photos and obscura albums`);
  const named = matches.slice(0, 5).map((m) => `${m.kind} ${describe(m)}`).join(', ');
  throw new CliError(`"${input}" is ambiguous: it matches ${matches.length} photos or albums: ${named}${matches.length > 5 ? ` and ${matches.length - 5} more` : ''}`);
}
