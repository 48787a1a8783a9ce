// The upload panel: bottom-right on wide screens, a bottom sheet on phones. Per-file and total
// progress, speed, phases, cancel and retry, what was skipped and why, and uploads a reload
// interrupted.
import { memo, useEffect, useId, useState, useSyncExternalStore } from 'react';
import { formatBytes, formatSpeed } from '../../ui/format.ts';
import { fractionOf, type QueueSnapshot, type UploadItem, type UploadQueue } from './queue.ts';
import { useUploads } from './context.ts';

/** Rows shown per section; the rest are counted ("and 240 more"), so a 10,000-file drop stays light. */
const SHOW = { waiting: 50, done: 100, skipped: 200 } as const;

const percent = (f: number) => `${Math.floor(f * 100)} %`;

function statusText(it: UploadItem): string {
  const f = it.size > 0 ? Math.min(1, it.phaseDone / it.size) : 1;
  if (it.cancelling) return 'Cancelling…';
  switch (it.status) {
    case 'queued': return 'Waiting';
    case 'hashing': return `Hashing ${percent(f)}`;
    case 'checking': return 'Looking in your library';
    case 'preparing': return `Preparing (encrypting) ${percent(f)}`;
    case 'uploading': return `Uploading ${percent(f)}`;
    case 'done':
      return it.outcome === 'resumed' ? 'Uploaded (resumed)' : it.outcome === 'added' ? 'Already in your library: added to the album' : 'Uploaded';
    case 'skipped': return `Skipped: ${it.skip?.reason ?? ''}`;
    case 'failed': return `Failed: ${it.message ?? 'unknown error'}`;
    case 'cancelled': return it.message === 'cancelled' || !it.message ? 'Cancelled' : `${it.message.charAt(0).toUpperCase()}${it.message.slice(1)}`;
  }
}

function countsText(s: QueueSnapshot): string {
  const c = s.counts;
  const parts = [`${c.done} uploaded`];
  if (c.skipped) parts.push(`${c.skipped} skipped`);
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.cancelled) parts.push(`${c.cancelled} cancelled`);
  return parts.join(' · ');
}

function titleOf(s: QueueSnapshot): string {
  if (s.counts.total === 0) return 'Unfinished uploads';
  if (s.paused) return 'Uploads paused';
  if (!s.finished) return `Uploading ${s.counts.total - s.counts.queued} of ${s.counts.total}`;
  return s.counts.failed > 0 ? 'Uploads finished with problems' : 'Uploads finished';
}

const Row = memo(function Row({ it, queue }: { it: UploadItem; queue: UploadQueue }) {
  const active = it.status !== 'queued' && it.status !== 'done' && it.status !== 'skipped' && it.status !== 'failed' && it.status !== 'cancelled';
  const where = it.albumId ? ` → ${it.albumName ?? 'album'}` : '';
  return (
    <li className={`upload-row upload-row-${it.status}`}>
      <div className="upload-row-main">
        <span className="upload-name" title={it.relativePath ?? it.name}>{it.name}</span>
        <span className="upload-meta">{formatBytes(it.size)}{where}{it.relativePath ? ` · ${it.relativePath}` : ''}</span>
        <span className={`upload-status${it.status === 'failed' ? ' error' : ''}`}>{statusText(it)}</span>
        {active && <progress className="progress" value={fractionOf(it.status, it.phaseDone, it.size)} max={1} aria-label={`Progress of ${it.name}`} />}
      </div>
      <div className="upload-row-actions">
        {it.status === 'failed' && queue.canRetry(it.id) && (
          <button type="button" className="button upload-small" aria-label={`Retry ${it.name}`} onClick={() => queue.retry(it.id)}>Retry</button>
        )}
        {(active || it.status === 'queued' || it.status === 'failed') && !it.cancelling && (
          <button type="button" className="icon-button" aria-label={`${it.status === 'failed' ? 'Remove' : 'Cancel'} ${it.name}`} title={it.status === 'failed' ? 'Remove' : 'Cancel'}
            onClick={() => void queue.cancel(it.id)}>✕</button>
        )}
      </div>
    </li>
  );
});

function Section({ title, items, queue, limit, from = 'start' }: { title: string; items: readonly UploadItem[]; queue: UploadQueue; limit: number; from?: 'start' | 'end' }) {
  const id = useId();
  if (items.length === 0) return null;
  const shown = from === 'start' ? items.slice(0, limit) : items.slice(-limit);
  const more = items.length - shown.length;
  return (
    <section className="upload-section" aria-labelledby={id}>
      <h3 id={id}>{title} ({items.length})</h3>
      <ul className="upload-list">
        {shown.map((it) => <Row key={it.id} it={it} queue={queue} />)}
      </ul>
      {more > 0 && <p className="hint">and {more} more</p>}
    </section>
  );
}

export function UploadPanel() {
  const { queue, choose, interrupted, dismissInterrupted } = useUploads();
  const s = useSyncExternalStore(queue.subscribe, queue.snapshot);
  const [expanded, setExpanded] = useState(true);
  const [hidden, setHidden] = useState(false);
  const bodyId = useId();
  const titleId = useId();
  const working = s.counts.active > 0;

  // The speed decays when nothing is reported; recompute it every second while files are worked on.
  useEffect(() => {
    if (!working) return;
    const t = setInterval(() => queue.tick(), 1000);
    return () => clearInterval(t);
  }, [working, queue]);

  // A new upload shows the panel again after it was closed.
  useEffect(() => { if (!s.finished && s.counts.total > 0) setHidden(false); }, [s.finished, s.counts.total]);

  if ((s.counts.total === 0 && interrupted.length === 0) || hidden) return null;

  const by = (pred: (it: UploadItem) => boolean) => s.items.filter(pred);
  const activeItems = by((it) => it.status === 'hashing' || it.status === 'checking' || it.status === 'preparing' || it.status === 'uploading');
  const failed = by((it) => it.status === 'failed');
  const waiting = by((it) => it.status === 'queued');
  const done = by((it) => it.status === 'done' || it.status === 'cancelled');
  const skipped = by((it) => it.status === 'skipped');
  const close = () => { void queue.clearFinished(); setHidden(true); };
  const foldersLeft = interrupted.some((i) => i.relativePath);

  return (
    <section className={`upload-panel${expanded ? '' : ' upload-panel-collapsed'}`} aria-label="Uploads">
      <header className="upload-head">
        <div className="upload-head-text">
          <h2 id={titleId}>{titleOf(s)}</h2>
          {s.counts.total > 0 && (
            <p className="upload-summary">
              <span>{countsText(s)}</span>
              {working && s.speed > 0 && <span> · {formatSpeed(s.speed)}</span>}
            </p>
          )}
        </div>
        <div className="upload-head-actions">
          <button type="button" className="icon-button" aria-expanded={expanded} aria-controls={bodyId}
            aria-label={expanded ? 'Collapse uploads' : 'Expand uploads'} onClick={() => setExpanded((e) => !e)}>{expanded ? '▾' : '▴'}</button>
          {s.finished && (
            <button type="button" className="icon-button" aria-label="Close uploads" onClick={close}>✕</button>
          )}
        </div>
      </header>
      {s.counts.total > 0 && (
        <progress className="progress upload-total" value={s.progress} max={1} aria-label="Total upload progress"
          aria-valuetext={`${percent(s.progress)} of ${formatBytes(s.bytesTotal)}`} />
      )}
      <p className="upload-sr-only" role="status">{s.finished ? `${titleOf(s)}: ${countsText(s)}` : ''}</p>
      <div id={bodyId} className="upload-body" hidden={!expanded}>
        {s.paused && (
          <div className="upload-paused" role="alert">
            <p>Uploads paused: {s.paused.reason}</p>
            <button type="button" className="button upload-small" onClick={() => queue.resume()}>Resume uploads</button>
          </div>
        )}
        {interrupted.length > 0 && (
          <div className="upload-interrupted" role="region" aria-label="Unfinished uploads">
            <p>
              {interrupted.length === 1 ? '1 upload' : `${interrupted.length} uploads`} did not finish before the page was closed or reloaded:
            </p>
            <ul className="upload-interrupted-list">
              {interrupted.slice(0, 20).map((i) => (
                <li key={i.id}>
                  {i.relativePath ?? i.name} <span className="upload-meta">({formatBytes(i.size)}{i.albumId ? ` → ${i.albumName ?? 'album'}` : ''}{i.error ? `; ${i.error}` : ''})</span>
                </li>
              ))}
              {interrupted.length > 20 && <li className="hint">and {interrupted.length - 20} more</li>}
            </ul>
            <div className="row">
              <button type="button" className="button button-primary upload-small" onClick={() => choose('files', { resume: true })}>Choose them again to resume</button>
              {foldersLeft && <button type="button" className="button upload-small" onClick={() => choose('folder', { resume: true })}>Choose their folder</button>}
              <button type="button" className="button upload-small" onClick={() => void dismissInterrupted()}>Dismiss</button>
            </div>
          </div>
        )}
        <Section title="In progress" items={activeItems} queue={queue} limit={activeItems.length} />
        <Section title="Failed" items={failed} queue={queue} limit={failed.length} />
        <Section title="Waiting" items={waiting} queue={queue} limit={SHOW.waiting} />
        <Section title="Skipped" items={skipped} queue={queue} limit={SHOW.skipped} />
        <Section title="Done" items={done} queue={queue} limit={SHOW.done} from="end" />
        <div className="upload-foot row">
          {failed.length > 1 && <button type="button" className="button upload-small" onClick={() => queue.retryFailed()}>Retry all failed</button>}
          {!s.finished && s.counts.total > 0 && <button type="button" className="button upload-small" onClick={() => void queue.cancelAll()}>Cancel all</button>}
          <button type="button" className="button upload-small" onClick={() => choose('files')}>Upload more photos</button>
          <button type="button" className="button upload-small" onClick={() => choose('folder')}>Upload another folder</button>
          {s.finished && <button type="button" className="button upload-small" onClick={() => void queue.clearFinished()}>Clear list</button>}
        </div>
      </div>
    </section>
  );
}
