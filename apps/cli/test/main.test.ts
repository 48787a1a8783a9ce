import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from './helpers.ts';
import { allCommands } from '../src/commands/index.ts';
import { COMMAND_LINES, PRODUCT_COMMANDS } from '../src/help.ts';
import { reportError } from '../src/output.ts';
import { CliError, UsageError } from '../src/errors.ts';

const EXPECTED = [
  'serve', 'signup', 'verify-email', 'login', 'logout', 'whoami', 'sessions', 'passwd', 'recover', 'upload', 'backup', 'photos', 'download', 'trash', 'restore', 'delete',
  'albums', 'album', 'share', 'members', 'pending', 'role', 'revoke', 'unshare', 'invitations', 'accept', 'decline', 'leave',
  'share-photo', 'caption', 'link', 'links', 'open', 'fingerprint', 'setup', 'photo', 'version', 'completion',
];

test('obscura --help lists exactly the product commands', async () => {
  const h = await harness();
  try {
    assert.equal(await h.run('--help'), 0);
    const usageLines = h.stdout.text.split('\n').filter((l) => l.startsWith('  obscura '));
    assert.deepEqual(usageLines, [
      '  obscura serve',
      '  obscura signup --server URL --email E [--name NAME] [--verify-email]   # password: prompt, or OBSCURA_PASSWORD',
      '  obscura signup --server URL --email E --request-code, then … --code CODE [--verification-id ID]   # scripts',
      '  obscura verify-email [--request | --code CODE [--verification-id ID]]',
      '  obscura login  [--server URL --email E]   # default: the last login here',
      '  obscura logout | whoami | sessions [--json] | sessions end ID|--others',
      '  obscura passwd',
      '  obscura recover --server URL --email E',
      '  obscura upload PATH...',
      '  obscura backup DIR',
      '  obscura photos [--json] [--trashed]',
      '  obscura photo show PHOTO [--album ALBUM] [--json]',
      '  obscura download PHOTO... | --all [--since DATE] | --album ALBUM | --from DATE --to DATE  [-o DIR] [--overwrite] [--dry-run] [--json]',
      '  obscura trash PHOTO... | restore PHOTO... | delete PHOTO...',
      '  obscura albums [--shared | --shared-with-me] [--json]',
      '  obscura album create NAME [--allow-duplicate] | rename ALBUM NAME | cover ALBUM PHOTO | delete ALBUM',
      '  obscura album add ALBUM PHOTO... | remove ALBUM PHOTO... | show ALBUM [--json]',
      '  obscura album add ALBUM --from DATE --to DATE | --album OTHER · album download ALBUM [-o DIR] [--overwrite] [--dry-run] [--json]',
      '  obscura album upload ALBUM PATH...',
      '  obscura share ALBUM EMAIL... --role viewer|editor [--include-name] [--message TEXT] [--no-invite-new] [--json]',
      '  obscura members ALBUM [--all] [--json]',
      '  obscura pending [--json] | pending finish [EMAIL...] [--album ALBUM] [--yes]',
      '  obscura pending cancel EMAIL [--album ALBUM] | pending resend EMAIL [--album ALBUM]',
      '  obscura role ALBUM EMAIL viewer|editor | revoke ALBUM EMAIL | unshare ALBUM [--yes]',
      '  obscura invitations [--json] | accept INVITATION | decline INVITATION',
      '  obscura leave ALBUM [--save-photos | --no-save]',
      '  obscura share-photo PHOTO EMAIL... --role viewer|editor [--include-name] [--message TEXT] [--no-invite-new] [--json]',
      '  obscura caption ALBUM TEXT',
      '  obscura link create PHOTO|ALBUM [--expires YYYY-MM-DD] [--password] [--no-download]   # prints the URL',
      '  obscura links [--wide] [--json]',
      '  obscura link set LINK [--expires YYYY-MM-DD | --no-expiry] [--password | --no-password] [--download | --no-download]',
      '  obscura link delete LINK',
      "  obscura open URL [--password P] [-o DIR]   # no account needed; quote the URL: 'https://…/s/ID#KEY'",
      '  obscura fingerprint [EMAIL] [--accept]',
      '  obscura setup status|run [--json]',
      '  obscura version [--json]   # also obscura --version',
      '  obscura completion bash|zsh|fish   # prints a shell completion script',
    ]);
    assert.deepEqual([...PRODUCT_COMMANDS].sort(), [...EXPECTED].sort());
    assert.equal(h.stderr.text, '');
  } finally { await h.cleanup(); }
});

test('every registered command has help via "help CMD" and "CMD --help", and is in the product list', async () => {
  for (const cmd of allCommands()) {
    const h = await harness();
    try {
      assert.equal(await h.run('help', cmd.name), 0);
      const viaHelp = h.stdout.text;
      assert.ok(viaHelp.startsWith(`usage: ${cmd.usage}\n`), viaHelp);
      assert.match(viaHelp, /--help/);
      h.stdout.text = '';
      assert.equal(await h.run(cmd.name, '--help'), 0);
      assert.equal(h.stdout.text, viaHelp);
      if (cmd.name !== 'help') {
        const lines = COMMAND_LINES.filter((l) => l.names.includes(cmd.name));
        assert.ok(lines.length > 0, `${cmd.name} is in the product list`);
        // the synopsis in --help agrees with the product list: same flags, same arguments
        const words = cmd.usage.split('#')[0]!.trim().split(/\s+/).slice(2).filter((w) => w.startsWith('-') || w.startsWith('[-'));
        for (const w of words) assert.ok(lines.some((l) => l.line.includes(w)), `${cmd.name}: ${w} appears in the product list`);
        for (const [name] of Object.entries(cmd.options)) assert.ok(viaHelp.includes(`--${name}`), `${cmd.name}: --${name} documented`);
      }
    } finally { await h.cleanup(); }
  }
});

test('help for every product command prints its usage', async () => {
  for (const name of EXPECTED) {
    const h = await harness();
    try {
      assert.equal(await h.run('help', name), 0, name);
      assert.ok(h.stdout.text.startsWith(`usage: obscura ${name}`), `${name}: ${h.stdout.text}`);
    } finally { await h.cleanup(); }
  }
});

test('every product command is implemented (no "not available" path) and "help album" lists its subcommands', async () => {
  assert.deepEqual(allCommands().map((c) => c.name).filter((n) => n !== 'help').sort(), [...EXPECTED].sort());
  const h = await harness();
  try {
    assert.equal(await h.run('help', 'album'), 0);
    for (const sub of ['create NAME', 'rename ALBUM NAME', 'cover ALBUM PHOTO', 'delete ALBUM', 'add ALBUM PHOTO...', 'remove ALBUM PHOTO...', 'show ALBUM [--json]', 'upload ALBUM PATH...']) {
      assert.ok(h.stdout.text.includes(`obscura album ${sub}`), sub);
    }
    assert.equal(await h.run('album', 'frob'), 2);
    assert.equal(h.stderr.text, 'obscura: unknown album subcommand frob; see obscura help album\n');
  } finally { await h.cleanup(); }
});

test('not logged in → one clear line, exit 1; bad flags → exit 2 before anything else', async () => {
  const h = await harness();
  try {
    for (const argv of [['whoami'], ['photos', '--json'], ['albums'], ['album', 'show', 'x'], ['download', 'abcdef'], ['passwd']]) {
      h.stderr.text = '';
      assert.equal(await h.run(...argv), 1, argv.join(' '));
      assert.equal(h.stderr.text, 'obscura: not logged in; run obscura login --server URL --email E\n', argv.join(' '));
    }
    assert.equal(h.stdout.text, '');
    h.stderr.text = '';
    assert.equal(await h.run('share', 'A', 'b@example.org', '--role', 'owner'), 2);
    assert.equal(h.stderr.text, 'obscura: the role must be viewer or editor (got "owner")\n');
    h.stderr.text = '';
    assert.equal(await h.run('leave', 'A'), 2, 'no TTY and no flag');
    assert.match(h.stderr.text, /^obscura: leaving is permanent: say --save-photos .* or --no-save/);
    h.stderr.text = '';
    assert.equal(await h.run('albums', '--shared', '--shared-with-me'), 2);
    h.stderr.text = '';
    assert.equal(await h.run('signup', '--email', 'a@example.org'), 2);
    assert.equal(h.stderr.text, 'obscura: signup needs --server; see obscura signup --help\n');
  } finally { await h.cleanup(); }
});

test('unknown command → exit 2, one clear line', async () => {
  const h = await harness();
  try {
    assert.equal(await h.run('frobnicate', '--x'), 2);
    assert.equal(h.stderr.text, 'obscura: unknown command frobnicate; see obscura --help\n');
    assert.equal(h.stdout.text, '');
    h.stderr.text = '';
    assert.equal(await h.run('help', 'frobnicate'), 2);
    assert.equal(h.stderr.text, 'obscura: unknown command frobnicate; see obscura --help\n');
  } finally { await h.cleanup(); }
});

test('unknown option, unexpected argument, missing command → exit 2', async () => {
  const h = await harness();
  try {
    assert.equal(await h.run('serve', '--port', '1'), 2);
    assert.equal(h.stderr.text, 'obscura: unknown option --port for serve; see obscura serve --help\n');
    h.stderr.text = '';
    assert.equal(await h.run('serve', 'extra'), 2);
    assert.equal(h.stderr.text, 'obscura: serve takes no arguments (got "extra"); see obscura serve --help\n');
    h.stderr.text = '';
    assert.equal(await h.run('help', 'a', 'b'), 2);
    assert.equal(h.stderr.text, 'obscura: too many arguments for help; see obscura help --help\n');
    h.stderr.text = '';
    assert.equal(await h.run('--verbose'), 2);
    assert.equal(h.stderr.text, 'obscura: unknown option --verbose; see obscura --help\n');
    h.stderr.text = '';
    assert.equal(await h.run(), 2);
    assert.match(h.stderr.text, /^Obscura: /);
  } finally { await h.cleanup(); }
});

test('error printer: one line; stack only with OBSCURA_DEBUG=1; exit codes by kind', () => {
  const out = { text: '', write(c: string) { this.text += c; } };
  assert.equal(reportError({ stderr: out, env: {} }, new Error('disk on fire\nsecond line')), 1);
  assert.equal(out.text, 'obscura: disk on fire\n');
  out.text = '';
  assert.equal(reportError({ stderr: out, env: { OBSCURA_DEBUG: '1' } }, new TypeError('boom')), 1);
  assert.match(out.text, /^obscura: boom\nTypeError: boom\n\s+at /);
  out.text = '';
  assert.equal(reportError({ stderr: out, env: {} }, new UsageError('bad flag')), 2);
  assert.equal(reportError({ stderr: out, env: {} }, new CliError('quota exceeded')), 1);
  assert.equal(reportError({ stderr: out, env: {} }, 'a string'), 1);
  assert.equal(out.text, 'obscura: bad flag\nobscura: quota exceeded\nobscura: a string\n');
});
