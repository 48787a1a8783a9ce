import { AppError } from '../errors.ts';
import type { FileRow, Repos } from '../repositories/index.ts';

// [Note: one payer per file]
// Each stored file (ciphertext, thumbnails, metadata, manifest: `chargedBytes`) is charged whole
// to exactly one person, its payer (`files.quota_owner_id`), and the payer always holds a
// reference to it. Holders: whoever has it in their library (active or trashed) and the owner
// of every album holding it (album references are the album owner's: editors' photos count
// against the owner). `users.used_bytes` is the sum of what one pays for
// (UsersRepository.chargeMismatches recomputes it; tests check it after every step).
// - A new reference takes the charge: an upload is charged to the uploader, or to the album's
//   owner when it goes straight into an album; saving to my library charges me; adding to an
//   album charges the album's owner. The new payer's quota must have room (else nothing changes),
//   and the previous payer is refunded in the same transaction.
// - When the payer lets go (deletes it for good, removes it from an album, deletes the album) and
//   holds no other reference, the charge moves to the remaining holder with the most recent
//   reference, even past their quota (nothing is deleted; nothing new fits until they free space).
// - When nobody holds it any more, the file is deleted and its payer refunded.
// Only the payer's row changes: holders who do not pay are charged nothing.

// [Note: charge lock order]
// Transactions that move charges lock rows in one order, each kind by id: the album, then the
// files (FilesRepository.lock), then every user a charge may move between (lockParties), so
// two of them never wait on each other in a cycle on PostgreSQL.

/**
 * Charge changes of one transaction, written at the end with `apply` (the users' rows are
 * already locked by `lockParties`). A change that must fit the quota is checked on the net
 * amount of that user.
 */
export class Ledger {
  private readonly deltas = new Map<string, { bytes: number; mustFit: boolean }>();

  /** `userId` pays `bytes` more; `mustFit`: only within their quota (else `apply` throws). */
  charge(userId: string, bytes: number, mustFit: boolean): void {
    const d = this.deltas.get(userId) ?? { bytes: 0, mustFit: false };
    this.deltas.set(userId, { bytes: d.bytes + bytes, mustFit: d.mustFit || mustFit });
  }

  refund(userId: string, bytes: number): void {
    this.charge(userId, -bytes, false);
  }

  /** Moves a file's charge from its payer to `to` and records the new payer. */
  async move(r: Repos, file: FileRow, to: string, mustFit: boolean): Promise<void> {
    if (file.quotaOwnerId === to) return;
    this.refund(file.quotaOwnerId, file.chargedBytes);
    this.charge(to, file.chargedBytes, mustFit);
    await r.files.setPayer([file.id], to);
    file.quotaOwnerId = to;
  }

  /** Writes every change; `full` words the error for a user whose quota has no room for theirs. */
  async apply(r: Repos, full: (userId: string, neededBytes: number) => Promise<AppError>): Promise<void> {
    for (const [userId, d] of [...this.deltas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (d.bytes > 0 && d.mustFit) {
        if (!(await r.users.reserveBytes(userId, d.bytes))) throw await full(userId, d.bytes);
      } else if (d.bytes > 0) {
        await r.users.addBytes(userId, d.bytes);
      } else if (d.bytes < 0) {
        await r.users.releaseBytes(userId, -d.bytes);
      }
    }
  }
}

/**
 * Locks the rows of everyone a charge of these (locked) files may move between — their payers,
 * their holders, and `also` — in id order ([Note: charge lock order]).
 */
export async function lockParties(r: Repos, files: FileRow[], also: string[]): Promise<void> {
  const ids = new Set(also);
  for (const f of files) ids.add(f.quotaOwnerId);
  for (const hs of (await r.files.holders(files.map((f) => f.id))).values()) for (const h of hs) ids.add(h.userId);
  await r.users.lockMany([...ids]);
}

/**
 * After references to these (locked) files ended: a payer who still holds one keeps paying; else
 * the charge moves to the holder with the most recent reference; a file nobody holds is deleted
 * (its rows here, its blobs by the caller after commit) and its payer refunded. Returns those deleted.
 */
export async function settleReleased(r: Repos, ledger: Ledger, files: FileRow[]): Promise<FileRow[]> {
  const holders = await r.files.holders(files.map((f) => f.id));
  const freed: FileRow[] = [];
  for (const f of files) {
    const hs = holders.get(f.id) ?? [];
    if (hs.some((h) => h.userId === f.quotaOwnerId)) continue;
    if (hs.length > 0) {
      await ledger.move(r, f, hs[0]!.userId, false);
      continue;
    }
    await r.files.delete(f.id);
    ledger.refund(f.quotaOwnerId, f.chargedBytes);
    freed.push(f);
  }
  return freed;
}

const HOUR_MS = 3600_000;
const GiB = 1024 ** 3;

// [Note: upload holds]
// Declaring an upload reserves its bytes at once (see [Note: reserve before storing]); the
// reservation is held while the upload makes progress: an upload with no block stored for
// PENDING_IDLE_MS (and none since it was declared) is swept and refunded; each stored block renews
// the hold, so a big file on a slow link keeps going. Past PENDING_MAX_AGE_MS it is swept whatever
// its progress (a 64 GiB file then needs about 110 KB/s). Against someone else's storage (an
// upload straight into an album one does not own) an uploader may keep at most
// foreignPendingLimit() of unfinished uploads at a time; one upload alone may be larger (a long
// video), but then it is their only one.
export const PENDING_IDLE_MS = HOUR_MS;
export const PENDING_MAX_AGE_MS = 7 * 24 * HOUR_MS;
export const FOREIGN_PENDING_MAX_BYTES = 4 * GiB;

/** How many bytes of unfinished uploads one person may keep in `ownerQuotaBytes` of someone else's storage: 4 GiB or a quarter of it, whichever is less. */
export function foreignPendingLimit(ownerQuotaBytes: number): number {
  return Math.min(FOREIGN_PENDING_MAX_BYTES, Math.floor(ownerQuotaBytes / 4));
}

/** Whether one more unfinished upload of `neededBytes` into someone else's storage is allowed. */
export function foreignPendingFits(pending: { count: number; bytes: number }, neededBytes: number, limit: number): boolean {
  return pending.count === 0 || pending.bytes + neededBytes <= limit;
}

export function tooMuchPending(pending: { count: number; bytes: number }, ownerName: string, limit: number): AppError {
  return new AppError('limit-reached',
    `you have ${formatBytes(pending.bytes)} of unfinished uploads (${pending.count === 1 ? '1 file' : `${pending.count} files`}) into albums of ${ownerName
    }, charged to their storage; at most ${formatBytes(limit)} may wait there at a time: finish or cancel them first (remove them from the album; an upload with no new block for an hour is dropped)`);
}

/** Encrypted bytes a file costs its quota owner: blocks + thumbnails + metadata + manifest. */
export function chargedBytes(f: {
  encryptedSize: number; thumbSmallSize: number; thumbLargeSize: number; metadataSize: number; manifestSize: number;
}): number {
  return f.encryptedSize + f.thumbSmallSize + f.thumbLargeSize + f.metadataSize + f.manifestSize;
}

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** 1536 → "1.5 KiB"; 10737418240 → "10 GiB". */
export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) { v /= 1024; u++; }
  if (u === 0) return `${n} ${n === 1 ? 'byte' : 'bytes'}`;
  const s = v >= 100 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, '');
  return `${s} ${UNITS[u]}`;
}

export function quotaExceeded(usedBytes: number, quotaBytes: number, neededBytes: number): AppError {
  return new AppError('quota-exceeded',
    `storage full: ${formatBytes(usedBytes)} of ${formatBytes(quotaBytes)} used, this file needs ${formatBytes(neededBytes)}`);
}

/** Whether `needed` more bytes fit. */
export function fitsQuota(usedBytes: number, quotaBytes: number, neededBytes: number): boolean {
  return usedBytes + neededBytes <= quotaBytes;
}
