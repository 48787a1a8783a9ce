// Everything the client learns about a file before encrypting it. None of this
// leaves the device in the clear: it goes into the encrypted file metadata.
import { detectKind, type KindInfo } from './detect.ts';
import { EXIF_HEAD_BYTES, readExifFromHead } from './exif.ts';
import { imageSizeFromHead } from './image-size.ts';
import { readMp4Info } from './mp4.ts';
import { readHead, type RandomAccessSource } from './source.ts';

export interface GpsPosition { latitude: number; longitude: number; altitude?: number }

export interface MediaMetadata {
  mimeType: string;
  /** Capture instant, ms since the epoch. */
  capturedAt: number;
  /** Where capturedAt came from: EXIF tags, the video container, or the file's mtime. */
  captureSource: 'exif' | 'container' | 'mtime';
  /** Display size in pixels, EXIF orientation applied (a portrait phone photo is taller than wide). */
  width?: number;
  height?: number;
  durationMs?: number;
  cameraMake?: string;
  cameraModel?: string;
  gps?: GpsPosition;
}

const ISO_BMFF_VIDEO = new Set(['video/mp4', 'video/quicktime', 'video/3gpp', 'video/3gpp2']);

/**
 * Reads capture time, size, camera and place of a photo or video.
 * Throws when the file is not media (check detectKind first, or pass its result).
 */
export async function readMediaMetadata(source: RandomAccessSource, kindInfo?: KindInfo): Promise<MediaMetadata> {
  const kind = kindInfo ?? (await detectKind(source));
  if (kind.kind === 'other') throw new Error(`${source.name}: ${kind.reason}`);
  const meta: MediaMetadata = { mimeType: kind.mimeType, capturedAt: source.lastModified, captureSource: 'mtime' };

  if (kind.kind === 'photo') {
    const head = await readHead(source, EXIF_HEAD_BYTES); // one read serves EXIF and the pixel size
    const exif = await readExifFromHead(head);
    let size = imageSizeFromHead(head) ?? (exif?.width && exif.height ? { width: exif.width, height: exif.height } : undefined);
    if (size && exif && exif.orientation >= 5) size = { width: size.height, height: size.width }; // 5..8 swap axes
    if (size) { meta.width = size.width; meta.height = size.height; }
    if (exif?.capturedAt !== undefined) { meta.capturedAt = exif.capturedAt; meta.captureSource = 'exif'; }
    if (exif?.cameraMake) meta.cameraMake = exif.cameraMake;
    if (exif?.cameraModel) meta.cameraModel = exif.cameraModel;
    if (exif?.gps) meta.gps = exif.gps;
    return meta;
  }

  // [Note: video containers] Only ISO-BMFF (MP4/MOV/3GP) is parsed; WebM/MKV/AVI keep
  // the mtime fallback. A corrupt box tree is not fatal: the file still uploads.
  if (ISO_BMFF_VIDEO.has(kind.mimeType)) {
    const info = await readMp4Info(source).catch(() => null);
    if (info) {
      if (info.creationTime !== undefined) { meta.capturedAt = info.creationTime; meta.captureSource = 'container'; }
      if (info.durationMs !== undefined) meta.durationMs = info.durationMs;
      if (info.width && info.height) { meta.width = info.width; meta.height = info.height; }
    }
  }
  return meta;
}
