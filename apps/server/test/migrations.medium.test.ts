import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { migrateDownAll, migrateToLatest, migrations } from '../src/db/migrations/index.ts';
import { DIALECTS, freshDb } from './dialects.ts';

const TABLES = ['account_setups', 'album_items', 'album_keys', 'album_members', 'album_states', 'albums', 'auth_attempts', 'email_verifications', 'external_invitations',
  'file_blocks', 'files', 'library_items', 'link_keys', 'link_throttle', 'links', 'rate_limits', 'sessions', 'settings', 'users'];

async function appTables(db: Kysely<any>): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables.map((t) => t.name).filter((n) => !n.startsWith('kysely_')).sort();
}

for (const dialect of DIALECTS) {
  describe(`migrations on ${dialect}`, () => {
    test('up → down → up', async () => {
      const t = await freshDb(dialect);
      try {
        await migrateToLatest(t.kysely);
        assert.deepEqual(await appTables(t.kysely), TABLES);
        const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(t.kysely);
        assert.deepEqual(applied.rows.map((r) => r.name), Object.keys(migrations));

        await migrateDownAll(t.kysely);
        assert.deepEqual(await appTables(t.kysely), []);

        await migrateToLatest(t.kysely);
        assert.deepEqual(await appTables(t.kysely), TABLES);
        // Binary columns work after the round trip.
        const files = (await t.kysely.introspection.getTables()).find((x) => x.name === 'files');
        const manifest = files?.columns.find((c) => c.name === 'manifest');
        assert.equal(manifest?.dataType.toLowerCase(), dialect === 'postgres' ? 'bytea' : 'blob');
        // Running again is a no-op.
        await migrateToLatest(t.kysely);
      } finally {
        await t.close();
      }
    });
  });
}

test('migration files are frozen: they import nothing from the app', async () => {
  const { readdir, readFile } = await import('node:fs/promises');
  const dir = new URL('../src/db/migrations/', import.meta.url);
  for (const name of await readdir(dir)) {
    if (!/^\d{4}-\d{2}-\d{2}-\d{3}-.+\.ts$/.test(name)) continue;
    const src = await readFile(new URL(name, dir), 'utf8');
    const imports = [...src.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    assert.deepEqual(imports.filter((i) => i !== 'kysely'), [], `${name} imports only kysely`);
  }
});
