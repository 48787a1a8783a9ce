// Pixel dimensions from an image header, without decoding (browser-safe; no sharp).
// Covers JPEG (SOFn), PNG (IHDR), GIF (logical screen) and WebP (VP8/VP8L/VP8X).

export interface PixelSize { width: number; height: number }

export function imageSizeFromHead(b: Uint8Array): PixelSize | undefined {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ok = (s: PixelSize | undefined) => (s && s.width > 0 && s.height > 0 ? s : undefined);
  if (b[0] === 0xff && b[1] === 0xd8) return ok(jpegSize(b, view));
  if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50) return ok({ width: view.getUint32(16), height: view.getUint32(20) });
  if (b.length >= 10 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) {
    return ok({ width: view.getUint16(6, true), height: view.getUint16(8, true) });
  }
  if (b.length >= 30 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return ok(webpSize(b, view));
  return undefined;
}

function jpegSize(b: Uint8Array, view: DataView): PixelSize | undefined {
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1]!;
    if (marker === 0xff) { at++; continue; } // fill byte
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { at += 2; continue; }
    const len = view.getUint16(at + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    }
    if (marker === 0xda) return undefined; // start of scan without a frame header
    at += 2 + len;
  }
  return undefined;
}

function webpSize(b: Uint8Array, view: DataView): PixelSize | undefined {
  const chunk = String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!);
  if (chunk === 'VP8X') {
    const u24 = (at: number) => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
    return { width: u24(24) + 1, height: u24(27) + 1 };
  }
  if (chunk === 'VP8 ') return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  return undefined;
}
