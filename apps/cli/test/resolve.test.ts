import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveAlbum, resolvePhoto, resolvePhotos, shortIdLength } from '../src/resolve.ts';
import { CliError, UsageError } from '../src/errors.ts';

const PHOTOS = [
  { id: 'aaaaaa11-0000-4000-8000-000000000001', label: 'IMG_0001.jpg' },
  { id: 'aaaaaa22-0000-4000-8000-000000000002', label: 'IMG_0002.jpg' },
  { id: 'bbbbbbbb-0000-4000-8000-000000000003', label: 'IMG_0003.jpg' },
];

test('photo ids: full id, unique prefix of 6+ characters, case-insensitive', () => {
  assert.equal(resolvePhoto(PHOTOS[0]!.id, PHOTOS), PHOTOS[0]!.id);
  assert.equal(resolvePhoto('AAAAAA11', PHOTOS), PHOTOS[0]!.id);
  assert.equal(resolvePhoto('bbbbbb', PHOTOS), PHOTOS[2]!.id);
  assert.deepEqual(resolvePhotos(['bbbbbb', 'aaaaaa2', 'bbbbbbbb'], PHOTOS), [PHOTOS[2]!.id, PHOTOS[1]!.id], 'deduplicated, in order');
});

test('photo ids: too short, unknown and ambiguous are clear errors naming the candidates', () => {
  assert.throws(() => resolvePhoto('bbbbb', PHOTOS), (e: unknown) => e instanceof UsageError && e.exitCode === 2 &&
    e.message === 'photo id "bbbbb" is too short: give the full id or at least 6 characters');
  assert.throws(() => resolvePhoto('cccccc', PHOTOS), (e: unknown) => e instanceof CliError && e.exitCode === 1 && e.message === 'no photo matches "cccccc"');
  assert.throws(() => resolvePhoto('aaaaaa', PHOTOS), (e: unknown) => e instanceof CliError &&
    e.message === `"aaaaaa" is ambiguous: it matches 2 photos: ${PHOTOS[0]!.id} (IMG_0001.jpg), ${PHOTOS[1]!.id} (IMG_0002.jpg)`);
  // a full id that is not mine goes to the server only when the command allows it
  const foreign = 'cccccccc-0000-4000-8000-000000000009';
  assert.throws(() => resolvePhoto(foreign, PHOTOS), /no photo matches/);
  assert.equal(resolvePhoto(foreign.toUpperCase(), PHOTOS, { allowUnknownFullId: true }), foreign);
  assert.throws(() => resolvePhoto('zzzzzzz', [], { what: 'invitation' }), /^CliError: no invitation matches "zzzzzzz"$|no invitation matches/);
});

const ALBUMS = [
  { id: '11112222-0000-4000-8000-000000000001', label: 'Kyoto' },
  { id: '11113333-0000-4000-8000-000000000002', label: 'Family' },
  { id: '44445555-0000-4000-8000-000000000003', label: 'Family' },
  { id: '66667777-0000-4000-8000-000000000004', label: '6666' },
];

test('albums: id, exact name, unique id prefix (4+); name wins over prefix', () => {
  assert.equal(resolveAlbum('Kyoto', ALBUMS), ALBUMS[0]!.id);
  assert.equal(resolveAlbum(ALBUMS[1]!.id, ALBUMS), ALBUMS[1]!.id);
  assert.equal(resolveAlbum('4444', ALBUMS), ALBUMS[2]!.id);
  assert.equal(resolveAlbum('6666', ALBUMS), ALBUMS[3]!.id, 'an album named like a prefix');
  assert.throws(() => resolveAlbum('Family', ALBUMS), (e: unknown) => e instanceof CliError &&
    e.message === `"Family" is ambiguous: 2 albums have that name: ${ALBUMS[1]!.id} (Family), ${ALBUMS[2]!.id} (Family); use an id`);
  assert.throws(() => resolveAlbum('1111', ALBUMS), /"1111" is ambiguous: it matches 2 albums: 11112222-.* \(Kyoto\), 11113333-.* \(Family\)/);
  assert.throws(() => resolveAlbum('kyoto', ALBUMS), /no album matches "kyoto" \(did you mean 11112222-.* \(Kyoto\)\?\)/);
  assert.throws(() => resolveAlbum('111', ALBUMS), /no album matches "111"; see obscura albums/, 'prefixes under 4 characters are not ids');
});

test('short ids in tables stay unique', () => {
  assert.equal(shortIdLength(PHOTOS.map((p) => p.id)), 8);
  assert.equal(shortIdLength(['abcdefgh1', 'abcdefgh2']), 9);
});
