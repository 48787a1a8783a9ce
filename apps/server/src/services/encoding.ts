import { badRequest } from '../errors.ts';

// Wire encodings at the service edge: the wire carries base64, repositories bytes.
export const toB64 = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64');
export const fromB64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
/** OPAQUE messages from @serenity-kit/opaque are base64url without padding. */
export const toB64Url = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64url');
export const fromB64Url = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64url'));
export const iso = (ms: number): string => new Date(ms).toISOString();
/** Decoded length of a standard base64 string (validated by the route schema). */
export const b64Bytes = (s: string): number => (s.length / 4) * 3 - (s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0);
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

// [Note: instants] (packages/protocol/src/schemas.ts) every date a request carries is read here:
// a strict RFC 3339 date-time with a real calendar day, no leap second, within Date's range.
// Date.parse alone is not enough: it turns `23:59:60` into NaN and rolls `02-30` into March.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
export const INSTANT_EXAMPLE = '2026-12-31T23:59:59Z';

/** What is wrong with `s` as a date-time, or null when it is a valid instant. */
export function instantProblem(s: string): string | null {
  const m = RFC3339.exec(s);
  if (!m) {
    if (s.trim() !== s) return 'it has spaces around it';
    if (/^([+-]|\d{5,}-)/.test(s)) return 'the year must have exactly 4 digits (0000–9999)';
    if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return 'it has a date but no time and time zone';
    return 'it is not of the form YYYY-MM-DDTHH:MM:SS[.fff] followed by Z or ±HH:MM';
  }
  const n = (i: number) => Number(m[i] ?? 0);
  const [year, month, day, hour, minute, second, offH, offM] = [n(1), n(2), n(3), n(4), n(5), n(6), n(8), n(9)];
  if (month < 1 || month > 12) return `there is no month ${m[2]}`;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day < 1 || day > days) return `${m[1]}-${m[2]} has ${days} days`;
  if (hour > 23) return 'hours go from 00 to 23';
  if (minute > 59) return 'minutes go from 00 to 59';
  if (second === 60) return 'second 60 (a leap second) is not accepted';
  if (second > 59) return 'seconds go from 00 to 59';
  if (offH > 23 || offM > 59) return 'the time zone offset must be between -23:59 and +23:59';
  if (!Number.isFinite(Date.parse(s))) return 'it is outside the range of dates this server can store';
  return null;
}

/** The instant `s` names, in ms since the epoch; a 400 naming `field` when it is not a valid date-time. */
export function parseInstant(field: string, s: string): number {
  const problem = instantProblem(s);
  if (problem !== null) throw badRequest(instantMessage(field, s, problem));
  return Date.parse(s);
}

export const instantMessage = (field: string, s: string, problem: string): string =>
  `${field} ${JSON.stringify(s)} is not a valid date-time: ${problem}; use e.g. ${INSTANT_EXAMPLE}`;
