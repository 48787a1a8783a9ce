// The photo library: timeline (synced change feed, verified and decrypted here), thumbnails,
// the viewer's details, download of the original, trash.
import type { PhotoKeys } from '@obscura/sdk';
import type { ThumbnailSize } from '@obscura/crypto';
import { idbGet, idbSet } from './store.ts';
import { state } from './state.ts';

/** One photo as the page lays it out: no keys, only what is shown. */
export interface PhotoItem {
  readonly fileId: string;
  readonly name: string;
  readonly kind: 'photo' | 'video';
  readonly capturedAt: number;
  readonly width?: number;
  readonly height?: number;
  readonly durationMs?: number;
  readonly size: number;
  readonly uploader: { readonly id: string; readonly displayName: string; readonly email?: string };
  readonly problem?: string;
}

export interface PhotoDetails extends PhotoItem {
  readonly mimeType: string;
  readonly cameraMake?: string;
  readonly cameraModel?: string;
  readonly gps?: { readonly latitude: number; readonly longitude: number; readonly altitude?: number };
  readonly captureSource: string;
  readonly uploadedAt: string;
  /** The uploader's signature on the photo verified against their pinned key. */
  readonly signatureVerified: true;
}

let syncing: Promise<number> | undefined;

/** Pulls the change feed since the last sync; `onPage` reports how many changed so far. */
async function sync(onPage?: (n: number) => void): Promise<number> {
  const { library, timeline } = state.need;
  syncing ??= timeline.sync(library, { onPage: (n) => onPage?.(n) }).finally(() => { syncing = undefined; });
  const n = await syncing;
  if (n > 0) await state.persist();
  return n;
}

function itemOf(e: ReturnType<typeof state.need.timeline.list>[number]): PhotoItem {
  const m = e.metadata;
  return {
    fileId: e.fileId, name: m?.name ?? '(refused)', kind: m?.mimeType.startsWith('video/') ? 'video' : 'photo',
    capturedAt: m?.capturedAt ?? 0, size: m?.size ?? 0, uploader: e.uploader,
    ...(m?.width !== undefined ? { width: m.width } : {}), ...(m?.height !== undefined ? { height: m.height } : {}),
    ...(m?.durationMs !== undefined ? { durationMs: m.durationMs } : {}),
    ...(e.problem ? { problem: e.problem } : {}),
  };
}

/** The keys of a photo of my library, from the timeline's kept record or the server. */
async function keysOf(fileId: string): Promise<PhotoKeys> {
  const { library, timeline } = state.need;
  return (await timeline.photoKeys(library, fileId)) ?? library.open(fileId);
}

/**
 * [Note: thumbnail cache] thumbnails are cached as the server sent them (ciphertext under the
 * photo's file key), keyed by photo and size; every display checks the ciphertext against the
 * signed manifest and decrypts it again, so the cache holds nothing readable and nothing the
 * server could not have swapped unnoticed.
 */
export async function cachedCiphertext(fileId: string, size: ThumbnailSize, fetch: () => Promise<Uint8Array>): Promise<Uint8Array> {
  const key = `${fileId}:${size}`;
  const hit = await idbGet<Uint8Array>('thumbs', key).catch(() => undefined);
  if (hit) return hit;
  const ct = await fetch();
  void idbSet('thumbs', key, ct).catch(() => undefined);
  return ct;
}

async function thumbnail(fileId: string, size: ThumbnailSize = 'small'): Promise<Blob> {
  const { library } = state.need;
  const keys = await keysOf(fileId);
  const jpeg = await library.thumbnail(keys, size, (s) => cachedCiphertext(fileId, s, () => library.session.api.download('getThumbnail', { fileId, size: s })));
  return new Blob([jpeg as BlobPart], { type: 'image/jpeg' });
}

async function details(fileId: string): Promise<PhotoDetails> {
  const { library, timeline } = state.need;
  const opened = await library.open(fileId);
  const m = opened.metadata;
  const entry = timeline.get(fileId);
  return {
    ...(entry ? itemOf(entry) : { fileId, name: m.name, kind: m.mimeType.startsWith('video/') ? 'video' : 'photo', capturedAt: m.capturedAt, size: m.size, uploader: opened.uploader }),
    mimeType: m.mimeType, captureSource: m.captureSource, uploadedAt: opened.info.createdAt,
    ...(m.cameraMake ? { cameraMake: m.cameraMake } : {}), ...(m.cameraModel ? { cameraModel: m.cameraModel } : {}),
    ...(m.gps ? { gps: m.gps } : {}),
    signatureVerified: true,
  };
}

/** The original, verified block by block, as a Blob named as uploaded. */
async function original(fileId: string, onProgress?: (done: number, total: number) => void): Promise<{ blob: Blob; name: string }> {
  const { library } = state.need;
  const opened = await library.open(fileId);
  const parts: Uint8Array[] = [];
  let done = 0;
  for await (const chunk of library.download(opened)) {
    parts.push(chunk);
    done += chunk.length;
    onProgress?.(done, opened.metadata.size);
  }
  return { blob: new Blob(parts as BlobPart[], { type: opened.metadata.mimeType }), name: opened.metadata.name };
}

export const photos = {
  sync,
  async timeline(opts: { trashed?: boolean } = {}): Promise<PhotoItem[]> {
    return state.need.timeline.list(opts).map(itemOf);
  },
  thumbnail,
  details,
  original,
  async trash(fileIds: string[]): Promise<number> {
    const n = await state.need.library.trash(fileIds);
    await sync();
    return n;
  },
  async restore(fileIds: string[]): Promise<number> {
    const n = await state.need.library.restore(fileIds);
    await sync();
    return n;
  },
  async deleteForever(fileIds: string[]): Promise<number> {
    const n = await state.need.library.deleteForever(fileIds);
    await sync();
    return n;
  },
};
