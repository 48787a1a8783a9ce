// Loads one thing from the worker for a screen: the value, the error in words, and a reload.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  readonly value: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  reload(): Promise<void>;
}

export function useLoad<T>(load: () => Promise<T>): Loaded<T> {
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const fn = useRef(load);
  fn.current = load;
  const runs = useRef(0);
  const reload = useCallback(async () => {
    const n = ++runs.current;
    setLoading(true);
    try {
      const v = await fn.current();
      if (n !== runs.current) return;
      setValue(v);
      setError(undefined);
    } catch (e) {
      if (n === runs.current) setError(e);
    } finally {
      if (n === runs.current) setLoading(false);
    }
  }, []);
  useEffect(() => {
    void reload();
    return () => { runs.current++; };
  }, [reload]);
  return { value, error, loading, reload };
}

/** "3 minutes ago", "yesterday", in the viewer's language. */
export function relativeTime(at: string | number, now = Date.now()): string {
  const s = Math.round((new Date(at).getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const abs = Math.abs(s);
  if (abs < 45) return 'just now';
  if (abs < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(s / 3600), 'hour');
  if (abs < 30 * 86_400) return rtf.format(Math.round(s / 86_400), 'day');
  if (abs < 365 * 86_400) return rtf.format(Math.round(s / (30 * 86_400)), 'month');
  return rtf.format(Math.round(s / (365 * 86_400)), 'year');
}
