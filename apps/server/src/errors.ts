import { ERROR_STATUS, type ErrorCode } from '@obscura/protocol';

/** An error meant for the client: a code from the protocol and a message a person can act on. */
export class AppError extends Error {
  readonly status: number;
  constructor(readonly code: ErrorCode, message: string, readonly headers: Record<string, string> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

export const badRequest = (m: string) => new AppError('bad-request', m);
export const unauthorized = (m: string) => new AppError('unauthorized', m);
export const notFound = (m: string) => new AppError('not-found', m);
export const conflict = (m: string) => new AppError('conflict', m);

/** Short form of an id for messages: "8f3a1c2d…". */
export const shortId = (id: string) => `${id.slice(0, 8)}…`;

// [Note: disk full]
// When the server's own storage fills up (the blob store's disk, the SQLite file's disk, an S3
// server out of space, PostgreSQL's disk), requests that write answer 507 `storage-full` with a
// sentence starting "the server's disk is full", never 500; what was refused left nothing
// behind (a blob is written to a temp file and renamed; a transaction rolls back), and the
// server keeps answering until space returns, then works again without a restart. (With SQLite
// on the full disk, reads too are refused once a session's once-a-minute "last seen" update is
// due; docs/reliability.md lists this and the other limits.)
// Uploads word it for the backup (services/files.ts); anything else gets storageFull() from the
// HTTP error handler.

/** Error codes that mean "no space left": errno (disk, quota), SQLite, PostgreSQL (disk_full). */
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL', '53100']);

/** Whether `e` (or its cause) says the server's storage is full. */
export function isStorageFull(e: unknown): boolean {
  for (let x = e, depth = 0; x && typeof x === 'object' && depth < 4; x = (x as { cause?: unknown }).cause, depth++) {
    if ((x as Error).name === 'StorageFullError') return true;
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'string' && FULL_CODES.has(code)) return true;
  }
  return false;
}

/** 507: "the server's disk is full: DETAIL; ask the administrator to free space, then THEN" (`cause`: for the log). */
export const storageFull = (detail: string, o: { then?: string; cause?: unknown } = {}) =>
  new AppError('storage-full', `the server's disk is full: ${detail}; ask the administrator to free space, then ${o.then ?? 'try again'}`, {}, { cause: o.cause });
