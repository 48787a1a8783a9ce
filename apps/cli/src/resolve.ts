// Turning what a person types (an id, a unique id prefix, an album name) into ids.
// Pure functions over candidate lists, so they are unit-tested without a server.
import { CliError, UsageError } from './errors.ts';

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
  const hint = near.length ? ` (did you mean ${nameCandidates(near)}?)` : '; see obscura albums';
  throw new CliError(`no album matches "${input}"${hint}`);
}

/** The shortest prefix length (≥ min) under which every id is unique, for tables. */
export function shortIdLength(ids: readonly string[], min = 8): number {
  for (let n = min; n < 36; n++) {
    if (new Set(ids.map((i) => i.slice(0, n))).size === ids.length) return n;
  }
  return 36;
}
