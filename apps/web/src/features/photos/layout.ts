// The photo grid's geometry, as pure functions (no DOM, no React): unit-tested in
// apps/web/test/layout.test.ts.
//
// [Note: justified rows] Photos keep their aspect ratio (Google Photos / Immich style): items
// are laid left to right at a target row height; when a row would overflow the width, it is
// closed either before or after the item that overflowed, whichever gives a height nearer the
// target, then scaled to fill the width exactly. A group's last row is not stretched (it keeps
// the target height, left-aligned). Extreme ratios (panoramas, slivers) are clamped so one photo
// cannot make a row absurdly thin or tall.
//
// [Note: virtual grid] The layout is a flat list of blocks (group headers and rows) sorted by
// `top`; the grid renders only the blocks that meet the viewport, found by binary search, so a
// scroll costs O(log n) to locate plus the handful of visible blocks, whatever n is.

export type GroupBy = 'day' | 'month' | 'none';

export interface LayoutOptions {
  /** Inner width of the grid in CSS pixels. */
  readonly width: number;
  readonly targetRowHeight: number;
  /** Space between tiles, horizontally and vertically. */
  readonly gap: number;
  readonly groupBy: GroupBy;
  /** Height of a group header (a day, or a month when grouping by month). */
  readonly headerHeight: number;
  /** Extra height above a day header that starts a new month (the month's title). */
  readonly monthTitleHeight: number;
  /** Space after the last row of a group. */
  readonly groupGap: number;
  /** Aspect ratios (width / height) are clamped to this range. */
  readonly minAspect?: number;
  readonly maxAspect?: number;
  /** Rows are never taller than targetRowHeight × this (a lone portrait photo on a wide screen). */
  readonly maxRowScale?: number;
}

/** A header or a row of tiles, in display order. */
export type Block =
  | { readonly kind: 'header'; readonly top: number; readonly height: number; readonly group: number }
  | { readonly kind: 'row'; readonly top: number; readonly height: number; readonly group: number; readonly start: number; readonly end: number };

export interface Group {
  /** Local midnight of the day, or the first of the month (ms); -1 for "date unknown"; 0 when not grouped. */
  readonly key: number;
  /** Items [start, end). */
  readonly start: number;
  readonly end: number;
  /** Index of the group's header block (-1 when groupBy is 'none'). */
  readonly headerBlock: number;
  /** Day grouping: this day is the first shown of its month, so its header carries the month's title. */
  readonly monthTitle: boolean;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly groupBy: GroupBy;
  readonly blocks: readonly Block[];
  readonly groups: readonly Group[];
  /** Per item: left edge, width, and the index of its row in `blocks`. */
  readonly x: Float64Array;
  readonly w: Float64Array;
  readonly rowOf: Int32Array;
}

export const UNKNOWN_DATE = -1;

/** The group an item of capture time `t` (ms, 0 = unknown) falls in, in the local time zone. */
export function groupKey(t: number, by: GroupBy): number {
  if (by === 'none') return 0;
  if (!(t > 0)) return UNKNOWN_DATE;
  const d = new Date(t);
  return by === 'day' ? new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime() : new Date(d.getFullYear(), d.getMonth(), 1).getTime();
}

/** The first of the month (local) of a group key; -1 stays -1. */
export function monthOf(key: number): number {
  if (key === UNKNOWN_DATE) return UNKNOWN_DATE;
  const d = new Date(key);
  return new Date(d.getFullYear(), d.getMonth(), 1).getTime();
}

/** Splits items (already in display order) into runs of the same group key. */
export function groupRuns(times: ArrayLike<number>, by: GroupBy): { key: number; start: number; end: number }[] {
  const n = times.length;
  if (n === 0) return [];
  if (by === 'none') return [{ key: 0, start: 0, end: n }];
  const runs: { key: number; start: number; end: number }[] = [];
  let key = groupKey(times[0]!, by);
  let start = 0;
  for (let i = 1; i < n; i++) {
    const k = groupKey(times[i]!, by);
    if (k !== key) {
      runs.push({ key, start, end: i });
      key = k;
      start = i;
    }
  }
  runs.push({ key, start, end: n });
  return runs;
}

/** Width / height of a photo for the layout: unknown sizes count as 4:3. */
export function aspectOf(width: number | undefined, height: number | undefined): number {
  return width && height && width > 0 && height > 0 ? width / height : 4 / 3;
}

/** Lays out items with aspect ratios `aspects` and capture times `times` (same order). */
export function computeLayout(aspects: ArrayLike<number>, times: ArrayLike<number>, o: LayoutOptions): Layout {
  const n = aspects.length;
  if (times.length !== n) throw new Error('computeLayout: aspects and times differ in length');
  const width = Math.max(1, o.width);
  const minA = o.minAspect ?? 0.5;
  const maxA = o.maxAspect ?? 3;
  const maxH = o.targetRowHeight * (o.maxRowScale ?? 1.5);
  const gap = o.gap;
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  const rowOf = new Int32Array(n);
  const blocks: Block[] = [];
  const groups: Group[] = [];
  const clamp = (a: number) => (Number.isFinite(a) && a > 0 ? Math.min(maxA, Math.max(minA, a)) : 4 / 3);

  let top = 0;
  let lastMonth = Number.NaN;

  /** Places items [s, e) as one row of height h; `fill` stretches the last tile to the right edge. */
  const emitRow = (s: number, e: number, h: number, group: number, fill: boolean) => {
    const rowIndex = blocks.length;
    let left = 0;
    for (let i = s; i < e; i++) {
      const exact = left + clamp(aspects[i]!) * h;
      const l = Math.round(left);
      const r = fill && i === e - 1 ? width : Math.min(width, Math.round(exact));
      x[i] = l;
      w[i] = Math.max(1, r - l);
      rowOf[i] = rowIndex;
      left = exact + gap;
    }
    const height = Math.round(h);
    blocks.push({ kind: 'row', top, height, group, start: s, end: e });
    top += height + gap;
  };

  for (const run of groupRuns(times, o.groupBy)) {
    const group = groups.length;
    let headerBlock = -1;
    let monthTitle = false;
    if (o.groupBy !== 'none') {
      const month = monthOf(run.key);
      monthTitle = o.groupBy === 'day' && month !== lastMonth;
      lastMonth = month;
      const height = o.headerHeight + (monthTitle ? o.monthTitleHeight : 0);
      headerBlock = blocks.length;
      blocks.push({ kind: 'header', top, height, group });
      top += height;
    }
    // Greedy justified rows (see [Note: justified rows]).
    let rowStart = run.start;
    let sum = 0;
    for (let i = run.start; i < run.end; i++) {
      const a = clamp(aspects[i]!);
      sum += a;
      const count = i - rowStart + 1;
      if (sum * o.targetRowHeight + gap * (count - 1) < width) continue;
      const hWith = (width - gap * (count - 1)) / sum;
      if (count > 1) {
        const hWithout = (width - gap * (count - 2)) / (sum - a);
        if (Math.abs(hWithout - o.targetRowHeight) < Math.abs(hWith - o.targetRowHeight)) {
          emitRow(rowStart, i, Math.min(maxH, hWithout), group, hWithout <= maxH);
          rowStart = i;
          sum = a;
          if (a * o.targetRowHeight < width) continue;
          // the item alone fills a row (a panorama on a phone)
          const hAlone = width / a;
          emitRow(i, i + 1, Math.min(maxH, hAlone), group, hAlone <= maxH);
          rowStart = i + 1;
          sum = 0;
          continue;
        }
      }
      emitRow(rowStart, i + 1, Math.min(maxH, hWith), group, hWith <= maxH);
      rowStart = i + 1;
      sum = 0;
    }
    if (rowStart < run.end) emitRow(rowStart, run.end, o.targetRowHeight, group, false);
    top += o.groupGap;
    groups.push({ key: run.key, start: run.start, end: run.end, headerBlock, monthTitle });
  }
  const height = blocks.length ? Math.max(0, top - o.groupGap - gap) : 0;
  return { width, height, groupBy: o.groupBy, blocks, groups, x, w, rowOf };
}

/** Optional probe for tests: counts the steps of a search. */
export interface SearchStats { steps: number }

/** First index whose block ends below `y` (blocks.length if none). Binary search. */
function firstEndingAfter(blocks: readonly Block[], y: number, stats?: SearchStats): number {
  let lo = 0;
  let hi = blocks.length;
  while (lo < hi) {
    if (stats) stats.steps++;
    const mid = (lo + hi) >>> 1;
    const b = blocks[mid]!;
    if (b.top + b.height <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose block starts at or below `y`. Binary search. */
function firstStartingAt(blocks: readonly Block[], y: number, stats?: SearchStats): number {
  let lo = 0;
  let hi = blocks.length;
  while (lo < hi) {
    if (stats) stats.steps++;
    const mid = (lo + hi) >>> 1;
    if (blocks[mid]!.top < y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Blocks [first, last) that meet the band [top, bottom) (grid coordinates). O(log n). */
export function visibleBlocks(layout: Layout, top: number, bottom: number, stats?: SearchStats): { first: number; last: number } {
  const first = firstEndingAfter(layout.blocks, top, stats);
  const last = Math.max(first, firstStartingAt(layout.blocks, bottom, stats));
  return { first, last };
}

/** The block at grid offset `y` (the nearest one when `y` falls in a gap). */
export function blockAt(layout: Layout, y: number): number {
  return Math.min(layout.blocks.length - 1, firstEndingAfter(layout.blocks, y));
}

/** The group shown at grid offset `y` (-1 for an empty layout). */
export function groupAt(layout: Layout, y: number): number {
  if (!layout.blocks.length) return -1;
  return layout.blocks[blockAt(layout, Math.max(0, y))]!.group;
}

/** The top of item `i`'s row and its height. */
export function itemBox(layout: Layout, i: number): { top: number; height: number; left: number; width: number } {
  const row = layout.blocks[layout.rowOf[i]!]!;
  return { top: row.top, height: row.height, left: layout.x[i]!, width: layout.w[i]! };
}

/** Arrow-key navigation: the item left/right (previous/next) or in the row above/below nearest in x. */
export function neighbour(layout: Layout, i: number, dir: 'left' | 'right' | 'up' | 'down'): number {
  const n = layout.x.length;
  if (n === 0) return -1;
  if (dir === 'left') return Math.max(0, i - 1);
  if (dir === 'right') return Math.min(n - 1, i + 1);
  const step = dir === 'up' ? -1 : 1;
  let b = layout.rowOf[i]! + step;
  while (b >= 0 && b < layout.blocks.length && layout.blocks[b]!.kind !== 'row') b += step;
  const row = layout.blocks[b];
  if (!row || row.kind !== 'row') return i;
  const centre = layout.x[i]! + layout.w[i]! / 2;
  let best = row.start;
  let bestD = Number.POSITIVE_INFINITY;
  for (let j = row.start; j < row.end; j++) {
    const d = Math.abs(layout.x[j]! + layout.w[j]! / 2 - centre);
    if (d < bestD) { bestD = d; best = j; }
  }
  return best;
}

/** A month of the scrubber: where it starts in the grid. */
export interface ScrubMark {
  /** First of the month (local, ms); -1 for "date unknown". */
  readonly month: number;
  readonly year: number;
  /** Grid offset of the month's first header. */
  readonly top: number;
}

/** One mark per month shown, newest first, with its offset (for the date scrubber). */
export function scrubMarks(layout: Layout): ScrubMark[] {
  if (layout.groupBy === 'none') return [];
  const marks: ScrubMark[] = [];
  let last = Number.NaN;
  for (const g of layout.groups) {
    const month = monthOf(g.key);
    if (month === last) continue;
    last = month;
    const top = layout.blocks[g.headerBlock]?.top ?? 0;
    marks.push({ month, year: month === UNKNOWN_DATE ? -1 : new Date(month).getFullYear(), top });
  }
  return marks;
}

/** The mark (index) in force at grid offset `y`: the last one starting at or above it. Binary search. */
export function markAt(marks: readonly ScrubMark[], y: number): number {
  let lo = 0;
  let hi = marks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (marks[mid]!.top <= y) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}

/**
 * Year labels for a scrubber track `trackHeight` px tall: the first mark of each year, placed
 * proportionally, dropping any that would sit closer than `minGap` px to the one above.
 */
export function yearLabels(marks: readonly ScrubMark[], totalHeight: number, trackHeight: number, minGap: number): { year: number; y: number; mark: number }[] {
  const out: { year: number; y: number; mark: number }[] = [];
  let lastYear = Number.NaN;
  let lastY = Number.NEGATIVE_INFINITY;
  marks.forEach((m, i) => {
    if (m.year === lastYear) return;
    lastYear = m.year;
    const y = totalHeight > 0 ? (m.top / totalHeight) * trackHeight : 0;
    if (y - lastY < minGap) return;
    lastY = y;
    out.push({ year: m.year, y, mark: i });
  });
  return out;
}

/** A row height that suits the width (phones get smaller tiles so two or three fit a row). */
export function targetRowHeightFor(width: number): number {
  if (width < 480) return 110;
  if (width < 800) return 150;
  if (width < 1400) return 200;
  return 240;
}
