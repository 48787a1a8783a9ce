import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from './helpers.ts';
import { parseExpiryDate } from '../src/commands/links.ts';
import { resolveLinkTarget } from '../src/resolve.ts';
import { CliError, UsageError } from '../src/errors.ts';

const PHOTOS = [
  { id: 'aaaaaa11-0000-4000-8000-000000000001', label: 'IMG_0001.jpg' },
  { id: 'abcdef22-0000-4000-8000-000000000002', label: 'IMG_0002.jpg' },
];
const ALBUMS = [
  { id: 'abcdef99-0000-4000-8000-00000000000a', label: 'Holidays' },
  { id: 'cccc0000-0000-4000-8000-00000000000b', label: 'Twins' },
  { id: 'dddd0000-0000-4000-8000-00000000000c', label: 'Twins' },
];

test('--expires YYYY-MM-DD is the end of that day in the local time zone; past or impossible dates are usage errors', () => {
  const now = new Date(2026, 10, 26, 15, 0).getTime();
  const d = parseExpiryDate('2026-11-27', now);
  assert.deepEqual([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()], [2026, 10, 27, 23, 59, 59]);
  assert.equal(parseExpiryDate('2026-11-26', now).getDate(), 26, 'today is still allowed: until midnight');
  assert.throws(() => parseExpiryDate('2026-11-25', now), (e: unknown) => e instanceof UsageError && /is in the past/.test(e.message));
  assert.throws(() => parseExpiryDate('2026-02-30', now), (e: unknown) => e instanceof UsageError && /no such date/.test(e.message));
  assert.throws(() => parseExpiryDate('27/11/2026', now), (e: unknown) => e instanceof UsageError && /YYYY-MM-DD/.test(e.message));
});

test('PHOTO|ALBUM: full ids, album names, prefixes of both kinds; ambiguity names every candidate with its kind', () => {
  assert.deepEqual(resolveLinkTarget(PHOTOS[0]!.id.toUpperCase(), PHOTOS, ALBUMS), { kind: 'photo', id: PHOTOS[0]!.id });
  assert.deepEqual(resolveLinkTarget(ALBUMS[0]!.id, PHOTOS, ALBUMS), { kind: 'album', id: ALBUMS[0]!.id });
  assert.deepEqual(resolveLinkTarget('Holidays', PHOTOS, ALBUMS), { kind: 'album', id: ALBUMS[0]!.id });
  assert.deepEqual(resolveLinkTarget('aaaaaa', PHOTOS, ALBUMS), { kind: 'photo', id: PHOTOS[0]!.id });
  assert.deepEqual(resolveLinkTarget('cccc', PHOTOS, ALBUMS), { kind: 'album', id: ALBUMS[1]!.id });
  assert.throws(() => resolveLinkTarget('abcdef', PHOTOS, ALBUMS), (e: unknown) => e instanceof CliError && !(e instanceof UsageError) &&
    e.message === `"abcdef" is ambiguous: it matches 2 photos or albums: photo ${PHOTOS[1]!.id} (IMG_0002.jpg), album ${ALBUMS[0]!.id} (Holidays)`);
  assert.throws(() => resolveLinkTarget('Twins', PHOTOS, ALBUMS), (e: unknown) => e instanceof CliError && /2 albums have that name/.test(e.message) && e.message.includes(ALBUMS[2]!.id));
  assert.throws(() => resolveLinkTarget('aaaa', PHOTOS, ALBUMS), (e: unknown) => e instanceof UsageError && /photo id "aaaa" is too short/.test(e.message));
  assert.throws(() => resolveLinkTarget('ab', PHOTOS, ALBUMS), (e: unknown) => e instanceof UsageError && /too short/.test(e.message));
  assert.throws(() => resolveLinkTarget('eeeeeeee', PHOTOS, ALBUMS), (e: unknown) => e instanceof CliError && /no photo of your library and no album you own matches "eeeeeeee"/.test(e.message));
});

test('link: flags are checked before anything else; conflicting or foreign flags are usage errors', async () => {
  const h = await harness();
  try {
    const cases: [string[], RegExp][] = [
      [['link', 'set', 'abcdef', '--password', '--no-password'], /use either --password or --no-password/],
      [['link', 'set', 'abcdef', '--expires', '2999-01-01', '--no-expiry'], /use either --no-expiry or --expires/],
      [['link', 'set', 'abcdef'], /nothing to change/],
      [['link', 'create', 'abcdef', '--no-expiry'], /--no-expiry is not an option of obscura link create/],
      [['link', 'delete', 'abcdef', '--password'], /--password is not an option of obscura link delete/],
      [['link', 'create', 'abcdef', '--expires', '2001-01-01'], /is in the past/],
      [['link', 'frob'], /unknown link subcommand frob/],
      [['link', 'create'], /usage: obscura link create PHOTO\|ALBUM/],
    ];
    for (const [argv, re] of cases) {
      h.stderr.text = '';
      assert.equal(await h.run(...argv), 2, argv.join(' '));
      assert.match(h.stderr.text, re, argv.join(' '));
    }
    h.stderr.text = '';
    assert.equal(await h.run('link', 'create', 'abcdef', '--password'), 1, 'no password source');
    assert.equal(h.stderr.text, 'obscura: no terminal to ask for the password; set OBSCURA_LINK_PASSWORD or run in a terminal\n');
    h.stderr.text = '';
    assert.equal(await h.run('links'), 1);
    assert.equal(h.stderr.text, 'obscura: not logged in; run obscura login --server URL --email E\n');
  } finally { await h.cleanup(); }
});

test('open: no login needed to be told what is wrong with the URL; a missing "#KEY" is named clearly', async () => {
  const h = await harness();
  try {
    assert.equal(await h.run('open', 'http://127.0.0.1:9/s/0b7e1a40-8c55-4c1e-9a53-3f2d4f9c2b11'), 2);
    assert.match(h.stderr.text, /^obscura: the URL has no key after "#": copy the whole link, and put it in quotes/);
    h.stderr.text = '';
    assert.equal(await h.run('open', 'not a link'), 1);
    assert.match(h.stderr.text, /is not a link/);
    h.stderr.text = '';
    assert.equal(await h.run('open', 'http://127.0.0.1:9/s/0b7e1a40-8c55-4c1e-9a53-3f2d4f9c2b11#abc'), 1);
    assert.match(h.stderr.text, /^obscura: cannot reach/);
    h.stdout.text = '';
    assert.equal(await h.run('help', 'link'), 0);
    for (const sub of ['link create PHOTO|ALBUM', 'link set LINK', 'link delete LINK']) assert.ok(h.stdout.text.includes(`obscura ${sub}`), sub);
    assert.match(h.stdout.text, /a courtesy, not a protection/);
  } finally { await h.cleanup(); }
});
