// [Note: photos by name] PHOTO arguments: file names, local files (by content), ids, prefixes, dates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchPhotoByName, parseDateBound, resolvePhotoRef, resolvePhotoRefs, selectByCapture, type PhotoCandidate } from '../src/resolve.ts';
import { CliError, UsageError } from '../src/errors.ts';

const T = (s: string) => new Date(s).getTime();
const PHOTOS: PhotoCandidate[] = [
  { id: 'aaaaaa11-0000-4000-8000-000000000001', name: 'IMG_1054.JPG', capturedAt: T('2026-01-24T10:00:00'), sha256: '11'.repeat(32) },
  { id: 'aaaaaa22-0000-4000-8000-000000000002', name: 'IMG_0001.jpg', capturedAt: T('2026-01-25T10:00:00'), sha256: '22'.repeat(32) },
  { id: 'bbbbbbbb-0000-4000-8000-000000000003', name: 'IMG_0001.jpg', capturedAt: T('2026-01-26T23:59:59'), sha256: '33'.repeat(32) },
  { id: 'cccccccc-0000-4000-8000-000000000004', name: 'beach.heic', capturedAt: T('2026-01-27T00:00:00') },
  { id: 'dddddddd-0000-4000-8000-000000000005' }, // refused: no metadata
];

test('a file name unique in the scope, exact first, then ignoring case', () => {
  assert.equal(resolvePhotoRef('IMG_1054.JPG', PHOTOS), PHOTOS[0]!.id);
  assert.equal(resolvePhotoRef('img_1054.jpg', PHOTOS), PHOTOS[0]!.id);
  assert.equal(resolvePhotoRef('BEACH.HEIC', PHOTOS), PHOTOS[3]!.id);
  assert.equal(matchPhotoByName('nothing.jpg', PHOTOS), undefined);
});

test('ids still work: full id, prefix of 6+, too short, unknown full id passed through when allowed', () => {
  assert.equal(resolvePhotoRef(PHOTOS[2]!.id.toUpperCase(), PHOTOS), PHOTOS[2]!.id);
  assert.equal(resolvePhotoRef('bbbbbb', PHOTOS), PHOTOS[2]!.id);
  assert.throws(() => resolvePhotoRef('bbbb', PHOTOS), (e: unknown) => e instanceof UsageError && /too short/.test(e.message));
  assert.throws(() => resolvePhotoRef('eeeeeeee', PHOTOS), (e: unknown) => e instanceof CliError && e.exitCode === 1 && e.message === 'no photo matches "eeeeeeee"');
  const foreign = 'ffffffff-0000-4000-8000-000000000009';
  assert.equal(resolvePhotoRef(foreign, PHOTOS, { allowUnknownFullId: true }), foreign);
});

test('ambiguity exits 2 and lists every candidate: id prefix, name, capture time', () => {
  const check = (e: unknown) => {
    assert.ok(e instanceof UsageError && e.exitCode === 2);
    assert.match(e.message, /^"IMG_0001\.jpg" is ambiguous: 2 photos have that name: aaaaaa2 \(IMG_0001\.jpg, captured .+\); bbbbbbb \(IMG_0001\.jpg, captured .+\); give one of these id prefixes$/);
    return true;
  };
  assert.throws(() => resolvePhotoRef('IMG_0001.jpg', PHOTOS), check);
  assert.throws(() => resolvePhotoRef('aaaaaa', PHOTOS), (e: unknown) => e instanceof UsageError && /2 photos have an id starting with it/.test(e.message));
  // in a narrower scope (an album holding one of them) the name is unique
  assert.equal(resolvePhotoRef('IMG_0001.jpg', [PHOTOS[2]!]), PHOTOS[2]!.id);
});

test('a local file: its content picks the photo, even when its name is ambiguous; a path not backed up is an error', () => {
  assert.equal(resolvePhotoRef('IMG_0001.jpg', PHOTOS, { localSha256: '33'.repeat(32) }), PHOTOS[2]!.id);
  assert.equal(resolvePhotoRef('/home/me/Pictures/renamed.jpg', PHOTOS, { localSha256: '22'.repeat(32) }), PHOTOS[1]!.id);
  assert.throws(() => resolvePhotoRef('./stray.jpg', PHOTOS, { localSha256: '99'.repeat(32) }),
    (e: unknown) => e instanceof CliError && e.exitCode === 1 && /^\.\/stray\.jpg: no photo in your library has the content of this file/.test(e.message));
  // a bare name that happens to exist locally with other content: still matched by name
  assert.equal(resolvePhotoRef('IMG_1054.JPG', PHOTOS, { localSha256: '99'.repeat(32) }), PHOTOS[0]!.id);
  const m = new Map([['x/a.jpg', '11'.repeat(32)]]);
  assert.deepEqual(resolvePhotoRefs(['x/a.jpg', 'IMG_1054.JPG', 'beach.heic'], PHOTOS, { localSha256: m }), [PHOTOS[0]!.id, PHOTOS[3]!.id], 'deduplicated');
});

test('nothing matched: exit 1, says where to look, suggests a close name', () => {
  assert.throws(() => resolvePhotoRef('IMG_1055.JPG', PHOTOS), (e: unknown) => e instanceof CliError && e.exitCode === 1 &&
    /^no photo named "IMG_1055\.JPG" in your library \(.*IMG_1054\.JPG.*\); `obscura photos` lists them$/.test(e.message));
  assert.throws(() => resolvePhotoRef('zzz.jpg', [], { scope: { label: 'album "Kyoto"', listCommand: 'obscura album show Kyoto' } }),
    (e: unknown) => e instanceof CliError && e.message === 'no photo named "zzz.jpg" in album "Kyoto"; `obscura album show Kyoto` lists them');
});

test('dates: local days inclusive, times, bad dates are usage errors', () => {
  assert.equal(parseDateBound('2026-01-25', 'start', '--from'), new Date(2026, 0, 25, 0, 0, 0, 0).getTime());
  assert.equal(parseDateBound('2026-01-26', 'end', '--to'), new Date(2026, 0, 26, 23, 59, 59, 999).getTime());
  assert.equal(parseDateBound('2026-01-26T12:30', 'start', '--from'), new Date(2026, 0, 26, 12, 30).getTime());
  for (const bad of ['2026-02-30', '2026-1-5', 'yesterday', '2026-01-26T25:00']) {
    assert.throws(() => parseDateBound(bad, 'start', '--from'), (e: unknown) => e instanceof UsageError && e.message.startsWith(`--from "${bad}" is not a date`));
  }
  const range = { from: parseDateBound('2026-01-25', 'start', '--from'), to: parseDateBound('2026-01-26', 'end', '--to') };
  assert.deepEqual(selectByCapture(PHOTOS, range).map((p) => p.id), [PHOTOS[1]!.id, PHOTOS[2]!.id], 'both ends inclusive; no capture time: left out');
  assert.deepEqual(selectByCapture(PHOTOS, { from: range.from }).map((p) => p.id), [PHOTOS[1]!.id, PHOTOS[2]!.id, PHOTOS[3]!.id]);
});
