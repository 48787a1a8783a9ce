// Minimal ISO-BMFF / QuickTime box reader for capture time, duration and frame size.
// [Note: random access for video] A phone video can be several GiB with its `moov`
// box after `mdat`. We hop from box header to box header (16 bytes per read), then
// read only `moov` — never the media data — so cost is independent of file size.
import type { RandomAccessSource } from './source.ts';

export interface Mp4Info {
  /** mvhd creation_time as ms since the Unix epoch (UTC by spec); undefined when 0/unset. */
  creationTime?: number;
  durationMs?: number;
  width?: number;
  height?: number;
}

/** Seconds between 1904-01-01T00:00:00Z (the QuickTime epoch) and 1970-01-01T00:00:00Z. */
export const MAC_EPOCH_OFFSET_S = 2_082_844_800;
/** A `moov` larger than this is not a real movie header; refuse instead of allocating. */
const MAX_MOOV_BYTES = 64 * 1024 * 1024;
const MAX_TOP_LEVEL_BOXES = 10_000;

interface BoxHeader { type: string; start: number; headerSize: number; size: number }

const fourcc = (b: Uint8Array, at: number): string => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

function readU64(view: DataView, at: number): number {
  const v = view.getBigUint64(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('64-bit box field exceeds 2^53');
  return Number(v);
}

async function readTopLevelHeader(source: RandomAccessSource, start: number): Promise<BoxHeader | null> {
  if (start + 8 > source.size) return null;
  const b = await source.read(start, 16);
  if (b.length < 8) return null;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let size = view.getUint32(0);
  let headerSize = 8;
  if (size === 1) {
    if (b.length < 16) return null;
    size = readU64(view, 8);
    headerSize = 16;
  } else if (size === 0) {
    size = source.size - start; // box runs to end of file
  }
  if (size < headerSize) throw new Error(`corrupt box ${JSON.stringify(fourcc(b, 4))} at ${start}`);
  return { type: fourcc(b, 4), start, headerSize, size };
}

/** Children of a box already in memory: [type, payload] pairs. */
function* children(b: Uint8Array): Generator<[string, Uint8Array]> {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 0;
  while (at + 8 <= b.length) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > b.length) return;
      size = readU64(view, at + 8);
      header = 16;
    } else if (size === 0) {
      size = b.length - at;
    }
    if (size < header || at + size > b.length) return; // truncated/corrupt: stop quietly
    yield [fourcc(b, at + 4), b.subarray(at + header, at + size)];
    at += size;
  }
}

function child(b: Uint8Array, type: string): Uint8Array | undefined {
  for (const [t, payload] of children(b)) if (t === type) return payload;
  return undefined;
}

interface Mvhd { creationTime?: number; durationMs?: number }

export function parseMvhd(p: Uint8Array): Mvhd {
  const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const version = p[0];
  let created: number;
  let timescale: number;
  let duration: number;
  let unknownDuration: boolean;
  if (version === 1) {
    if (p.length < 32) return {};
    created = readU64(view, 4);
    timescale = view.getUint32(20);
    unknownDuration = view.getBigUint64(24) === 0xffff_ffff_ffff_ffffn;
    duration = unknownDuration ? 0 : readU64(view, 24);
  } else {
    if (p.length < 20) return {};
    created = view.getUint32(4);
    timescale = view.getUint32(12);
    duration = view.getUint32(16);
    unknownDuration = duration === 0xffff_ffff;
  }
  const out: Mvhd = {};
  // [Note: zero creation time] Many encoders write 0 ("not set"); treat it as unknown
  // rather than as 1904-01-01 so the caller falls back to the file's mtime.
  if (created > 0) out.creationTime = (created - MAC_EPOCH_OFFSET_S) * 1000;
  if (timescale > 0 && !unknownDuration) out.durationMs = Math.round((duration * 1000) / timescale);
  return out;
}

/** Display size from a tkhd payload (16.16 fixed point), or undefined for non-visual tracks. */
export function parseTkhdSize(p: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const at = p[0] === 1 ? 88 : 76; // offset of width within the payload
  if (p.length < at + 8) return undefined;
  const width = Math.round(view.getUint32(at) / 65536);
  const height = Math.round(view.getUint32(at + 4) / 65536);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

function handlerType(trak: Uint8Array): string | undefined {
  const hdlr = child(child(trak, 'mdia') ?? new Uint8Array(), 'hdlr');
  return hdlr && hdlr.length >= 12 ? fourcc(hdlr, 8) : undefined;
}

/** Parses a complete `moov` payload. */
export function parseMoov(moov: Uint8Array): Mp4Info {
  const info: Mp4Info = {};
  const mvhd = child(moov, 'mvhd');
  if (mvhd) Object.assign(info, parseMvhd(mvhd));
  let fallback: { width: number; height: number } | undefined;
  for (const [type, trak] of children(moov)) {
    if (type !== 'trak') continue;
    const tkhd = child(trak, 'tkhd');
    const size = tkhd && parseTkhdSize(tkhd);
    if (!size) continue;
    if (handlerType(trak) === 'vide') {
      info.width = size.width;
      info.height = size.height;
      return info;
    }
    fallback ??= size;
  }
  if (fallback) Object.assign(info, fallback);
  return info;
}

/**
 * Reads creation time, duration and frame size from an MP4/MOV/3GP source.
 * Returns null when there is no `moov` box (not ISO-BMFF, or truncated upload).
 */
export async function readMp4Info(source: RandomAccessSource): Promise<Mp4Info | null> {
  let at = 0;
  for (let n = 0; n < MAX_TOP_LEVEL_BOXES; n++) {
    const box = await readTopLevelHeader(source, at);
    if (!box) return null;
    if (box.type === 'moov') {
      const payloadSize = Math.min(box.size, source.size - box.start) - box.headerSize;
      if (payloadSize > MAX_MOOV_BYTES) throw new Error(`moov box of ${payloadSize} bytes is implausibly large`);
      return parseMoov(await source.read(box.start + box.headerSize, payloadSize));
    }
    at = box.start + box.size;
  }
  return null;
}
