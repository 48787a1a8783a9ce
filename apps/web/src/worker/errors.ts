// Every error thrown in the worker becomes an AppErrorInfo the page can show in words.
import { AlbumTrustError, ApiError, IntegrityError, KeyChangedError, UsageError } from '@obscura/sdk';
import { CryptoError } from '@obscura/crypto';
import { AppError, type AppErrorInfo } from '../shared/rpc.ts';

export function toInfo(e: unknown): AppErrorInfo {
  if (e instanceof AppError) return e.info;
  if (e instanceof ApiError) {
    if (e.code === 'network') return { kind: 'network', message: `cannot reach the server: check your connection and try again (${e.message})` };
    if (e.status === 429) {
      const retryAfterS = waitSeconds(e.message);
      return { kind: 'rate-limited', status: 429, code: e.code, message: e.message, ...(retryAfterS !== undefined ? { retryAfterS } : {}) };
    }
    if (e.status === 401 && e.code === 'unauthorized' && /session/i.test(e.message)) return { kind: 'not-logged-in', status: 401, code: e.code, message: 'your session has ended; log in again' };
    return { kind: 'api', status: e.status, code: e.code, message: e.message };
  }
  if (e instanceof KeyChangedError) {
    const d = e as KeyChangedError & { email?: string };
    return { kind: 'key-changed', message: e.message, person: { userId: e.userId, displayName: e.displayName, ...(d.email ? { email: d.email } : {}) } };
  }
  if (e instanceof AlbumTrustError) return { kind: 'album-trust', message: e.message };
  if (e instanceof IntegrityError) return { kind: 'integrity', message: e.message };
  if (e instanceof UsageError) return { kind: 'usage', message: e.message };
  if (e instanceof CryptoError && e.code === 'bad-recovery-key') return { kind: 'usage', message: 'that recovery key is not right: check it and try again (it is the key shown once when the account was made)' };
  if (e instanceof CryptoError) return { kind: 'integrity', message: `refused: something the server sent failed verification (${e.message})` };
  if (e instanceof DOMException && e.name === 'AbortError') return { kind: 'cancelled', message: 'cancelled' };
  if (e instanceof DOMException && e.name === 'QuotaExceededError') return { kind: 'internal', message: 'this browser ran out of storage space for Obscura; free some space and try again' };
  return { kind: 'internal', message: e instanceof Error ? `something went wrong: ${e.message}` : String(e) };
}

/** The wait in a refusal, in seconds: "try again in 45 s", "… in 14 min", "… in 5 h 3 min". */
export function waitSeconds(message: string): number | undefined {
  const m = /try again in (?:(\d+) h)? ?(?:(\d+) min)? ?(?:(\d+) s)?/.exec(message);
  if (!m || (m[1] === undefined && m[2] === undefined && m[3] === undefined)) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}
