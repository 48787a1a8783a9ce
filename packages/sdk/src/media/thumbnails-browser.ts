// Browser thumbnails: createImageBitmap + OffscreenCanvas (works in a Web Worker). No Node imports.
// Same sizes and the same "marked placeholder" idea as thumbnails-node.ts: a photo the browser
// cannot decode (HEIC in Chromium, a huge file) and every video get a dark card that says what
// it is, so a placeholder is never mistaken for the picture.
import type { KindInfo } from './detect.ts';
import type { RandomAccessSource } from './source.ts';

const SMALL_PX = 512;
const LARGE_PX = 1920;
/** Photos above this are not decoded for thumbnails (they still upload intact). */
const MAX_DECODE_BYTES = 256 * 1024 * 1024;

export interface BrowserThumbnails {
  readonly small: Uint8Array;
  readonly large: Uint8Array;
  readonly placeholder: boolean;
}

/** Something createImageBitmap accepts: the File itself when the caller has it, else the bytes. */
export type BitmapInput = Blob;

function fit(w: number, h: number, max: number): [number, number] {
  const s = Math.min(1, max / Math.max(w, h));
  return [Math.max(1, Math.round(w * s)), Math.max(1, Math.round(h * s))];
}

async function toJpeg(canvas: OffscreenCanvas, quality: number): Promise<Uint8Array> {
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
  return new Uint8Array(await blob.arrayBuffer());
}

async function render(bitmap: ImageBitmap, max: number, quality: number): Promise<Uint8Array> {
  const [w, h] = fit(bitmap.width, bitmap.height, max);
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d canvas in this browser');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, w, h);
  return toJpeg(canvas, quality);
}

async function card(label: string, detail: string): Promise<BrowserThumbnails> {
  const draw = async (w: number, h: number, q: number) => {
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d canvas in this browser');
    const s = w / 400;
    ctx.fillStyle = '#2b2f36';
    ctx.fillRect(0, 0, w, h);
    ctx.strokeStyle = '#8a93a3';
    ctx.lineWidth = 4 * s;
    ctx.setLineDash([14 * s, 10 * s]);
    ctx.strokeRect(8 * s, 8 * s, w - 16 * s, h - 16 * s);
    ctx.textAlign = 'center';
    ctx.fillStyle = '#ffffff';
    ctx.font = `bold ${56 * s}px sans-serif`;
    ctx.fillText(label, w / 2, 160 * s);
    ctx.fillStyle = '#c8ced8';
    ctx.font = `${24 * s}px sans-serif`;
    ctx.fillText(detail, w / 2, 215 * s);
    return toJpeg(canvas, q);
  };
  return { small: await draw(400, 300, 0.75), large: await draw(1200, 900, 0.82), placeholder: true };
}

const duration = (ms: number) => {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
};

/**
 * Makes the small (512 px) and large (1920 px) JPEG thumbnails of a photo in the browser, or a
 * marked card for a video (`poster`, when the page grabbed a frame from a <video>, is used instead)
 * and for what the browser cannot decode. `file` is the original as a Blob (read lazily by the
 * browser's decoder: no copy in JS memory).
 */
export async function makeBrowserThumbnails(
  source: RandomAccessSource, kind: KindInfo & { kind: 'photo' | 'video' }, file: Blob, opts: { durationMs?: number; poster?: Blob } = {},
): Promise<BrowserThumbnails> {
  const input = kind.kind === 'video' ? opts.poster : file;
  if (kind.kind === 'video' && !input) return card(opts.durationMs !== undefined ? `VIDEO ${duration(opts.durationMs)}` : 'VIDEO', kind.format);
  if (source.size > MAX_DECODE_BYTES && kind.kind === 'photo') return card(kind.format.toUpperCase(), 'too large to preview');
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(input!, { imageOrientation: 'from-image' });
  } catch {
    return kind.kind === 'video' ? card('VIDEO', kind.format) : card(kind.format.toUpperCase(), 'no preview');
  }
  try {
    return { small: await render(bitmap, SMALL_PX, 0.75), large: await render(bitmap, LARGE_PX, 0.82), placeholder: false };
  } finally {
    bitmap.close();
  }
}
