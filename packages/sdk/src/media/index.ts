// Browser-safe media API (no Node imports). Node extras: ./node.ts.
export type { RandomAccessSource } from './source.ts';
export { bytesSource, readHead, readAll } from './source.ts';
export { blobSource } from './blob-source.ts';
export { detectKind, detectKindFromBytes, type KindInfo, type MediaKind } from './detect.ts';
export { readMediaMetadata, type MediaMetadata, type GpsPosition } from './metadata.ts';
export { readExif, readExifFromHead, parseExifDate, EXIF_HEAD_BYTES, type ExifInfo } from './exif.ts';
export { readMp4Info, parseMoov, MAC_EPOCH_OFFSET_S, type Mp4Info } from './mp4.ts';
export { imageSizeFromHead, type PixelSize } from './image-size.ts';
export { makeBrowserThumbnails, type BrowserThumbnails } from './thumbnails-browser.ts';
