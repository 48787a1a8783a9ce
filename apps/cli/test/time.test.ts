// Times: local zone with the UTC offset for people, UTC ISO in --json; photo show's lines; NO_COLOR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatOffset, formatTime, jsonTime, localZoneName } from '../src/output.ts';
import { formatPhotoDetails, photoDetailsJson, type PhotoDetails } from '../src/commands/photo.ts';
import { harness } from './helpers.ts';

/** Runs `fn` with the process in time zone `tz` (node re-reads TZ when it is set). */
function inZone<T>(tz: string, fn: () => T): T {
  const was = process.env.TZ;
  process.env.TZ = tz;
  try { return fn(); } finally {
    if (was === undefined) delete process.env.TZ; else process.env.TZ = was;
  }
}

const T = Date.UTC(2026, 0, 24, 14, 11, 53); // 2026-01-24 14:11:53 UTC

test('formatOffset: sign, hours and minutes', () => {
  assert.equal(formatOffset(540), '+09:00');
  assert.equal(formatOffset(-330), '-05:30');
  assert.equal(formatOffset(0), '+00:00');
  assert.equal(formatOffset(345), '+05:45');
});

test('formatTime: the local zone of this machine, with its offset (summer time included)', () => {
  assert.equal(inZone('Asia/Tokyo', () => formatTime(T)), '2026-01-24 23:11:53 +09:00');
  assert.equal(inZone('America/New_York', () => formatTime(T)), '2026-01-24 09:11:53 -05:00');
  assert.equal(inZone('America/New_York', () => formatTime(Date.UTC(2026, 6, 1, 12))), '2026-07-01 08:00:00 -04:00');
  assert.equal(inZone('Asia/Kolkata', () => formatTime(T)), '2026-01-24 19:41:53 +05:30');
  assert.equal(inZone('UTC', () => formatTime(T)), '2026-01-24 14:11:53 +00:00');
  // the day changes with the zone
  assert.equal(inZone('Pacific/Kiritimati', () => formatTime(Date.UTC(2026, 0, 24, 23, 0, 0))), '2026-01-25 13:00:00 +14:00');
  assert.equal(inZone('Asia/Tokyo', () => localZoneName(T)), 'Asia/Tokyo');
});

test('formatTime with an explicit offset ignores the local zone; bad input is "-"', () => {
  assert.equal(inZone('America/New_York', () => formatTime(T, 540)), '2026-01-24 23:11:53 +09:00');
  assert.equal(formatTime(Number.NaN), '-');
});

test('jsonTime: UTC ISO 8601 whatever the zone; null when absent', () => {
  assert.equal(inZone('Asia/Tokyo', () => jsonTime(T)), '2026-01-24T14:11:53.000Z');
  assert.equal(jsonTime(undefined), null);
  assert.equal(jsonTime(Number.NaN), null);
});

const details: PhotoDetails = {
  id: '0b7c2f4e-1111-4222-8333-444455556666',
  from: 'library',
  state: 'active',
  uploadedAt: '2026-01-25T01:00:00.000Z',
  metadata: {
    name: 'IMG_1054.JPG', mimeType: 'image/jpeg', capturedAt: T, captureSource: 'exif', size: 2_345_678,
    width: 4032, height: 3024, cameraMake: 'Apple', cameraModel: 'iPhone 15', gps: { latitude: 35.0116, longitude: 135.7681, altitude: 41.5 },
  },
  uploader: { id: 'u1', displayName: 'Ann', email: 'ann@example.org', fingerprint: '12345 67890', me: true },
  albums: [{ id: 'a1', name: 'Kyoto 2026', kind: 'album' }],
};

test('photo show lines: local time with offset and its source, camera, size, dimensions, GPS, uploader, albums, verified', () => {
  const text = inZone('Asia/Tokyo', () => formatPhotoDetails(details));
  assert.match(text, /^photo: {7}IMG_1054\.JPG$/m);
  assert.match(text, /^captured: {4}2026-01-24 23:11:53 \+09:00 {2}\(in this machine's time zone, Asia\/Tokyo; the photo records no offset\)$/m);
  assert.match(text, /^ {2}from: {6}the photo's EXIF data$/m);
  assert.match(text, /^camera: {6}Apple iPhone 15$/m);
  assert.match(text, /^lens: {8}-$/m);
  assert.match(text, /^size: {8}2\.2 MiB \(2345678 bytes\)$/m);
  assert.match(text, /^dimensions: {2}4032 × 3024$/m);
  assert.doesNotMatch(text, /^duration:/m); // a photo, not a video
  assert.match(text, /^gps: {9}35\.011600, 135\.768100, altitude 41\.5 m$/m);
  assert.match(text, /^uploader: {4}Ann <ann@example\.org> \(you\)$/m);
  assert.match(text, /^ {2}key: {7}12345 67890$/m);
  assert.match(text, /^uploaded: {4}2026-01-25 10:00:00 \+09:00$/m);
  assert.match(text, /^albums: {6}"Kyoto 2026"$/m);
  assert.match(text, /^check: {7}signature verified \(your own key\)$/m);
});

test('photo show: absent fields are "-", a video shows its duration, names from others are escaped', () => {
  const video: PhotoDetails = {
    ...details, from: 'album', albums: [],
    metadata: { name: 'clip\x1b]0;pwned\x07.mp4', mimeType: 'video/mp4', capturedAt: T, captureSource: 'mtime', size: 10, durationMs: 65_000 },
    uploader: { id: 'u2', displayName: 'Bob', email: 'bob@example.org', me: false },
  };
  const text = inZone('UTC', () => formatPhotoDetails(video));
  assert.match(text, /^photo: {7}clip\\x1B\]0;pwned\\x07\.mp4$/m);
  assert.doesNotMatch(text, /\x1b/);
  for (const f of ['camera', 'dimensions', 'gps', 'albums']) assert.match(text, new RegExp(`^${f}: +-$`, 'm'), f);
  assert.match(text, /^duration: {4}1m05s$/m);
  assert.match(text, /^ {2}from: {6}the file's modification time/m);
  assert.match(text, /^ {2}key: {7}-$/m);
  assert.match(text, /^check: {7}signature verified \(uploader's key pinned\)$/m);
  assert.match(text, /^in: {10}an album you are in \(not in your library\)$/m);
});

test('photo show --json: UTC ISO times, GPS numbers, every field (null when absent)', () => {
  const j = inZone('Asia/Tokyo', () => photoDetailsJson(details));
  assert.equal(j.capturedAt, '2026-01-24T14:11:53.000Z');
  assert.equal(j.uploadedAt, '2026-01-25T01:00:00.000Z');
  assert.deepEqual(j.gps, { latitude: 35.0116, longitude: 135.7681, altitude: 41.5 });
  assert.deepEqual(j.camera, { make: 'Apple', model: 'iPhone 15' });
  assert.deepEqual(Object.keys(j), ['id', 'name', 'mimeType', 'capturedAt', 'capturedAtOffset', 'captureSource', 'camera', 'lens', 'size', 'width', 'height',
    'durationMs', 'gps', 'description', 'contentSha256', 'uploader', 'uploadedAt', 'in', 'state', 'albums', 'verified']);
  assert.equal(j.durationMs, null);
  assert.equal(j.lens, null);
  assert.equal(j.verified, true);
});

test('NO_COLOR: obscura writes no colour; without a terminal no escape sequence at all, NO_COLOR set or not', async () => {
  for (const env of [{}, { NO_COLOR: '1' }]) {
    for (const argv of [['--help'], ['help', 'album'], ['--version'], ['completion', 'bash'], ['photos'], ['album', 'frob']]) {
      const h = await harness();
      try {
        Object.assign(h.ctx.env, env);
        await h.run(...argv);
        const out = h.stdout.text + h.stderr.text;
        assert.ok(out.length > 0, argv.join(' '));
        assert.doesNotMatch(out, /\x1b/, `${argv.join(' ')} ${JSON.stringify(env)}`);
      } finally { await h.cleanup(); }
    }
  }
});
