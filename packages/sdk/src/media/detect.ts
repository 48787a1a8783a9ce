// File type by magic bytes, never by extension: a renamed PDF is not a photo,
// and an IMG_0001.JPG that is really HEIC must be treated as HEIC.
import { readHead, type RandomAccessSource } from './source.ts';

export type MediaKind = 'photo' | 'video';

export type KindInfo =
  | { kind: MediaKind; mimeType: string; format: string }
  | { kind: 'other'; reason: string };

/** Enough for every signature below, including a long ftyp brand list and the EBML DocType. */
const SNIFF_BYTES = 4096;

const ascii = (b: Uint8Array, from: number, len: number): string =>
  from + len > b.length ? '' : String.fromCharCode(...b.subarray(from, from + len));

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0): boolean =>
  b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);
const HEIF_BRANDS = new Set(['mif1', 'msf1', 'mif2']);
const AVIF_BRANDS = new Set(['avif', 'avis']);
const MP4_BRANDS = new Set([
  'isom', 'iso2', 'iso3', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'mp71', 'avc1', 'dash', 'M4V ', 'M4VH', 'M4VP',
  'MSNV', 'NDAS', 'XAVC', 'mmp4', 'f4v ',
]);
const GPP_BRANDS = new Set(['3gp4', '3gp5', '3gp6', '3gp7', '3ge6', '3ge7', '3gg6', '3g2a', '3g2b', '3g2c']);

/** Brands of an ISO-BMFF `ftyp` box at offset 0 (major brand first), or null. */
export function ftypBrands(head: Uint8Array): string[] | null {
  if (ascii(head, 4, 4) !== 'ftyp') return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.length < 16) return null;
  const boxSize = Math.min(view.getUint32(0), head.length);
  const brands = [ascii(head, 8, 4)];
  for (let at = 16; at + 4 <= boxSize; at += 4) brands.push(ascii(head, at, 4));
  return brands;
}

function classifyFtyp(brands: string[]): KindInfo | null {
  const has = (set: Set<string>) => brands.some((b) => set.has(b));
  const major = brands[0] ?? '';
  // [Note: ftyp brand order] The major brand decides when it is specific; compatible
  // brands are consulted next, most specific family first (an AVIF lists mif1 too).
  if (AVIF_BRANDS.has(major) || (!HEIC_BRANDS.has(major) && has(AVIF_BRANDS))) return { kind: 'photo', mimeType: 'image/avif', format: 'AVIF' };
  if (has(HEIC_BRANDS)) return { kind: 'photo', mimeType: 'image/heic', format: 'HEIC' };
  if (has(HEIF_BRANDS)) return { kind: 'photo', mimeType: 'image/heif', format: 'HEIF' };
  if (major === 'crx ') return { kind: 'photo', mimeType: 'image/x-canon-cr3', format: 'CR3' };
  if (major === 'qt  ' || (!MP4_BRANDS.has(major) && brands.includes('qt  '))) return { kind: 'video', mimeType: 'video/quicktime', format: 'MOV' };
  if (GPP_BRANDS.has(major)) return { kind: 'video', mimeType: major.startsWith('3g2') ? 'video/3gpp2' : 'video/3gpp', format: '3GP' };
  if (has(MP4_BRANDS)) return { kind: 'video', mimeType: 'video/mp4', format: 'MP4' };
  return null;
}

/** Best guess at what a non-media file is, for the "skipped" message. */
function describeOther(head: Uint8Array): string {
  if (head.length === 0) return 'empty file';
  if (ascii(head, 0, 5) === '%PDF-') return 'PDF';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'ZIP archive';
  if (ascii(head, 4, 4) === 'ftyp') return `ISO media, brand ${JSON.stringify(ascii(head, 8, 4))}`;
  if (ascii(head, 0, 4) === 'RIFF') return `RIFF ${JSON.stringify(ascii(head, 8, 4))}`;
  if (looksLikeText(head)) return 'text';
  return 'unknown';
}

function looksLikeText(head: Uint8Array): boolean {
  try {
    const s = new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, 1024 - 4)); // may cut a UTF-8 sequence at the end
    // eslint-disable-next-line no-control-regex
    return !/[\x00-\x08\x0e-\x1f]/.test(s);
  } catch {
    return false;
  }
}

/** Classifies the first bytes of a file. */
export function detectKindFromBytes(head: Uint8Array): KindInfo {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: 'photo', mimeType: 'image/jpeg', format: 'JPEG' };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'photo', mimeType: 'image/png', format: 'PNG' };
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return { kind: 'photo', mimeType: 'image/gif', format: 'GIF' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return { kind: 'photo', mimeType: 'image/webp', format: 'WebP' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'AVI ') return { kind: 'video', mimeType: 'video/x-msvideo', format: 'AVI' };
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) {
    return { kind: 'photo', mimeType: 'image/tiff', format: 'TIFF' };
  }
  const brands = ftypBrands(head);
  if (brands) {
    const info = classifyFtyp(brands);
    if (info) return info;
  }
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) {
    // EBML header; the DocType string sits within the first few dozen bytes.
    const text = ascii(head, 0, Math.min(head.length, 64));
    if (text.includes('webm')) return { kind: 'video', mimeType: 'video/webm', format: 'WebM' };
    return { kind: 'video', mimeType: 'video/x-matroska', format: 'MKV' };
  }
  return { kind: 'other', reason: `not a photo or video (looks like ${describeOther(head)})` };
}

/** Detects the kind of `source` from its magic bytes (reads at most 4 KiB). */
export async function detectKind(source: RandomAccessSource): Promise<KindInfo> {
  return detectKindFromBytes(await readHead(source, SNIFF_BYTES));
}
