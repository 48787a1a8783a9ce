import type { AlbumView } from '@obscura/sdk';
// What crosses from the worker to the page about photos: no keys, only what is shown.

/**
 * Where a photo is seen from; the worker opens it with that place's keys.
 * 'library' (my photos and trash), `album:<albumId>`, `link:<linkId>` (a public-link visit).
 */
export type PhotoScope = 'library' | `album:${string}` | `link:${string}`;

export interface PhotoItem {
  readonly fileId: string;
  readonly name: string;
  readonly kind: 'photo' | 'video';
  /** ms since the epoch; 0 when unknown */
  readonly capturedAt: number;
  readonly width?: number;
  readonly height?: number;
  readonly durationMs?: number;
  readonly size: number;
  /** Whose signature verified (email as pinned for that key; absent for link visitors). */
  readonly uploader: { readonly id: string; readonly displayName: string; readonly email?: string };
  /** Set when the photo failed verification: it is listed (never hidden) but not shown. */
  readonly problem?: string;
  /** Album photos: who added it to the album (editors may remove only their own). */
  readonly addedBy?: { readonly id: string; readonly displayName: string };
}

export interface PhotoDetails extends PhotoItem {
  readonly mimeType: string;
  readonly cameraMake?: string;
  readonly cameraModel?: string;
  readonly gps?: { readonly latitude: number; readonly longitude: number; readonly altitude?: number };
  readonly captureSource: string;
  readonly uploadedAt?: string;
  /** The uploader's signature on the photo verified against their pinned key. */
  readonly signatureVerified: boolean;
}

/** An album as listed, verified by the SDK (name decrypted, owner-signed state checked): plain data. */
export type AlbumSummary = AlbumView;
