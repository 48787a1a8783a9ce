import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closest, didYouMean, editDistance, maxDistanceFor } from '../src/suggest.ts';
import { resolveAlbum } from '../src/resolve.ts';
import { CliError } from '../src/errors.ts';

test('edit distance counts an adjacent swap as one edit', () => {
  assert.equal(editDistance('alubms', 'albums'), 1);
  assert.equal(editDistance('albums', 'albums'), 0);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('abc', ''), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('Kyto 2026', 'Kyoto 2026'), 1);
  assert.equal(editDistance('ca', 'abc'), 3, 'restricted: no edit of a transposed pair');
  assert.equal(editDistance('日本', '本日'), 1, 'code points, not UTF-16 units');
});

test('closest: only close candidates, the best tier only, case-insensitive', () => {
  const commands = ['albums', 'album', 'accept', 'upload', 'backup', 'photos', 'share', 'share-photo'];
  assert.deepEqual(closest('alubms', commands), ['albums'], 'album is 2 edits away: not as close');
  assert.deepEqual(closest('uplaod', commands), ['upload']);
  assert.deepEqual(closest('ALBUMS', commands), ['albums']);
  assert.deepEqual(closest('frobnicate', commands), []);
  assert.deepEqual(closest('xy', commands), [], 'nothing within 1 edit');
  assert.deepEqual(closest('', commands), []);
  assert.deepEqual(closest('Kyto', ['Kyoto', 'Kyiv', 'Tokyo']), ['Kyoto']);
  assert.deepEqual(closest('Trip 5', ['Trip 1', 'Trip 2', 'Trip 3', 'Trip 4']), ['Trip 1', 'Trip 2', 'Trip 3'], 'at most 3');
  assert.deepEqual(closest('abcdef', ['abcxyz'], { maxDistance: 3 }), ['abcxyz']);
  assert.equal(maxDistanceFor(3), 1);
  assert.equal(maxDistanceFor(9), 3);
  assert.equal(maxDistanceFor(40), 3);
});

test('didYouMean words one or several suggestions, or nothing', () => {
  assert.equal(didYouMean('alubms', ['albums', 'upload'], (s) => s), 'did you mean albums?');
  assert.equal(didYouMean('Trip 5', ['Trip 1', 'Trip 2', 'Trip 3']), 'did you mean "Trip 1", "Trip 2" or "Trip 3"?');
  assert.equal(didYouMean('zzzzzz', ['albums']), '');
});

test('an album name that matches nothing suggests the closest names', () => {
  const albums = [
    { id: '11112222-0000-4000-8000-000000000001', label: 'Kyoto 2026' },
    { id: '33334444-0000-4000-8000-000000000002', label: 'Family' },
  ];
  assert.throws(() => resolveAlbum('Kyto 2026', albums), (e: unknown) => e instanceof CliError && e.exitCode === 1 &&
    e.message === 'no album matches "Kyto 2026" (did you mean "Kyoto 2026"?)');
  assert.throws(() => resolveAlbum('Holidays', albums), (e: unknown) => e instanceof CliError && e.message === 'no album matches "Holidays"; see obscura albums');
});
