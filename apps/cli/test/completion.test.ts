// obscura completion bash|zsh|fish: generated from the command table, valid for its shell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { harness } from './helpers.ts';
import { allCommands } from '../src/commands/index.ts';
import { completionSpecs, subcommandsOf } from '../src/commands/completion.ts';

const has = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;

async function script(shell: string): Promise<string> {
  const h = await harness();
  try {
    assert.equal(await h.run('completion', shell), 0, h.stderr.text);
    assert.equal(h.stderr.text, '');
    return h.stdout.text;
  } finally { await h.cleanup(); }
}

async function withFile<T>(name: string, text: string, fn: (path: string) => T): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'obscura-completion-'));
  try {
    const p = join(dir, name);
    await writeFile(p, text);
    return fn(p);
  } finally { await rm(dir, { recursive: true, force: true }); }
}

test('subcommands come from the product list', () => {
  assert.deepEqual(subcommandsOf('album'), ['create', 'rename', 'cover', 'delete', 'add', 'remove', 'show', 'upload'].filter((s) => subcommandsOf('album').includes(s)));
  for (const s of ['create', 'rename', 'cover', 'delete', 'add', 'remove', 'show', 'upload']) assert.ok(subcommandsOf('album').includes(s), `album ${s}`);
  assert.deepEqual(subcommandsOf('setup'), ['status', 'run']);
  assert.deepEqual(subcommandsOf('photo'), ['show']);
  for (const s of ['create', 'set', 'delete']) assert.ok(subcommandsOf('link').includes(s), `link ${s}`);
  for (const s of ['finish', 'cancel', 'resend']) assert.ok(subcommandsOf('pending').includes(s), `pending ${s}`);
  assert.deepEqual(subcommandsOf('sessions'), ['end']);
  assert.deepEqual(subcommandsOf('upload'), []);
  assert.deepEqual(subcommandsOf('role'), []); // "viewer|editor" comes after ALBUM EMAIL: not a subcommand
});

for (const shell of ['bash', 'zsh', 'fish']) {
  test(`completion ${shell}: mentions every command, every subcommand and every flag`, async () => {
    const text = await script(shell);
    for (const spec of completionSpecs()) {
      assert.match(text, new RegExp(`(^|[\\s'(])${spec.name}[\\s):']`), `${shell}: command ${spec.name}`);
      for (const s of spec.subcommands) assert.ok(text.includes(s), `${shell}: ${spec.name} ${s}`);
      for (const o of spec.options) assert.ok(text.includes(shell === 'fish' ? `-l ${o.long}` : `--${o.long}`), `${shell}: ${spec.name} --${o.long}`);
    }
    assert.equal(completionSpecs().length, allCommands().length);
    assert.doesNotMatch(text, /\x1b/);
  });
}

test('completion bash: bash -n accepts it, and it completes commands, subcommands and flags', async () => {
  const text = await script('bash');
  await withFile('obscura.bash', text, (p) => {
    execFileSync('bash', ['-n', p]);
    const complete = (...words: string[]) => execFileSync('bash', ['-c',
      `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _obscura; printf '%s\\n' "\${COMPREPLY[@]}"`, '_', p, ...words], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(complete('obscura', 'phot'), ['photos', 'photo']);
    assert.deepEqual(complete('obscura', 'album', 'cr'), ['create']);
    assert.deepEqual(complete('obscura', 'photo', 'show', 'x', '--al'), ['--album']);
    assert.ok(complete('obscura', 'completion', '').length >= 0);
  });
});

test('completion zsh: zsh -n accepts it (skipped without zsh)', async (t) => {
  if (!has('zsh')) { t.skip('zsh is not installed on this machine: syntax not checked'); return; }
  const text = await script('zsh');
  await withFile('_obscura', text, (p) => execFileSync('zsh', ['-n', p]));
});

test('completion fish: fish --no-execute accepts it (skipped without fish)', async (t) => {
  if (!has('fish')) { t.skip('fish is not installed on this machine: syntax not checked'); return; }
  const text = await script('fish');
  await withFile('obscura.fish', text, (p) => execFileSync('fish', ['--no-execute', p]));
});

test('completion with an unknown or missing shell: exit 2 naming the shells; --help says how to install', async () => {
  const h = await harness();
  try {
    assert.equal(await h.run('completion', 'powershell'), 2);
    assert.equal(h.stderr.text, 'obscura: unknown shell "powershell": completion knows bash, zsh and fish\n');
    assert.equal(h.stdout.text, '');
    h.stderr.text = '';
    assert.equal(await h.run('completion'), 2);
    assert.match(h.stderr.text, /completion needs SHELL/);
    assert.equal(await h.run('completion', '--help'), 0);
    assert.match(h.stdout.text, /install:\n {2}bash .*completions\/obscura\n[\s\S]* {2}zsh .*_obscura[\s\S]* {2}fish .*obscura\.fish/);
  } finally { await h.cleanup(); }
});
