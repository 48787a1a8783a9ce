// Progress for uploads/backups/downloads: a redrawn bar on a terminal, plain
// periodic lines in logs and pipes, nothing with --quiet. Always on stderr.
import type { CliContext } from './context.ts';
import { formatBytes, formatDurationS } from './output.ts';
import { safeText } from './terminal-text.ts';

export interface ProgressTotals { bytes: number; files: number }

export interface Progress {
  /** Bytes transferred since the last call (of the current file). */
  addBytes(n: number): void;
  /** One more file finished (uploaded, skipped or failed). */
  fileDone(): void;
  /** Prints the final summary line (unless quiet) and stops redrawing; `null`: only clears the bar. */
  finish(summary?: string | null): void;
  readonly done: ProgressTotals;
}

export interface ProgressOptions {
  label: string;
  total: ProgressTotals;
  /** Minimum ms between plain (non-TTY) lines. */
  lineIntervalMs?: number;
  /** Minimum ms between TTY redraws. */
  redrawIntervalMs?: number;
  /** Not a TTY: print only the final summary line (no periodic lines). */
  summaryOnlyWhenPlain?: boolean;
}

export function createProgress(ctx: Pick<CliContext, 'stderr' | 'quiet' | 'now'>, o: ProgressOptions): Progress {
  const done: ProgressTotals = { bytes: 0, files: 0 };
  // [Note: terminal text] the label and the summary may name folders and files: escaped;
  // only the bar's own "\r ESC [K" reaches the terminal as a control.
  const label = safeText(o.label);
  const tty = ctx.stderr.isTTY === true;
  const interval = tty ? (o.redrawIntervalMs ?? 100) : (o.lineIntervalMs ?? 5000);
  const start = ctx.now();
  let last = -Infinity;
  let finished = false;

  const stats = () => {
    const elapsedS = Math.max((ctx.now() - start) / 1000, 1e-3);
    const rate = done.bytes / elapsedS;
    const left = Math.max(o.total.bytes - done.bytes, 0);
    const eta = rate > 0 ? formatDurationS(left / rate) : '?';
    const pct = o.total.bytes > 0 ? Math.min(100, Math.floor((done.bytes / o.total.bytes) * 100)) : o.total.files > 0 ? Math.floor((done.files / o.total.files) * 100) : 100;
    return { pct, mbps: (rate / 1e6).toFixed(1), eta };
  };

  const render = (force: boolean) => {
    if (ctx.quiet || finished) return;
    if (!tty && o.summaryOnlyWhenPlain) return;
    const now = ctx.now();
    if (!force && now - last < interval) return;
    last = now;
    const s = stats();
    const counts = `${formatBytes(done.bytes)}/${formatBytes(o.total.bytes)}  ${done.files}/${o.total.files} files  ${s.mbps} MB/s  ETA ${s.eta}`;
    if (tty) {
      const width = 24;
      const filled = Math.round((s.pct / 100) * width);
      const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
      let text = `${label} ${bar} ${String(s.pct).padStart(3)}%  ${counts}`;
      const cols = ctx.stderr.columns;
      if (cols && text.length > cols - 1) text = text.slice(0, cols - 1);
      ctx.stderr.write(`\r\x1b[K${text}`);
    } else {
      ctx.stderr.write(`${label}: ${s.pct}%  ${counts}\n`);
    }
  };

  return {
    done,
    addBytes(n) { done.bytes += n; render(false); },
    fileDone() { done.files += 1; render(false); },
    finish(summary) {
      if (ctx.quiet || finished) { finished = true; return; }
      if (summary === null) {
        if (tty) ctx.stderr.write('\r\x1b[K');
        finished = true;
        return;
      }
      const elapsed = formatDurationS((ctx.now() - start) / 1000);
      if (tty) ctx.stderr.write('\r\x1b[K');
      ctx.stderr.write(`${label}: ${safeText(summary ?? `${done.files} files, ${formatBytes(done.bytes)}`)} in ${elapsed}\n`);
      finished = true;
    },
  };
}
