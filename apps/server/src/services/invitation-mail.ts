import { SINGLE_LINE_TEXT_PATTERN } from '@obscura/protocol';
import type { Mail } from '../ports/mailer.ts';

export interface InvitationMailInput {
  to: string;
  sharer: { displayName: string; email: string };
  role: 'viewer' | 'editor';
  /** 'photo': one photo shared with people; the mail then says "photo", not "album". */
  kind?: 'album' | 'photo' | undefined;
  /** The invitation (member row) id: the mail links to the app's page for it. */
  invitationId?: string | undefined;
  /** Only when the sharer opted in: the one way plaintext reaches the server. Never stored. */
  albumName?: string | undefined;
  message?: string | undefined;
  /** The app's address (PUBLIC_URL); without it the mail has no link (see [Note: the invitation link]). */
  publicUrl?: string | undefined;
}

const ROLE_TEXT = {
  album: {
    viewer: 'as a viewer: you can see its photos and save them to your library',
    editor: 'as an editor: you can see its photos and add your own (they count against the owner\'s storage)',
  },
  photo: {
    viewer: 'as a viewer: you can see it and save it to your library',
    editor: 'as an editor: you can see it, save it and change its caption',
  },
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
//
// [Note: the invitation mail's HTML part] The same words as the plain-text part, built from the
// same quoted pieces, and every piece HTML-escaped (& < > " ') where it is put in, including the
// link (whose only variable parts are percent-encoded anyway). The message is a blockquote with
// one escaped line per line; user text is never markup. Styles are inline (mail clients drop
// <style>); there is no script, no image and nothing loaded from elsewhere.
//
// [Note: the invitation link] The mail links to the app's page for this invitation,
// PUBLIC_URL/invitations/<id>?email=<invitee>: the page shows it after sign-in (the login and
// sign-up screens take the email from the link), with Accept and Decline. The base is only the
// administrator's PUBLIC_URL, never the Host header of the sharer's request: a sharer must not
// be able to make the server's own words point somewhere else. Without PUBLIC_URL the mail
// says where to look in the app instead.

/** The invitation mail. Without opt-in it carries no album name and no message: those are end-to-end encrypted. */
export function invitationMail(i: InvitationMailInput): Mail {
  const kind = i.kind ?? 'album';
  const noun = kind === 'photo' ? 'photo' : 'album';
  const name = quoted(i.sharer.displayName);
  const album = i.albumName ? quoted(i.albumName) : undefined;
  const what = album ? `the ${noun} ${album}` : `${noun === 'photo' ? 'a photo' : 'an album'}`;
  const subject = `${name} shared ${what} with you on Obscura`;
  const link = invitationLink(i);
  const sharedLine = (n: string, email: string, w: string) => `${n} <${email}> shared ${w} with you ${ROLE_TEXT[kind][i.role]}.`;
  const encrypted = `The ${noun === 'photo' ? "photo's" : 'album'} name is end-to-end encrypted: only you can read it, in the Obscura app.`;
  const messageIntro = `Message from ${name}, as they wrote it:`;
  const message = i.message ? messageLines(i.message) : undefined;
  const whereText = link
    ? `Open the invitation to accept or decline it: ${link}`
    : 'Accept or decline the invitation in the Obscura app, under "Shared with me".';
  const signIn = `Log in, or create your account with this email address (${plain(i.to)}), to see it.`;
  const ignore = 'If you did not expect this, you can ignore this mail: nothing is shared until you accept.';

  const lines = [sharedLine(name, plain(i.sharer.email), what), ''];
  if (!album) lines.push(encrypted, '');
  if (message) lines.push(messageIntro, '', ...message.map((l) => (l ? `> ${l}` : '>')), '');
  lines.push(whereText, ...(link ? [signIn] : []), '', ignore);

  const p = (inner: string) => `<p style="margin:0 0 16px">${inner}</p>`;
  const html = [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(subject)}</title></head>`,
    '<body style="margin:0;padding:24px 12px;background:#f4f4f1;color:#1c1c1a;font:16px/1.5 system-ui,-apple-system,\'Segoe UI\',Roboto,sans-serif">',
    '<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:12px;padding:24px">',
    p(`<strong>${esc(name)}</strong> &lt;${esc(plain(i.sharer.email))}&gt; shared ${album ? `the ${noun} <strong>${esc(album)}</strong>` : esc(what)} with you ${esc(ROLE_TEXT[kind][i.role])}.`),
    ...(album ? [] : [p(esc(encrypted))]),
    ...(message ? [
      p(esc(messageIntro)),
      `<blockquote style="margin:0 0 16px;padding:8px 16px;border-left:4px solid #c9c9c2;color:#33332f">${message.map(esc).join('<br>')}</blockquote>`,
    ] : []),
    ...(link ? [
      `<p style="margin:24px 0"><a href="${esc(link)}" style="display:inline-block;background:#1f4fd1;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:8px;font-weight:600">Open the invitation</a></p>`,
      p(esc(signIn)),
      `<p style="margin:0 0 16px;font-size:14px;color:#55554f">Or open this address in your browser: <a href="${esc(link)}" style="color:#1f4fd1;word-break:break-all">${esc(link)}</a></p>`,
    ] : [p(esc(whereText))]),
    `<p style="margin:0;font-size:14px;color:#55554f">${esc(ignore)}</p>`,
    '</div></body></html>',
  ].join('\n');

  return { kind: 'invitation', to: i.to, subject, text: `${lines.join('\n')}\n`, html: `${html}\n` };
}

/** The app's page for the invitation, or undefined without PUBLIC_URL or an invitation id. */
function invitationLink(i: InvitationMailInput): string | undefined {
  if (!i.publicUrl) return undefined;
  const base = i.publicUrl.replace(/\/+$/, '');
  if (!i.invitationId) return `${base}/shared-with-me`;
  return `${base}/invitations/${encodeURIComponent(i.invitationId)}?email=${encodeURIComponent(i.to)}`;
}

export interface ExternalInvitationMailInput {
  /** The invited email: it has no account on this server yet. */
  to: string;
  sharer: { displayName: string; email: string };
  role: 'viewer' | 'editor';
  kind?: 'album' | 'photo' | undefined;
  /** Only when the sharer opted in (never stored, so a re-sent invitation has neither). */
  albumName?: string | undefined;
  message?: string | undefined;
  /** When the invitation lapses (ms since the epoch). */
  expiresAt: number;
  publicUrl?: string | undefined;
}

// [Note: the external invitation mail] Sent to an email that has no account on this server
// ([Note: external invitations] in external-invitations.ts). The same words and the same quoting
// and escaping as the invitation mail ([Note: user text in mail is quoted], [Note: the invitation
// mail's HTML part]): who invites (name and email of the sharer), the role, the album name and
// message only if the sharer opted in, and never anything of the album's contents. It says
// that there is no account yet and how to make one: the sign-up page PUBLIC_URL/signup?email=
// <invitee>&invited=1 (only the administrator's PUBLIC_URL, as for [Note: the invitation link];
// without it, "in the Obscura app"), with this email address, confirmed by a mailed code; then
// the sharer's app finishes sharing and they can accept. And when it lapses.

/** The mail inviting an email without an account. */
export function externalInvitationMail(i: ExternalInvitationMailInput): Mail {
  const kind = i.kind ?? 'album';
  const noun = kind === 'photo' ? 'photo' : 'album';
  const name = quoted(i.sharer.displayName);
  const album = i.albumName ? quoted(i.albumName) : undefined;
  const what = album ? `the ${noun} ${album}` : `${noun === 'photo' ? 'a photo' : 'an album'}`;
  const to = plain(i.to);
  const subject = `${name} invited you to ${what} on Obscura`;
  const link = signupLink(i);
  const invitedLine = (n: string, email: string) => `${n} <${email}> invited you to ${what} ${ROLE_TEXT[kind][i.role]}.`;
  const encrypted = `The ${noun === 'photo' ? "photo's" : 'album'} name is end-to-end encrypted: you will see it in the Obscura app once you have joined.`;
  const messageIntro = `Message from ${name}, as they wrote it:`;
  const message = i.message ? messageLines(i.message) : undefined;
  const noAccount = 'You do not have an account on this Obscura server yet.';
  const create = link ? `Create one here: ${link}` : 'Create one in the Obscura app.';
  const useEmail = `Use this email address (${to}); you will confirm it with a code we mail you.`;
  const then = `${name}'s app then finishes sharing, and you can accept or decline the invitation.`;
  const lapses = `This invitation lapses on ${utcDate(i.expiresAt)}.`;
  const ignore = 'If you did not expect this, you can ignore this mail: nothing is shared until you accept.';

  const lines = [invitedLine(name, plain(i.sharer.email)), ''];
  if (!album) lines.push(encrypted, '');
  if (message) lines.push(messageIntro, '', ...message.map((l) => (l ? `> ${l}` : '>')), '');
  lines.push(noAccount, create, useEmail, then, '', lapses, '', ignore);

  const p = (inner: string) => `<p style="margin:0 0 16px">${inner}</p>`;
  const html = [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(subject)}</title></head>`,
    '<body style="margin:0;padding:24px 12px;background:#f4f4f1;color:#1c1c1a;font:16px/1.5 system-ui,-apple-system,\'Segoe UI\',Roboto,sans-serif">',
    '<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:12px;padding:24px">',
    p(`<strong>${esc(name)}</strong> &lt;${esc(plain(i.sharer.email))}&gt; invited you to ${album ? `the ${noun} <strong>${esc(album)}</strong>` : esc(what)} ${esc(ROLE_TEXT[kind][i.role])}.`),
    ...(album ? [] : [p(esc(encrypted))]),
    ...(message ? [
      p(esc(messageIntro)),
      `<blockquote style="margin:0 0 16px;padding:8px 16px;border-left:4px solid #c9c9c2;color:#33332f">${message.map(esc).join('<br>')}</blockquote>`,
    ] : []),
    p(esc(noAccount)),
    ...(link ? [
      `<p style="margin:24px 0"><a href="${esc(link)}" style="display:inline-block;background:#1f4fd1;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:8px;font-weight:600">Create your account</a></p>`,
      `<p style="margin:0 0 16px;font-size:14px;color:#55554f">Or open this address in your browser: <a href="${esc(link)}" style="color:#1f4fd1;word-break:break-all">${esc(link)}</a></p>`,
    ] : [p(esc(create))]),
    p(esc(useEmail)),
    p(esc(then)),
    p(esc(lapses)),
    `<p style="margin:0;font-size:14px;color:#55554f">${esc(ignore)}</p>`,
    '</div></body></html>',
  ].join('\n');

  return { kind: 'external-invitation', to: i.to, subject, text: `${lines.join('\n')}\n`, html: `${html}\n` };
}

/** The sign-up page with the invited email filled in, or undefined without PUBLIC_URL. */
function signupLink(i: { to: string; publicUrl?: string | undefined }): string | undefined {
  if (!i.publicUrl) return undefined;
  return `${i.publicUrl.replace(/\/+$/, '')}/signup?email=${encodeURIComponent(i.to)}&invited=1`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** "26 December 2026 at 12:00 UTC". */
export const utcDate = (ms: number): string => {
  const d = new Date(ms);
  const hm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} at ${hm} UTC`;
};

const allowed = new RegExp(SINGLE_LINE_TEXT_PATTERN, 'u');

/** One line: every control, line break and bidi control becomes a space; runs of spaces become one. */
export const plain = (s: string): string => [...s].map((c) => (allowed.test(c) ? c : ' ')).join('').replace(/\s+/g, ' ').trim();

/** A name in quotation marks: `"Alice 'Al' Liddell"`. */
const quoted = (s: string): string => `"${plain(s).replace(/"/g, '\'')}"`;

/** The message's lines (CR, LF or CRLF ends a line), each cleaned like `plain` but keeping inner spacing; empty lines kept. */
const messageLines = (message: string): string[] =>
  message.replace(/^(?:\r\n|\r|\n)+|(?:\r\n|\r|\n)+$/g, '').split(/\r\n|\r|\n/).map((l) => [...l].map((c) => (allowed.test(c) ? c : ' ')).join('').trimEnd());

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' };
/** Text as HTML text or attribute value: & < > " ' escaped. */
export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
