import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, startServer } from '../src/index.ts';
import { MemoryLogger } from '../src/ports/logger.ts';
import { openDatabase } from '../src/db/index.ts';

test('loadConfig: defaults, overrides and clear errors', () => {
  const d = loadConfig({});
  assert.equal(d.port, 8080);
  assert.equal(d.host, '0.0.0.0');
  assert.equal(d.dataDir, './data');
  assert.equal(d.databaseUrl, undefined);
  assert.equal(d.defaultQuotaBytes, 10 * 1024 ** 3);
  assert.equal(d.sessionTtlDays, 30);
  const c = loadConfig({ PORT: '9000', DATABASE_URL: 'postgres://u@h/db', DEFAULT_QUOTA_BYTES: '1000', SESSION_TTL_DAYS: '2', PUBLIC_URL: 'https://photos.example' });
  assert.deepEqual([c.port, c.databaseUrl, c.defaultQuotaBytes, c.sessionTtlDays, c.publicUrl], [9000, 'postgres://u@h/db', 1000, 2, 'https://photos.example']);
  assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT must be an integer/);
  assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL must start with postgres/);
  // Invitations to people without an account, and email codes.
  assert.deepEqual([d.externalInvitationTtlDays, d.externalInvitationsPerDay, d.requireEmailVerification], [30, 20, false]);
  const x = loadConfig({ EXTERNAL_INVITATION_TTL_DAYS: '7', EXTERNAL_INVITATIONS_PER_DAY: '5', REQUIRE_EMAIL_VERIFICATION: '1' });
  assert.deepEqual([x.externalInvitationTtlDays, x.externalInvitationsPerDay, x.requireEmailVerification], [7, 5, true]);
  assert.equal(loadConfig({ REQUIRE_EMAIL_VERIFICATION: 'false' }).requireEmailVerification, false);
  assert.throws(() => loadConfig({ EXTERNAL_INVITATION_TTL_DAYS: '0' }), /EXTERNAL_INVITATION_TTL_DAYS must be an integer >= 1, got "0"/);
  assert.throws(() => loadConfig({ EXTERNAL_INVITATIONS_PER_DAY: 'many' }), /EXTERNAL_INVITATIONS_PER_DAY must be an integer >= 1/);
  assert.throws(() => loadConfig({ REQUIRE_EMAIL_VERIFICATION: 'yes' }), /REQUIRE_EMAIL_VERIFICATION must be true, false, 1 or 0, got "yes"/);
});

test('startServer listens over HTTP, keeps one OPAQUE setup across restarts, and closes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'obscura-serve-'));
  try {
    const config = { ...loadConfig({ DATA_DIR: dir, HOST: '127.0.0.1', PORT: '0' }) };
    const logger = new MemoryLogger();
    const s1 = await startServer(config, { logger });
    const health = await fetch(`${s1.url}/api/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { ok: true, protocolVersion: 1, signup: { emailVerification: 'optional' } });
    await s1.close();
    assert.ok((await stat(join(dir, 'obscura.db'))).isFile());

    const db = await openDatabase({ kind: 'sqlite', file: join(dir, 'obscura.db') });
    const stored = await db.repos.settings.get('opaque_server_setup');
    await db.close();
    assert.ok(stored && stored.length > 50, 'generated on first start and stored in the database');

    const s2 = await startServer(config, { logger });
    assert.equal((await fetch(`${s2.url}/api/me`)).status, 401);
    await s2.close();
    const db2 = await openDatabase({ kind: 'sqlite', file: join(dir, 'obscura.db') });
    assert.equal(await db2.repos.settings.get('opaque_server_setup'), stored, 'the second start reused it');
    await db2.close();
    assert.ok(logger.lines.some((l) => /^GET \/api\/health 200 \d+ms$/.test(l)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
