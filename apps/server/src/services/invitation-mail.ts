import { SINGLE_LINE_TEXT_PATTERN } from '@obscura/protocol';
import type { Mail } from '../ports/mailer.ts';

export interface InvitationMailInput {
  to: string;
  sharer: { displayName: string; email: string };
  role: 'viewer' | 'editor';
  /** Only when the sharer opted in: the one way plaintext reaches the server. Never stored. */
  albumName?: string | undefined;
  message?: string | undefined;
  publicUrl?: string | undefined;
}

const ROLE_TEXT = {
  viewer: 'as a viewer: you can see its photos and save them to your library',
  editor: 'as an editor: you can see its photos and add your own (they count against the owner\'s storage)',
} as const;

// [Note: user text in mail is quoted]
// The sharer's display name, the album name and the message are the sharer's words, not ours.
// The mail shows each name in quotation marks (its own quotation marks turned into ', every
// control, line break and bidi control turned into a space) and the message as "> " lines, so
// no user text can pass for a line the service wrote or start a header. The route schema
// already refuses those characters ([Note: plain text people see]); this does not rely on it
// (names stored before the rule, callers that skip the schema).
// The subject is one line of plain Unicode; the mailer (nodemailer) encodes it (RFC 2047 when
// it is not ASCII) and folds it, and From is the administrator's MAIL_FROM, never user text.

/** The invitation mail. Without opt-in it carries no album name and no message: those are end-to-end encrypted. */
export function invitationMail(i: InvitationMailInput): Mail {
  const name = quoted(i.sharer.displayName);
  const album = i.albumName ? quoted(i.albumName) : undefined;
  const subject = album
    ? `${name} shared the album ${album} with you on Obscura`
    : `${name} shared an album with you on Obscura`;
  const lines = [
    `${name} <${plain(i.sharer.email)}> shared ${album ? `the album ${album}` : 'an album'} with you ${ROLE_TEXT[i.role]}.`,
    '',
  ];
  if (!album) {
    lines.push('The album name is end-to-end encrypted: only you can read it, in the Obscura app.', '');
  }
  if (i.message) {
    lines.push(`Message from ${name}, as they wrote it:`, '', ...quotedLines(i.message), '');
  }
  lines.push(
    i.publicUrl ? `Accept or decline the invitation in the app: ${i.publicUrl.replace(/\/+$/, '')}/` : 'Accept or decline the invitation in the Obscura app.',
    '',
    'If you did not expect this, you can ignore this mail: nothing is shared until you accept.',
  );
  return { kind: 'invitation', to: i.to, subject, text: `${lines.join('\n')}\n` };
}

const allowed = new RegExp(SINGLE_LINE_TEXT_PATTERN, 'u');

/** One line: every control, line break and bidi control becomes a space; runs of spaces become one. */
const plain = (s: string): string => [...s].map((c) => (allowed.test(c) ? c : ' ')).join('').replace(/\s+/g, ' ').trim();

/** A name in quotation marks: `"Alice 'Al' Liddell"`. */
const quoted = (s: string): string => `"${plain(s).replace(/"/g, '\'')}"`;

/** The message as mail quotation: `> ` before every line (CR, LF or CRLF ends a line). */
const quotedLines = (message: string): string[] =>
  message.replace(/^(?:\r\n|\r|\n)+|(?:\r\n|\r|\n)+$/g, '').split(/\r\n|\r|\n/).map((l) => {
    const t = [...l].map((c) => (allowed.test(c) ? c : ' ')).join('').trimEnd();
    return t ? `> ${t}` : '>';
  });
