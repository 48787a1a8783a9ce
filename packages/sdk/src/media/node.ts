// Node-only media API: file sources and sharp/ffmpeg thumbnails.
export { openFileSource, type FileSource } from './node-source.ts';
export {
  makeThumbnails, findFfmpegOnPath, formatDuration, SMALL_THUMBNAIL_PX, LARGE_THUMBNAIL_PX, MAX_DECODE_BYTES,
  type Thumbnails, type ThumbnailOptions,
} from './thumbnails-node.ts';
