// Realistic media fixtures shared by SDK, CLI and end-to-end tests.
// Everything is generated (no binary files checked in) and deterministic per seed.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import sharp from 'sharp';

export interface GpsFixture { latitude: number; longitude: number; altitude?: number }

export interface JpegOptions {
  width: number;
  height: number;
  capturedAt: Date;
  /** Written as OffsetTimeOriginal; DateTimeOriginal is the wall-clock time in this zone. Omit for "no offset tag" (then local time of this machine). */
  offset?: string;
  make: string;
  model: string;
  /** altitude must be >= 0 (sharp cannot write GPSAltitudeRef=1). */
  gps?: GpsFixture;
  /** EXIF orientation 1..8 (default: none written beyond sharp's 1). */
  orientation?: number;
  seed: number;
}

/** Mulberry32: a tiny deterministic PRNG so each seed gives different pixels. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, w = 2) => String(Math.trunc(n)).padStart(w, '0');

function offsetMinutes(offset: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!m) throw new Error(`bad offset ${offset}; expected like +02:00`);
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** "YYYY:MM:DD HH:MM:SS" of `date` as seen in `offset` (or in this machine's local zone). */
export function exifDateString(date: Date, offset?: string): string {
  if (offset === undefined) {
    return `${date.getFullYear()}:${pad(date.getMonth() + 1)}:${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  }
  const d = new Date(date.getTime() + offsetMinutes(offset) * 60_000);
  return `${d.getUTCFullYear()}:${pad(d.getUTCMonth() + 1)}:${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Degrees → EXIF rational triple "D/1 M/1 S*10000/10000". */
function dms(value: number): string {
  const abs = Math.abs(value);
  const d = Math.floor(abs);
  const mFloat = (abs - d) * 60;
  const m = Math.floor(mFloat);
  const s = Math.round((mFloat - m) * 60 * 10000);
  return `${d}/1 ${m}/1 ${s}/10000`;
}

/** Raw RGB pixels: a seed-coloured gradient with a few seed-placed blocks. */
function pixels(width: number, height: number, seed: number): Buffer {
  const rnd = prng(seed);
  const c0 = [rnd() * 255, rnd() * 255, rnd() * 255];
  const c1 = [rnd() * 255, rnd() * 255, rnd() * 255];
  const blocks = Array.from({ length: 6 }, () => ({
    x: rnd() * width, y: rnd() * height, w: (0.05 + rnd() * 0.25) * width, h: (0.05 + rnd() * 0.25) * height,
    c: [rnd() * 255, rnd() * 255, rnd() * 255],
  }));
  const buf = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      let c = [c0[0]! + (c1[0]! - c0[0]!) * t, c0[1]! + (c1[1]! - c0[1]!) * t, c0[2]! + (c1[2]! - c0[2]!) * t];
      for (const b of blocks) if (x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h) c = b.c;
      const i = (y * width + x) * 3;
      buf[i] = c[0]!; buf[i + 1] = c[1]!; buf[i + 2] = c[2]!;
    }
  }
  return buf;
}

/** A real JPEG (sharp-encoded pixels) with real EXIF: DateTimeOriginal, OffsetTimeOriginal, Make, Model, GPS. */
export async function makeJpeg(o: JpegOptions): Promise<Buffer> {
  const exif: Record<string, Record<string, string>> = {
    IFD0: { Make: o.make, Model: o.model, Software: 'obscura-fixtures' },
    IFD2: { DateTimeOriginal: exifDateString(o.capturedAt, o.offset), CreateDate: exifDateString(o.capturedAt, o.offset) },
  };
  if (o.offset !== undefined) exif.IFD2!.OffsetTimeOriginal = o.offset;
  if (o.gps) {
    if ((o.gps.altitude ?? 0) < 0) throw new Error('makeJpeg: negative altitude is not supported');
    exif.IFD3 = {
      GPSVersionID: '2 3 0 0',
      GPSLatitudeRef: o.gps.latitude < 0 ? 'S' : 'N',
      GPSLatitude: dms(o.gps.latitude),
      GPSLongitudeRef: o.gps.longitude < 0 ? 'W' : 'E',
      GPSLongitude: dms(o.gps.longitude),
    };
    if (o.gps.altitude !== undefined) exif.IFD3.GPSAltitude = `${Math.round(o.gps.altitude * 100)}/100`;
  }
  let img = sharp(pixels(o.width, o.height, o.seed), { raw: { width: o.width, height: o.height, channels: 3 } })
    .jpeg({ quality: 85 }).withExif(exif);
  if (o.orientation !== undefined) img = img.withMetadata({ orientation: o.orientation });
  return img.toBuffer();
}

// ---------------------------------------------------------------- MP4

const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
const u64 = (n: number | bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(n)); return b; };
const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };

export function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body]);
}
const fullBox = (type: string, version: number, flags: number, ...payload: Buffer[]) =>
  box(type, Buffer.from([version, (flags >> 16) & 255, (flags >> 8) & 255, flags & 255]), ...payload);

const MATRIX = Buffer.concat([u32(0x10000), u32(0), u32(0), u32(0), u32(0x10000), u32(0), u32(0), u32(0), u32(0x40000000)]);
const MAC_EPOCH_OFFSET_S = 2_082_844_800;

export interface Mp4Options {
  creationTime: Date;
  durationMs: number;
  moovAtEnd?: boolean;
  /** 64-bit (version 1) mvhd/tkhd/mdhd. */
  version1?: boolean;
  width?: number;
  height?: number;
  /** ftyp major brand (default isom; 'qt  ' for a QuickTime .mov). */
  brand?: string;
  /** Bytes of (meaningless) media data in mdat. */
  mdatBytes?: number;
  seed?: number;
}

/** The moov box alone (exported for tests that build oversized virtual files). */
export function makeMoov(o: Mp4Options): Buffer {
  const timescale = 1000;
  const macTime = Math.floor(o.creationTime.getTime() / 1000) + MAC_EPOCH_OFFSET_S;
  const v1 = o.version1 === true;
  const times = (dur: number) => (v1 ? [u64(macTime), u64(macTime), u32(timescale), u64(dur)] : [u32(macTime), u32(macTime), u32(timescale), u32(dur)]);
  const mvhd = fullBox('mvhd', v1 ? 1 : 0, 0, ...times(o.durationMs), u32(0x10000), u16(0x100), Buffer.alloc(10), MATRIX, Buffer.alloc(24), u32(2));
  const tkhdTimes = v1 ? [u64(macTime), u64(macTime), u32(1), u32(0), u64(o.durationMs)] : [u32(macTime), u32(macTime), u32(1), u32(0), u32(o.durationMs)];
  const tkhd = fullBox('tkhd', v1 ? 1 : 0, 3, ...tkhdTimes, Buffer.alloc(8), u16(0), u16(0), u16(0), u16(0), MATRIX,
    u32((o.width ?? 1920) * 65536), u32((o.height ?? 1080) * 65536));
  const mdhd = fullBox('mdhd', v1 ? 1 : 0, 0, ...times(o.durationMs), u16(0x55c4), u16(0));
  const hdlr = fullBox('hdlr', 0, 0, u32(0), Buffer.from('vide', 'latin1'), Buffer.alloc(12), Buffer.from('VideoHandler\0', 'latin1'));
  return box('moov', mvhd, box('trak', tkhd, box('mdia', mdhd, hdlr)));
}

/** A minimal, structurally valid MP4: ftyp, moov(mvhd, trak(tkhd, mdia(mdhd, hdlr))), mdat. Not playable. */
export function makeMp4(o: Mp4Options): Buffer {
  const brand = o.brand ?? 'isom';
  const ftyp = box('ftyp', Buffer.from(brand, 'latin1'), u32(0x200), Buffer.from(brand === 'qt  ' ? 'qt  ' : 'isomiso2avc1mp41', 'latin1'));
  const rnd = prng(o.seed ?? o.creationTime.getTime() % 1e9);
  const data = Buffer.alloc(o.mdatBytes ?? 4096);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rnd() * 256);
  const mdat = box('mdat', data);
  const moov = makeMoov(o);
  return o.moovAtEnd ? Buffer.concat([ftyp, mdat, moov]) : Buffer.concat([ftyp, moov, mdat]);
}

/** An ISO-BMFF file with an HEIC brand and junk after it: detects as HEIC, decodes as nothing. */
export function makeHeicLike(seed = 1): Buffer {
  const ftyp = box('ftyp', Buffer.from('heic', 'latin1'), u32(0), Buffer.from('mif1heicmiaf', 'latin1'));
  const rnd = prng(seed);
  const junk = Buffer.alloc(2048);
  for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(rnd() * 256);
  return Buffer.concat([ftyp, box('meta', Buffer.alloc(4), box('hdlr', Buffer.alloc(4), Buffer.from('pict', 'latin1'))), box('mdat', junk)]);
}

/** A small PDF-looking file (not media). */
export function makeNotMedia(): Buffer {
  return Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
}

// ---------------------------------------------------------------- folders

export interface FixtureFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the folder root, with '/' separators. */
  relativePath: string;
  kind: 'photo' | 'video' | 'other';
  /** Expected capture time (ms), null for non-media. */
  capturedAt: number | null;
  sha256: string;
  size: number;
  cameraMake?: string;
  cameraModel?: string;
  gps?: GpsFixture;
  durationMs?: number;
}

export interface FolderMarkers {
  /** Appears in every photo/video file name. */
  fileName: string;
  /** EXIF Model of every photo. */
  cameraModel: string;
  /** GPS of the first photo (distinctive coordinates). */
  gps: GpsFixture;
  /** Strings that must never appear in anything the server stores or logs. */
  needles: string[];
}

export interface PhotoFolderManifest {
  dir: string;
  files: FixtureFile[];
  markers?: FolderMarkers;
}

const CAMERAS = [
  ['Canon', 'EOS R5'], ['NIKON CORPORATION', 'NIKON Z 6'], ['Apple', 'iPhone 13 Pro'], ['FUJIFILM', 'X-T4'], ['SONY', 'ILCE-7M3'],
] as const;
const OFFSETS = ['+02:00', '-05:00', '+00:00', '+09:00', '+05:30'];

/**
 * Writes `photos` JPEGs and `videos` MP4s (every third file in nested/deeper/), plus
 * notes.txt (not media). Capture times, cameras and places differ per file.
 * With `markers`, a random marker string goes into file names and camera models, and
 * the first photo gets distinctive GPS, so a zero-knowledge test can scan the server.
 */
export async function writePhotoFolder(
  dir: string,
  opts: { photos: number; videos: number; markers?: boolean | string; size?: { width: number; height: number } },
): Promise<PhotoFolderManifest> {
  const nested = join(dir, 'nested', 'deeper');
  await mkdir(nested, { recursive: true });
  const marker = opts.markers
    ? typeof opts.markers === 'string' ? opts.markers : `OBSCMARK${createHash('sha256').update(dir).digest('hex').slice(0, 12)}`
    : undefined;
  const markers: FolderMarkers | undefined = marker
    ? { fileName: marker, cameraModel: `${marker}-CAM`, gps: { latitude: 12.345678, longitude: -98.765432, altitude: 123 }, needles: [] }
    : undefined;
  if (markers) markers.needles.push(marker!, markers.cameraModel, '12.345678', '-98.765432', '12.34567', '98.76543');

  const files: FixtureFile[] = [];
  const record = async (rel: string, bytes: Buffer, info: Omit<FixtureFile, 'path' | 'relativePath' | 'sha256' | 'size'>) => {
    const path = join(dir, rel);
    await writeFile(path, bytes);
    files.push({ path, relativePath: relative(dir, path).split('\\').join('/'), sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, ...info });
  };
  const where = (i: number) => (i % 3 === 2 ? 'nested/deeper/' : '');
  const base = Date.UTC(2021, 5, 1, 9, 30, 0);
  const { width, height } = opts.size ?? { width: 320, height: 240 };

  for (let i = 0; i < opts.photos; i++) {
    const [make, model0] = CAMERAS[i % CAMERAS.length]!;
    const model = markers ? markers.cameraModel : model0;
    const capturedAt = new Date(base + i * 86_400_000 + i * 3_723_000); // distinct days and clock times
    const gps = i === 0 && markers ? markers.gps : { latitude: round6(((i * 7.123457) % 160) - 80), longitude: round6(-120 + i * 13.654321), altitude: 10 + i };
    const bytes = await makeJpeg({
      width: i % 2 ? height : width, height: i % 2 ? width : height, capturedAt, offset: OFFSETS[i % OFFSETS.length]!,
      make, model, gps, seed: 1000 + i,
    });
    const name = `IMG_${marker ? `${marker}_` : ''}${String(i + 1).padStart(4, '0')}.jpg`;
    await record(where(i) + name, bytes, { kind: 'photo', capturedAt: capturedAt.getTime(), cameraMake: make, cameraModel: model, gps });
  }
  for (let i = 0; i < opts.videos; i++) {
    const creationTime = new Date(base - (i + 1) * 3 * 86_400_000 + i * 61_000);
    const durationMs = 1500 + i * 2250;
    const bytes = makeMp4({ creationTime, durationMs, moovAtEnd: i % 2 === 1, version1: i % 3 === 2, seed: 2000 + i });
    const name = `VID_${marker ? `${marker}_` : ''}${String(i + 1).padStart(4, '0')}.mp4`;
    await record(where(i) + name, bytes, { kind: 'video', capturedAt: creationTime.getTime(), durationMs });
  }
  await record('notes.txt', Buffer.from('Shopping list: film, batteries.\n'), { kind: 'other', capturedAt: null });
  return markers ? { dir, files, markers } : { dir, files };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
