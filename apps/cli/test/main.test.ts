import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from './helpers.ts';
import { allCommands } from '../src/commands/index.ts';
import { COMMAND_LINES, PRODUCT_COMMANDS } from '../src/help.ts';
import { reportError } from '../src/output.ts';
import { CliError, UsageError } from '../src/errors.ts';

const EXPECTED = ['serve', 'signup', 'login', 'logout', 'whoami', 'sessions', 'passwd', 'recover', 'upload', 'backup', 'photos', 'download', 'trash', 'restore', 'delete'];

test('obscura --help lists exactly the product commands', async () => {
  const h = await harness();
  try {
    assert.equal(await h.run('--help'), 0);
    const usageLines = h.stdout.text.split('\n').filter((l) => l.startsWith('  obscura '));
    assert.deepEqual(usageLines, [
      '  obscura serve',
      '  obscura signup --server URL --email E [--name NAME]   # password: prompt, or OBSCURA_PASSWORD',
      '  obscura login  --server URL --email E',
      '  obscura logout | whoami | sessions',
      '  obscura passwd',
      '  obscura recover --server URL --email E',
      '  obscura upload PATH...',
      '  obscura backup DIR',
      '  obscura photos [--json]',
      '  obscura download ID... [-o DIR]',
      '  obscura trash ID... | restore ID... | delete ID...',
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
      if (cmd.name !== 'help') assert.ok(COMMAND_LINES.some((l) => l.names.includes(cmd.name) && l.line === cmd.usage), `${cmd.name} usage matches the product list`);
    } finally { await h.cleanup(); }
  }
});

test('help for every product command prints its synopsis', async () => {
  for (const name of EXPECTED) {
    const h = await harness();
    try {
      assert.equal(await h.run('help', name), 0, name);
      const line = COMMAND_LINES.find((l) => l.names.includes(name))!.line;
      assert.ok(h.stdout.text.includes(line), `${name}: ${h.stdout.text}`);
    } finally { await h.cleanup(); }
  }
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
