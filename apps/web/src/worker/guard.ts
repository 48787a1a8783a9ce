// Wraps every function of the worker API so nothing leaves the worker unchecked
// ([Note: the worker boundary], src/shared/rpc.ts). Two ways out exist and both are guarded:
// - what a function returns (checked before it is handed to Comlink);
// - what the worker passes to a callback the page gave it (progress, events): Comlink calls
//   the page with those arguments, so they are checked before the call.
type Fn = (...args: never[]) => unknown;
type Module = Readonly<Record<string, Fn>>;
export type ApiShape = Readonly<Record<string, Module | Fn>>;
export type Check = (value: unknown, path: string) => void;

export interface GuardOptions {
  /**
   * Sees every error a function throws before it goes on to the page (e.g. to notice that the
   * session was ended elsewhere). It must not throw; the original error is rethrown either way.
   */
  readonly onError?: (error: unknown, path: string) => void | Promise<void>;
}

/** Marks the functions made here, so a test can tell that every function is guarded. */
export const GUARDED: unique symbol = Symbol('obscura.guarded');

export function isGuarded(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as { [GUARDED]?: true })[GUARDED] === true;
}

function guardCallback(callback: (...a: unknown[]) => unknown, path: string, check: Check) {
  return (...args: unknown[]) => {
    args.forEach((a, i) => check(a, `${path}(argument ${i})`));
    return callback(...args);
  };
}

function guardFunction(fn: Fn, self: unknown, path: string, check: Check, opts: GuardOptions) {
  const guarded = async (...args: unknown[]) => {
    // A Comlink proxy of a page function is itself a function (a Proxy over one).
    const safeArgs = args.map((a, i) => (typeof a === 'function' ? guardCallback(a as (...x: unknown[]) => unknown, `${path} callback ${i}`, check) : a));
    let result: unknown;
    try {
      result = await (fn as (...a: unknown[]) => unknown).apply(self, safeArgs);
    } catch (e) {
      if (opts.onError) await (async () => opts.onError?.(e, path))().catch(() => undefined);
      throw e;
    }
    check(result, path);
    return result;
  };
  Object.defineProperty(guarded, GUARDED, { value: true });
  return guarded;
}

/**
 * The same API with every function (top level, or one level down in a module) guarded. Anything
 * that is not a function or a module of functions is refused: the page only ever calls.
 */
export function guardApi<T extends ApiShape>(api: T, check: Check, opts: GuardOptions = {}): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(api)) {
    if (typeof v === 'function') { out[k] = guardFunction(v, api, k, check, opts); continue; }
    if (v === null || typeof v !== 'object') throw new TypeError(`worker API member ${k} is neither a function nor a module`);
    const mod: Record<string, unknown> = {};
    for (const [m, fn] of Object.entries(v)) {
      if (typeof fn !== 'function') throw new TypeError(`worker API member ${k}.${m} is not a function: only functions may be exposed`);
      mod[m] = guardFunction(fn, v, `${k}.${m}`, check, opts);
    }
    out[k] = Object.freeze(mod);
  }
  return Object.freeze(out) as unknown as T;
}
