// The worker boundary, both sides. [Note: the worker boundary] every key and every decryption
// lives in the worker (src/worker); the page holds only what a person sees: names, dates,
// decoded pictures as Blobs. `checkCrossing` refuses raw bytes (Uint8Array, ArrayBuffer,
// DataView) and CryptoKeys in anything the worker returns or reports, so a key cannot cross by
// mistake; pictures and originals cross as Blobs, which a key never is. It walks own enumerable
// properties, which is exactly what structured cloning copies, and refuses functions and Comlink
// proxies (a live handle on a worker object). worker/guard.ts applies it to every result and to
// every argument the worker passes to a page callback; test/boundary.test.ts holds it to that,
// and checks that no page code imports the SDK or the crypto package (types aside).
import * as Comlink from 'comlink';

/** An error as the page sees it: the SDK's sentence for people, and what kind it is. */
export interface AppErrorInfo {
  readonly kind: 'api' | 'network' | 'rate-limited' | 'integrity' | 'usage' | 'key-changed' | 'album-trust' | 'not-logged-in' | 'cancelled' | 'internal';
  readonly message: string;
  readonly status?: number;
  readonly code?: string;
  /** Seconds to wait (rate-limited). */
  readonly retryAfterS?: number;
  /** For key-changed: whose key changed. */
  readonly person?: { readonly userId: string; readonly displayName: string; readonly email?: string };
}

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(readonly info: AppErrorInfo) {
    super(info.message);
  }
  get kind(): AppErrorInfo['kind'] {
    return this.info.kind;
  }
}

export class BoundaryError extends Error {
  override readonly name = 'BoundaryError';
}

/** Throws unless `value` is safe to hand to the page (see [Note: the worker boundary]). */
export function checkCrossing(value: unknown, path = 'result', seen = new Set<object>()): void {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') throw new BoundaryError(`${path} is a function`);
    return;
  }
  if (seen.has(value)) return;
  seen.add(value);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer)) {
    throw new BoundaryError(`${path} holds raw bytes; only Blobs may cross to the page`);
  }
  if ((typeof CryptoKey !== 'undefined' && value instanceof CryptoKey) || Object.prototype.toString.call(value) === '[object CryptoKey]') {
    throw new BoundaryError(`${path} is a CryptoKey`);
  }
  // A Comlink proxy would hand the page a live handle on a worker object (and every key it reaches).
  if (Comlink.proxyMarker in value) throw new BoundaryError(`${path} is a live worker object (Comlink proxy)`);
  if (typeof Blob !== 'undefined' && value instanceof Blob) return;
  if (value instanceof Date) return;
  if (value instanceof Map) {
    for (const [k, v] of value) { checkCrossing(k, `${path} key`, seen); checkCrossing(v, `${path}[${String(k)}]`, seen); }
    return;
  }
  if (value instanceof Set) { for (const v of value) checkCrossing(v, `${path} item`, seen); return; }
  if (Array.isArray(value)) { value.forEach((v, i) => checkCrossing(v, `${path}[${i}]`, seen)); return; }
  for (const [k, v] of Object.entries(value)) checkCrossing(v, `${path}.${k}`, seen);
}

/** Thrown errors cross as AppErrorInfo (Comlink's default keeps only the message). */
export function installErrorTransfer(toInfo: (e: unknown) => AppErrorInfo = (e) => ({ kind: 'internal', message: e instanceof Error ? e.message : String(e) })): void {
  const original = Comlink.transferHandlers.get('throw')!;
  Comlink.transferHandlers.set('throw', {
    canHandle: original.canHandle,
    serialize: (wrapped: unknown) => {
      const { value } = wrapped as { value: unknown };
      return [{ info: value instanceof AppError ? value.info : toInfo(value) }, []];
    },
    deserialize: (s: unknown) => {
      throw new AppError((s as { info: AppErrorInfo }).info);
    },
  });
}

/** Words for any error caught in the page. */
export function errorText(e: unknown): string {
  if (e instanceof AppError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
