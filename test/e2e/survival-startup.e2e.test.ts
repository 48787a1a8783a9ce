// Issue 15 (c): `obscura serve` with DATA_DIR on a file system that cannot hold data (/proc)
// used to spin at full CPU without a word. Now it exits 1 at once with the path and the reason
// ([Note: DATA_DIR checked first] in apps/server/src/server.ts). Not a speed test: the time
// limit only guards against spinning. See docs/reliability.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cliMain, repoRoot } from '../support/server-process.ts';

function serve(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', cliMain, 'serve'], {
    cwd: repoRoot, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  // a spinning server never exits by itself: stop it after a while so the test reports it
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => { clearTimeout(guard); resolve({ code, signal, stdout, stderr, ms: Date.now() - started }); });
  });
}

test('obscura serve with DATA_DIR=/proc/obscura-test exits 1 at once: "DATA_DIR /proc/obscura-test is not usable: <reason>"', async () => {
  const r = await serve({ DATA_DIR: '/proc/obscura-test' });
  assert.equal(r.signal, null, `it did not exit by itself (killed after ${r.ms} ms)`);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr, 'obscura: DATA_DIR /proc/obscura-test is not usable: cannot create the folder: no such file or directory (ENOENT)\n');
  assert.doesNotMatch(r.stdout, /listening/);
  // (node and tsx start in about 2 s here; before the fix it never ended)
  assert.ok(r.ms < 5000, `took ${r.ms} ms`);
});
