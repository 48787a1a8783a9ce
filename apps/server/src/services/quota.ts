import { AppError } from '../errors.ts';

/** Encrypted bytes a file costs its quota owner: blocks + thumbnails + metadata + manifest. */
export function chargedBytes(f: {
  encryptedSize: number; thumbSmallSize: number; thumbLargeSize: number; metadataSize: number; manifestSize: number;
}): number {
  return f.encryptedSize + f.thumbSmallSize + f.thumbLargeSize + f.metadataSize + f.manifestSize;
}

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** 1536 → "1.5 KiB"; 10737418240 → "10 GiB". */
export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) { v /= 1024; u++; }
  if (u === 0) return `${n} ${n === 1 ? 'byte' : 'bytes'}`;
  const s = v >= 100 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, '');
  return `${s} ${UNITS[u]}`;
}

export function quotaExceeded(usedBytes: number, quotaBytes: number, neededBytes: number): AppError {
  return new AppError('quota-exceeded',
    `storage full: ${formatBytes(usedBytes)} of ${formatBytes(quotaBytes)} used, this file needs ${formatBytes(neededBytes)}`);
}

/** Whether `needed` more bytes fit. */
export function fitsQuota(usedBytes: number, quotaBytes: number, neededBytes: number): boolean {
  return usedBytes + neededBytes <= quotaBytes;
}
