import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, readdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { makeJpeg, makeMp4, makeHeicLike, makeNotMedia, writePhotoFolder, exifDateString } from './fixtures.ts';

test('makeJpeg writes real pixels and EXIF that exifr reads back', async () => {
  const capturedAt = new Date('2022-03-04T05:06:07Z');
  const jpeg = await makeJpeg({ width: 200, height: 100, capturedAt, offset: '+02:00', make: 'Canon', model: 'EOS R5', gps: { latitude: -33.868820, longitude: 151.209296, altitude: 58 }, seed: 7 });
  const meta = await sharp(jpeg).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.equal(meta.width, 200);
  assert.equal(meta.height, 100);
  const exif = await exifr.parse(jpeg, { reviveValues: false });
  assert.equal(exif.Make, 'Canon');
  assert.equal(exif.Model, 'EOS R5');
  assert.equal(exif.DateTimeOriginal, '2022:03:04 07:06:07'); // wall clock at +02:00
  assert.equal(exif.OffsetTimeOriginal, '+02:00');
  const gps = await exifr.gps(jpeg);
  assert.ok(Math.abs(gps.latitude - -33.86882) < 1e-6);
  assert.ok(Math.abs(gps.longitude - 151.209296) < 1e-6);
  assert.equal(exif.GPSAltitude, 58);
  const other = await makeJpeg({ width: 200, height: 100, capturedAt, make: 'Canon', model: 'EOS R5', seed: 8 });
  assert.notDeepEqual(await sharp(jpeg).raw().toBuffer(), await sharp(other).raw().toBuffer(), 'different seeds give different pixels');
});

test('exifDateString without offset uses local time', () => {
  const d = new Date(2020, 0, 2, 3, 4, 5);
  assert.equal(exifDateString(d), '2020:01:02 03:04:05');
});

test('makeMp4 / makeHeicLike / makeNotMedia have the right signatures', () => {
  const mp4 = makeMp4({ creationTime: new Date('2020-01-01T00:00:00Z'), durationMs: 2000 });
  assert.equal(mp4.subarray(4, 12).toString('latin1'), 'ftypisom');
  assert.equal(mp4.subarray(mp4.readUInt32BE(0) + 4, mp4.readUInt32BE(0) + 8).toString('latin1'), 'moov');
  const atEnd = makeMp4({ creationTime: new Date('2020-01-01T00:00:00Z'), durationMs: 2000, moovAtEnd: true });
  assert.equal(atEnd.subarray(atEnd.readUInt32BE(0) + 4, atEnd.readUInt32BE(0) + 8).toString('latin1'), 'mdat');
  assert.equal(makeHeicLike().subarray(4, 12).toString('latin1'), 'ftypheic');
  assert.equal(makeNotMedia().subarray(0, 5).toString('latin1'), '%PDF-');
});

test('writePhotoFolder writes what its manifest says', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'obscura-fixtures-'));
  try {
    const m = await writePhotoFolder(dir, { photos: 4, videos: 2, markers: true });
    assert.equal(m.files.filter((f) => f.kind === 'photo').length, 4);
    assert.equal(m.files.filter((f) => f.kind === 'video').length, 2);
    assert.equal(m.files.filter((f) => f.kind === 'other').length, 1);
    assert.ok(m.files.some((f) => f.relativePath.startsWith('nested/deeper/')));
    assert.deepEqual((await readdir(join(dir, 'nested', 'deeper'))).length > 0, true);
    const times = new Set(m.files.filter((f) => f.capturedAt !== null).map((f) => f.capturedAt));
    assert.equal(times.size, 6, 'capture times are distinct');
    for (const f of m.files) {
      const bytes = await readFile(f.path);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), f.sha256);
      if (f.kind !== 'photo') continue;
      const exif = await exifr.parse(bytes, { reviveValues: false });
      assert.equal(exif.Model, f.cameraModel);
      assert.equal(exif.Model, m.markers!.cameraModel);
      assert.ok(f.relativePath.includes(m.markers!.fileName));
      const gps = await exifr.gps(bytes);
      assert.ok(Math.abs(gps.latitude - f.gps!.latitude) < 1e-6 && Math.abs(gps.longitude - f.gps!.longitude) < 1e-6);
    }
    const first = m.files.find((f) => f.kind === 'photo')!;
    assert.deepEqual(first.gps, m.markers!.gps);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
