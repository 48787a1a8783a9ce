// My photos (/photos): the timeline newest first, grouped by day under month titles, with
// selection (add to album, share, download, trash) and the viewer; and the Trash (/trash).
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { PhotoItem } from '../../shared/types.ts';
import { worker } from '../../client/worker.ts';
import { useWorkerEvent } from '../../client/events.ts';
import { errorText } from '../../shared/rpc.ts';
import { ConfirmDialog } from '../../ui/Dialog.tsx';
import { Empty, ErrorMessage, ProgressBar, Skeleton } from '../../ui/bits.tsx';
import { formatBytes } from '../../ui/format.ts';
import { notify } from '../../ui/notices.tsx';
import { UploadButton } from '../upload/index.tsx';
import { AddToAlbumDialog } from '../albums/AddToAlbumDialog.tsx';
import { ShareDialog } from '../sharing/ShareDialog.tsx';
import { PhotoGrid, type PhotoGridHandle } from './PhotoGrid.tsx';
import { Viewer, ViewerAction } from './Viewer.tsx';
import { saveOriginal } from './download.ts';
import { Icon, type IconName } from './icons.tsx';
import './photos.css';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "3 photos", "1 video", "2 photos and 1 video": what a selection holds, in words. */
export function countText(items: readonly PhotoItem[]): string {
  const videos = items.filter((i) => i.kind === 'video').length;
  const photos = items.length - videos;
  if (!videos) return plural(photos, 'photo');
  if (!photos) return plural(videos, 'video');
  return `${plural(photos, 'photo')} and ${plural(videos, 'video')}`;
}

/**
 * The library's list (or the trash's), kept fresh: the copy this browser keeps is shown at once,
 * then the change feed is synced; any later change (an upload, a trash) refreshes it.
 */
function useLibrary(trashed: boolean) {
  const [items, setItems] = useState<PhotoItem[]>();
  const [syncing, setSyncing] = useState(false);
  const [syncError, setSyncError] = useState<unknown>();
  const refresh = useCallback(async () => {
    const list = await worker.photos.timeline({ trashed });
    setItems(list);
    return list;
  }, [trashed]);
  const sync = useCallback(async () => {
    setSyncing(true);
    setSyncError(undefined);
    try {
      await worker.photos.sync();
    } catch (e) {
      setSyncError(e);
    } finally {
      setSyncing(false);
    }
    await refresh().catch((e: unknown) => setSyncError(e));
  }, [refresh]);
  useEffect(() => {
    let live = true;
    // the kept copy first (an empty one is not shown: the first sync decides between skeleton and empty)
    worker.photos.timeline({ trashed }).then((list) => { if (live && list.length) setItems((cur) => cur ?? list); }, () => undefined);
    void sync();
    return () => { live = false; };
  }, [trashed, sync]);
  useWorkerEvent('library-changed', () => { void refresh().catch(() => undefined); });
  return { items, syncing, syncError, sync, refresh };
}

/** Drops selected ids that are no longer listed. */
function usePrunedSelection(items: readonly PhotoItem[] | undefined) {
  const [selection, setSelection] = useState<Set<string>>(() => new Set());
  useEffect(() => {
    if (!items) return;
    setSelection((sel) => {
      if (!sel.size) return sel;
      const ids = new Set(items.map((i) => i.fileId));
      const next = new Set([...sel].filter((id) => ids.has(id)));
      return next.size === sel.size ? sel : next;
    });
  }, [items]);
  return [selection, setSelection] as const;
}

function ToolbarButton(p: { label: string; icon: IconName; onClick: () => void; disabled?: boolean; danger?: boolean }) {
  return (
    <button type="button" className={`button${p.danger ? ' button-danger' : ''}`} onClick={p.onClick} disabled={p.disabled} aria-label={p.label} title={p.label}>
      <Icon name={p.icon} /><span className="button-text">{p.label}</span>
    </button>
  );
}

function SelectionBar(p: { count: string; onClear: () => void; children: ReactNode }) {
  return (
    <div className="photos-selbar" role="toolbar" aria-label="Selected photos">
      <span className="photos-selcount">
        <button type="button" className="icon-button" aria-label="Clear selection" title="Clear selection (Esc)" onClick={p.onClear}><Icon name="close" /></button>
        <span aria-live="polite">{p.count} selected</span>
      </span>
      {p.children}
    </div>
  );
}

interface BulkProgress { readonly verb: string; readonly i: number; readonly n: number; readonly name: string; readonly done: number; readonly total: number }

/** Downloads each original one after another, reporting progress; stops when `cancelled()` says so. */
async function downloadAll(items: readonly PhotoItem[], onProgress: (p: BulkProgress) => void, cancelled: () => boolean): Promise<number> {
  let saved = 0;
  for (const [i, item] of items.entries()) {
    if (cancelled()) break;
    if (item.problem) continue;
    onProgress({ verb: 'Downloading', i: i + 1, n: items.length, name: item.name, done: 0, total: item.size });
    await saveOriginal('library', item.fileId, (done, total) => onProgress({ verb: 'Downloading', i: i + 1, n: items.length, name: item.name, done, total }));
    saved++;
  }
  return saved;
}

function BulkProgressView({ p, onCancel }: { p: BulkProgress; onCancel?: () => void }) {
  const pct = p.total > 0 ? Math.floor((p.done / p.total) * 100) : 0;
  return (
    <div className="bulk-progress" role="status">
      <div className="row">
        <span>{p.verb} {p.n > 1 ? `${p.i} of ${p.n}: ` : ''}{p.name} — {pct}%</span>
        {onCancel && <button type="button" className="link-button" onClick={onCancel}>Cancel</button>}
      </div>
      <ProgressBar value={p.done} max={p.total} label={`${p.verb} ${p.name}`} />
    </div>
  );
}

export function PhotosPage() {
  const { items, syncing, syncError, sync, refresh } = useLibrary(false);
  const [selection, setSelection] = usePrunedSelection(items);
  const [viewer, setViewer] = useState<number>();
  const [dialog, setDialog] = useState<{ kind: 'album' | 'share'; fileIds: string[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [bulk, setBulk] = useState<BulkProgress | null>(null);
  const [error, setError] = useState<unknown>();
  const cancelBulk = useRef(false);
  const grid = useRef<PhotoGridHandle>(null);

  const list = useMemo(() => items ?? [], [items]);
  const selected = useMemo(() => list.filter((i) => selection.has(i.fileId)), [list, selection]);

  const trash = async (fileIds: string[]): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      const n = await worker.photos.trash(fileIds);
      await refresh();
      notify(`Moved ${plural(n, 'item')} to the trash. You can restore ${n === 1 ? 'it' : 'them'} from Trash.`);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const downloadSelected = async () => {
    cancelBulk.current = false;
    setError(undefined);
    try {
      const n = await downloadAll(selected, setBulk, () => cancelBulk.current);
      notify(`Downloaded ${plural(n, 'original')}.`);
    } catch (e) {
      setError(e);
    } finally {
      setBulk(null);
    }
  };

  const closeViewer = useCallback(() => setViewer(undefined), []);
  const afterViewer = useCallback((i: number) => grid.current?.focusItem(i), []);
  const viewerActions = useCallback((item: PhotoItem) => (
    <>
      <ViewerAction label="Share" icon="share" onClick={() => setDialog({ kind: 'share', fileIds: [item.fileId] })} disabled={!!item.problem} />
      <ViewerAction label="Add to album" icon="add" onClick={() => setDialog({ kind: 'album', fileIds: [item.fileId] })} disabled={!!item.problem} />
      <ViewerAction label="Move to trash" icon="trash" disabled={busy} onClick={() => {
        void (async () => {
          const at = list.findIndex((i) => i.fileId === item.fileId);
          if (!(await trash([item.fileId]))) return;
          const left = list.length - 1;
          if (left <= 0) setViewer(undefined);
          else setViewer(Math.min(at, left - 1));
        })();
      }} />
    </>
    // `trash` only uses setters and `refresh`, which are stable; `list` and `busy` are what change
  ), [busy, list]); // eslint-disable-line react-hooks/exhaustive-deps

  const selecting = selection.size > 0;
  return (
    <div className="photos-page">
      <div className="page-header">
        {selecting ? (
          <>
            <h1 className="photos-sr">Photos</h1>
            <SelectionBar count={countText(selected)} onClear={() => setSelection(new Set())}>
              <ToolbarButton label="Add to album" icon="add" onClick={() => setDialog({ kind: 'album', fileIds: [...selection] })} disabled={busy} />
              <ToolbarButton label="Share" icon="share" onClick={() => setDialog({ kind: 'share', fileIds: [...selection] })} disabled={busy} />
              <ToolbarButton label="Download" icon="download" onClick={() => void downloadSelected()} disabled={busy || !!bulk} />
              <ToolbarButton label="Move to trash" icon="trash" onClick={() => void trash([...selection]).then((ok) => { if (ok) setSelection(new Set()); })} disabled={busy} />
            </SelectionBar>
          </>
        ) : (
          <>
            <div className="photos-title"><h1>Photos</h1>{items && items.length > 0 && <span className="photos-count">{countText(items)}</span>}</div>
            <div className="page-actions">
              <Link to="/trash" className="button"><Icon name="trash" /> Trash</Link>
              <UploadButton />
            </div>
          </>
        )}
      </div>
      {bulk && <BulkProgressView p={bulk} onCancel={() => { cancelBulk.current = true; }} />}
      <ErrorMessage error={error} />
      {syncError !== undefined && (
        <div className="photos-status" role="alert">
          <span>Could not get the latest changes: {errorText(syncError)}</span>
          <button type="button" className="link-button" onClick={() => void sync()} disabled={syncing}>Try again</button>
        </div>
      )}
      {syncing && items && items.length > 0 && <p className="photos-status" role="status">Checking for new photos…</p>}
      {items === undefined ? (
        syncError === undefined ? <Skeleton count={18} label="Loading your photos" /> : null
      ) : items.length === 0 ? (
        <Empty title="No photos yet">
          <p>Upload photos and videos, or drop photos and folders anywhere on this page.</p>
          <div className="row" style={{ justifyContent: 'center' }}><UploadButton /></div>
        </Empty>
      ) : (
        <PhotoGrid ref={grid} scope="library" items={items} groupBy="day" onOpen={setViewer} selection={selection} onSelectionChange={setSelection} label="Your photos" />
      )}
      {viewer !== undefined && list.length > 0 && (
        <Viewer scope="library" items={list} index={viewer} onIndexChange={setViewer} onClose={closeViewer} afterClose={afterViewer} actions={viewerActions} />
      )}
      <AddToAlbumDialog fileIds={dialog?.kind === 'album' ? dialog.fileIds : []} open={dialog?.kind === 'album'} onClose={() => setDialog(null)}
        onDone={() => { setDialog(null); setSelection(new Set()); }} />
      <ShareDialog target={{ kind: 'photos', fileIds: dialog?.kind === 'share' ? dialog.fileIds : [], scope: 'library' }} open={dialog?.kind === 'share'}
        onClose={() => setDialog(null)} />
    </div>
  );
}

export function TrashPage() {
  const { items, syncing, syncError, sync, refresh } = useLibrary(true);
  const [selection, setSelection] = usePrunedSelection(items);
  const [viewer, setViewer] = useState<number>();
  const [confirm, setConfirm] = useState<{ fileIds: string[]; what: string; bytes: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const grid = useRef<PhotoGridHandle>(null);

  const list = useMemo(() => items ?? [], [items]);
  const selected = useMemo(() => list.filter((i) => selection.has(i.fileId)), [list, selection]);

  /** Runs restore or delete on `fileIds`; keeps the viewer on the next item. */
  const act = async (kind: 'restore' | 'delete', fileIds: string[]): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    const viewing = viewer !== undefined ? list[viewer]?.fileId : undefined;
    try {
      const n = kind === 'restore' ? await worker.photos.restore(fileIds) : await worker.photos.deleteForever(fileIds);
      const next = await refresh();
      notify(kind === 'restore' ? `Restored ${plural(n, 'item')} to Photos.` : `Deleted ${plural(n, 'item')} forever.`);
      setSelection(new Set());
      if (viewing && fileIds.includes(viewing)) {
        if (!next.length) setViewer(undefined);
        else setViewer((v) => Math.min(v ?? 0, next.length - 1));
      }
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const askDelete = (targets: readonly PhotoItem[]) => {
    setConfirm({ fileIds: targets.map((t) => t.fileId), what: countText(targets), bytes: targets.reduce((s, t) => s + t.size, 0) });
  };

  const closeViewer = useCallback(() => setViewer(undefined), []);
  const afterViewer = useCallback((i: number) => grid.current?.focusItem(i), []);
  const viewerActions = (item: PhotoItem) => (
    <>
      <ViewerAction label="Restore" icon="restore" disabled={busy} onClick={() => void act('restore', [item.fileId])} />
      <ViewerAction label="Delete forever" icon="trash" disabled={busy} onClick={() => askDelete([item])} />
    </>
  );

  const selecting = selection.size > 0;
  return (
    <div className="photos-page">
      <div className="page-header">
        {selecting ? (
          <>
            <h1 className="photos-sr">Trash</h1>
            <SelectionBar count={countText(selected)} onClear={() => setSelection(new Set())}>
              <ToolbarButton label="Restore" icon="restore" onClick={() => void act('restore', [...selection])} disabled={busy} />
              <ToolbarButton label="Delete forever" icon="trash" danger onClick={() => askDelete(selected)} disabled={busy} />
            </SelectionBar>
          </>
        ) : (
          <>
            <div className="photos-title"><h1>Trash</h1>{items && items.length > 0 && <span className="photos-count">{countText(items)}</span>}</div>
            <div className="page-actions">
              <Link to="/photos" className="button"><Icon name="back" /> Photos</Link>
              {items && items.length > 0 && (
                <button type="button" className="button button-danger" onClick={() => askDelete(items)} disabled={busy}>Empty trash</button>
              )}
            </div>
          </>
        )}
      </div>
      <p className="trash-note">Items in the trash still use your storage. Restore them to Photos, or delete them forever.</p>
      <ErrorMessage error={error} />
      {syncError !== undefined && (
        <div className="photos-status" role="alert">
          <span>Could not get the latest changes: {errorText(syncError)}</span>
          <button type="button" className="link-button" onClick={() => void sync()} disabled={syncing}>Try again</button>
        </div>
      )}
      {items === undefined ? (
        syncError === undefined ? <Skeleton count={6} label="Loading the trash" /> : null
      ) : items.length === 0 ? (
        <Empty title="The trash is empty">
          <p>Photos and videos you move to the trash wait here until you restore them or delete them forever.</p>
        </Empty>
      ) : (
        <PhotoGrid ref={grid} scope="library" items={items} groupBy="none" onOpen={setViewer} selection={selection} onSelectionChange={setSelection} label="Photos in the trash" />
      )}
      {viewer !== undefined && list.length > 0 && (
        <Viewer scope="library" items={list} index={viewer} onIndexChange={setViewer} onClose={closeViewer} afterClose={afterViewer} actions={viewerActions} />
      )}
      <ConfirmDialog title={`Delete ${confirm?.what ?? ''} forever?`} open={!!confirm} danger busy={busy} confirmLabel="Delete forever"
        onCancel={() => setConfirm(null)}
        onConfirm={() => { if (confirm) void act('delete', confirm.fileIds).then((ok) => { if (ok) setConfirm(null); }); }}>
        <p>This cannot be undone. The originals and their thumbnails are deleted from the server, which frees up to {formatBytes(confirm?.bytes ?? 0)} of your storage.</p>
        <p className="hint">A photo that is also in one of your albums stays in that album and keeps using its space.</p>
      </ConfirmDialog>
    </div>
  );
}
