import type { ErrorCode } from '@obscura/protocol';
import { CryptoError } from '@obscura/crypto';

/** The server refused a request; `message` is the server's sentence for people, shown as is. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly status: number, readonly code: ErrorCode | 'network' | 'protocol', message: string) {
    super(message);
  }
}

/**
 * Something the server sent does not verify: a swapped, reordered, truncated or tampered
 * block, thumbnail, metadata record, wrapped key or signature. The photo is refused, never
 * shown. `fileId` names the photo; `cause` is the CryptoError with the precise reason.
 */
export class IntegrityError extends Error {
  override readonly name = 'IntegrityError';
  constructor(readonly fileId: string, readonly reason: string, options?: { cause?: unknown }) {
    super(`photo ${fileId} failed verification and was refused: ${reason}`, options);
  }
}

/** Runs `fn`; a CryptoError becomes an IntegrityError naming the photo. */
export async function verifying<T>(fileId: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof CryptoError) throw new IntegrityError(fileId, e.message, { cause: e });
    throw e;
  }
}

/** A mistake of the caller (bad argument, not logged in, ...), worded for people. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
