// The command registry. To add a command: write src/commands/NAME.ts exporting a
// Command, and list it in allCommands(). main.ts, help and option parsing pick it up.
import type { Command } from '../command.ts';
import { fingerprint, login, logout, passwd, recover, sessions, signup, verifyEmail, whoami } from './account.ts';
import { album, albums } from './album.ts';
import { help } from './help.ts';
import { backup, del, download, photos, restore, trash, upload } from './library.ts';
import { photo } from './photo.ts';
import { completion } from './completion.ts';
import { version } from './version.ts';
import { link, links, open } from './links.ts';
import { pending } from './pending.ts';
import { serve } from './serve.ts';
import { setup } from './setup.ts';
import { accept, caption, decline, invitations, leave, members, revoke, role, share, sharePhoto, unshare } from './sharing.ts';

// [Note: registry is a function] `help` imports this module to look commands up; a
// function (not a top-level array) keeps that import cycle safe whichever file loads first.
export function allCommands(): readonly Command[] {
  return [
    serve, signup, verifyEmail, login, logout, whoami, sessions, passwd, recover,
    upload, backup, photos, photo, download, trash, restore, del,
    albums, album, share, members, pending, role, revoke, unshare, invitations, accept, decline, leave,
    sharePhoto, caption, link, links, open, fingerprint, setup, version, completion,
    help,
  ];
}

export function findCommand(name: string): Command | undefined {
  return allCommands().find((c) => c.name === name);
}
