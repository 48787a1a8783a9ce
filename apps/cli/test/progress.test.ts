import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from './helpers.ts';
import { createProgress } from '../src/progress.ts';
import { formatBytes, formatTable, printJson } from '../src/output.ts';

const MB = 1_000_000;

test('non-TTY: plain periodic lines with bytes, files, rate and ETA', async () => {
  const h = await harness();
  try {
    const p = createProgress(h.ctx, { label: 'upload', total: { bytes: 10 * MB, files: 4 }, lineIntervalMs: 5000 });
    h.clock.t += 1000;
    p.addBytes(2 * MB); // first report prints at once
    h.clock.t += 1000;
    p.addBytes(2 * MB); // within 5 s of the last line: silent
    p.fileDone();
    h.clock.t += 4000;
    p.addBytes(2 * MB); // 6 MB in 6 s = 1.0 MB/s, 4 MB left → 4s
    p.finish('4 files uploaded');
    assert.equal(h.stderr.text, [
      'upload: 20%  1.9 MiB/9.5 MiB  0/4 files  2.0 MB/s  ETA 4s',
      'upload: 60%  5.7 MiB/9.5 MiB  1/4 files  1.0 MB/s  ETA 4s',
      'upload: 4 files uploaded in 6s',
      '',
    ].join('\n'));
    assert.doesNotMatch(h.stderr.text, /\r|\x1b/, 'no control characters in logs');
    assert.equal(h.stdout.text, '');
  } finally { await h.cleanup(); }
});

test('TTY: redrawn bar; --quiet: silent', async () => {
  const h = await harness({ tty: true });
  try {
    const p = createProgress(h.ctx, { label: 'backup', total: { bytes: 4 * MB, files: 2 } });
    h.clock.t += 2000;
    p.addBytes(2 * MB);
    assert.match(h.stderr.text, /^\r\x1b\[Kbackup \[#{12}-{12}\]  50%  1\.9 MiB\/3\.8 MiB  0\/2 files  1\.0 MB\/s  ETA 2s$/);
    p.finish();
    assert.ok(h.stderr.text.endsWith('\r\x1b[Kbackup: 0 files, 1.9 MiB in 2s\n'));
    h.stderr.text = '';
    h.ctx.quiet = true;
    const q = createProgress(h.ctx, { label: 'backup', total: { bytes: 1, files: 1 } });
    q.addBytes(1); q.fileDone(); q.finish();
    assert.equal(h.stderr.text, '');
    assert.deepEqual(q.done, { bytes: 1, files: 1 });
  } finally { await h.cleanup(); }
});

test('formatBytes, tables and JSON', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(250 * 1024 * 1024), '250 MiB');
  assert.equal(formatBytes(3 * 1024 ** 4), '3.0 TiB');
  const t = formatTable([{ header: 'ID', value: (r: { id: string; n: number }) => r.id }, { header: 'SIZE', value: (r) => String(r.n), align: 'right' }],
    [{ id: 'abc', n: 5 }, { id: 'd', n: 12345 }]);
  assert.equal(t, 'ID    SIZE\nabc      5\nd    12345\n');
  const out = { text: '', write(c: string) { this.text += c; } };
  printJson(out, { id: 'x', sizeBytes: 3 });
  assert.equal(out.text, '{\n  "id": "x",\n  "sizeBytes": 3\n}\n');
});
