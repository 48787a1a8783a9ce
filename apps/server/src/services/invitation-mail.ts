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

/** The invitation mail. Without opt-in it carries no album name and no message: those are end-to-end encrypted. */
export function invitationMail(i: InvitationMailInput): Mail {
  const who = `${i.sharer.displayName} <${i.sharer.email}>`;
  const subject = i.albumName
    ? `${i.sharer.displayName} shared the album "${oneLine(i.albumName)}" with you on Obscura`
    : `${i.sharer.displayName} shared an album with you on Obscura`;
  const lines = [
    `${who} shared ${i.albumName ? `the album "${oneLine(i.albumName)}"` : 'an album'} with you ${ROLE_TEXT[i.role]}.`,
    '',
  ];
  if (!i.albumName) {
    lines.push('The album name is end-to-end encrypted: only you can read it, in the Obscura app.', '');
  }
  if (i.message) {
    lines.push(`Message from ${i.sharer.displayName}:`, '', ...i.message.split(/\r?\n/).map((l) => `> ${l}`), '');
  }
  lines.push(
    i.publicUrl ? `Accept or decline the invitation in the app: ${i.publicUrl.replace(/\/+$/, '')}/` : 'Accept or decline the invitation in the Obscura app.',
    '',
    'If you did not expect this, you can ignore this mail: nothing is shared until you accept.',
  );
  return { kind: 'invitation', to: i.to, subject, text: `${lines.join('\n')}\n` };
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();
