// The photo grid's layout math (features/photos/layout.ts): justified rows, group headers,
// offsets for the scrubber, and the visible-range lookup that keeps 10,000 photos cheap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  computeLayout, visibleBlocks, neighbour, scrubMarks, markAt, yearLabels, groupAt, itemBox, groupKey, aspectOf,
  UNKNOWN_DATE, type Layout, type LayoutOptions, type SearchStats,
} from '../src/features/photos/layout.ts';
import { prng } from '../../../test/support/fixtures.ts';


const OPTS: LayoutOptions = { width: 1000, targetRowHeight: 200, gap: 4, groupBy: 'day', headerHeight: 40, monthTitleHeight: 44, groupGap: 16 };
const day = (y: number, m: number, d: number, h = 12) => new Date(y, m - 1, d, h).getTime();

function rows(l: Layout) {
  return l.blocks.filter((b) => b.kind === 'row') as Extract<Layout['blocks'][number], { kind: 'row' }>[];
}

/** Every item's box lies inside the width, tiles of a row do not overlap and keep the gap. */
function assertWellFormed(l: Layout, gap: number) {
  let prevBottom = Number.NEGATIVE_INFINITY;
  for (const b of l.blocks) {
    assert.ok(b.top >= prevBottom - 1e-9, `blocks are in order without overlap (top ${b.top} after ${prevBottom})`);
    prevBottom = b.top + b.height;
    if (b.kind !== 'row') continue;
    for (let i = b.start; i < b.end; i++) {
      assert.ok(l.x[i]! >= 0 && l.x[i]! + l.w[i]! <= l.width, `item ${i} fits the width`);
      assert.equal(l.rowOf[i], l.blocks.indexOf(b));
      if (i > b.start) {
        const space = l.x[i]! - (l.x[i - 1]! + l.w[i - 1]!);
        assert.ok(Math.abs(space - gap) <= 1, `gap between ${i - 1} and ${i} is ${space}`);
      }
    }
  }
  assert.equal(l.height, prevBottom === Number.NEGATIVE_INFINITY ? 0 : prevBottom);
}

test('justified rows fill the width exactly, near the target height; a group\'s last row is not stretched', () => {
  const rnd = prng(7);
  const n = 200;
  const aspects = Array.from({ length: n }, () => [4 / 3, 3 / 4, 16 / 9, 1, 3 / 2, 2 / 3][Math.floor(rnd() * 6)]!);
  const times = new Array<number>(n).fill(day(2024, 3, 10));
  const l = computeLayout(aspects, times, OPTS);
  assertWellFormed(l, OPTS.gap);
  const rs = rows(l);
  assert.equal(rs[0]!.start, 0);
  assert.equal(rs.at(-1)!.end, n);
  for (const [k, r] of rs.entries()) {
    const last = k === rs.length - 1;
    if (!last) {
      assert.equal(l.x[r.end - 1]! + l.w[r.end - 1]!, OPTS.width, `row ${k} reaches the right edge`);
      assert.ok(r.height > OPTS.targetRowHeight * 0.6 && r.height < OPTS.targetRowHeight * 1.5, `row ${k} height ${r.height} is near the target`);
      // widths follow the aspect ratios at the row's height (±1 px of rounding)
      for (let i = r.start; i < r.end - 1; i++) assert.ok(Math.abs(l.w[i]! - aspects[i]! * r.height) <= 1.5, `item ${i} keeps its aspect ratio`);
    } else {
      assert.equal(r.height, OPTS.targetRowHeight);
    }
  }
  // contiguous rows cover each item once
  let next = 0;
  for (const r of rs) { assert.equal(r.start, next); next = r.end; }
});

test('extreme aspect ratios are clamped; a panorama wider than a phone row gets a row of its own', () => {
  const times = [day(2024, 1, 1), day(2024, 1, 1), day(2024, 1, 1)];
  const l = computeLayout([0.05, 20, 1], times, { ...OPTS, width: 360, targetRowHeight: 110 });
  assertWellFormed(l, OPTS.gap);
  for (const r of rows(l)) assert.ok(r.height <= 110 * 1.5 && r.height >= 30, `row height ${r.height} stays sane`);
  const pano = rows(l).find((r) => r.start <= 1 && r.end > 1)!;
  assert.ok(l.w[1]! >= 300, 'the panorama spans (nearly) the whole row');
  assert.ok(pano.height < 200);
  // unknown sizes count as 4:3
  assert.equal(aspectOf(undefined, 100), 4 / 3);
  assert.equal(aspectOf(300, 150), 2);
});

test('day groups: one header per day newest first, a month title on the first day of each month, unknown dates last', () => {
  const times = [day(2024, 3, 12, 18), day(2024, 3, 12, 9), day(2024, 3, 2), day(2024, 2, 28), day(2023, 12, 31), 0, 0];
  const l = computeLayout(times.map(() => 1.5), times, OPTS);
  assertWellFormed(l, OPTS.gap);
  assert.deepEqual(l.groups.map((g) => [g.key, g.start, g.end, g.monthTitle]), [
    [new Date(2024, 2, 12).getTime(), 0, 2, true],
    [new Date(2024, 2, 2).getTime(), 2, 3, false],
    [new Date(2024, 1, 28).getTime(), 3, 4, true],
    [new Date(2023, 11, 31).getTime(), 4, 5, true],
    [UNKNOWN_DATE, 5, 7, true],
  ]);
  for (const g of l.groups) {
    const header = l.blocks[g.headerBlock]!;
    assert.equal(header.kind, 'header');
    assert.equal(header.height, OPTS.headerHeight + (g.monthTitle ? OPTS.monthTitleHeight : 0));
    const firstRow = l.blocks[g.headerBlock + 1]!;
    assert.equal(firstRow.kind, 'row');
    assert.equal(firstRow.top, header.top + header.height, 'the rows follow their header');
  }
  // the gap between groups
  const second = l.blocks[l.groups[1]!.headerBlock]!;
  const firstRow = l.blocks[l.groups[0]!.headerBlock + 1]!;
  assert.equal(second.top, firstRow.top + firstRow.height + OPTS.gap + OPTS.groupGap);
  assert.equal(groupKey(day(2024, 3, 12, 23), 'month'), new Date(2024, 2, 1).getTime());
  // month grouping merges the days of a month; 'none' has no headers at all
  const byMonth = computeLayout(times.map(() => 1.5), times, { ...OPTS, groupBy: 'month' });
  assert.deepEqual(byMonth.groups.map((g) => [g.start, g.end, g.monthTitle]), [[0, 3, false], [3, 4, false], [4, 5, false], [5, 7, false]]);
  const flat = computeLayout(times.map(() => 1.5), times, { ...OPTS, groupBy: 'none' });
  assert.equal(flat.groups.length, 1);
  assert.ok(flat.blocks.every((b) => b.kind === 'row'));
  assert.deepEqual(scrubMarks(flat), []);
});

test('scrubber offsets: one mark per month at its first header; the mark in force at any offset; year labels thinned', () => {
  const times: number[] = [];
  for (let y = 2024; y >= 2021; y--) for (let m = 12; m >= 1; m--) for (const d of [20, 5]) for (let k = 0; k < 5; k++) times.push(day(y, m, d, 20 - k));
  const l = computeLayout(times.map(() => 4 / 3), times, OPTS);
  const marks = scrubMarks(l);
  assert.equal(marks.length, 48);
  assert.equal(marks[0]!.month, new Date(2024, 11, 1).getTime());
  assert.equal(marks.at(-1)!.month, new Date(2021, 0, 1).getTime());
  for (let i = 1; i < marks.length; i++) assert.ok(marks[i]!.top > marks[i - 1]!.top);
  for (const [i, m] of marks.entries()) {
    assert.equal(markAt(marks, m.top), i);
    assert.equal(markAt(marks, m.top + 1), i);
    if (i > 0) assert.equal(markAt(marks, m.top - 1), i - 1);
    assert.equal(l.groups[groupAt(l, m.top + 1)]!.key, new Date(m.month).setDate(20), 'the first day shown of a month is its 20th');
  }
  const tall = yearLabels(marks, l.height, 2000, 24);
  assert.deepEqual(tall.map((y) => y.year), [2024, 2023, 2022, 2021]);
  assert.ok(tall.every((y, i) => i === 0 || y.y - tall[i - 1]!.y >= 24));
  const short = yearLabels(marks, l.height, 40, 24);
  assert.ok(short.length < 4 && short.length >= 1, 'labels that would collide are dropped');
});

test('10,000 photos: the visible range is found by binary search (O(log n)) and matches a linear scan', () => {
  const rnd = prng(42);
  const n = 10_000;
  const times: number[] = [];
  let t = day(2025, 6, 30);
  for (let i = 0; i < n; i++) { t -= Math.floor(rnd() * 9 * 3600_000); times.push(t); }
  const aspects = times.map(() => [4 / 3, 3 / 4, 16 / 9, 1][Math.floor(rnd() * 4)]!);
  const started = performance.now();
  const l = computeLayout(aspects, times, OPTS);
  const computeMs = performance.now() - started;
  assertWellFormed(l, OPTS.gap);
  assert.ok(computeMs < 250, `laying out 10,000 items took ${computeMs.toFixed(1)} ms`);
  const B = l.blocks.length;
  assert.ok(B > 1000, `${B} blocks`);
  const maxSteps = 2 * (Math.ceil(Math.log2(B + 1)) + 1);
  for (let k = 0; k < 500; k++) {
    const top = rnd() * l.height;
    const bottom = top + 800;
    const stats: SearchStats = { steps: 0 };
    const { first, last } = visibleBlocks(l, top, bottom, stats);
    assert.ok(stats.steps <= maxSteps, `${stats.steps} steps for ${B} blocks`);
    const linear = l.blocks.map((b, i) => [b, i] as const).filter(([b]) => b.top + b.height > top && b.top < bottom).map(([, i]) => i);
    assert.deepEqual([first, last], [linear[0], linear.at(-1)! + 1]);
    assert.ok(last - first < 12, 'a screenful is a handful of blocks');
  }
  // above and below everything
  assert.deepEqual(visibleBlocks(l, -500, -1), { first: 0, last: 0 });
  assert.deepEqual(visibleBlocks(l, l.height + 10, l.height + 800), { first: B, last: B });
  // every item can be located for "scroll into view"
  const box = itemBox(l, n - 1);
  assert.equal(box.top + box.height, l.height);
});

test('arrow keys: left/right step through the order, up/down pick the nearest tile in the row above/below', () => {
  const times = new Array<number>(12).fill(day(2024, 5, 5));
  const l = computeLayout(new Array<number>(12).fill(1), times, { ...OPTS, width: 4 * 100 + 3 * 4, targetRowHeight: 100 });
  const rs = rows(l);
  assert.deepEqual(rs.map((r) => [r.start, r.end]), [[0, 4], [4, 8], [8, 12]]);
  assert.equal(neighbour(l, 5, 'up'), 1);
  assert.equal(neighbour(l, 5, 'down'), 9);
  assert.equal(neighbour(l, 0, 'up'), 0);
  assert.equal(neighbour(l, 11, 'down'), 11);
  assert.equal(neighbour(l, 0, 'left'), 0);
  assert.equal(neighbour(l, 3, 'right'), 4);
  assert.equal(neighbour(l, 11, 'right'), 11);
  // across a group header: down from the last row of a day reaches the next day's first row
  const two = computeLayout([1, 1, 1, 1], [day(2024, 5, 5), day(2024, 5, 5), day(2024, 5, 4), day(2024, 5, 4)], OPTS);
  assert.equal(neighbour(two, 0, 'down'), 2);
  assert.equal(neighbour(two, 3, 'up'), 1);
});

test('an empty library lays out to nothing', () => {
  const l = computeLayout([], [], OPTS);
  assert.equal(l.height, 0);
  assert.deepEqual(l.blocks, []);
  assert.deepEqual(visibleBlocks(l, 0, 800), { first: 0, last: 0 });
  assert.equal(groupAt(l, 10), -1);
  assert.equal(neighbour(l, 0, 'down'), -1);
});
