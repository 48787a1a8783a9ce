// Issue 15 (c), [Note: DATA_DIR checked first]: a DATA_DIR the server cannot use stops
// startServer at once with "DATA_DIR … is not usable: <reason>" (it used to spin at full CPU
// without a word on /proc); a full one is said to be full. The `obscura serve` process itself is
// checked in test/e2e/survival-startup.e2e.test.ts. See docs/reliability.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig, MemoryLogger, startServer } from '../src/index.ts';
import { PG_URL } from './dialects.ts';

const start = (dataDir: string, logger = new MemoryLogger()) =>
  startServer(loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', WEB_DIR: join(tmpdir(), 'obscura-no-web') }), { logger });

// `timeout`: the guard against spinning (before the fix this never settled).
test('DATA_DIR on a file system that takes no folders (/proc): refused at once, with the path and the reason', { timeout: 5000 }, async () => {
  await assert.rejects(start('/proc/obscura-test'), {
    name: 'DataDirError',
    message: 'DATA_DIR /proc/obscura-test is not usable: cannot create the folder: no such file or directory (ENOENT)',
  });
  await assert.rejects(start('/proc/obscura-test/deeper/still'), {
    message: 'DATA_DIR /proc/obscura-test/deeper/still is not usable: cannot create the folder: no such file or directory (ENOENT)',
  });
  await assert.rejects(start('/proc'), { message: /^DATA_DIR \/proc is not usable: cannot write a file in it: / });
});

test('DATA_DIR behind a file, a file itself, or read-only: refused with the reason', { timeout: 5000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'obscura-datadir-'));
  try {
    const file = join(dir, 'a-file');
    await writeFile(file, 'not a folder');
    await assert.rejects(start(join(file, 'data')), { message: `DATA_DIR ${file}/data is not usable: cannot create the folder: not a directory (ENOTDIR)` });
    await assert.rejects(start(file), { message: `DATA_DIR ${file} is not usable: cannot create the folder: ${file} exists and is not a folder` });
    // a missing folder several levels deep is created (mkdir -p still works)
    const deep = join(dir, 'x', 'y', 'z');
    const s = await start(deep);
    await s.close();
    // read-only (root ignores permission bits: a read-only mount then)
    const ro = join(dir, 'ro');
    execFileSync('mkdir', [ro]);
    let mounted = false;
    if (process.getuid?.() === 0) {
      try { execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,ro', 'tmpfs', ro], { stdio: 'pipe' }); mounted = true; } catch { /* not allowed here */ }
    } else {
      await chmod(ro, 0o500);
    }
    if (mounted || process.getuid?.() !== 0) {
      try {
        await assert.rejects(start(ro), { message: /^DATA_DIR \S+\/ro is not usable: cannot write a file in it: (read-only file system \(EROFS\)|permission denied \(EACCES\))$/ });
      } finally {
        if (mounted) execFileSync('umount', [ro]);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a full DATA_DIR: with PostgreSQL the server starts and says so; with SQLite it cannot open the database and says the disk is full', { timeout: 20_000 }, async (t) => {
  const dir = join(tmpdir(), `obscura-full-${randomUUID().slice(0, 8)}`);
  execFileSync('mkdir', [dir]);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'pipe' });
  } catch {
    await rmdir(dir);
    return t.skip('cannot mount a tmpfs here (needs root and mount permission)');
  }
  try {
    const first = await start(dir); // creates the SQLite database while there is room
    await first.close();
    await writeFile(join(dir, 'filler'), Buffer.alloc(4 * 1024 * 1024)).catch(() => {}); // to the last byte
    const logger = new MemoryLogger();
    await assert.rejects(start(dir, logger), {
      message: new RegExp(`^DATA_DIR ${dir} is not usable: the disk is full, so the database ${dir}/obscura\\.db cannot be opened \\(.+\\); free space, then start the server again$`),
    });
    const fullLine = `DATA_DIR ${dir}: the disk is full (no space left on device (ENOSPC)); requests that store anything are refused (507) until space is freed`;
    assert.deepEqual(logger.errors, [fullLine]);

    // PostgreSQL (elsewhere) in a schema of its own: DATA_DIR holds only blobs and the outbox
    const pgLogger = new MemoryLogger();
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    try {
      const s = await startServer(loadConfig({
        DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
        WEB_DIR: join(tmpdir(), 'obscura-no-web'),
      }), { logger: pgLogger });
      try {
        assert.deepEqual(pgLogger.errors, [fullLine]);
        assert.equal((await fetch(`${s.url}/api/health`)).status, 200, 'it answers');
      } finally {
        await s.close();
      }
    } finally {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  } finally {
    execFileSync('umount', [dir]);
    await rmdir(dir);
  }
});
