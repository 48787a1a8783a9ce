// The full-screen viewer over a list of photos (timeline, trash, album, public link): large
// picture, next/previous (keys, buttons, swipe), zoom (double-click, pinch, wheel, buttons),
// video playback, details, download of the original. Extra actions come from the caller.
import {
  useCallback, useEffect, useId, useLayoutEffect, useRef, useState,
  type KeyboardEvent as ReactKeyboardEvent, type MouseEvent as ReactMouseEvent, type PointerEvent as ReactPointerEvent, type ReactNode,
} from 'react';
import type { PhotoDetails, PhotoItem, PhotoScope } from '../../shared/types.ts';
import { proxy, worker } from '../../client/worker.ts';
import { errorText } from '../../shared/rpc.ts';
import { ErrorMessage, ProgressBar } from '../../ui/bits.tsx';
import { formatBytes, formatDateTime, formatDuration } from '../../ui/format.ts';
import { saveOriginal } from './download.ts';
import { loadThumbnail, useThumbnail } from './thumbs.ts';
import { Icon, type IconName } from './icons.tsx';
import './photos.css';

export interface ViewerProps {
  readonly scope: PhotoScope;
  readonly items: readonly PhotoItem[];
  readonly index: number;
  readonly onIndexChange: (index: number) => void;
  readonly onClose: () => void;
  /** Called once the viewer has closed, with the index last shown (give focus back to its tile here). */
  readonly afterClose?: (index: number) => void;
  /** Buttons for the shown item (Trash, Remove from album, Share…), placed in the top bar. */
  readonly actions?: (item: PhotoItem) => ReactNode;
  /** False when the scope forbids downloads (a public link without downloads): no Download button. */
  readonly allowDownload?: boolean;
}

interface Zoom { readonly s: number; readonly x: number; readonly y: number }
const NO_ZOOM: Zoom = { s: 1, x: 0, y: 0 };
const MAX_ZOOM = 6;
const SWIPE_PX = 60;

/**
 * [Note: when the viewer shows the original] The large thumbnail (≤ 1920 px) comes first: it is
 * small and often cached. The original replaces it only when it can add something — the person
 * zoomed in, or the screen has far more pixels than the thumbnail (a 4K monitor; not a phone, to spare its data) — and only when it is cheap: a
 * format every browser decodes, at most CHEAP_ORIGINAL bytes. Anything else (HEIC, RAW, huge
 * files) stays on the large thumbnail; Download still gives the original.
 */
const CHEAP_ORIGINAL = 30 * 1024 * 1024;
const DISPLAYABLE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/bmp']);
const LARGE_PX = 1920;

const zoneName = (() => {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone; } catch { return undefined; }
})();

export function formatCoordinates(lat: number, lon: number): string {
  const f = (v: number, pos: string, neg: string) => `${Math.abs(v).toFixed(5)}° ${v >= 0 ? pos : neg}`;
  return `${f(lat, 'N', 'S')}, ${f(lon, 'E', 'W')}`;
}

export function cameraText(make?: string, model?: string): string | undefined {
  if (!make && !model) return undefined;
  if (!make) return model;
  if (!model) return make;
  // "Canon" + "Canon EOS R5" reads as "Canon EOS R5"
  const firstWord = make.split(/\s+/)[0]!.toLowerCase();
  return model.toLowerCase().startsWith(firstWord) ? model : `${make} ${model}`;
}

export function Viewer(props: ViewerProps) {
  const { scope, items, onIndexChange, onClose } = props;
  const count = items.length;
  const index = Math.min(Math.max(0, props.index), Math.max(0, count - 1));
  const item = items[index];
  const dialogRef = useRef<HTMLDialogElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const detailsId = useId();
  const [detailsOpen, setDetailsOpen] = useState(() => window.matchMedia('(min-width: 1000px)').matches);
  const [zoom, setZoom] = useState<Zoom>(NO_ZOOM);
  const [download, setDownload] = useState<{ done: number; total: number; name: string } | null>(null);
  const [actionError, setActionError] = useState<unknown>();
  const lastIndex = useRef(index);
  lastIndex.current = index;
  const afterClose = useRef(props.afterClose);
  afterClose.current = props.afterClose;

  // Open as a modal dialog (focus kept inside, the page behind inert); give focus back on close.
  useLayoutEffect(() => {
    const d = dialogRef.current!;
    if (!d.open) d.showModal();
    return () => {
      if (d.open) d.close();
      const i = lastIndex.current;
      // after the dialog has left the top layer, so the page is focusable again
      requestAnimationFrame(() => afterClose.current?.(i));
    };
  }, []);

  const go = useCallback((delta: number) => {
    const next = index + delta;
    if (next >= 0 && next < count) onIndexChange(next);
  }, [index, count, onIndexChange]);

  // A new photo starts unzoomed, with no error from the previous one.
  useEffect(() => { setZoom(NO_ZOOM); setActionError(undefined); }, [item?.fileId]);

  // Prefetch the neighbours' large pictures so next/previous feel instant.
  useEffect(() => {
    const ac = new AbortController();
    for (const n of [items[index + 1], items[index - 1]]) {
      if (n && !n.problem) loadThumbnail(scope, n.fileId, 'large', ac.signal).catch(() => undefined);
    }
    return () => ac.abort();
  }, [scope, items, index]);

  const zoomBy = useCallback((factor: number, at?: { x: number; y: number }) => {
    const stage = stageRef.current;
    if (!stage) return;
    const r = stage.getBoundingClientRect();
    setZoom((z) => zoomAt(z, Math.min(MAX_ZOOM, Math.max(1, z.s * factor)), at ?? { x: r.left + r.width / 2, y: r.top + r.height / 2 }, r));
  }, []);

  const onKeyDown = (e: ReactKeyboardEvent) => {
    const t = e.target as HTMLElement;
    if (t.closest('input, textarea, select, video, [role="slider"]') || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'ArrowLeft') { e.preventDefault(); go(-1); }
    else if (e.key === 'ArrowRight') { e.preventDefault(); go(1); }
    else if (e.key === '+' || e.key === '=') { e.preventDefault(); zoomBy(1.5); }
    else if (e.key === '-') { e.preventDefault(); zoomBy(1 / 1.5); }
    else if (e.key === '0') { e.preventDefault(); setZoom(NO_ZOOM); }
  };

  const onDownload = async () => {
    if (!item || download) return;
    setActionError(undefined);
    setDownload({ done: 0, total: item.size, name: item.name });
    try {
      await saveOriginal(scope, item.fileId, (done, total) => setDownload({ done, total, name: item.name }), dialogRef.current);
    } catch (e) {
      setActionError(e);
    } finally {
      setDownload(null);
    }
  };

  const allowDownload = props.allowDownload !== false;
  const isPhoto = item?.kind === 'photo' && !item.problem;
  return (
    <dialog ref={dialogRef} className="viewer" aria-label={item ? `${item.name}, ${index + 1} of ${count}` : 'Viewer'}
      onCancel={(e) => { e.preventDefault(); onClose(); }}
      // the browser closed it (e.g. a second Esc): follow, unless it is open again (a remount in development)
      onClose={() => { if (!dialogRef.current?.open) onClose(); }} onKeyDown={onKeyDown}>
      <div className="viewer-bar">
        <button type="button" className="icon-button viewer-icon" aria-label="Close viewer" title="Close (Esc)" onClick={onClose}><Icon name="close" size={22} /></button>
        <div className="viewer-title">
          <span className="viewer-name">{item?.name}</span>
          <span className="viewer-count">{count > 0 ? `${index + 1} of ${count}` : ''}</span>
        </div>
        <div className="viewer-actions">
          {item && props.actions?.(item)}
          {item && allowDownload && !item.problem && (
            <button type="button" className="viewer-button" onClick={() => void onDownload()} disabled={!!download} aria-label="Download" title="Download the original">
              <Icon name="download" /><span className="viewer-button-text">Download</span>
            </button>
          )}
          {isPhoto && (
            <>
              <button type="button" className="icon-button viewer-icon viewer-zoom" aria-label="Zoom out" title="Zoom out (−)" onClick={() => zoomBy(1 / 1.5)} disabled={zoom.s <= 1}><Icon name="zoomOut" size={22} /></button>
              <button type="button" className="icon-button viewer-icon viewer-zoom" aria-label="Zoom in" title="Zoom in (+)" onClick={() => zoomBy(1.5)} disabled={zoom.s >= MAX_ZOOM}><Icon name="zoomIn" size={22} /></button>
            </>
          )}
          <button type="button" className="icon-button viewer-icon" aria-label="Details" title="Details" aria-expanded={detailsOpen} aria-controls={detailsId}
            onClick={() => setDetailsOpen((o) => !o)}><Icon name="info" size={22} /></button>
        </div>
      </div>
      {download && (
        <div className="viewer-progress" role="status">
          <span>Downloading {download.name}… {download.total > 0 ? Math.floor((download.done / download.total) * 100) : 0}%</span>
          <ProgressBar value={download.done} max={download.total} label={`Downloading ${download.name}`} />
        </div>
      )}
      {actionError !== undefined && <div className="viewer-error"><ErrorMessage error={actionError} /></div>}
      <div className="viewer-body">
        <div className="viewer-stage" ref={stageRef}>
          {item && (
            <Stage key={item.fileId} scope={scope} item={item} zoom={zoom} setZoom={setZoom} go={go} stageRef={stageRef}
              hasPrev={index > 0} hasNext={index < count - 1} />
          )}
          {index > 0 && (
            <button type="button" className="viewer-nav viewer-prev" aria-label="Previous photo" title="Previous (←)" onClick={() => go(-1)}><Icon name="prev" size={32} /></button>
          )}
          {index < count - 1 && (
            <button type="button" className="viewer-nav viewer-next" aria-label="Next photo" title="Next (→)" onClick={() => go(1)}><Icon name="next" size={32} /></button>
          )}
        </div>
        <aside id={detailsId} className="viewer-details" hidden={!detailsOpen} aria-label="Details">
          {item && detailsOpen && <Details key={item.fileId} scope={scope} item={item} />}
        </aside>
      </div>
    </dialog>
  );
}

/** Zooms to `s` keeping the point `p` (client coordinates) where it is on screen. */
function zoomAt(z: Zoom, s: number, p: { x: number; y: number }, stage: DOMRect): Zoom {
  if (s <= 1.001) return NO_ZOOM;
  const cx = stage.left + stage.width / 2;
  const cy = stage.top + stage.height / 2;
  const qx = (p.x - cx - z.x) / z.s;
  const qy = (p.y - cy - z.y) / z.s;
  return clampPan({ s, x: p.x - cx - s * qx, y: p.y - cy - s * qy }, stage);
}

function clampPan(z: Zoom, stage: { width: number; height: number }): Zoom {
  const mx = ((z.s - 1) * stage.width) / 2;
  const my = ((z.s - 1) * stage.height) / 2;
  return { s: z.s, x: Math.max(-mx, Math.min(mx, z.x)), y: Math.max(-my, Math.min(my, z.y)) };
}

function Stage(p: {
  scope: PhotoScope; item: PhotoItem; zoom: Zoom; setZoom: (f: (z: Zoom) => Zoom) => void; go: (d: number) => void;
  stageRef: { readonly current: HTMLDivElement | null }; hasPrev: boolean; hasNext: boolean;
}) {
  const { item, scope, zoom, setZoom, stageRef } = p;
  const small = useThumbnail(scope, item.fileId, 'small', !item.problem);
  const large = useThumbnail(scope, item.fileId, 'large', !item.problem);
  const [swipe, setSwipe] = useState(0);
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const zoomRef = useRef(zoom);
  zoomRef.current = zoom;
  const gesture = useRef<{ kind: 'swipe' | 'pan' | 'pinch'; x: number; y: number; dist: number; s: number; zoom: Zoom } | null>(null);

  // Wheel: ctrl+wheel (and trackpad pinch) zooms at the pointer; a plain wheel pans when zoomed.
  useEffect(() => {
    const stage = stageRef.current;
    if (!stage || item.kind !== 'photo' || item.problem) return;
    const onWheel = (e: WheelEvent) => {
      const r = stage.getBoundingClientRect();
      if (e.ctrlKey) {
        e.preventDefault();
        setZoom((z) => zoomAt(z, Math.min(MAX_ZOOM, Math.max(1, z.s * Math.exp(-e.deltaY * 0.01))), { x: e.clientX, y: e.clientY }, r));
      } else if (zoomRef.current.s > 1) {
        e.preventDefault();
        setZoom((z) => clampPan({ s: z.s, x: z.x - e.deltaX, y: z.y - e.deltaY }, r));
      }
    };
    stage.addEventListener('wheel', onWheel, { passive: false });
    return () => stage.removeEventListener('wheel', onWheel);
  }, [stageRef, item, setZoom]);

  const rect = () => stageRef.current!.getBoundingClientRect();
  const onPointerDown = (e: ReactPointerEvent) => {
    if ((e.target as HTMLElement).closest('button, video')) return;
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    e.currentTarget.setPointerCapture(e.pointerId);
    const pts = [...pointers.current.values()];
    if (pts.length === 2 && item.kind === 'photo') {
      const [a, b] = pts as [{ x: number; y: number }, { x: number; y: number }];
      gesture.current = { kind: 'pinch', x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, dist: Math.hypot(a.x - b.x, a.y - b.y), s: zoom.s, zoom };
      setSwipe(0);
    } else if (pts.length === 1) {
      gesture.current = { kind: zoom.s > 1 ? 'pan' : 'swipe', x: e.clientX, y: e.clientY, dist: 0, s: zoom.s, zoom };
    }
  };
  const onPointerMove = (e: ReactPointerEvent) => {
    if (!pointers.current.has(e.pointerId)) return;
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    const g = gesture.current;
    if (!g) return;
    if (g.kind === 'pinch') {
      const [a, b] = [...pointers.current.values()] as [{ x: number; y: number }, { x: number; y: number }];
      if (!a || !b) return;
      const s = Math.min(MAX_ZOOM, Math.max(1, (g.s * Math.hypot(a.x - b.x, a.y - b.y)) / Math.max(1, g.dist)));
      setZoom(() => zoomAt(g.zoom, s, { x: g.x, y: g.y }, rect()));
    } else if (g.kind === 'pan') {
      setZoom(() => clampPan({ s: g.zoom.s, x: g.zoom.x + e.clientX - g.x, y: g.zoom.y + e.clientY - g.y }, rect()));
    } else if (e.pointerType !== 'mouse') {
      setSwipe(e.clientX - g.x);
    }
  };
  const onPointerUp = (e: ReactPointerEvent) => {
    pointers.current.delete(e.pointerId);
    const g = gesture.current;
    if (g?.kind === 'swipe' && e.pointerType !== 'mouse') {
      const dx = e.clientX - g.x;
      const dy = e.clientY - g.y;
      if (Math.abs(dx) > SWIPE_PX && Math.abs(dx) > Math.abs(dy)) p.go(dx > 0 ? -1 : 1);
    }
    setSwipe(0);
    gesture.current = pointers.current.size ? gesture.current : null;
  };
  const onDoubleClick = (e: ReactMouseEvent) => {
    if (item.kind !== 'photo' || (e.target as HTMLElement).closest('button')) return;
    setZoom((z) => (z.s > 1 ? NO_ZOOM : zoomAt(z, 2.5, { x: e.clientX, y: e.clientY }, rect())));
  };

  let content: ReactNode;
  if (item.problem) {
    content = (
      <div className="viewer-problem" role="img" aria-label={`${item.name}: ${item.problem}`}>
        <span aria-hidden="true" className="viewer-problem-icon">⚠</span>
        <p>This {item.kind} is not shown: it {item.problem}.</p>
      </div>
    );
  } else if (item.kind === 'video') {
    content = <VideoPlayer scope={scope} item={item} poster={large.url ?? small.url} />;
  } else {
    content = <PhotoPicture scope={scope} item={item} zoom={zoom} smallUrl={small.url} largeUrl={large.url} error={large.error ?? small.error} />;
  }
  return (
    <div className="viewer-gesture" style={{ transform: swipe ? `translateX(${swipe}px)` : undefined }}
      onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={onPointerUp} onPointerCancel={onPointerUp} onDoubleClick={onDoubleClick}>
      {content}
    </div>
  );
}

function PhotoPicture(p: { scope: PhotoScope; item: PhotoItem; zoom: Zoom; smallUrl?: string; largeUrl?: string; error?: unknown }) {
  const { item, zoom } = p;
  const [details, setDetails] = useState<PhotoDetails>();
  const [original, setOriginal] = useState<{ url?: string; loading?: boolean; failed?: boolean }>({});
  const [decoded, setDecoded] = useState(false);

  useEffect(() => {
    let live = true;
    worker.media.details(p.scope, item.fileId).then((d) => { if (live) setDetails(d); }, () => undefined);
    return () => { live = false; };
  }, [p.scope, item.fileId]);

  // See [Note: when the viewer shows the original]. Once wanted, it stays wanted for this photo.
  const screenPx = Math.max(window.innerWidth, window.innerHeight) * (window.devicePixelRatio || 1);
  const photoPx = Math.max(item.width ?? 0, item.height ?? 0);
  const cheap = !!details && DISPLAYABLE.has(details.mimeType) && item.size <= CHEAP_ORIGINAL;
  const [want, setWant] = useState(false);
  if (!want && cheap && photoPx > LARGE_PX && (zoom.s > 1 || screenPx > LARGE_PX * 1.5)) setWant(true);
  useEffect(() => {
    if (!want) return;
    let live = true;
    let url: string | undefined;
    setOriginal({ loading: true });
    worker.media.original(p.scope, item.fileId).then(({ blob }) => {
      if (!live) return;
      url = URL.createObjectURL(blob);
      setOriginal({ url });
    }, () => { if (live) setOriginal({ failed: true }); });
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [want, p.scope, item.fileId]);
  const loading = original.loading === true;

  const src = (decoded && original.url) || p.largeUrl || p.smallUrl;
  const transform = zoom.s > 1 ? `translate(${zoom.x}px, ${zoom.y}px) scale(${zoom.s})` : undefined;
  return (
    <>
      {src ? (
        <img className={`viewer-img${zoom.s > 1 ? ' viewer-zoomed' : ''}${!p.largeUrl && !decoded ? ' viewer-img-soft' : ''}`} src={src} alt={item.name}
          style={{ transform }} draggable={false} />
      ) : p.error ? (
        <p className="viewer-message" role="alert">This photo could not be shown: {errorText(p.error)}</p>
      ) : (
        <div className="viewer-loading" role="status" aria-label={`Loading ${item.name}`} />
      )}
      {original.url && !decoded && (
        // decode the original off screen, then swap it in without a flash
        <img className="viewer-preload" src={original.url} alt="" aria-hidden="true" onLoad={() => setDecoded(true)} onError={() => setOriginal({ failed: true })} />
      )}
      {loading && <span className="viewer-badge" role="status">Loading full resolution…</span>}
    </>
  );
}

function VideoPlayer(p: { scope: PhotoScope; item: PhotoItem; poster?: string }) {
  const { item } = p;
  const [state, setState] = useState<{ phase: 'poster' | 'loading' | 'ready' | 'error'; done?: number; total?: number; url?: string; error?: unknown; unplayable?: boolean }>({ phase: 'poster' });
  const url = state.url;
  useEffect(() => () => { if (url) URL.revokeObjectURL(url); }, [url]);
  const live = useRef(true);
  useEffect(() => () => { live.current = false; }, []);

  const play = async () => {
    setState({ phase: 'loading', done: 0, total: item.size });
    try {
      const { blob } = await worker.media.original(p.scope, item.fileId, proxy((done: number, total: number) => {
        if (live.current) setState((s) => (s.phase === 'loading' ? { ...s, done, total } : s));
      }));
      if (!live.current) return;
      setState({ phase: 'ready', url: URL.createObjectURL(blob) });
    } catch (e) {
      if (live.current) setState({ phase: 'error', error: e });
    }
  };

  if (state.phase === 'ready' && url && !state.unplayable) {
    return (
      <div className="viewer-video">
        <video className="viewer-video-el" src={url} controls autoPlay playsInline aria-label={item.name}
          onError={() => setState((s) => ({ ...s, unplayable: true }))} />
      </div>
    );
  }
  if (state.unplayable) {
    return (
      <div className="viewer-video">
        {p.poster && <img className="viewer-img" src={p.poster} alt={item.name} draggable={false} />}
        <div className="viewer-video-overlay">
          <p className="viewer-message" role="alert">This browser cannot play this video’s format. Download it to play it with another app.</p>
        </div>
      </div>
    );
  }
  const pct = state.total ? Math.floor(((state.done ?? 0) / state.total) * 100) : 0;
  return (
    <div className="viewer-video">
      {p.poster && <img className="viewer-img" src={p.poster} alt={item.name} draggable={false} />}
      <div className="viewer-video-overlay">
        {state.phase === 'loading' ? (
          <div className="viewer-video-progress" role="status">
            <span>Loading video… {pct}%</span>
            <ProgressBar value={state.done ?? 0} max={state.total ?? 0} label={`Loading ${item.name}`} />
          </div>
        ) : (
          <>
            <button type="button" className="viewer-play" onClick={() => void play()} aria-label={`Play video ${item.name}`}>
              <Icon name="play" size={40} />
            </button>
            {item.durationMs !== undefined && <span className="viewer-duration">{formatDuration(item.durationMs)}</span>}
            {state.phase === 'error' && <p className="viewer-message" role="alert">The video could not be loaded: {errorText(state.error)}</p>}
          </>
        )}
      </div>
    </div>
  );
}

const captureNote: Record<string, string> = {
  exif: '', container: '', mtime: ' (from the file’s date)', unknown: ' (date unknown; upload time)',
};

function Details(p: { scope: PhotoScope; item: PhotoItem }) {
  const { item } = p;
  const [details, setDetails] = useState<PhotoDetails>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    worker.media.details(p.scope, item.fileId).then((d) => { if (live) setDetails(d); }, (e: unknown) => { if (live) setError(e); });
    return () => { live = false; };
  }, [p.scope, item.fileId]);

  if (item.problem) {
    return (
      <div className="viewer-details-inner">
        <h2>Details</h2>
        <p className="error">Refused: this {item.kind} {item.problem}.</p>
        <dl className="details-list">
          <dt>Uploaded by</dt>
          <dd>{item.uploader.displayName}{item.uploader.email ? <><br /><span className="details-muted">{item.uploader.email}</span></> : null}</dd>
        </dl>
      </div>
    );
  }
  if (error) return <div className="viewer-details-inner"><h2>Details</h2><ErrorMessage error={error} /></div>;
  if (!details) return <div className="viewer-details-inner" role="status" aria-label="Loading details"><h2>Details</h2><div className="details-skeleton" /></div>;
  const d = details;
  const camera = cameraText(d.cameraMake, d.cameraModel);
  const taken = d.capturedAt > 0
    ? new Date(d.capturedAt).toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' })
    : 'Unknown';
  return (
    <div className="viewer-details-inner">
      <h2>Details</h2>
      <dl className="details-list">
        <dt>Name</dt>
        <dd className="details-name">{d.name}</dd>
        <dt>Taken</dt>
        <dd>{taken}{captureNote[d.captureSource] ?? ''}{zoneName && d.capturedAt > 0 ? <><br /><span className="details-muted">Shown in your time zone ({zoneName})</span></> : null}</dd>
        {camera && <><dt>Camera</dt><dd>{camera}</dd></>}
        <dt>Size</dt>
        <dd>
          {d.width && d.height ? `${d.width} × ${d.height} px · ` : ''}{formatBytes(d.size)}
          {d.kind === 'video' && d.durationMs !== undefined ? ` · ${formatDuration(d.durationMs)}` : ''}
        </dd>
        {d.gps && (
          <>
            <dt>Place</dt>
            <dd>
              {formatCoordinates(d.gps.latitude, d.gps.longitude)}
              {d.gps.altitude !== undefined ? <><br /><span className="details-muted">{Math.round(d.gps.altitude)} m above sea level</span></> : null}
            </dd>
          </>
        )}
        <dt>Uploaded by</dt>
        <dd>
          {d.uploader.displayName}
          {d.uploader.email ? <><br /><span className="details-muted">{d.uploader.email}</span></> : null}
          <br />
          {d.signatureVerified
            ? <span className="details-verified"><span aria-hidden="true">✓ </span>Signature verified</span>
            : <span className="error">Signature not verified</span>}
        </dd>
        {d.addedBy && d.addedBy.id !== d.uploader.id && <><dt>Added to the album by</dt><dd>{d.addedBy.displayName}</dd></>}
        {d.uploadedAt && <><dt>Uploaded</dt><dd>{formatDateTime(d.uploadedAt)}</dd></>}
        <dt>Type</dt>
        <dd>{d.mimeType}</dd>
      </dl>
    </div>
  );
}

/** A button in the viewer's top bar (icon only at phone width, so it is named by aria-label). */
export function ViewerAction(p: { label: string; icon: IconName; onClick: () => void; disabled?: boolean }) {
  return (
    <button type="button" className="viewer-button" onClick={p.onClick} disabled={p.disabled} aria-label={p.label} title={p.label}>
      <Icon name={p.icon} /><span className="viewer-button-text">{p.label}</span>
    </button>
  );
}
