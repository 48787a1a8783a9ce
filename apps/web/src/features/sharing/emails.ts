// Email addresses typed or pasted into the share dialog: split, normalized and checked the way
// the server checks them, so a mistake is named before anything is sent. Pure (no DOM, no
// worker): the page and the worker both use it, and apps/web/test/sharing-emails.test.ts holds it.

// What the server accepts as an email (its route schema's format "email"), as the CLI checks it.
const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** Emails are compared as the server stores them: trimmed and lower-cased. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export const isEmail = (s: string): boolean => s.length >= 3 && s.length <= 254 && EMAIL.test(s);

/**
 * [Note: pasting a list of emails] people paste lists from a mail client or a spreadsheet:
 * `Ana <ana@example.org>, bob@example.org; "Lee, C." <lee@example.org>` and one per line.
 * Quoted names may hold commas, so they go first; then the text is cut at commas, semicolons
 * and line breaks. In a piece with `<…>`, that is the address (the name before it is dropped);
 * otherwise every word of the piece is taken, so a typo still shows (as not an address).
 */
export function splitEmails(text: string): string[] {
  const out: string[] = [];
  for (const piece of text.replace(/"[^"]*"/g, ' ').split(/[,;\r\n]+/)) {
    const angled = [...piece.matchAll(/<([^<>]*)>/g)].map((m) => m[1]!);
    out.push(...(angled.length > 0 ? angled : piece.split(/\s+/)));
  }
  return out.map((e) => e.trim()).filter((e) => e.length > 0);
}

export interface EmailEntry {
  /** Normalized (trimmed, lower-cased). */
  readonly email: string;
  readonly valid: boolean;
}

/**
 * Adds what was typed or pasted to the list: normalized, each address once, in the order
 * given; addresses already in `existing` are skipped.
 */
export function addEmails(existing: readonly EmailEntry[], text: string): EmailEntry[] {
  const seen = new Set(existing.map((e) => e.email));
  const out = [...existing];
  for (const raw of splitEmails(text)) {
    const email = normalizeEmail(raw);
    if (seen.has(email)) continue;
    seen.add(email);
    out.push({ email, valid: isEmail(email) });
  }
  return out;
}

/** "a", "a and b", "a, b and c". */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "1 person", "3 people". */
export const people = (n: number): string => `${n} ${n === 1 ? 'person' : 'people'}`;
/** "1 link", "2 links". */
export const links = (n: number): string => `${n} ${n === 1 ? 'public link' : 'public links'}`;

/** A fingerprint in groups of five digits for reading aloud (as the SDK prints it, spaced evenly). */
export function fingerprintGroups(fp: string): string[] {
  const parts = fp.trim().split(/\s+/);
  if (parts.length > 1) return parts;
  return fp.match(/.{1,5}/g) ?? [fp];
}
