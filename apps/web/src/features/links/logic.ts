// Pure pieces of public links shared by the worker (links.ts) and the screens: how a refusal
// reads, how an expiry date maps to an instant, and how files are named inside a zip. No DOM,
// no SDK: unit-tested in apps/web/test/links.test.ts.

/** Why a visitor cannot see a link (each case has its own words; see `refusalText`). */
export type LinkRefusal =
  | { readonly reason: 'wrong-password' }
  | { readonly reason: 'expired'; readonly expiredOn?: string }
  | { readonly reason: 'gone' }
  | { readonly reason: 'rate-limited'; readonly retryAfterS: number }
  | { readonly reason: 'malformed' };

/** What the SDK's ApiError carries (status, server code, the server's sentence). */
export interface ApiFailure {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/**
 * [Note: link refusals] What the server answers a visitor (apps/server/src/services/links.ts,
 * link-throttle.ts): 404 not-found once the link is destroyed or its photo/album gone; 410
 * link-expired "this link expired on YYYY-MM-DD"; 403 bad-link-proof when the proof derived from
 * secret (+ password) is wrong; 429 rate-limited "too many attempts, try again in N s" once
 * guessing is throttled (even the right proof is refused then). A wrong proof for a link WITH a
 * password is a wrong password; WITHOUT one, the secret itself is wrong: the link was altered
 * or copied incompletely. Anything else (network, 5xx) is not a refusal: `undefined`.
 */
export function classifyLinkFailure(f: ApiFailure, hasPassword: boolean): LinkRefusal | undefined {
  if (f.status === 404) return { reason: 'gone' };
  if (f.status === 410 || f.code === 'link-expired') {
    const day = /expired on (\d{4}-\d{2}-\d{2})/.exec(f.message)?.[1];
    return day ? { reason: 'expired', expiredOn: day } : { reason: 'expired' };
  }
  if (f.status === 429) return { reason: 'rate-limited', retryAfterS: retryAfterSeconds(f.message) };
  if (f.status === 403 && f.code === 'bad-link-proof') return hasPassword ? { reason: 'wrong-password' } : { reason: 'malformed' };
  return undefined;
}

/** "try again in 42 s" → 42 (60 when the server did not say). */
export function retryAfterSeconds(message: string): number {
  const m = /try again in (\d+) s/.exec(message);
  return m ? Math.max(1, Number(m[1])) : 60;
}

/** A day as YYYY-MM-DD (server, UTC) in words of the visitor's locale, e.g. "3 March 2026". */
export function formatServerDay(day: string, locale?: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return d.toLocaleDateString(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export function refusalText(r: LinkRefusal, locale?: string): string {
  switch (r.reason) {
    case 'wrong-password': return 'That password is not right.';
    case 'expired': return r.expiredOn ? `This link expired on ${formatServerDay(r.expiredOn, locale)}.` : 'This link has expired.';
    case 'gone': return 'This link no longer exists.';
    case 'rate-limited': return `Too many attempts, try again in ${r.retryAfterS} s.`;
    case 'malformed': return 'The link is incomplete: copy the whole link including everything after #.';
  }
}

// ---------------------------------------------------------------- expiry dates

/**
 * [Note: link expiry is a day] People pick a day, not an instant: a link "expires after
 * 3 March" answers through the whole of 3 March in the owner's time zone and stops at the
 * following midnight. The picker's value (YYYY-MM-DD) maps to that midnight and back.
 */
export function expiryInstant(day: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new Error(`"${day}" is not a date (expected YYYY-MM-DD)`);
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1, 0, 0, 0, 0);
}

/** The last local day a link answers, as the picker's value; '' for never. */
export function expiryDay(expiresAt: string | null): string {
  if (!expiresAt) return '';
  const last = new Date(new Date(expiresAt).getTime() - 1);
  return localDay(last);
}

/** A local date as YYYY-MM-DD. */
export function localDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// ---------------------------------------------------------------- zip entries

const UNSAFE = /[\u0000-\u001f\u007f/\\:*?"<>|]/g;

/** A file name safe inside a zip on every system: no folders, no control characters, no leading dots. */
export function safeFileName(name: string, fallback = 'photo'): string {
  let n = name.normalize('NFC').replace(UNSAFE, '_').replace(/^[.\s]+/, '').replace(/[.\s]+$/, '').trim();
  if (n.length > 180) {
    const dot = n.lastIndexOf('.');
    const ext = dot > 0 && n.length - dot <= 10 ? n.slice(dot) : '';
    n = n.slice(0, 180 - ext.length) + ext;
  }
  return n || fallback;
}

/**
 * One name per photo, in order, unique without regard to case (two "IMG_0001.JPG" become
 * "IMG_0001.JPG" and "IMG_0001 (2).JPG"), so no entry overwrites another when unzipped.
 */
export function zipEntryNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((raw) => {
    const name = safeFileName(raw);
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    let candidate = name;
    for (let i = 2; taken.has(candidate.toLowerCase()); i++) candidate = `${stem} (${i})${ext}`;
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}

/** The archive's own name: the album's, else "Shared photos". */
export function zipFileName(albumName: string | undefined): string {
  return `${safeFileName(albumName ?? '', 'Shared photos')}.zip`;
}
