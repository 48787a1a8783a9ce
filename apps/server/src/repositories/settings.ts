import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export class SettingsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async get(key: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return r?.value;
  }

  /** Stores the value unless one exists; returns whichever is stored (first writer wins). */
  async getOrInsert(key: string, value: string): Promise<string> {
    await this.db.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute();
    const stored = await this.get(key);
    if (stored === undefined) throw new Error(`setting ${key} vanished after insert`);
    return stored;
  }
}
