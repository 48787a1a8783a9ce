// Every example in every command's --help runs, as a person would paste it into a shell, against a
// real server with the state the examples talk about: an account with photos (IMG_1054.JPG, a backed-up
// ~/Pictures/IMG_1055.JPG), the albums "Kyoto 2026" and "Kyoto", a link, ann@example.org with an
// account and bob@example.org without one. Each must exit 0, or 2 with a documented usage refusal
// (a confirmation that needs a terminal or --yes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeJpeg } from '../support/fixtures.ts';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { cliUser, type CliUser } from '../../apps/cli/test/subprocess.ts';
import { allCommands } from '../../apps/cli/src/commands/index.ts';
import { commandHelp } from '../../apps/cli/src/help.ts';

const repoRoot = new URL('../..', import.meta.url).pathname;
let server: ServerProcess;
let work: string;
let home: string;
let olivia: CliUser;
let photoId: string;

/** "examples:" blocks (two-space indented lines, text after 2+ spaces is a comment) and "example: …" lines. */
export function examplesOf(help: string): string[] {
  const out: string[] = [];
  let inBlock = false;
  for (const line of help.split('\n')) {
    const inline = /^\s*example:\s+(obscura .*)$/.exec(line);
    if (inline) { out.push(inline[1]!.trim()); continue; }
    if (/^\s*examples:\s*$/.test(line)) { inBlock = true; continue; }
    if (inBlock) {
      const m = /^ {2,}(obscura \S.*)$/.exec(line);
      if (!m) { inBlock = false; continue; }
      out.push(m[1]!.split(/ {2,}/)[0]!.trim());
    }
  }
  return out;
}

const sh = (script: string, env: Record<string, string>) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
  const child = spawn('bash', ['-c', script], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  child.once('error', reject);
  child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
});

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-cli-examples-'));
  home = join(work, 'home');
  await mkdir(join(home, 'Pictures'), { recursive: true });
  // `obscura` on PATH, as an installed CLI would be (the package's bin, from any folder)
  await mkdir(join(work, 'bin'));
  await writeFile(join(work, 'bin', 'obscura'), `#!/bin/sh\nexec "${process.execPath}" "${join(repoRoot, 'apps/cli/bin/obscura.js')}" "$@"\n`);
  await chmod(join(work, 'bin', 'obscura'), 0o755);
  server = await startServerProcess();
  const tag = String(process.pid);
  olivia = await cliUser('Olivia', tag, { home: join(home, '.config', 'obscura') });
  const ann = await cliUser('Ann', tag);
  const [o, a] = await Promise.all([
    olivia.run(['signup', '--server', server.url, '--email', olivia.email, '--name', 'Olivia']),
    ann.run(['signup', '--server', server.url, '--email', 'ann@example.org', '--name', 'Ann']),
  ]);
  assert.equal(o.code, 0, o.stderr);
  assert.equal(a.code, 0, a.stderr);
  await removeDir(join(ann.home, '..'));
  const jpeg = (day: number, seed: number) => makeJpeg({ width: 32, height: 24, capturedAt: new Date(Date.UTC(2026, 0, day, 3)), offset: '+09:00', make: 'Apple', model: 'iPhone 15', seed });
  await writeFile(join(work, 'IMG_1054.JPG'), await jpeg(24, 1));
  await writeFile(join(home, 'Pictures', 'IMG_1055.JPG'), await jpeg(25, 2));
  await olivia.ok('upload', join(work, 'IMG_1054.JPG'));
  await olivia.ok('backup', join(home, 'Pictures'));
  photoId = (await olivia.json<{ photos: { id: string; name: string }[] }>('photos', '--json')).photos.find((p) => p.name === 'IMG_1054.JPG')!.id;
  await olivia.ok('album', 'create', 'Kyoto 2026');
  await olivia.ok('album', 'create', 'Kyoto');
  await olivia.ok('album', 'add', 'Kyoto 2026', photoId);
  await olivia.ok('album', 'add', 'Kyoto', photoId);
  await olivia.ok('link', 'create', 'Kyoto 2026');
});

after(async () => {
  await server?.stop();
  if (work) await removeDir(work);
  if (server) await removeDir(server.dataDir);
});

test('examplesOf reads "examples:" blocks (comments cut) and "example:" lines', () => {
  assert.deepEqual(examplesOf('x\n\nexamples:\n  obscura a b        the comment\n  obscura c "d e"\n\nmore text\n  obscura not-an-example'), ['obscura a b', 'obscura c "d e"']);
  assert.deepEqual(examplesOf('example: obscura share Kyoto x@example.org --role viewer'), ['obscura share Kyoto x@example.org --role viewer']);
});

test("every command's --help example runs against a real server: exit 0, or 2 with a documented refusal", async () => {
  const examples = allCommands().flatMap((cmd) => examplesOf(commandHelp(cmd)).map((line) => ({ cmd: cmd.name, line })));
  assert.ok(examples.length >= 10, `examples found: ${examples.length}`);
  // examples that end something run last, so the others still find it
  const last = (l: string) => (/ (cancel|delete|remove|revoke|unshare|leave|logout) /.test(` ${l} `) ? 1 : 0);
  examples.sort((a, b) => last(a.line) - last(b.line));
  const env: Record<string, string> = {
    PATH: `${join(work, 'bin')}:${process.env.PATH ?? ''}`, HOME: home, OBSCURA_HOME: olivia.home, OBSCURA_PASSWORD: olivia.password,
    OBSCURA_INSECURE_FAST_KDF: '1', TZ: 'Asia/Tokyo', LANG: 'C.UTF-8',
  };
  const failures: string[] = [];
  for (const { cmd, line } of examples) {
    const script = line.replace(/\b1a2b3c4d\b/g, photoId.slice(0, 8));
    const r = await sh(script, env);
    const refusal = r.code === 2 && /no terminal to ask|add --yes/.test(r.stderr);
    if (r.code !== 0 && !refusal) failures.push(`[${cmd}] ${script}\n    exit ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  }
  assert.deepEqual(failures, [], `examples that failed:\n${failures.join('\n')}`);
});
