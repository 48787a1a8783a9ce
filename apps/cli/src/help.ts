// Help texts. The command list is part of the product (docs and scripts cite it):
// change it only together with the commands themselves.
import { GLOBAL_OPTIONS, type Command, type OptionSpec } from './command.ts';

/** Every product command, in the order users meet them, with its synopsis line. */
export const COMMAND_LINES: readonly { names: readonly string[]; line: string }[] = [
  { names: ['serve'], line: 'obscura serve' },
  { names: ['signup'], line: 'obscura signup --server URL --email E [--name NAME] [--verify-email]   # password: prompt, or OBSCURA_PASSWORD' },
  { names: ['signup'], line: 'obscura signup --server URL --email E --request-code, then … --code CODE [--verification-id ID]   # scripts' },
  { names: ['verify-email'], line: 'obscura verify-email [--request | --code CODE [--verification-id ID]]' },
  { names: ['login'], line: 'obscura login  [--server URL --email E]   # default: the last login here' },
  { names: ['logout', 'whoami', 'sessions'], line: 'obscura logout | whoami | sessions [--json] | sessions end ID|--others' },
  { names: ['passwd'], line: 'obscura passwd' },
  { names: ['recover'], line: 'obscura recover --server URL --email E' },
  { names: ['upload'], line: 'obscura upload PATH...' },
  { names: ['backup'], line: 'obscura backup DIR' },
  { names: ['photos'], line: 'obscura photos [--json] [--trashed]' },
  { names: ['photo'], line: 'obscura photo show PHOTO [--album ALBUM] [--json]' },
  { names: ['download'], line: 'obscura download PHOTO... | --all [--since DATE] | --album ALBUM | --from DATE --to DATE  [-o DIR] [--overwrite] [--dry-run] [--json]' },
  { names: ['trash', 'restore', 'delete'], line: 'obscura trash PHOTO... | restore PHOTO... | delete PHOTO...' },
  { names: ['albums'], line: 'obscura albums [--shared | --shared-with-me] [--json]' },
  { names: ['album'], line: 'obscura album create NAME [--allow-duplicate] | rename ALBUM NAME | cover ALBUM PHOTO | delete ALBUM' },
  { names: ['album'], line: 'obscura album add ALBUM PHOTO... | remove ALBUM PHOTO... | show ALBUM [--json]' },
  { names: ['album'], line: 'obscura album add ALBUM --from DATE --to DATE | --album OTHER · album download ALBUM [-o DIR] [--overwrite] [--dry-run] [--json]' },
  { names: ['album'], line: 'obscura album upload ALBUM PATH...' },
  { names: ['share'], line: 'obscura share ALBUM EMAIL... --role viewer|editor [--include-name] [--message TEXT] [--no-invite-new] [--json]' },
  { names: ['members'], line: 'obscura members ALBUM [--all] [--json]' },
  { names: ['pending'], line: 'obscura pending [--json] | pending finish [EMAIL...] [--album ALBUM] [--yes]' },
  { names: ['pending'], line: 'obscura pending cancel EMAIL [--album ALBUM] | pending resend EMAIL [--album ALBUM]' },
  { names: ['role', 'revoke', 'unshare'], line: 'obscura role ALBUM EMAIL viewer|editor | revoke ALBUM EMAIL | unshare ALBUM [--yes]' },
  { names: ['invitations', 'accept', 'decline'], line: 'obscura invitations [--json] | accept INVITATION | decline INVITATION' },
  { names: ['leave'], line: 'obscura leave ALBUM [--save-photos | --no-save]' },
  { names: ['share-photo'], line: 'obscura share-photo PHOTO EMAIL... --role viewer|editor [--include-name] [--message TEXT] [--no-invite-new] [--json]' },
  { names: ['caption'], line: 'obscura caption ALBUM TEXT' },
  { names: ['link'], line: 'obscura link create PHOTO|ALBUM [--expires YYYY-MM-DD] [--password] [--no-download]   # prints the URL' },
  { names: ['links'], line: 'obscura links [--wide] [--json]' },
  { names: ['link'], line: 'obscura link set LINK [--expires YYYY-MM-DD | --no-expiry] [--password | --no-password] [--download | --no-download]' },
  { names: ['link'], line: 'obscura link delete LINK' },
  { names: ['open'], line: "obscura open URL [--password P] [-o DIR]   # no account needed; quote the URL: 'https://…/s/ID#KEY'" },
  { names: ['fingerprint'], line: 'obscura fingerprint [EMAIL] [--accept]' },
  { names: ['setup'], line: 'obscura setup status|run [--json]' },
  { names: ['version'], line: 'obscura version [--json]   # also obscura --version' },
  { names: ['completion'], line: 'obscura completion bash|zsh|fish   # prints a shell completion script' },
];

export const PRODUCT_COMMANDS: readonly string[] = [...new Set(COMMAND_LINES.flatMap((c) => c.names))];

export function mainHelp(): string {
  return [
    'Obscura: end-to-end encrypted photo and video library',
    '',
    'usage:',
    ...COMMAND_LINES.map((c) => `  ${c.line}`),
    '',
    'Run "obscura help COMMAND" or "obscura COMMAND --help" for details.',
    'Every command accepts -h/--help and -q/--quiet. obscura --version (-V) prints the version.',
    '',
    'exit status:',
    '  0    success',
    '  1    failure (refused by the server, not logged in, not found, verification failed, ...)',
    '  2    usage: unknown command or option, missing or extra argument, bad value',
    '  3    partly done: download / album download / open -o saved some photos but not all',
    '  130  interrupted (Ctrl-C)',
    '  141  stdout was closed by the reader (e.g. | head): stopped quietly',
    '',
    'environment:',
    '  OBSCURA_HOME              where login state is kept (default ~/.config/obscura)',
    '  OBSCURA_PASSWORD          password for signup/login without a prompt',
    '  OBSCURA_NEW_PASSWORD      new password for passwd/recover without a prompt',
    '  OBSCURA_RECOVERY_KEY      recovery key for recover without a prompt',
    '  OBSCURA_EMAIL_CODE        the mailed code for signup/verify-email, instead of --code',
    '  OBSCURA_LINK_PASSWORD     link password for link create/set --password and open, without a prompt',
    '  OBSCURA_SETUP_POLL_MS     how often to look while another device runs the one-time setup (default 2000)',
    '  OBSCURA_DEBUG=1           print stack traces of unexpected errors',
    '  OBSCURA_INSECURE_FAST_KDF=1  TESTS ONLY: weak password stretching (never for real accounts)',
    '',
    'Full reference: docs/cli.md',
    '',
  ].join('\n');
}

function optionLine(name: string, o: OptionSpec): [string, string] {
  const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
  return [flag, o.description + (o.multiple ? ' (repeatable)' : '')];
}

export function commandHelp(cmd: Command): string {
  const opts = Object.entries({ ...cmd.options, ...GLOBAL_OPTIONS }).map(([n, o]) => optionLine(n, o));
  const width = Math.max(...opts.map(([f]) => f.length));
  return [
    `usage: ${cmd.usage}`,
    '',
    cmd.summary,
    ...(cmd.description ? ['', cmd.description] : []),
    '',
    'options:',
    ...opts.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`),
    '',
  ].join('\n');
}
