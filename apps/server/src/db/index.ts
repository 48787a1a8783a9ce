import { Database } from '../repositories/index.ts';
import { openKysely, type DbTarget } from './dialect/index.ts';
import { migrateToLatest } from './migrations/index.ts';

/** Opens the database and brings its schema up to date. */
export async function openDatabase(target: DbTarget): Promise<Database> {
  const kysely = openKysely(target);
  try {
    await migrateToLatest(kysely);
  } catch (e) {
    await kysely.destroy();
    throw e;
  }
  return new Database(kysely);
}

export type { DbTarget } from './dialect/index.ts';
