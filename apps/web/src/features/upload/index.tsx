// Uploads for the whole logged-in app: the queue (one, whatever page is shown), the file and
// folder pickers, a drop anywhere on the window, and the panel. Pages place `UploadButton`.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useMatch } from 'react-router';
import { proxy, worker } from '../../client/worker.ts';
import { useWorkerEvent } from '../../client/events.ts';
import { errorText } from '../../shared/rpc.ts';
import { notify } from '../../ui/notices.tsx';
import { sameFileKey, type AlbumTargetInfo, type InterruptedUpload, type UploadTarget } from './model.ts';
import { UploadQueue, type AddedFile } from './queue.ts';
import { UploadContext, useUploads, type PickKind, type PickPurpose, type Uploads } from './context.ts';
import { dragHasFiles, filesOfDrop, filesOfInput, grabPoster, type PickedFile } from './files.ts';
import { UploadPanel } from './UploadPanel.tsx';
import './upload.css';

export { useUploads } from './context.ts';

/** The picker shows photos and videos; extensions the OS may not map to image/* or video/* are named. */
const ACCEPT = 'image/*,video/*,.heic,.heif,.avif,.cr3,.dng,.mov,.mkv,.webm,.3gp,.3g2,.avi';

const toAdded = (p: PickedFile): AddedFile => ({
  file: p.file, name: p.file.name, lastModified: p.file.lastModified, ...(p.relativePath ? { relativePath: p.relativePath } : {}),
});

/** Holds the upload queue and its panel; accepts files dropped anywhere on the app. */
export function UploadProvider({ children }: { children: ReactNode }) {
  const queueRef = useRef<UploadQueue>(undefined);
  queueRef.current ??= new UploadQueue(worker.uploads, { concurrency: 2 });
  const queue = queueRef.current;
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const purpose = useRef<PickPurpose>({ target: {} });
  const [interrupted, setInterrupted] = useState<InterruptedUpload[]>([]);
  const [dragging, setDragging] = useState(false);

  // Progress from the worker, and posters for videos (made here: a <video> needs the page).
  useEffect(() => {
    void worker.uploads.subscribe(proxy(queue.onEvent), proxy(async (id: string) => {
      const f = queue.fileOf(id);
      return f ? grabPoster(f) : undefined;
    }));
    // Logout or an ended session unmounts this: what did not finish is listed at the next login.
    return () => { void worker.uploads.abandon().catch(() => undefined); };
  }, [queue]);

  useEffect(() => {
    let live = true;
    worker.uploads.interrupted().then((list) => { if (live) setInterrupted(list); }, () => undefined);
    return () => { live = false; };
  }, []);

  // Online again: a queue paused because the connection dropped goes on by itself.
  useEffect(() => {
    const online = () => { if (queue.snapshot().paused?.kind === 'network') queue.resume(); };
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [queue]);

  // [Note: drop target] on an album's page, a drop goes into that album when I may add to it
  // (owner or editor, album verified); otherwise into my library, and the overlay says so.
  const albumMatch = useMatch('/albums/:albumId');
  const albumId = albumMatch?.params.albumId;
  const [dropTarget, setDropTarget] = useState<AlbumTargetInfo>();
  const refreshTarget = useCallback(() => {
    if (!albumId) { setDropTarget(undefined); return; }
    worker.uploads.albumTarget(albumId).then((t) => setDropTarget(t), () => setDropTarget(undefined));
  }, [albumId]);
  useEffect(refreshTarget, [refreshTarget]);
  useWorkerEvent('library-changed', refreshTarget);

  const add = useCallback(async (files: readonly PickedFile[], target: UploadTarget) => {
    if (files.length === 0) {
      notify('Nothing to upload: no files were chosen (hidden files such as .DS_Store are left out).');
      return;
    }
    let t = target;
    if (target.albumId) {
      try {
        const info = await worker.uploads.albumTarget(target.albumId);
        if (!info.canAdd) {
          notify(`Cannot upload to “${info.name}”: ${info.why ?? 'you may not add photos to it'}.`, 'error');
          return;
        }
        t = { albumId: info.albumId, albumName: info.name };
      } catch (e) {
        notify(`Cannot upload to this album: ${errorText(e)}`, 'error');
        return;
      }
    }
    try {
      await queue.add(files.map(toAdded), t);
    } catch (e) {
      notify(`Could not start the upload: ${errorText(e)}`, 'error');
    }
  }, [queue]);

  /** Files chosen again after a reload: each matching an interrupted upload takes it over. */
  const resume = useCallback(async (files: readonly PickedFile[]) => {
    const waiting = new Map<string, InterruptedUpload[]>();
    for (const i of interrupted) waiting.set(sameFileKey(i), [...(waiting.get(sameFileKey(i)) ?? []), i]);
    // Files that match none go where the interrupted ones went, when they all went to one place.
    const targets = new Set(interrupted.map((i) => i.albumId ?? ''));
    const common: UploadTarget = targets.size === 1 && interrupted[0]?.albumId
      ? { albumId: interrupted[0].albumId, ...(interrupted[0].albumName ? { albumName: interrupted[0].albumName } : {}) } : {};
    const taken = new Set<string>();
    const added: AddedFile[] = files.map((p) => {
      const match = waiting.get(sameFileKey({ name: p.file.name, size: p.file.size, lastModified: p.file.lastModified }))?.find((i) => !taken.has(i.id));
      if (!match) return { ...toAdded(p), target: common };
      taken.add(match.id);
      return {
        ...toAdded(p), resumes: match.id,
        target: match.albumId ? { albumId: match.albumId, ...(match.albumName ? { albumName: match.albumName } : {}) } : {},
        ...(match.relativePath ?? p.relativePath ? { relativePath: match.relativePath ?? p.relativePath } : {}),
      };
    });
    try {
      await queue.add(added);
    } catch (e) {
      notify(`Could not start the upload: ${errorText(e)}`, 'error');
      return;
    }
    setInterrupted((list) => list.filter((i) => !taken.has(i.id)));
    const missing = interrupted.length - taken.size;
    if (missing > 0) notify(`${missing} of the unfinished ${missing === 1 ? 'file was' : 'files were'} not among those chosen; they are still listed.`);
  }, [interrupted, queue]);

  const onPicked = useCallback((input: HTMLInputElement | null) => {
    if (!input) return;
    const files = filesOfInput(input.files);
    input.value = ''; // the same files can be chosen again
    const p = purpose.current;
    if ('resume' in p) void resume(files);
    else void add(files, p.target);
  }, [add, resume]);

  const choose = useCallback((kind: PickKind, p: PickPurpose = { target: {} }) => {
    purpose.current = p;
    (kind === 'folder' ? folderInput.current : filesInput.current)?.click();
  }, []);

  const dismissInterrupted = useCallback(async () => {
    try {
      const r = await worker.uploads.dismiss();
      setInterrupted([]);
      notify(r.failed > 0
        ? `Dismissed. ${r.failed} unfinished ${r.failed === 1 ? 'upload' : 'uploads'} could not be removed now; the server frees them within the hour.`
        : 'Dismissed the unfinished uploads.');
    } catch (e) {
      notify(`Could not dismiss them: ${errorText(e)}`, 'error');
    }
  }, []);

  // Drop anywhere on the window. dragenter/dragleave fire for every element crossed, so a counter
  // tells when the drag has really left the window.
  const dropTargetRef = useRef(dropTarget);
  dropTargetRef.current = dropTarget;
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!dragHasFiles(e)) return;
      e.preventDefault();
      depth++;
      setDragging(true);
    };
    const over = (e: DragEvent) => {
      if (!dragHasFiles(e)) return;
      e.preventDefault(); // allows the drop
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!dragHasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0 || e.relatedTarget === null) { depth = 0; setDragging(false); }
    };
    const drop = (e: DragEvent) => {
      depth = 0;
      setDragging(false);
      if (!e.dataTransfer || !dragHasFiles(e)) return;
      e.preventDefault(); // else the browser opens the file in place of the app
      const t = dropTargetRef.current;
      const target: UploadTarget = t?.canAdd ? { albumId: t.albumId, albumName: t.name } : {};
      void filesOfDrop(e.dataTransfer).then(({ files, problems }) => {
        if (problems.length > 0) notify(`Some dropped items could not be read: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '…' : ''}`, 'error');
        return add(files, target);
      });
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [add]);

  const value = useMemo<Uploads>(() => ({ queue, choose, add, interrupted, dismissInterrupted, dropTarget }),
    [queue, choose, add, interrupted, dismissInterrupted, dropTarget]);

  // webkitdirectory is not in React's typings; React passes the attribute through as written.
  const folderAttrs = { webkitdirectory: '', directory: '' } as Record<string, string>;
  return (
    <UploadContext.Provider value={value}>
      {children}
      <input ref={filesInput} type="file" multiple accept={ACCEPT} hidden aria-label="Choose photos and videos to upload"
        onChange={(e) => onPicked(e.currentTarget)} />
      <input ref={folderInput} type="file" multiple hidden aria-label="Choose a folder to upload" {...folderAttrs}
        onChange={(e) => onPicked(e.currentTarget)} />
      {dragging && (
        <div className="upload-drop" aria-hidden="true">
          <div className="upload-drop-card">
            <p className="upload-drop-title">Drop to upload</p>
            <p className="upload-drop-target">
              {dropTarget?.canAdd ? `into the album “${dropTarget.name}”` : 'to your library'}
              {dropTarget && !dropTarget.canAdd ? ` (${dropTarget.why ?? 'you cannot add to this album'})` : ''}
            </p>
          </div>
        </div>
      )}
      <UploadPanel />
    </UploadContext.Provider>
  );
}

/** "Upload" (files or a folder) into my library, or into `albumId` when given. */
export function UploadButton({ albumId, label = 'Upload' }: { albumId?: string; label?: string }) {
  const { choose } = useUploads();
  const [open, setOpen] = useState(false);
  const wrap = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const target: UploadTarget = albumId ? { albumId } : {};

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    const away = (e: PointerEvent) => { if (!wrap.current?.contains(e.target as Node)) setOpen(false); };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [open]);

  const pick = (kind: PickKind) => {
    setOpen(false);
    choose(kind, { target });
  };

  // Menu keys: arrows move, Home/End jump, Escape closes and returns focus, Tab leaves.
  const onMenuKey = (e: KeyboardEvent<HTMLUListElement>) => {
    const items = Array.from(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? []);
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    const go = (i: number) => { e.preventDefault(); items[(i + items.length) % items.length]?.focus(); };
    if (e.key === 'ArrowDown') go(at + 1);
    else if (e.key === 'ArrowUp') go(at - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(items.length - 1);
    else if (e.key === 'Escape') { e.preventDefault(); setOpen(false); trigger.current?.focus(); }
    else if (e.key === 'Tab') setOpen(false);
  };

  return (
    <div className="upload-menu" ref={wrap}>
      <button ref={trigger} type="button" className="button button-primary" aria-haspopup="menu" aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => { if (e.key === 'ArrowDown') { e.preventDefault(); setOpen(true); } }}>
        <span aria-hidden="true">⇪</span> {label}
      </button>
      {open && (
        <ul ref={menu} role="menu" aria-label={label} className="upload-menu-list" onKeyDown={onMenuKey}>
          <li role="none"><button type="button" role="menuitem" tabIndex={-1} onClick={() => pick('files')}>Upload photos</button></li>
          <li role="none"><button type="button" role="menuitem" tabIndex={-1} onClick={() => pick('folder')}>Upload a folder</button></li>
        </ul>
      )}
    </div>
  );
}
