// The photo library: the timeline (change feed synced, verified and decrypted here) and trash.
// Thumbnails, details and originals go through media.ts with scope 'library'.
import type { ThumbnailSize } from '@obscura/crypto';
import type { PhotoKeys, TimelineEntry } from '@obscura/sdk';
import type { PhotoDetails, PhotoItem } from '../shared/types.ts';
import { registerResolver, type PhotoHandle } from './media.ts';
import { idbDelete, idbGet, idbSet } from './store.ts';
import { state } from './state.ts';

let syncing: Promise<number> | undefined;

/** Pulls the change feed since the last sync; `onPage` reports how many changed so far. */
async function sync(onPage?: (n: number) => void): Promise<number> {
  const { library, timeline } = state.need;
  syncing ??= timeline.sync(library, { onPage: (n) => onPage?.(n) }).finally(() => { syncing = undefined; });
  const n = await syncing;
  if (n > 0) {
    await state.persist();
    state.emit({ type: 'library-changed' });
  }
  return n;
}

export function itemOf(e: TimelineEntry): PhotoItem {
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
 * [Note: thumbnail cache] thumbnails are cached in IndexedDB as the server sent them
 * (ciphertext under the photo's file key, which is never stored), keyed by photo and size.
 * Every display checks the ciphertext against the signed manifest and decrypts it again; a
 * cached copy that fails is dropped and fetched afresh.
 */
export async function cachedThumbnail(keys: PhotoKeys, size: ThumbnailSize): Promise<Uint8Array> {
  const { library } = state.need;
  const key = `${keys.fileId}:${size}`;
  const hit = await idbGet<Uint8Array>('thumbs', key).catch(() => undefined);
  if (hit) {
    try {
      return await library.thumbnail(keys, size, async () => hit);
    } catch {
      await idbDelete('thumbs', key).catch(() => undefined);
    }
  }
  return library.thumbnail(keys, size, async (s) => {
    const ct = await library.session.api.download('getThumbnail', { fileId: keys.fileId, size: s });
    void idbSet('thumbs', key, ct).catch(() => undefined);
    return ct;
  });
}

function libraryHandle(entry: TimelineEntry): PhotoHandle {
  const item = itemOf(entry);
  return {
    item,
    ...(entry.metadata ? { mimeType: entry.metadata.mimeType } : {}),
    async thumbnail(size) {
      return cachedThumbnail(await keysOf(entry.fileId), size);
    },
    async details(): Promise<PhotoDetails> {
      const m = entry.metadata!;
      return {
        ...item, mimeType: m.mimeType, captureSource: m.captureSource, uploadedAt: entry.uploadedAt,
        ...(m.cameraMake ? { cameraMake: m.cameraMake } : {}), ...(m.cameraModel ? { cameraModel: m.cameraModel } : {}),
        ...(m.gps ? { gps: m.gps } : {}),
        // The timeline verified the uploader's signature on the manifest and the metadata's hash in it.
        signatureVerified: true,
      };
    },
    async *download() {
      const { library } = state.need;
      yield* library.download(await keysOf(entry.fileId));
    },
  };
}

registerResolver('library', async (fileId) => {
  const e = state.maybe?.timeline.get(fileId);
  return e ? libraryHandle(e) : undefined;
});

export const photos = {
  sync,
  /** My photos (or the trash), newest first by capture time. */
  async timeline(opts: { trashed?: boolean } = {}): Promise<PhotoItem[]> {
    return state.need.timeline.list(opts).map(itemOf);
  },
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
