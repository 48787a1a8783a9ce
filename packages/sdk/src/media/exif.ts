// EXIF reading through exifr, on the head of the file only.
import exifr from 'exifr';
import { readHead, type RandomAccessSource } from './source.ts';

/**
 * [Note: EXIF lives in the head] JPEG keeps EXIF in an APP1 segment right after SOI
 * (at most 64 KiB); TIFF/PNG/WebP/HEIC keep it near the start in practice. We read
 * this many bytes and never the whole file. A HEIC whose Exif item sits beyond it
 * simply reads as "no EXIF" and falls back to the file's mtime.
 */
export const EXIF_HEAD_BYTES = 512 * 1024;

export interface ExifInfo {
  capturedAt?: number;
  cameraMake?: string;
  cameraModel?: string;
  gps?: { latitude: number; longitude: number; altitude?: number };
  /** Stored pixel size as recorded in EXIF (may be absent). */
  width?: number;
  height?: number;
  /** EXIF orientation 1..8 (1 when absent). */
  orientation: number;
}

const str = (v: unknown): string | undefined => {
  if (typeof v !== 'string') return undefined;
  const t = v.replace(/\0+$/, '').trim();
  return t === '' ? undefined : t;
};
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Parses an EXIF date ("YYYY:MM:DD HH:MM:SS", optional sub-seconds and "+HH:MM" offset)
 * to ms since the epoch.
 * [Note: EXIF local time] EXIF dates carry no zone. With an OffsetTime* tag the instant
 * is exact. Without one we read the wall-clock time as the local time of the machine
 * running the client — the camera was most likely set to the owner's zone. It may be
 * off by the zone difference for photos taken while travelling; the timeline order
 * within one trip is still right.
 */
export function parseExifDate(value: string, offset?: string, subSec?: string): number | undefined {
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (y < 1800 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined; // "0000:00:00 00:00:00" = unset
  const ms = subSec && /^\d+$/.test(subSec.trim()) ? Math.round(Number(`0.${subSec.trim()}`) * 1000) : 0;
  const off = offset ? /^([+-])(\d{2}):?(\d{2})$/.exec(offset.trim()) : null;
  if (off) {
    const sign = off[1] === '-' ? -1 : 1;
    const offsetMin = sign * (Number(off[2]) * 60 + Number(off[3]));
    return Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000;
  }
  return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
}

function dmsToDecimal(v: unknown, ref: unknown, negativeRef: string): number | undefined {
  let deg: number | undefined;
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number')) {
    deg = (v[0] as number) + ((v[1] as number | undefined) ?? 0) / 60 + ((v[2] as number | undefined) ?? 0) / 3600;
  } else {
    deg = num(v);
  }
  if (deg === undefined || !Number.isFinite(deg)) return undefined;
  return str(ref)?.toUpperCase().startsWith(negativeRef) ? -deg : deg;
}

/** EXIF fields of a photo, or undefined when it has none (or exifr cannot read the format). */
export async function readExif(source: RandomAccessSource): Promise<ExifInfo | undefined> {
  return readExifFromHead(await readHead(source, EXIF_HEAD_BYTES));
}

/** Same, on the first EXIF_HEAD_BYTES of the file already in memory. */
export async function readExifFromHead(head: Uint8Array): Promise<ExifInfo | undefined> {
  let raw: Record<string, unknown> | undefined;
  try {
    raw = await exifr.parse(head, {
      tiff: true, ifd0: {}, exif: true, gps: true, ifd1: false, interop: false,
      xmp: false, icc: false, iptc: false, jfif: false, ihdr: false, makerNote: false, userComment: false,
      // Raw values: we apply the offset ourselves instead of exifr's local-time Date.
      reviveValues: false, translateValues: false, translateKeys: true, mergeOutput: true, silentErrors: true,
    } as Parameters<typeof exifr.parse>[1]);
  } catch {
    return undefined; // unknown format or corrupt segment: no EXIF
  }
  if (!raw || typeof raw !== 'object') return undefined;

  const info: ExifInfo = { orientation: 1 };
  const o = num(raw.Orientation);
  if (o && o >= 1 && o <= 8) info.orientation = o;
  const original = str(raw.DateTimeOriginal);
  const digitized = str(raw.CreateDate) ?? str(raw.DateTimeDigitized);
  const captured =
    (original && parseExifDate(original, str(raw.OffsetTimeOriginal) ?? str(raw.OffsetTime), str(raw.SubSecTimeOriginal))) ||
    (digitized && parseExifDate(digitized, str(raw.OffsetTimeDigitized) ?? str(raw.OffsetTime), str(raw.SubSecTimeDigitized))) ||
    undefined;
  if (captured !== undefined) info.capturedAt = captured;
  const make = str(raw.Make);
  const model = str(raw.Model);
  if (make) info.cameraMake = make;
  if (model) info.cameraModel = model;
  const latitude = dmsToDecimal(raw.GPSLatitude, raw.GPSLatitudeRef, 'S');
  const longitude = dmsToDecimal(raw.GPSLongitude, raw.GPSLongitudeRef, 'W');
  if (latitude !== undefined && longitude !== undefined && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180) {
    info.gps = { latitude, longitude };
    const alt = num(raw.GPSAltitude);
    if (alt !== undefined) {
      const ref = raw.GPSAltitudeRef;
      const below = ref === 1 || (ref instanceof Uint8Array && ref[0] === 1);
      info.gps.altitude = below ? -alt : alt;
    }
  }
  const w = num(raw.ExifImageWidth) ?? num(raw.ImageWidth);
  const h = num(raw.ExifImageHeight) ?? num(raw.ImageHeight);
  if (w && h) { info.width = w; info.height = h; }
  return info;
}
