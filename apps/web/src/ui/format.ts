// Numbers, sizes and dates in the viewer's locale and time zone.
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export const formatDateTime = (ms: number | string) => new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
/** "12 Jan 2026": a day, without the time. */
export const formatDate = (ms: number | string) => new Date(ms).toLocaleDateString(undefined, { dateStyle: 'medium' });
export const formatDay = (ms: number) => new Date(ms).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
export const formatMonth = (ms: number) => new Date(ms).toLocaleDateString(undefined, { month: 'long', year: 'numeric' });

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}

export function formatSpeed(bytesPerS: number): string {
  return `${formatBytes(Math.round(bytesPerS))}/s`;
}
