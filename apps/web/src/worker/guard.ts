// Wraps every function of the worker API so its result is checked before it crosses.
type Fn = (...args: never[]) => unknown;

export function guardApi<T extends Record<string, Record<string, Fn> | Fn>>(api: T, check: (value: unknown, path: string) => void): T {
  const wrap = (fn: Fn, path: string) => async (...args: never[]) => {
    const result = await fn(...args);
    check(result, path);
    return result;
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(api)) {
    if (typeof v === 'function') out[k] = wrap(v as Fn, k);
    else out[k] = Object.fromEntries(Object.entries(v).map(([m, fn]) => [m, wrap(fn as Fn, `${k}.${m}`)]));
  }
  return out as T;
}
