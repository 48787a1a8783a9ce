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

// ---------------------------------------------------------------- photos by name, path, id or selection

/** A photo a PHOTO argument may name: its id, and what its verified metadata says. */
export interface PhotoCandidate {
  readonly id: string;
  readonly name?: string;
  /** Capture time, ms since the epoch. */
  readonly capturedAt?: number;
  /** SHA-256 of the original (lowercase hex), from the signed metadata. */
  readonly sha256?: string;
}

export interface PhotoRefOptions {
  /** A full id not among the candidates is passed through (the server then decides). */
  allowUnknownFullId?: boolean;
  /** SHA-256 of the local file the argument names, when it names an existing file. */
  localSha256?: string;
  /** Where the candidates come from, for messages: default "your library". */
  scope?: { label: string; listCommand: string };
  /** Format of capture times in candidate lists (default ISO UTC). */
  formatTime?: (ms: number) => string;
}

const LIBRARY_SCOPE = { label: 'your library', listCommand: 'obscura photos' };
const HEXISH = /^[0-9a-f-]+$/i;

function listPhotos(list: readonly PhotoCandidate[], o: PhotoRefOptions, scope: readonly PhotoCandidate[]): string {
  const n = shortIdLength(scope.map((c) => c.id), MIN_PHOTO_PREFIX);
  const time = o.formatTime ?? ((ms: number) => new Date(ms).toISOString());
  const one = (c: PhotoCandidate) => {
    const parts = [c.name ?? '(unreadable)', ...(c.capturedAt !== undefined ? [`captured ${time(c.capturedAt)}`] : [])];
    return `${c.id.slice(0, n)} (${parts.join(', ')})`;
  };
  const shown = list.slice(0, 8).map(one).join('; ');
  return list.length > 8 ? `${shown}; and ${list.length - 8} more` : shown;
}

/** Several photos match: exit 2, naming each candidate by id prefix, name and capture time. */
export function ambiguousPhoto(input: string, list: readonly PhotoCandidate[], why: string, o: PhotoRefOptions = {}, scope: readonly PhotoCandidate[] = list): UsageError {
  // prefixes unique in the whole scope, so each one given back resolves
  return new UsageError(`"${input}" is ambiguous: ${list.length} photos ${why}: ${listPhotos(list, o, scope)}; give one of these id prefixes`);
}

/**
 * The photo a PHOTO argument names by file name or local file, or undefined when it names
 * none that way (then try ids). Throws when several match. Order: the local file's content
 * (its SHA-256 against the signed metadata), the exact name, the name ignoring case.
 */
export function matchPhotoByName(input: string, candidates: readonly PhotoCandidate[], o: PhotoRefOptions = {}): string | undefined {
  const scope = o.scope ?? LIBRARY_SCOPE;
  if (o.localSha256 !== undefined) {
    const same = candidates.filter((c) => c.sha256 === o.localSha256);
    if (same.length === 1) return same[0]!.id;
    if (same.length > 1) throw ambiguousPhoto(input, same, 'hold the content of this file', o, candidates);
    // a path (not a bare name): it can only mean that file
    if (/[/\\]/.test(input)) throw new CliError(`${input}: no photo in ${scope.label} has the content of this file (back it up first: obscura backup / obscura upload)`);
  }
  const exact = candidates.filter((c) => c.name === input);
  if (exact.length === 1) return exact[0]!.id;
  if (exact.length > 1) throw ambiguousPhoto(input, exact, 'have that name', o, candidates);
  return undefined;
}

/**
 * One PHOTO argument → a photo id: a full id, a local file (by content), an exact file name
 * (unique in the scope), a unique id prefix of 6+ characters, or the name ignoring case.
 * Several matches: exit 2 listing them. None: exit 1.
 */
export function resolvePhotoRef(input: string, candidates: readonly PhotoCandidate[], o: PhotoRefOptions = {}): string {
  const scope = o.scope ?? LIBRARY_SCOPE;
  const needle = input.trim().toLowerCase();
  const byId = candidates.find((c) => c.id.toLowerCase() === needle);
  if (byId) return byId.id;
  if (isFullId(needle) && o.allowUnknownFullId) return needle;
  const named = matchPhotoByName(input, candidates, o);
  if (named !== undefined) return named;
  const idLike = HEXISH.test(needle);
  if (idLike && needle.length >= MIN_PHOTO_PREFIX) {
    const byPrefix = candidates.filter((c) => c.id.toLowerCase().startsWith(needle));
    if (byPrefix.length === 1) return byPrefix[0]!.id;
    if (byPrefix.length > 1) throw ambiguousPhoto(input, byPrefix, 'have an id starting with it', o, candidates);
  }
  const folded = candidates.filter((c) => c.name !== undefined && c.name.toLowerCase() === needle);
  if (folded.length === 1) return folded[0]!.id;
  if (folded.length > 1) throw ambiguousPhoto(input, folded, 'have that name (ignoring case)', o, candidates);
  if (idLike && needle.length < MIN_PHOTO_PREFIX) {
    throw new UsageError(`photo id "${input}" is too short: give the full id or at least ${MIN_PHOTO_PREFIX} characters`);
  }
  if (idLike) throw new CliError(`no photo matches "${input}"`);
  const close = didYouMean(input, candidates.flatMap((c) => (c.name !== undefined ? [c.name] : [])));
  throw new CliError(`no photo named "${input}" in ${scope.label}${close ? ` (${close})` : ''}; \`${scope.listCommand}\` lists them`);
}

/** Several PHOTO arguments, deduplicated, in order. `localSha256` gives the hash of each argument that is a local file. */
export function resolvePhotoRefs(inputs: readonly string[], candidates: readonly PhotoCandidate[], o: Omit<PhotoRefOptions, 'localSha256'> & { localSha256?: ReadonlyMap<string, string> } = {}): string[] {
  const out: string[] = [];
  for (const input of inputs) {
    const sha = o.localSha256?.get(input);
    const id = resolvePhotoRef(input, candidates, { ...o, localSha256: sha });
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * `--from` / `--to` / `--since` DATE: YYYY-MM-DD (a whole local day: --from its start, --to
 * its end, inclusive) or YYYY-MM-DDTHH:MM[:SS] local time. Returns ms since the epoch.
 */
export function parseDateBound(value: string, bound: 'start' | 'end', flag: string): number {
  const m = DATE.exec(value.trim());
  const bad = () => new UsageError(`${flag} "${value}" is not a date: use YYYY-MM-DD (or YYYY-MM-DDTHH:MM) in local time`);
  if (!m) throw bad();
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => (x === undefined ? undefined : Number(x)));
  const withTime = h !== undefined;
  const date = withTime
    ? new Date(y!, mo! - 1, d!, h!, mi!, s ?? (bound === 'end' ? 59 : 0), bound === 'end' && s === undefined ? 999 : 0)
    : bound === 'start' ? new Date(y!, mo! - 1, d!, 0, 0, 0, 0) : new Date(y!, mo! - 1, d!, 23, 59, 59, 999);
  if (date.getFullYear() !== y || date.getMonth() !== mo! - 1 || date.getDate() !== d || (withTime && (h! > 23 || mi! > 59 || (s ?? 0) > 59))) throw bad();
  return date.getTime();
}

/** Photos captured within [from, to] (either bound optional); those with no known capture time are left out. */
export function selectByCapture<T extends PhotoCandidate>(candidates: readonly T[], range: { from?: number; to?: number }): T[] {
  return candidates.filter((c) => c.capturedAt !== undefined && (range.from === undefined || c.capturedAt >= range.from) && (range.to === undefined || c.capturedAt <= range.to));
}

/** The --from/--to options of commands that select photos by capture date. */
export const SELECTION_OPTIONS = {
  from: { type: 'string', value: 'DATE', description: 'photos captured on or after DATE (YYYY-MM-DD, local time)' },
  to: { type: 'string', value: 'DATE', description: 'photos captured on or before DATE (inclusive)' },
} as const;
