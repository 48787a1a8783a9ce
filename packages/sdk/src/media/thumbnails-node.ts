// Thumbnails in Node: sharp for photos, ffmpeg (when present) for video poster frames,
// and a clearly marked placeholder when neither can decode the file.
// [Note: thumbnails carry no metadata] sharp strips EXIF/XMP/ICC/GPS unless told to keep
// it; we never call withMetadata/keepExif, so a thumbnail cannot leak a place or camera
// even once decrypted by someone the photo is shared with. Orientation is baked in first.
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { KindInfo } from './detect.ts';
import { readAll, type RandomAccessSource } from './source.ts';

export const SMALL_THUMBNAIL_PX = 512;
export const LARGE_THUMBNAIL_PX = 1920;
/** Photos above this are not decoded in memory for thumbnails (they still upload intact). */
export const MAX_DECODE_BYTES = 256 * 1024 * 1024;

export interface Thumbnails {
  small: Uint8Array;
  large: Uint8Array;
  /** True when these are generated "VIDEO" / "HEIC" cards rather than the picture itself. */
  placeholder: boolean;
  /** Size of the large thumbnail. */
  width?: number;
  height?: number;
}

export interface ThumbnailOptions {
  /** Locates ffmpeg; null = not available. Default: search PATH (and OBSCURA_FFMPEG). */
  findFfmpeg?: () => Promise<string | null>;
  /** Video duration for the placeholder label, when already known. */
  durationMs?: number;
}

type SharpModule = typeof import('sharp');
let sharpModule: Promise<SharpModule['default']> | undefined;
const loadSharp = () => (sharpModule ??= import('sharp').then((m) => m.default));

/** Searches PATH for an executable `ffmpeg` (honours OBSCURA_FFMPEG first). */
export async function findFfmpegOnPath(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const candidates: string[] = [];
  if (env.OBSCURA_FFMPEG) candidates.push(env.OBSCURA_FFMPEG);
  const exe = process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir) candidates.push(join(dir, exe));
  for (const c of candidates) {
    try {
      await access(c, constants.X_OK);
      return c;
    } catch { /* try next */ }
  }
  return null;
}

export async function makeThumbnails(source: RandomAccessSource, kindInfo: KindInfo, options: ThumbnailOptions = {}): Promise<Thumbnails> {
  if (kindInfo.kind === 'other') throw new Error(`${source.name}: ${kindInfo.reason}`);
  if (kindInfo.kind === 'video') {
    const ffmpeg = await (options.findFfmpeg ?? findFfmpegOnPath)();
    const frame = ffmpeg ? await posterFrame(ffmpeg, source, options.durationMs).catch(() => null) : null;
    if (frame) {
      const thumbs = await fromImage(frame).catch(() => null);
      if (thumbs) return thumbs;
    }
    const label = options.durationMs !== undefined ? `VIDEO ${formatDuration(options.durationMs)}` : 'VIDEO';
    return placeholder(label, kindInfo.format);
  }
  if (source.size > MAX_DECODE_BYTES) return placeholder(kindInfo.format, 'too large to preview');
  const bytes = await readAll(source);
  try {
    return await fromImage(bytes);
  } catch {
    // e.g. HEIC: this sharp build decodes AV1 (AVIF) but not HEVC.
    return placeholder(kindInfo.format, 'no preview');
  }
}

async function fromImage(bytes: Uint8Array): Promise<Thumbnails> {
  const sharp = await loadSharp();
  // failOn 'error' rather than the default 'warning': a slightly truncated camera JPEG still previews.
  const base = sharp(bytes, { failOn: 'error', limitInputPixels: 268_402_689, animated: false }).autoOrient();
  // [Note: no mozjpeg for thumbnails] mozjpeg's trellis encoding made a 1920 px thumbnail
  // cost ~1 s per photo (bench:upload); libjpeg-turbo at these qualities is ~10x faster and the
  // size difference does not matter for a preview.
  const render = (px: number) =>
    base.clone().resize(px, px, { fit: 'inside', withoutEnlargement: true }).flatten({ background: '#ffffff' })
      .jpeg({ quality: px <= SMALL_THUMBNAIL_PX ? 75 : 82 }).toBuffer({ resolveWithObject: true });
  const [small, large] = await Promise.all([render(SMALL_THUMBNAIL_PX), render(LARGE_THUMBNAIL_PX)]);
  return { small: new Uint8Array(small.data), large: new Uint8Array(large.data), placeholder: false, width: large.info.width, height: large.info.height };
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A 4:3 dark card with a big label (e.g. "VIDEO 0:42", "HEIC") and a smaller second line. */
async function placeholder(label: string, detail: string): Promise<Thumbnails> {
  const sharp = await loadSharp();
  const svg = (w: number, h: number) => Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 400 300">` +
    `<rect width="400" height="300" fill="#2b2f36"/>` +
    `<rect x="8" y="8" width="384" height="284" fill="none" stroke="#8a93a3" stroke-width="4" stroke-dasharray="14 10"/>` +
    `<text x="200" y="160" font-family="sans-serif" font-size="56" font-weight="bold" fill="#ffffff" text-anchor="middle">${escapeXml(label)}</text>` +
    `<text x="200" y="215" font-family="sans-serif" font-size="24" fill="#c8ced8" text-anchor="middle">${escapeXml(detail)}</text>` +
    `</svg>`);
  const render = (w: number, h: number) => sharp(svg(w, h)).flatten({ background: '#2b2f36' }).jpeg({ quality: 80 }).toBuffer();
  const [small, large] = await Promise.all([render(512, 384), render(1920, 1440)]);
  return { small: new Uint8Array(small), large: new Uint8Array(large), placeholder: true, width: 1920, height: 1440 };
}

export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * One frame as PNG on stdout. A file on disk is given to ffmpeg by path so it can seek
 * to a trailing moov; other sources are piped (works for moov-first files).
 */
function posterFrame(ffmpeg: string, source: RandomAccessSource, durationMs?: number): Promise<Uint8Array | null> {
  const path = (source as { path?: unknown }).path;
  const seekS = durationMs !== undefined && durationMs < 2000 ? durationMs / 2000 : 1;
  const input = typeof path === 'string' ? path : 'pipe:0';
  const args = ['-hide_banner', '-loglevel', 'error', '-ss', seekS.toFixed(3), '-i', input, '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', 'pipe:1'];
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: [input === 'pipe:0' ? 'pipe' : 'ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout?.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      const out = Buffer.concat(chunks);
      resolve(code === 0 && out.length > 0 ? new Uint8Array(out) : null);
    });
    if (child.stdin) {
      child.stdin.on('error', () => { /* ffmpeg may close stdin once it has a frame */ });
      void (async () => {
        try {
          for await (const chunk of source.stream()) {
            if (!child.stdin!.write(chunk)) await new Promise((r) => child.stdin!.once('drain', r));
          }
        } catch { /* reported through the exit code */ }
        child.stdin!.end();
      })();
    }
  });
}
