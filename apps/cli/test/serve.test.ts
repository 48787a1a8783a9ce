import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { harness } from './helpers.ts';

test('serve starts on a free port with a temp DATA_DIR, answers, and stops on abort', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'obscura-serve-'));
  const h = await harness({ env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir } });
  try {
    const running = h.run('serve');
    const [, url] = await Promise.race([
      h.stdout.waitFor(/listening on (http:\/\/[^\s)]+)/),
      running.then((code) => { throw new Error(`serve exited ${code}: ${h.stderr.text}`); }),
    ]);
    let res = await fetch(new URL('/api/health', url));
    if (res.status === 404) res = await fetch(new URL('/api/openapi.json', url));
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    h.abort.abort();
    assert.equal(await running, 0);
    await assert.rejects(fetch(new URL('/api/health', url)), 'server is closed');
  } finally {
    await h.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  }
});
