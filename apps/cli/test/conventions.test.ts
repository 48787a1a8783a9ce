// CLI conventions: --version, a closed stdout pipe, one "listening" line, tables that fit 100 columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { harness } from './helpers.ts';
import { EXIT_BROKEN_PIPE, formatTable, reportError, TABLE_WIDTH } from '../src/output.ts';
import { createProgress } from '../src/progress.ts';

const repoRoot = new URL('../../..', import.meta.url).pathname;
const cliMain = join(repoRoot, 'apps/cli/src/main.ts');
const version = (JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const versionLine = `obscura ${version} (protocol 1, node ${process.version}, ${process.platform} ${process.arch})\n`;

interface Spawned { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/**
 * Runs the CLI as a subprocess. `closeStdout`: 'at-once' closes the read end of its stdout
 * before it writes anything (deterministic EPIPE), 'after-first-chunk' after the first chunk
 * (like `| head -1`).
 */
function spawnCli(args: readonly string[], o: { closeStdout?: 'at-once' | 'after-first-chunk'; env?: Record<string, string> } = {}): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cliMain, ...args], {
      cwd: repoRoot, env: { ...process.env, OBSCURA_DEBUG: '', ...o.env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    if (o.closeStdout === 'at-once') child.stdout.destroy();
    else {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        if (o.closeStdout === 'after-first-chunk') child.stdout.destroy();
      });
    }
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

test('obscura --version and -V print "obscura X.Y.Z (protocol N, node …)" from apps/cli/package.json, exit 0', async () => {
  assert.match(version, /^\d+\.\d+\.\d+/);
  for (const flag of ['--version', '-V']) {
    const h = await harness();
    try {
      assert.equal(await h.run(flag), 0, flag);
      assert.equal(h.stdout.text, versionLine);
      assert.equal(h.stderr.text, '');
    } finally { await h.cleanup(); }
  }
  const r = await spawnCli(['--version']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, versionLine, '']);
});

test('--help documents --version and the exit codes 0, 1, 2, 3, 130, 141', async () => {
  const h = await harness();
  try {
    assert.equal(await h.run('--help'), 0);
    assert.match(h.stdout.text, /obscura --version \(-V\) prints the version/);
    const exit = h.stdout.text.split('exit status:\n')[1]!.split('\n\n')[0]!;
    assert.deepEqual(exit.split('\n').map((l) => l.trim().split(/\s+/)[0]), ['0', '1', '2', '3', '130', '141']);
  } finally { await h.cleanup(); }
});

test('a closed stdout pipe (| head -1): no stack trace, nothing on stderr, exit 141', async () => {
  for (const [args, closeStdout] of [[['--help'], 'at-once'], [['help', 'link'], 'at-once'], [['help', 'album'], 'after-first-chunk']] as const) {
    const r = await spawnCli(args, { closeStdout });
    const what = `${args.join(' ')} (${closeStdout})`;
    assert.equal(r.stderr, '', `${what}: ${r.stderr}`);
    assert.equal(r.signal, null, what);
    // the reader may have read everything before closing: then there was nothing left to fail
    assert.ok(r.code === EXIT_BROKEN_PIPE || (closeStdout === 'after-first-chunk' && r.code === 0), `${what}: exit ${r.code}`);
    if (closeStdout === 'at-once') assert.equal(r.code, EXIT_BROKEN_PIPE, what);
  }
  const r = await spawnCli(['--help'], { closeStdout: 'at-once', env: { OBSCURA_DEBUG: '1' } });
  assert.equal(r.code, EXIT_BROKEN_PIPE);
  assert.match(r.stderr, /^Error: write EPIPE\n\s+at /, 'the stack only with OBSCURA_DEBUG=1');
});

test('a shell pipeline into head -1 ends quietly', async () => {
  const r = await new Promise<Spawned>((resolve, reject) => {
    const child = spawn('sh', ['-c', `"${process.execPath}" --import tsx "${cliMain}" help link | head -1; echo "status \${?}"`], {
      cwd: repoRoot, env: { ...process.env, OBSCURA_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  assert.equal(r.stdout, 'usage: obscura link SUBCOMMAND ...\nstatus 0\n');
  assert.equal(r.stderr, '');
});

test('an EPIPE that reaches the error reporter is silent (stack only with OBSCURA_DEBUG=1) and exits 141', () => {
  const out = { text: '', write(c: string) { this.text += c; } };
  const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
  assert.equal(reportError({ stderr: out, env: {} }, epipe), EXIT_BROKEN_PIPE);
  assert.equal(out.text, '');
  assert.equal(reportError({ stderr: out, env: { OBSCURA_DEBUG: '1' } }, epipe), EXIT_BROKEN_PIPE);
  assert.match(out.text, /^Error: write EPIPE\n\s+at /);
});

test('tables: a shrinkable column is cut with "…" to fit maxWidth; never below its header', () => {
  const rows = [{ id: 'abcdef12', name: 'x'.repeat(150), n: '1' }, { id: 'abcdef34', name: 'short', n: '22' }];
  const cols = [
    { header: 'ID', value: (r: (typeof rows)[number]) => r.id },
    { header: 'NAME', value: (r: (typeof rows)[number]) => r.name, shrink: true },
    { header: 'N', value: (r: (typeof rows)[number]) => r.n, align: 'right' as const },
  ];
  const fit = formatTable(cols, rows, { maxWidth: TABLE_WIDTH }).split('\n').filter(Boolean);
  assert.ok(fit.every((l) => l.length <= TABLE_WIDTH), fit.join('\n'));
  assert.equal(fit[1]!.length, TABLE_WIDTH);
  assert.match(fit[1]!, /x…  {2}1$/);
  assert.match(fit[2]!, /^abcdef34  short +22$/);
  const full = formatTable(cols, rows).split('\n');
  assert.ok(full[1]!.includes('x'.repeat(150)), 'no maxWidth: nothing is cut');
  // a name whose cut would fall inside an emoji loses the whole emoji
  const emoji = formatTable([{ header: 'NAME', value: (s: string) => s, shrink: true }], [`${'a'.repeat(8)}😀b`], { maxWidth: 10 });
  assert.equal(emoji, 'NAME\naaaaaaaa…\n');
});

test('no colours: the progress bar uses only \\r and ESC [K (cursor control), and plain lines when not a terminal', () => {
  for (const isTTY of [true, false]) {
    let text = '';
    let t = 0;
    const p = createProgress({ stderr: { isTTY, write: (c: string) => { text += c; } }, quiet: false, now: () => (t += 1000) }, { label: 'upload', total: { bytes: 100, files: 1 }, lineIntervalMs: 0 });
    p.addBytes(50);
    p.fileDone();
    p.finish();
    const controls = text.match(/\x1b\[[0-9;]*[A-Za-z]/g) ?? [];
    if (isTTY) assert.ok(controls.length > 0 && controls.every((c) => c === '\x1b[K'), JSON.stringify(text));
    else assert.deepEqual(controls, [], JSON.stringify(text));
  }
});

test('obscura serve prints "listening on http://…" once', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'obscura-serve-once-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', cliMain, 'serve'], {
      cwd: repoRoot, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { out += d; });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /listening on (http:\/\/[^\s)]+)/.exec(out);
        if (m) { clearInterval(timer); resolve(m[1]!); }
      }, 20);
      void exited.then((code) => { clearInterval(timer); reject(new Error(`serve exited ${code}: ${out}`)); });
    });
    assert.equal((await fetch(new URL('/api/openapi.json', url))).status, 200);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(out.match(/listening/g)?.length, 1, out);
    assert.match(out, /^\S+ obscura server listening on http:\/\/127\.0\.0\.1:\d+ \(sqlite, data in /m);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
