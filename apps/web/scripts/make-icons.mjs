#!/usr/bin/env node
// Makes the app's PNG icons (PWA manifest, home screens) from public/icon.svg with sharp.
// The PNGs are committed (a few KB); run this again after changing the SVG:
//   node apps/web/scripts/make-icons.mjs
// - icon-192.png, icon-512.png: the icon as drawn (rounded square, transparent corners);
// - icon-maskable-512.png: full-bleed background with the mark inside the 80% safe zone, for
//   launchers that cut their own shape (circle, squircle);
// - apple-touch-icon.png (180): opaque, iOS rounds it itself.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const pub = fileURLToPath(new URL('../public/', import.meta.url));
const svg = readFileSync(`${pub}icon.svg`);
const BLUE = '#1d4ed8';
// The mark alone (two circles), centred on a full square; `scale` shrinks it into the safe zone.
const fullBleed = (scale) => Buffer.from(
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="${BLUE}"/>` +
  `<g transform="translate(32 32) scale(${scale}) translate(-32 -32)"><circle cx="32" cy="32" r="15" fill="none" stroke="#fff" stroke-width="5"/>` +
  '<circle cx="32" cy="32" r="5" fill="#fff"/></g></svg>');

const out = [
  ['icon-192.png', svg, 192],
  ['icon-512.png', svg, 512],
  ['icon-maskable-512.png', fullBleed(0.8), 512],
  ['apple-touch-icon.png', fullBleed(1), 180],
];
for (const [name, source, size] of out) {
  const info = await sharp(source, { density: Math.ceil((72 * size) / 64) }).resize(size, size).png({ compressionLevel: 9, palette: true }).toFile(`${pub}${name}`);
  console.log(`${name}: ${info.width}×${info.height}, ${info.size} bytes`);
}
