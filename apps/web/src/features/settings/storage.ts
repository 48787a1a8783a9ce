// The storage bar's numbers: what the usage is made of, as parts of the allowance. Pure
// (tested in test/settings.test.ts).

export interface StorageInput {
  readonly usedBytes: number;
  readonly quotaBytes: number;
  readonly charges?: { readonly ownPhotosBytes: number; readonly editorsPhotosBytes: number; readonly pendingUploadsBytes: number };
}

export interface StoragePart {
  readonly key: 'own' | 'editors' | 'pending' | 'other';
  readonly label: string;
  readonly bytes: number;
  /** Share of the bar (0–100) this part fills. */
  readonly percent: number;
}

export interface StorageView {
  readonly parts: readonly StoragePart[];
  /** used / allowed, 0–100 (more when over the allowance). */
  readonly usedPercent: number;
  readonly freeBytes: number;
  readonly over: boolean;
}

/**
 * The server charges each photo to one person (see the server's [Note: one payer per file]): the
 * album owner pays for what editors add to their albums, and unfinished uploads count until they
 * finish or expire. The breakdown says so, so nobody wonders why their usage grew while they
 * uploaded nothing. The three charges add up to `usedBytes`; anything else is shown as "Other".
 */
export function storageView(s: StorageInput): StorageView {
  const used = Math.max(0, s.usedBytes);
  const quota = Math.max(0, s.quotaBytes);
  const c = s.charges;
  const raw: Omit<StoragePart, 'percent'>[] = c
    ? [
        { key: 'own', label: 'Your photos and videos', bytes: c.ownPhotosBytes },
        { key: 'editors', label: 'Photos editors added to your albums', bytes: c.editorsPhotosBytes },
        { key: 'pending', label: 'Unfinished uploads', bytes: c.pendingUploadsBytes },
      ]
    : [{ key: 'own', label: 'Your photos and videos', bytes: used }];
  const counted = raw.reduce((n, p) => n + p.bytes, 0);
  // Anything the server counts that the breakdown does not name (older servers, rounding).
  if (used > counted) raw.push({ key: 'other', label: 'Other', bytes: used - counted });
  const scale = Math.max(quota, used, 1);
  return {
    parts: raw.map((p) => ({ ...p, percent: (p.bytes / scale) * 100 })),
    usedPercent: quota > 0 ? (used / quota) * 100 : used > 0 ? 100 : 0,
    freeBytes: Math.max(0, quota - used),
    over: used > quota,
  };
}

/** "0.4%", "12%", "100%": a percentage for people (never "0%" for some use). */
export function formatPercent(p: number): string {
  if (p <= 0) return '0%';
  if (p < 0.1) return 'less than 0.1%';
  if (p < 10) return `${p.toFixed(1)}%`;
  return `${Math.round(p)}%`;
}
