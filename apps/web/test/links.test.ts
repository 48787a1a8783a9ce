// Public links, the pure parts: refusals in words, expiry days, names inside a zip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifyLinkFailure, expiryDay, expiryInstant, localDay, refusalText, retryAfterSeconds, safeFileName, zipEntryNames, zipFileName,
} from '../src/features/links/logic.ts';

test('each server answer to a visitor becomes its own refusal', () => {
  assert.deepEqual(classifyLinkFailure({ status: 404, code: 'not-found', message: 'this link no longer exists' }, false), { reason: 'gone' });
  assert.deepEqual(classifyLinkFailure({ status: 410, code: 'link-expired', message: 'this link expired on 2026-03-04' }, true), { reason: 'expired', expiredOn: '2026-03-04' });
  assert.deepEqual(classifyLinkFailure({ status: 429, code: 'rate-limited', message: 'too many attempts, try again in 37 s' }, true), { reason: 'rate-limited', retryAfterS: 37 });
  // A wrong proof: a wrong password when the link has one, else the secret itself is wrong.
  assert.deepEqual(classifyLinkFailure({ status: 403, code: 'bad-link-proof', message: 'wrong link or password' }, true), { reason: 'wrong-password' });
  assert.deepEqual(classifyLinkFailure({ status: 403, code: 'bad-link-proof', message: 'wrong link or password' }, false), { reason: 'malformed' });
  // Not a refusal: the page shows the error with a retry.
  assert.equal(classifyLinkFailure({ status: 500, code: 'internal', message: 'boom' }, false), undefined);
  assert.equal(classifyLinkFailure({ status: 403, code: 'forbidden', message: 'downloads are turned off' }, false), undefined);
});

test('refusals read as the page shows them', () => {
  assert.equal(refusalText({ reason: 'wrong-password' }), 'That password is not right.');
  assert.equal(refusalText({ reason: 'gone' }), 'This link no longer exists.');
  assert.equal(refusalText({ reason: 'rate-limited', retryAfterS: 12 }), 'Too many attempts, try again in 12 s.');
  assert.equal(refusalText({ reason: 'malformed' }), 'The link is incomplete: copy the whole link including everything after #.');
  assert.equal(refusalText({ reason: 'expired', expiredOn: '2026-03-04' }, 'en-GB'), 'This link expired on 4 March 2026.');
  assert.equal(refusalText({ reason: 'expired' }), 'This link has expired.');
  assert.equal(retryAfterSeconds('no number here'), 60);
});

test('an expiry day maps to the midnight that ends it, and back', () => {
  for (const day of ['2026-01-01', '2026-02-28', '2028-02-29', '2026-12-31', '2026-03-29', '2026-10-25']) {
    const at = expiryInstant(day);
    assert.equal(at.getHours(), 0);
    assert.equal(localDay(new Date(at.getTime() - 1)), day, `${day} is the last day`);
    assert.equal(expiryDay(at.toISOString()), day);
  }
  assert.equal(expiryDay(null), '');
  assert.throws(() => expiryInstant('04/03/2026'), /not a date/);
});

test('zip entry names are safe and unique', () => {
  assert.equal(safeFileName('../../etc/passwd'), '_.._etc_passwd');
  assert.ok(!safeFileName('..\\..\\boot.ini').includes('\\'));
  assert.ok(!safeFileName('../x').startsWith('.'));
  assert.equal(safeFileName('a\u0000b\nc.jpg'), 'a_b_c.jpg');
  assert.equal(safeFileName('   '), 'photo');
  assert.equal(safeFileName('x'.repeat(300) + '.jpeg').length, 180);
  assert.ok(safeFileName('x'.repeat(300) + '.jpeg').endsWith('.jpeg'));
  assert.deepEqual(zipEntryNames(['IMG_1.JPG', 'img_1.jpg', 'IMG_1.JPG', 'notes', 'notes', 'IMG_1 (2).JPG']),
    ['IMG_1.JPG', 'img_1 (2).jpg', 'IMG_1 (3).JPG', 'notes', 'notes (2)', 'IMG_1 (2) (2).JPG']);
  assert.equal(zipFileName('Summer / 2026'), 'Summer _ 2026.zip');
  assert.equal(zipFileName(undefined), 'Shared photos.zip');
});
