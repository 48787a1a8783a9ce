// Frozen migration: never edit after release, never import app code.
import { sql, type Kysely } from 'kysely';

// Data only: brings stored charges under "one payer per file" (each file charged once, to someone
// who holds it). Before it, a photo saved from an album was charged to the saver on top of its
// payer (library_items.charged_bytes), and a payer who deleted a photo others still held kept
// paying for it.
export async function up(db: Kysely<any>): Promise<void> {
  // 1. A saved copy is no longer charged on its own.
  await sql`update library_items set charged_bytes = 0 where charged_bytes <> 0`.execute(db);
  // 2. A payer who holds no reference hands the charge to a holder: the latest library holder,
  //    else the owner of the album that holds it most recently.
  await sql`
    update files set quota_owner_id = coalesce(
      (select li.user_id from library_items li where li.file_id = files.id and li.state <> 'deleted'
        order by li.updated_at desc, li.user_id limit 1),
      (select a.owner_id from album_items ai inner join albums a on a.id = ai.album_id
        where ai.file_id = files.id and ai.state = 'active' order by ai.added_at desc, a.owner_id limit 1),
      quota_owner_id)
    where not exists (select 1 from library_items li
        where li.file_id = files.id and li.user_id = files.quota_owner_id and li.state <> 'deleted')
      and not exists (select 1 from album_items ai inner join albums a on a.id = ai.album_id
        where ai.file_id = files.id and a.owner_id = files.quota_owner_id and ai.state = 'active')`.execute(db);
  // 3. Everyone's usage is what they pay for.
  await sql`
    update users set used_bytes = (select coalesce(sum(f.charged_bytes), 0) from files f where f.quota_owner_id = users.id)`.execute(db);
}

export async function down(): Promise<void> {
  // Nothing to undo in the schema; the old double charges are not brought back.
}
