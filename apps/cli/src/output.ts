// Human and machine output, and the one place errors become text + exit code.
import type { CliContext, OutStream } from './context.ts';
import { CliError, EXIT_FAILURE } from './errors.ts';
import { safeJson, safeText } from './terminal-text.ts';

/** 1536 → "1.5 KiB" (binary units, one decimal below 10, none above). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  if (i === 0) return `${n} B`;
  return `${v < 10 ? v.toFixed(1) : Math.round(v).toString()} ${units[i]}`;
}

/** Seconds → "42s", "3m05s", "1h02m". */
export function formatDurationS(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const t = Math.round(s);
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  align?: 'left' | 'right';
  /** This column is cut (its long cells end in "…") when the table is wider than `maxWidth`. */
  shrink?: boolean;
}

/** Tables meant to fit a terminal are at most this wide by default (`--wide` lifts it where offered). */
export const TABLE_WIDTH = 100;

/**
 * A plain aligned table (two spaces between columns, no borders), header first. Every cell
 * goes through safeText ([Note: terminal text]): a value never breaks a row or a column.
 */
export function formatTable<T>(columns: readonly Column<T>[], rows: readonly T[], o: { maxWidth?: number } = {}): string {
  const cells = rows.map((r) => columns.map((c) => safeText(c.value(r))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const total = widths.reduce((a, w) => a + w, 0) + 2 * (columns.length - 1);
  if (o.maxWidth !== undefined && total > o.maxWidth) {
    // cut the shrinkable columns (not below their header, nor 8 characters), first one first
    let excess = total - o.maxWidth;
    columns.forEach((c, i) => {
      if (!c.shrink || excess <= 0) return;
      const to = Math.max(widths[i]! - excess, c.header.length, 8);
      if (to >= widths[i]!) return;
      excess -= widths[i]! - to;
      widths[i] = to;
      for (const row of cells) {
        if (row[i]!.length <= to) continue;
        const cut = row[i]!.slice(0, to - 1);
        row[i] = `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`; // never half an emoji
      }
    });
  }
  const line = (vals: string[]) =>
    vals.map((v, i) => (columns[i]!.align === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

export function printTable<T>(out: OutStream, columns: readonly Column<T>[], rows: readonly T[], o: { maxWidth?: number } = {}): void {
  out.write(formatTable(columns, rows, o));
}

/**
 * [Note: --json output] One JSON document on stdout, two-space indented, keys in the
 * order the command documents them; nothing else is written to stdout in --json mode
 * (progress and warnings go to stderr), so scripts can pipe it to jq. C1 and bidi controls
 * are escaped as \uXXXX like C0 ([Note: terminal text]), so `cat`-ing it is harmless too.
 */
export function printJson(out: OutStream, value: unknown): void {
  out.write(`${safeJson(value, 2)}\n`);
}

/**
 * [Note: closed stdout] `obscura … | head -1`: the reader closes the pipe while obscura still
 * writes, and the next write fails with EPIPE. That is the reader saying "enough", not an error:
 * obscura stops at once, prints nothing (a stack trace only with OBSCURA_DEBUG=1) and exits
 * 141 (128 + SIGPIPE), the status shells report for programs stopped by a closed pipe, so
 * `set -o pipefail` scripts still see that the output was cut short. Handled in one place:
 * runCli's 'error' listener on stdout (main.ts), and reportError for an EPIPE that is thrown.
 */
export const EXIT_BROKEN_PIPE = 141;

export const isBrokenPipe = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EPIPE';

/**
 * Prints an error as ONE line "obscura: <message>" on stderr and returns the exit code.
 * Known errors (CliError) exit with their code; anything else exits 1, with the stack
 * only when OBSCURA_DEBUG=1. Messages quote names and the server's words, so they go
 * through safeText ([Note: terminal text]); a CliError is shown whole (a newline inside a
 * quoted name shows as \n instead of hiding the rest), other errors by their first line.
 */
export function reportError(ctx: Pick<CliContext, 'stderr' | 'env'>, err: unknown): number {
  const debug = ctx.env.OBSCURA_DEBUG === '1';
  if (isBrokenPipe(err)) {
    // [Note: closed stdout] expected, not a failure to explain: silent, stack only when debugging
    if (debug && err instanceof Error && err.stack) ctx.stderr.write(`${err.stack.split('\n').map(safeText).join('\n')}\n`);
    return EXIT_BROKEN_PIPE;
  }
  const message = (err instanceof Error ? err.message : String(err)).trim();
  const shown = err instanceof CliError ? message : (message.split('\n')[0] ?? '').trim();
  ctx.stderr.write(`obscura: ${safeText(shown || (err instanceof Error ? err.name : 'unknown error'))}\n`);
  if (debug && err instanceof Error && err.stack) ctx.stderr.write(`${err.stack.split('\n').map(safeText).join('\n')}\n`);
  return err instanceof CliError ? err.exitCode : EXIT_FAILURE;
}

/** "Name <email>": the name a person chose, told apart from a namesake by the email pinned for their key. */
export function personLabel(p: { readonly displayName: string; readonly email?: string }): string {
  return p.email ? `${p.displayName} <${p.email}>` : p.displayName;
}

// [Note: times] Human output shows a time in the local zone of this machine WITH its UTC
// offset ("2026-01-24 23:11:53 +09:00"), so a reader elsewhere (or a log pasted into an issue)
// still knows the instant; `--json` always gives UTC ISO 8601 ("2026-01-24T14:11:53.000Z").
// The zone is the process's (TZ), read at each call.

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Minutes east of UTC → "+09:00", "-05:30", "+00:00". */
export function formatOffset(minutesEast: number): string {
  const sign = minutesEast < 0 ? '-' : '+';
  const m = Math.abs(Math.round(minutesEast));
  return `${sign}${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`;
}

/**
 * The wall-clock time of instant `ms` at `offsetMinutes` east of UTC (default: the local zone of
 * this machine at that instant, summer time included): "YYYY-MM-DD HH:MM:SS +HH:MM".
 */
export function formatTime(ms: number, offsetMinutes?: number): string {
  if (!Number.isFinite(ms)) return '-';
  const off = offsetMinutes ?? -new Date(ms).getTimezoneOffset();
  const d = new Date(ms + off * 60_000); // read back with the UTC getters = wall clock at that offset
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ${formatOffset(off)}`;
}

/** `--json` times: UTC ISO 8601 with milliseconds and "Z"; null for a missing or invalid time. */
export function jsonTime(ms: number | undefined | null): string | null {
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** The name of this machine's time zone ("Asia/Tokyo"), or its offset when it has none. */
export function localZoneName(ms: number = Date.now()): string {
  const name = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return name || `UTC${formatOffset(-new Date(ms).getTimezoneOffset())}`;
}
