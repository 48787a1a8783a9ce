import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { makeJpeg, makeMp4, makeMoov, makeHeicLike, makeNotMedia, box } from '../../../test/support/fixtures.ts';
import {
  bytesSource, blobSource, detectKind, detectKindFromBytes, readMediaMetadata, readMp4Info, parseExifDate,
  type RandomAccessSource,
} from '../src/media/index.ts';
import { openFileSource, makeThumbnails, LARGE_THUMBNAIL_PX, SMALL_THUMBNAIL_PX } from '../src/media/node.ts';

const noFfmpeg = async () => null;
const MTIME = Date.UTC(2019, 0, 2, 3, 4, 5);

test('JPEG EXIF: capture time with offset, camera and GPS read back exactly', async () => {
  const capturedAt = new Date('2023-08-15T17:45:30Z');
  const jpeg = await makeJpeg({
    width: 640, height: 480, capturedAt, offset: '-07:00', make: 'FUJIFILM', model: 'X-T4',
    gps: { latitude: 37.807499, longitude: -122.475, altitude: 67.5 }, seed: 3,
  });
  const meta = await readMediaMetadata(bytesSource('a.jpg', jpeg, MTIME));
  assert.equal(meta.mimeType, 'image/jpeg');
  assert.equal(meta.captureSource, 'exif');
  assert.equal(meta.capturedAt, capturedAt.getTime());
  assert.equal(meta.cameraMake, 'FUJIFILM');
  assert.equal(meta.cameraModel, 'X-T4');
  assert.equal(meta.width, 640);
  assert.equal(meta.height, 480);
  assert.ok(meta.gps);
  assert.ok(Math.abs(meta.gps.latitude - 37.807499) < 1e-6, `latitude ${meta.gps.latitude}`);
  assert.ok(Math.abs(meta.gps.longitude - -122.475) < 1e-6, `longitude ${meta.gps.longitude}`);
  assert.equal(meta.gps.altitude, 67.5);
});

test('JPEG without offset tag is read as local time; orientation swaps display size', async () => {
  const capturedAt = new Date(2020, 6, 4, 21, 15, 0); // local wall clock
  const jpeg = await makeJpeg({ width: 300, height: 200, capturedAt, make: 'Apple', model: 'iPhone 13 Pro', orientation: 6, seed: 4 });
  const meta = await readMediaMetadata(bytesSource('b.jpg', jpeg, MTIME));
  assert.equal(meta.capturedAt, capturedAt.getTime());
  assert.equal(meta.gps, undefined);
  assert.deepEqual([meta.width, meta.height], [200, 300]);
});

test('parseExifDate handles offsets, sub-seconds and unset dates', () => {
  assert.equal(parseExifDate('2021:01:01 00:30:00', '+01:00'), Date.UTC(2020, 11, 31, 23, 30));
  assert.equal(parseExifDate('2021:01:01 00:30:00', '-05:30', '25'), Date.UTC(2021, 0, 1, 6, 0, 0, 250));
  assert.equal(parseExifDate('0000:00:00 00:00:00'), undefined);
  assert.equal(parseExifDate('garbage'), undefined);
});

test('photo without EXIF falls back to mtime, with size from the header', async () => {
  const png = await sharp({ create: { width: 33, height: 17, channels: 3, background: '#123456' } }).png().toBuffer();
  const meta = await readMediaMetadata(bytesSource('c.png', png, MTIME));
  assert.deepEqual(meta, { mimeType: 'image/png', capturedAt: MTIME, captureSource: 'mtime', width: 33, height: 17 });
});

for (const variant of [
  { label: 'moov first, v0 mvhd', moovAtEnd: false, version1: false },
  { label: 'moov after mdat', moovAtEnd: true, version1: false },
  { label: '64-bit v1 mvhd', moovAtEnd: true, version1: true },
]) {
  test(`MP4 creation time and duration (${variant.label})`, async () => {
    const creationTime = new Date('2024-02-29T23:59:58Z');
    const mp4 = makeMp4({ creationTime, durationMs: 83_456, width: 1280, height: 720, ...variant });
    const src = bytesSource('v.mp4', mp4, MTIME);
    assert.deepEqual(await detectKind(src), { kind: 'video', mimeType: 'video/mp4', format: 'MP4' });
    const meta = await readMediaMetadata(src);
    assert.deepEqual(meta, {
      mimeType: 'video/mp4', capturedAt: creationTime.getTime(), captureSource: 'container', durationMs: 83_456, width: 1280, height: 720,
    });
  });
}

test('v1 mvhd carries times beyond 2^32 seconds after 1904 (after 2040)', async () => {
  const creationTime = new Date('2050-06-01T12:00:00Z');
  const info = await readMp4Info(bytesSource('v.mp4', makeMp4({ creationTime, durationMs: 1000, version1: true })));
  assert.equal(info?.creationTime, creationTime.getTime());
});

test('QuickTime brand is a video; zero creation time falls back to mtime', async () => {
  const mov = makeMp4({ creationTime: new Date(-2_082_844_800_000), durationMs: 5000, brand: 'qt  ' });
  const meta = await readMediaMetadata(bytesSource('x.mov', mov, MTIME));
  assert.equal(meta.mimeType, 'video/quicktime');
  assert.equal(meta.captureSource, 'mtime');
  assert.equal(meta.capturedAt, MTIME);
  assert.equal(meta.durationMs, 5000);
});

/** A virtual 6 GiB file: ftyp, a 64-bit-size mdat of zeros, then moov. Counts bytes read. */
function hugeVirtualMp4(creationTime: Date): { source: RandomAccessSource; bytesRead: () => number } {
  const ftyp = box('ftyp', Buffer.from('mp42'), Buffer.alloc(4), Buffer.from('isommp42'));
  const moov = makeMoov({ creationTime, durationMs: 3_600_000 });
  const mdatSize = 6 * 1024 ** 3;
  const mdatHeader = Buffer.alloc(16);
  mdatHeader.writeUInt32BE(1, 0);
  mdatHeader.write('mdat', 4, 'latin1');
  mdatHeader.writeBigUInt64BE(BigInt(mdatSize), 8);
  const moovStart = ftyp.length + mdatSize;
  const size = moovStart + moov.length;
  let total = 0;
  const source: RandomAccessSource = {
    name: 'huge.mp4', size, lastModified: MTIME,
    async read(offset, length) {
      const n = Math.max(0, Math.min(length, size - offset));
      total += n;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const at = offset + i;
        if (at < ftyp.length) out[i] = ftyp[at]!;
        else if (at < ftyp.length + 16) out[i] = mdatHeader[at - ftyp.length]!;
        else if (at >= moovStart) out[i] = moov[at - moovStart]!;
      }
      return out;
    },
    // eslint-disable-next-line require-yield
    async *stream() { throw new Error('must not stream a 6 GiB file for metadata'); },
  };
  return { source, bytesRead: () => total };
}

test('moov after a 6 GiB mdat is found with a few small reads', async () => {
  const creationTime = new Date('2022-12-31T10:00:00Z');
  const { source, bytesRead } = hugeVirtualMp4(creationTime);
  const meta = await readMediaMetadata(source);
  assert.equal(meta.capturedAt, creationTime.getTime());
  assert.equal(meta.durationMs, 3_600_000);
  assert.ok(bytesRead() < 16 * 1024, `read ${bytesRead()} bytes`);
});

test('detectKind uses magic bytes, not names', async () => {
  const jpeg = await makeJpeg({ width: 16, height: 16, capturedAt: new Date(), make: 'a', model: 'b', seed: 1 });
  assert.equal((await detectKind(bytesSource('photo.pdf', jpeg))).kind, 'photo');
  assert.deepEqual(await detectKind(bytesSource('IMG_1.jpg', makeNotMedia())), { kind: 'other', reason: 'not a photo or video (looks like PDF)' });
  assert.deepEqual(await detectKind(bytesSource('a.jpg', Buffer.from('hello\nworld\n'))), { kind: 'other', reason: 'not a photo or video (looks like text)' });
  assert.deepEqual(await detectKind(bytesSource('a.jpg', Buffer.from([0, 1, 2, 3, 0xfe, 0xff, 0x80, 0x00]))), { kind: 'other', reason: 'not a photo or video (looks like unknown)' });
  assert.deepEqual(await detectKind(bytesSource('IMG.JPG', makeHeicLike())), { kind: 'photo', mimeType: 'image/heic', format: 'HEIC' });
  const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).gif().toBuffer();
  const webp = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).webp().toBuffer();
  const tiff = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).tiff().toBuffer();
  const avif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).avif().toBuffer();
  assert.deepEqual(detectKindFromBytes(gif), { kind: 'photo', mimeType: 'image/gif', format: 'GIF' });
  assert.deepEqual(detectKindFromBytes(webp), { kind: 'photo', mimeType: 'image/webp', format: 'WebP' });
  assert.deepEqual(detectKindFromBytes(tiff), { kind: 'photo', mimeType: 'image/tiff', format: 'TIFF' });
  assert.deepEqual(detectKindFromBytes(avif), { kind: 'photo', mimeType: 'image/avif', format: 'AVIF' });
  const webm = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84]), Buffer.from('webm'), Buffer.alloc(20)]);
  assert.deepEqual(detectKindFromBytes(webm), { kind: 'video', mimeType: 'video/webm', format: 'WebM' });
  const avi = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('AVI LIST')]);
  assert.deepEqual(detectKindFromBytes(avi), { kind: 'video', mimeType: 'video/x-msvideo', format: 'AVI' });
  await assert.rejects(readMediaMetadata(bytesSource('n.pdf', makeNotMedia())), /n\.pdf: not a photo or video \(looks like PDF\)/);
});

async function assertCleanJpeg(bytes: Uint8Array, longest: number) {
  const meta = await sharp(bytes).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.equal(Math.max(meta.width, meta.height), longest);
  assert.equal(meta.exif, undefined, 'thumbnail has no EXIF');
  assert.equal(meta.xmp, undefined, 'thumbnail has no XMP');
  assert.equal(await exifr.parse(Buffer.from(bytes)), undefined, 'exifr finds nothing');
  return meta;
}

test('photo thumbnails: right longest side, orientation applied, no EXIF/GPS', async () => {
  const jpeg = await makeJpeg({
    width: 2400, height: 1600, capturedAt: new Date(), make: 'Canon', model: 'EOS R5',
    gps: { latitude: 51.5, longitude: -0.12 }, orientation: 6, seed: 9,
  });
  const src = bytesSource('big.jpg', jpeg);
  const thumbs = await makeThumbnails(src, await detectKind(src), { findFfmpeg: noFfmpeg });
  assert.equal(thumbs.placeholder, false);
  const small = await assertCleanJpeg(thumbs.small, SMALL_THUMBNAIL_PX);
  const large = await assertCleanJpeg(thumbs.large, LARGE_THUMBNAIL_PX);
  assert.ok(small.height > small.width && large.height > large.width, 'orientation 6 makes it portrait');
  assert.deepEqual([thumbs.width, thumbs.height], [large.width, large.height]);
});

test('small photo is not enlarged', async () => {
  const jpeg = await makeJpeg({ width: 300, height: 120, capturedAt: new Date(), make: 'a', model: 'b', gps: { latitude: 1, longitude: 2 }, seed: 2 });
  const src = bytesSource('s.jpg', jpeg);
  const thumbs = await makeThumbnails(src, await detectKind(src));
  await assertCleanJpeg(thumbs.small, 300);
  await assertCleanJpeg(thumbs.large, 300);
});

test('HEIC-like input gets a placeholder', async () => {
  const src = bytesSource('IMG_0001.HEIC', makeHeicLike());
  const thumbs = await makeThumbnails(src, await detectKind(src));
  assert.equal(thumbs.placeholder, true);
  await assertCleanJpeg(thumbs.small, 512);
  await assertCleanJpeg(thumbs.large, 1920);
});

test('video without ffmpeg gets a placeholder; ffmpeg discovery is injectable', async () => {
  const src = bytesSource('v.mp4', makeMp4({ creationTime: new Date(), durationMs: 42_000 }));
  let asked = 0;
  const thumbs = await makeThumbnails(src, await detectKind(src), { durationMs: 42_000, findFfmpeg: async () => { asked++; return null; } });
  assert.equal(asked, 1);
  assert.equal(thumbs.placeholder, true);
  await assertCleanJpeg(thumbs.small, 512);
  // A "found" ffmpeg that cannot run (not executable) also degrades to the placeholder.
  const broken = await makeThumbnails(src, await detectKind(src), { findFfmpeg: async () => '/nonexistent/ffmpeg' });
  assert.equal(broken.placeholder, true);
});

test('video poster frame comes from ffmpeg when found (file path passed for seeking)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'obscura-ffmpeg-'));
  try {
    // A stand-in ffmpeg: records its arguments and prints a 640x360 PNG "frame".
    const frame = join(dir, 'frame.png');
    await writeFile(frame, await sharp({ create: { width: 640, height: 360, channels: 3, background: '#3366aa' } }).png().toBuffer());
    const fake = join(dir, 'ffmpeg');
    await writeFile(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > '${dir}/args'\ncat '${frame}'\n`, { mode: 0o755 });
    const path = join(dir, 'clip.mp4');
    await writeFile(path, makeMp4({ creationTime: new Date(), durationMs: 10_000, moovAtEnd: true }));
    const src = await openFileSource(path);
    try {
      const thumbs = await makeThumbnails(src, await detectKind(src), { findFfmpeg: async () => fake, durationMs: 10_000 });
      assert.equal(thumbs.placeholder, false);
      assert.deepEqual([thumbs.width, thumbs.height], [640, 360]);
      await assertCleanJpeg(thumbs.small, 512);
    } finally {
      await src.close();
    }
    const args = (await readFile(join(dir, 'args'), 'utf8')).trim().split('\n');
    assert.deepEqual(args.slice(args.indexOf('-ss'), args.indexOf('-ss') + 4), ['-ss', '1.000', '-i', path]);
    assert.ok(args.includes('-frames:v') && args.at(-1) === 'pipe:1');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('file and blob sources read ranges and stream the same bytes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'obscura-media-'));
  try {
    const bytes = makeMp4({ creationTime: new Date('2021-01-01T00:00:00Z'), durationMs: 1000, mdatBytes: 3 * 1024 * 1024 + 17, moovAtEnd: true });
    const path = join(dir, 'clip.mp4');
    await writeFile(path, bytes);
    await utimes(path, MTIME / 1000, MTIME / 1000);
    const file = await openFileSource(path);
    const blob = blobSource(new Blob([new Uint8Array(bytes)]), 'clip.mp4', MTIME);
    try {
      for (const src of [file, blob]) {
        assert.equal(src.name, 'clip.mp4');
        assert.equal(src.size, bytes.length);
        assert.equal(src.lastModified, MTIME);
        assert.deepEqual(Buffer.from(await src.read(100, 50)), bytes.subarray(100, 150));
        assert.equal((await src.read(bytes.length - 10, 100)).length, 10);
        const parts: Uint8Array[] = [];
        for await (const c of src.stream()) parts.push(c);
        assert.ok(Buffer.concat(parts).equals(bytes));
        assert.equal((await readMediaMetadata(src)).capturedAt, Date.UTC(2021, 0, 1));
      }
    } finally {
      await file.close();
    }
    await assert.rejects(file.read(0, 1), /read after close/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
