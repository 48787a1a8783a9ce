// The photo grid for every screen (timeline, trash, albums, public links): justified rows by
// aspect ratio, day/month headers, a date scrubber, selection, and only the visible rows in the
// DOM. See [Note: virtual grid] and [Note: justified rows] in layout.ts.
import {
  memo, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState,
  type CSSProperties, type KeyboardEvent as ReactKeyboardEvent, type MouseEvent as ReactMouseEvent, type PointerEvent as ReactPointerEvent, type Ref,
} from 'react';
import type { PhotoItem, PhotoScope } from '../../shared/types.ts';
import { errorText } from '../../shared/rpc.ts';
import { formatDuration } from '../../ui/format.ts';
import { dayLabel, monthLabel } from './dates.ts';
import {
  aspectOf, computeLayout, itemBox, markAt, neighbour, scrubMarks, targetRowHeightFor, visibleBlocks, yearLabels, UNKNOWN_DATE,
  type GroupBy, type Layout, type ScrubMark,
} from './layout.ts';
import { useThumbnail } from './thumbs.ts';
import './photos.css';

export type { GroupBy } from './layout.ts';

export interface PhotoGridHandle {
  /** Scrolls item `index` into view and gives it keyboard focus (e.g. when the viewer closes). */
  focusItem(index: number): void;
  /** Scrolls item `index` into view without moving focus. */
  scrollToItem(index: number): void;
}

export interface PhotoGridProps {
  readonly scope: PhotoScope;
  /** In display order (the timeline: newest first). */
  readonly items: readonly PhotoItem[];
  readonly groupBy: GroupBy;
  /** A tile was activated outside selection mode: open the viewer at `index`. */
  readonly onOpen: (index: number) => void;
  /** File ids selected; with `onSelectionChange`, tiles get checkboxes and the selection gestures. */
  readonly selection?: ReadonlySet<string>;
  readonly onSelectionChange?: (next: Set<string>) => void;
  /** A short line under a tile (e.g. the uploader's name in an album). */
  readonly caption?: (item: PhotoItem) => string | undefined;
  /** Accessible name of the grid (default "Photos"). */
  readonly label?: string;
  readonly ref?: Ref<PhotoGridHandle>;
}

const GAP = 4;
const HEADER_H = 44;
const MONTH_TITLE_H = 48;
const GROUP_GAP = 12;
const LONG_PRESS_MS = 450;
/** Keep tiles mounted this many viewport heights beyond the screen (smooth scrolling, prefetch). */
const OVERSCAN = 0.75;
/** Room kept on the right for the scrubber on grouped grids. */
const scrubberWidth = (width: number) => (width < 480 ? 22 : 44);

type Scroller = HTMLElement | Window;

/** The nearest scrolling ancestor (main#main in the app), else the window (public pages). */
function findScroller(el: HTMLElement): Scroller {
  for (let p = el.parentElement; p; p = p.parentElement) {
    const o = getComputedStyle(p).overflowY;
    if (o === 'auto' || o === 'scroll') return p;
  }
  return window;
}

/** The scroller's visible box in viewport coordinates. */
function viewportOf(s: Scroller): { top: number; height: number; right: number } {
  if (s instanceof Window) return { top: 0, height: window.innerHeight, right: document.documentElement.clientWidth };
  const r = s.getBoundingClientRect();
  return { top: r.top + s.clientTop, height: s.clientHeight, right: r.left + s.clientLeft + s.clientWidth };
}

function scrollBy(s: Scroller, dy: number): void {
  if (s instanceof Window) window.scrollBy({ top: dy });
  else s.scrollTop += dy;
}

interface Handlers {
  click(index: number, e: ReactMouseEvent): void;
  check(index: number, shift: boolean): void;
  key(index: number, e: ReactKeyboardEvent): void;
  longPress(index: number): void;
}

export function PhotoGrid(props: PhotoGridProps) {
  const { scope, items, groupBy, selection, onSelectionChange, caption } = props;
  const selectable = !!onSelectionChange;
  const rootRef = useRef<HTMLDivElement>(null);
  const scrollerRef = useRef<Scroller | null>(null);
  const [width, setWidth] = useState(0);
  const [range, setRange] = useState({ first: 0, last: 0 });
  const [viewportH, setViewportH] = useState(800);
  const pendingFocus = useRef<number | null>(null);
  const anchor = useRef<number | null>(null);
  const bandListeners = useRef(new Set<(top: number) => void>());

  const grouped = groupBy !== 'none';
  const innerWidth = Math.max(0, width - (grouped ? scrubberWidth(width) : 0));
  const layout = useMemo<Layout | undefined>(() => {
    if (innerWidth <= 0) return undefined;
    const aspects = new Float64Array(items.length);
    const times = new Float64Array(items.length);
    items.forEach((it, i) => { aspects[i] = aspectOf(it.width, it.height); times[i] = it.capturedAt; });
    return computeLayout(aspects, times, {
      width: innerWidth, targetRowHeight: targetRowHeightFor(innerWidth), gap: GAP, groupBy,
      headerHeight: HEADER_H, monthTitleHeight: MONTH_TITLE_H, groupGap: GROUP_GAP,
    });
  }, [items, innerWidth, groupBy]);
  const layoutRef = useRef(layout);
  layoutRef.current = layout;
  const marks = useMemo(() => (layout ? scrubMarks(layout) : []), [layout]);

  /** The visible band in grid coordinates. */
  const band = useCallback((): { top: number; bottom: number } | undefined => {
    const root = rootRef.current;
    const s = scrollerRef.current;
    if (!root || !s) return undefined;
    const v = viewportOf(s);
    const top = v.top - root.getBoundingClientRect().top;
    return { top, bottom: top + v.height };
  }, []);

  const update = useCallback(() => {
    const l = layoutRef.current;
    const b = band();
    if (!l || !b) return;
    const over = (b.bottom - b.top) * OVERSCAN;
    const next = visibleBlocks(l, b.top - over, b.bottom + over);
    setRange((r) => (r.first === next.first && r.last === next.last ? r : next));
    for (const fn of bandListeners.current) fn(b.top);
  }, [band]);

  // Measure the width and follow the scroller (rAF-throttled: one range lookup per frame).
  useLayoutEffect(() => {
    const root = rootRef.current!;
    const scroller = findScroller(root);
    scrollerRef.current = scroller;
    let frame = 0;
    const onScroll = () => { if (!frame) frame = requestAnimationFrame(() => { frame = 0; update(); }); };
    const measure = () => {
      setWidth(Math.floor(root.clientWidth));
      setViewportH(viewportOf(scroller).height);
      onScroll();
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(root);
    if (!(scroller instanceof Window)) ro.observe(scroller);
    scroller.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('resize', onScroll);
    return () => {
      ro.disconnect();
      scroller.removeEventListener('scroll', onScroll);
      window.removeEventListener('resize', onScroll);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [update]);

  useLayoutEffect(() => { update(); }, [layout, update]);

  /** Scrolls so item `index` is on screen (centred when it was off screen). */
  const scrollToItem = useCallback((index: number) => {
    const l = layoutRef.current;
    const s = scrollerRef.current;
    const b = band();
    if (!l || !s || !b || index < 0 || index >= l.x.length) return;
    const box = itemBox(l, index);
    const margin = 96; // the sticky page header
    if (box.top >= b.top + margin && box.top + box.height <= b.bottom) return;
    scrollBy(s, box.top - b.top - (b.bottom - b.top - box.height) / 2);
    update();
  }, [band, update]);

  const focusTile = useCallback((index: number): boolean => {
    const el = rootRef.current?.querySelector<HTMLElement>(`[data-index="${index}"] .ptile-open`);
    if (!el) return false;
    el.focus();
    return true;
  }, []);

  const focusItem = useCallback((index: number) => {
    scrollToItem(index);
    if (!focusTile(index)) pendingFocus.current = index;
  }, [scrollToItem, focusTile]);

  useImperativeHandle(props.ref, () => ({ focusItem, scrollToItem }), [focusItem, scrollToItem]);

  useLayoutEffect(() => {
    if (pendingFocus.current !== null && focusTile(pendingFocus.current)) pendingFocus.current = null;
  });

  // Selection gestures ------------------------------------------------------------------
  const latest = useRef({ items, selection, onSelectionChange, onOpen: props.onOpen, layout });
  latest.current = { items, selection, onSelectionChange, onOpen: props.onOpen, layout };

  const handlers = useMemo<Handlers>(() => {
    const toggle = (index: number) => {
      const { items: its, selection: sel, onSelectionChange: change } = latest.current;
      const id = its[index]?.fileId;
      if (!change || !id) return;
      const next = new Set(sel);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      anchor.current = index;
      change(next);
    };
    const extend = (index: number) => {
      const { items: its, selection: sel, onSelectionChange: change } = latest.current;
      if (!change) return;
      const from = anchor.current ?? index;
      const next = new Set(sel);
      for (let i = Math.min(from, index); i <= Math.max(from, index); i++) next.add(its[i]!.fileId);
      anchor.current = index;
      change(next);
    };
    let suppressClick = false;
    return {
      click(index, e) {
        if (suppressClick) { suppressClick = false; return; }
        const { selection: sel, onSelectionChange: change, onOpen } = latest.current;
        if (change && e.shiftKey && anchor.current !== null) extend(index);
        else if (change && (e.ctrlKey || e.metaKey || (sel?.size ?? 0) > 0)) toggle(index);
        else onOpen(index);
      },
      check(index, shift) {
        if (shift && anchor.current !== null) extend(index);
        else toggle(index);
      },
      key(index, e) {
        const l = latest.current.layout;
        if (!l) return;
        const dir = ({ ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' } as const)[e.key as 'ArrowLeft'];
        if (!dir) return;
        e.preventDefault();
        const to = neighbour(l, index, dir);
        if (to < 0 || to === index) return;
        // shift+arrow selects as it moves, like shift-click
        if (e.shiftKey && latest.current.onSelectionChange) { anchor.current = index; extend(to); }
        focusItem(to);
      },
      longPress(index) {
        suppressClick = true;
        toggle(index);
        // the click that ends this press must not toggle again; a later tap will
        setTimeout(() => { suppressClick = false; }, 800);
      },
    };
  }, [focusItem]);

  const onRootKeyDown = (e: ReactKeyboardEvent) => {
    if (!onSelectionChange) return;
    if (e.key === 'Escape' && (selection?.size ?? 0) > 0) {
      e.preventDefault();
      onSelectionChange(new Set());
    } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a' && (e.target as HTMLElement).closest('.ptile')) {
      e.preventDefault();
      onSelectionChange(new Set(items.map((i) => i.fileId)));
    }
  };

  /** Selects a whole day (or month), or clears it when all of it was selected. */
  const toggleGroup = useCallback((group: number) => {
    const { items: its, selection: sel, onSelectionChange: change, layout: l } = latest.current;
    const g = l?.groups[group];
    if (!change || !g) return;
    const next = new Set(sel);
    let all = true;
    for (let i = g.start; i < g.end && all; i++) if (!next.has(its[i]!.fileId)) all = false;
    for (let i = g.start; i < g.end; i++) {
      if (all) next.delete(its[i]!.fileId);
      else next.add(its[i]!.fileId);
    }
    change(next);
  }, []);

  // Scrubber ------------------------------------------------------------------------------
  const scrollToOffset = useCallback((offset: number) => {
    const s = scrollerRef.current;
    const b = band();
    if (!s || !b) return;
    scrollBy(s, offset - b.top);
  }, [band]);
  const subscribeBand = useCallback((fn: (top: number) => void) => {
    bandListeners.current.add(fn);
    return () => { bandListeners.current.delete(fn); };
  }, []);

  const selectMode = (selection?.size ?? 0) > 0;
  const blocks = layout?.blocks.slice(range.first, range.last) ?? [];
  const style: CSSProperties = { height: layout?.height ?? 0 };

  return (
    <div ref={rootRef} className={`pgrid${selectMode ? ' pgrid-selecting' : ''}${grouped ? ' pgrid-grouped' : ''}`} onKeyDown={onRootKeyDown}>
      <div className="pgrid-canvas" style={style} role="list" aria-label={props.label ?? 'Photos'}>
        {blocks.map((b) => {
          if (b.kind === 'header') {
            const g = layout!.groups[b.group]!;
            let all = false;
            if (selectable && selection) {
              all = true;
              for (let i = g.start; i < g.end && all; i++) if (!selection.has(items[i]!.fileId)) all = false;
            }
            return (
              <GroupHeader key={`h${g.key}`} top={b.top} height={b.height} groupKey={g.key} groupBy={groupBy} monthTitle={g.monthTitle}
                selectable={selectable} allSelected={all} group={b.group} onToggle={toggleGroup} width={innerWidth} />
            );
          }
          const tiles = [];
          for (let i = b.start; i < b.end; i++) {
            const item = items[i]!;
            tiles.push(
              <Tile key={item.fileId} scope={scope} item={item} index={i} top={b.top} left={layout!.x[i]!} width={layout!.w[i]!} height={b.height}
                selectable={selectable} selected={selection?.has(item.fileId) ?? false} selectMode={selectMode}
                caption={caption?.(item)} handlers={handlers} />,
            );
          }
          return tiles;
        })}
      </div>
      {grouped && layout && marks.length > 0 && layout.height > viewportH * 1.5 && (
        <Scrubber layout={layout} marks={marks} groupBy={groupBy} scroller={scrollerRef} subscribe={subscribeBand} scrollTo={scrollToOffset} phone={width < 480} />
      )}
    </div>
  );
}

function headerText(key: number, by: GroupBy): string {
  if (key === UNKNOWN_DATE) return 'Date unknown';
  return by === 'month' ? monthLabel(key) : dayLabel(key);
}

const GroupHeader = memo(function GroupHeader(p: {
  top: number; height: number; groupKey: number; groupBy: GroupBy; monthTitle: boolean; selectable: boolean; allSelected: boolean;
  group: number; onToggle: (group: number) => void; width: number;
}) {
  const text = headerText(p.groupKey, p.groupBy);
  const Heading = p.groupBy === 'month' ? 'h2' : 'h3';
  return (
    <div className="pgrid-header" style={{ top: p.top, height: p.height, width: p.width }} role="listitem">
      {p.monthTitle && <h2 className="pgrid-month">{p.groupKey === UNKNOWN_DATE ? 'Date unknown' : monthLabel(p.groupKey)}</h2>}
      {!(p.monthTitle && p.groupKey === UNKNOWN_DATE) && (
        <div className="pgrid-day">
          <Heading className="pgrid-day-title">{text}</Heading>
          {p.selectable && (
            <input type="checkbox" className="pgrid-day-check" checked={p.allSelected} onChange={() => p.onToggle(p.group)}
              aria-label={`Select all photos of ${text}`} />
          )}
        </div>
      )}
    </div>
  );
});

interface TileProps {
  scope: PhotoScope;
  item: PhotoItem;
  index: number;
  top: number;
  left: number;
  width: number;
  height: number;
  selectable: boolean;
  selected: boolean;
  selectMode: boolean;
  caption: string | undefined;
  handlers: Handlers;
}

const Tile = memo(function Tile(p: TileProps) {
  const { item, handlers, index } = p;
  const thumb = useThumbnail(p.scope, item.fileId, 'small', !item.problem);
  const press = useRef<{ timer: number; x: number; y: number } | null>(null);
  const video = item.kind === 'video';
  const duration = video && item.durationMs !== undefined ? formatDuration(item.durationMs) : undefined;
  const label = [item.name, video ? `video${duration ? `, ${duration}` : ''}` : undefined, p.caption].filter(Boolean).join(', ');

  const cancelPress = () => {
    if (press.current) { clearTimeout(press.current.timer); press.current = null; }
  };
  const onPointerDown = (e: ReactPointerEvent) => {
    if (e.pointerType !== 'touch' || !p.selectable) return;
    cancelPress();
    press.current = { x: e.clientX, y: e.clientY, timer: window.setTimeout(() => { press.current = null; handlers.longPress(index); }, LONG_PRESS_MS) };
  };
  const onPointerMove = (e: ReactPointerEvent) => {
    const s = press.current;
    if (s && Math.hypot(e.clientX - s.x, e.clientY - s.y) > 10) cancelPress();
  };
  useEffect(() => cancelPress, []);

  let picture;
  if (item.problem) {
    picture = (
      <span className="ptile-problem" role="img" aria-label={`${item.name}: ${item.problem}`}>
        <span aria-hidden="true" className="ptile-problem-icon">⚠</span>
        <span className="ptile-problem-text">Not shown: failed verification</span>
      </span>
    );
  } else if (thumb.url) {
    picture = <img className="ptile-img" src={thumb.url} alt={item.name} decoding="async" draggable={false} />;
  } else if (thumb.error) {
    picture = (
      <span className="ptile-problem" role="img" aria-label={`${item.name}: the thumbnail could not be shown: ${errorText(thumb.error)}`}>
        <span aria-hidden="true" className="ptile-problem-icon">!</span>
        <span className="ptile-problem-text">No preview</span>
      </span>
    );
  }

  return (
    <div className={`ptile${p.selected ? ' ptile-selected' : ''}`} data-index={index} role="listitem"
      style={{ top: p.top, left: p.left, width: p.width, height: p.height }}>
      <button type="button" className="ptile-open" aria-label={label} aria-pressed={p.selectMode ? p.selected : undefined}
        onClick={(e) => handlers.click(index, e)} onKeyDown={(e) => handlers.key(index, e)}
        onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={cancelPress} onPointerCancel={cancelPress}
        onContextMenu={(e) => { if (press.current || p.selectMode) e.preventDefault(); }}>
        {picture}
        {video && (
          <span className="ptile-badge" aria-hidden="true">
            <span className="ptile-play">▶</span>{duration && <span>{duration}</span>}
          </span>
        )}
        {p.caption && <span className="ptile-caption" aria-hidden="true">{p.caption}</span>}
      </button>
      {p.selectable && (
        <input type="checkbox" className="ptile-check" checked={p.selected} aria-label={`Select ${item.name}`}
          onChange={(e) => handlers.check(index, (e.nativeEvent as MouseEvent).shiftKey === true)} />
      )}
    </div>
  );
});

function Scrubber(p: {
  layout: Layout; marks: readonly ScrubMark[]; groupBy: GroupBy; phone: boolean;
  scroller: { readonly current: Scroller | null };
  subscribe: (fn: (top: number) => void) => () => void;
  scrollTo: (offset: number) => void;
}) {
  const { layout, marks } = p;
  const ref = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState<{ top: number; height: number; right: number }>();
  const [pos, setPos] = useState(0);
  const [hover, setHover] = useState<number | null>(null);
  const dragging = useRef(false);

  useLayoutEffect(() => {
    const s = p.scroller.current;
    if (!s) return;
    // Below the sticky page header (its actions stay reachable), down to the scroller's bottom.
    const measure = () => {
      const v = viewportOf(s);
      const header = s instanceof Window ? null : s.querySelector('.page-header');
      const top = Math.max(v.top, header ? header.getBoundingClientRect().bottom : v.top) + 8;
      const next = { top, height: Math.max(60, v.top + v.height - top - 8), right: window.innerWidth - v.right };
      setBox((b) => (b && b.top === next.top && b.height === next.height && b.right === next.right ? b : next));
    };
    measure();
    const ro = new ResizeObserver(measure);
    if (!(s instanceof Window)) ro.observe(s);
    window.addEventListener('resize', measure);
    const unsubscribe = p.subscribe((top) => {
      measure();
      if (!dragging.current) setPos(Math.max(0, top));
    });
    return () => { ro.disconnect(); window.removeEventListener('resize', measure); unsubscribe(); };
  }, [p.scroller, p.subscribe]);

  const trackH = box?.height ?? 0;
  const total = Math.max(1, layout.height);
  const labels = useMemo(() => yearLabels(marks, total, trackH, p.phone ? 1e9 : 22), [marks, total, trackH, p.phone]);
  const current = markAt(marks, pos + 1);
  const monthText = (i: number) => {
    const m = marks[i];
    if (!m) return '';
    return m.month === UNKNOWN_DATE ? 'Date unknown' : monthLabel(m.month);
  };

  const offsetAt = (clientY: number) => {
    const el = ref.current;
    if (!el) return 0;
    const r = el.getBoundingClientRect();
    const f = Math.min(1, Math.max(0, (clientY - r.top) / r.height));
    return f * total;
  };
  const jump = (clientY: number) => {
    const off = offsetAt(clientY);
    setPos(off);
    p.scrollTo(off);
  };
  const goMark = (i: number) => {
    const m = marks[Math.max(0, Math.min(marks.length - 1, i))];
    if (!m) return;
    setPos(m.top);
    p.scrollTo(m.top);
  };
  const onKeyDown = (e: ReactKeyboardEvent) => {
    const yearStep = (dir: 1 | -1) => {
      const y = marks[current]?.year;
      let i = current;
      while (i + dir >= 0 && i + dir < marks.length && marks[i]!.year === y) i += dir;
      return i;
    };
    const to = ({
      ArrowDown: current + 1, ArrowRight: current + 1, ArrowUp: current - 1, ArrowLeft: current - 1,
      PageDown: yearStep(1), PageUp: yearStep(-1), Home: 0, End: marks.length - 1,
    } as Record<string, number>)[e.key];
    if (to === undefined) return;
    e.preventDefault();
    goMark(to);
  };

  if (!box) return null;
  const hoverMark = hover === null ? null : markAt(marks, hover);
  return (
    <div ref={ref} className={`scrubber${p.phone ? ' scrubber-phone' : ''}`} style={{ top: box.top, height: box.height, right: box.right }}
      role="slider" tabIndex={0} aria-label="Jump to a date" aria-orientation="vertical"
      aria-valuemin={0} aria-valuemax={Math.max(0, marks.length - 1)} aria-valuenow={current} aria-valuetext={monthText(current)}
      onKeyDown={onKeyDown}
      onPointerDown={(e) => { dragging.current = true; e.currentTarget.setPointerCapture(e.pointerId); jump(e.clientY); }}
      onPointerMove={(e) => { setHover(offsetAt(e.clientY)); if (dragging.current) jump(e.clientY); }}
      onPointerUp={() => { dragging.current = false; }}
      onPointerCancel={() => { dragging.current = false; }}
      onPointerLeave={() => { if (!dragging.current) setHover(null); }}>
      {labels.map((l) => (
        <span key={l.mark} className="scrubber-year" style={{ top: l.y }} aria-hidden="true">{l.year === UNKNOWN_DATE ? '?' : l.year}</span>
      ))}
      <span className="scrubber-thumb" style={{ top: (Math.min(pos, total) / total) * trackH }} aria-hidden="true" />
      {hoverMark !== null && hover !== null && (
        <span className="scrubber-bubble" style={{ top: (hover / total) * trackH }} aria-hidden="true">{monthText(hoverMark)}</span>
      )}
    </div>
  );
}
