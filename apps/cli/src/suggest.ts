// "Did you mean …?": the closest of a few known names to what was typed, only when close.
// Pure, unit-tested (apps/cli/test/suggest.test.ts).

/**
 * Edit distance with adjacent transpositions (optimal string alignment, a restricted
 * Damerau-Levenshtein): "alubms" → "albums" is 1. Compares code points as given.
 */
export function editDistance(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  // three rows: two back (for transpositions), previous, current
  let prev2: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[t.length]!;
}

/** How many edits still count as "close" for a word of this length: 1 up to 5 characters, then a third of it, at most 3. */
export const maxDistanceFor = (length: number): number => Math.min(3, Math.max(1, Math.floor(length / 3)));

/**
 * The candidates closest to `input` (case-insensitive), if within `maxDistanceFor(input)`
 * edits; all those at the smallest distance, in the given order, at most `limit`.
 * An exact (case-insensitive) match is distance 0 and is returned too.
 */
export function closest(input: string, candidates: readonly string[], o: { limit?: number; maxDistance?: number } = {}): string[] {
  const needle = input.trim().toLowerCase();
  if (needle === '') return [];
  const max = o.maxDistance ?? maxDistanceFor([...needle].length);
  let best = Infinity;
  let found: string[] = [];
  for (const c of new Set(candidates)) {
    const d = editDistance(needle, c.toLowerCase());
    if (d > max || d > best) continue;
    if (d < best) {
      best = d;
      found = [];
    }
    found.push(c);
  }
  return found.slice(0, o.limit ?? 3);
}

/** `did you mean "a" or "b"?` (quoted with `quote`), or '' when nothing is close. */
export function didYouMean(input: string, candidates: readonly string[], quote: (s: string) => string = (s) => `"${s}"`): string {
  const near = closest(input, candidates);
  if (near.length === 0) return '';
  const q = near.map(quote);
  return `did you mean ${q.length === 1 ? q[0] : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`}?`;
}
