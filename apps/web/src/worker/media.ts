// [Note: photo scopes] Every screen that shows photos (timeline, trash, an album, a public-link
// visit) shows them through the same three calls: thumbnail, details, original. What differs is
// where the keys come from, so each module registers *handles* for a scope (or a resolver that
// makes them on demand) and the page names the scope. The grid and the viewer need no other API.
import type { ThumbnailSize } from '@obscura/crypto';
import { IntegrityError } from '@obscura/sdk';
import type { PhotoDetails, PhotoItem, PhotoScope } from '../shared/types.ts';
import { AppError } from '../shared/rpc.ts';

export interface PhotoHandle {
  readonly item: PhotoItem;
  details(): Promise<PhotoDetails>;
  thumbnail(size: ThumbnailSize): Promise<Uint8Array>;
  /** The original, verified block by block; absent when the scope forbids downloads (link setting). */
  download?(): AsyncGenerator<Uint8Array>;
  readonly mimeType?: string;
}

type Resolver = (fileId: string) => Promise<PhotoHandle | undefined>;

const handles = new Map<string, Map<string, PhotoHandle>>();
const resolvers = new Map<string, Resolver>();
/** Decrypted thumbnails recently asked for (the grid scrolls back and forth). */
const thumbnailCache = new Map<string, Promise<Blob>>();
const THUMB_MEMO = 600;

/** Replaces the handles of a scope (e.g. after listing an album). */
export function registerScope(scope: PhotoScope, list: readonly PhotoHandle[]): void {
  handles.set(scope, new Map(list.map((h) => [h.item.fileId, h])));
}

/** Scopes whose handles are made on demand (the library: from the timeline index). */
export function registerResolver(scope: PhotoScope, resolve: Resolver): void {
  resolvers.set(scope, resolve);
}

export function forgetScopes(): void {
  handles.clear();
  thumbnailCache.clear();
}

async function handleOf(scope: PhotoScope, fileId: string): Promise<PhotoHandle> {
  const h = handles.get(scope)?.get(fileId) ?? (await resolvers.get(scope)?.(fileId));
  if (!h) throw new AppError({ kind: 'usage', message: 'this photo is no longer here; reload the page' });
  if (h.item.problem) throw new AppError({ kind: 'integrity', message: h.item.problem });
  return h;
}

export const media = {
  /** A decrypted JPEG thumbnail ('small' for grids, 'large' for the viewer). */
  async thumbnail(scope: PhotoScope, fileId: string, size: ThumbnailSize = 'small'): Promise<Blob> {
    const key = `${scope}|${fileId}|${size}`;
    let p = thumbnailCache.get(key);
    if (!p) {
      p = handleOf(scope, fileId).then(async (h) => new Blob([(await h.thumbnail(size)) as BlobPart], { type: 'image/jpeg' }));
      p.catch(() => thumbnailCache.delete(key));
      thumbnailCache.set(key, p);
      if (thumbnailCache.size > THUMB_MEMO) thumbnailCache.delete(thumbnailCache.keys().next().value!);
    }
    return p;
  },

  async details(scope: PhotoScope, fileId: string): Promise<PhotoDetails> {
    return (await handleOf(scope, fileId)).details();
  },

  /** The original as a Blob named as uploaded; `onProgress(done, total)` per verified block. */
  async original(scope: PhotoScope, fileId: string, onProgress?: (done: number, total: number) => void): Promise<{ blob: Blob; name: string }> {
    const h = await handleOf(scope, fileId);
    if (!h.download) throw new AppError({ kind: 'usage', message: 'downloads are not allowed for this photo' });
    const parts: Uint8Array[] = [];
    let done = 0;
    try {
      for await (const chunk of h.download()) {
        parts.push(chunk);
        done += chunk.length;
        onProgress?.(done, h.item.size);
      }
    } catch (e) {
      if (e instanceof IntegrityError) throw new AppError({ kind: 'integrity', message: `${h.item.name} failed verification and was not saved: ${e.reason}` });
      throw e;
    }
    return { blob: new Blob(parts as BlobPart[], { type: h.mimeType ?? 'application/octet-stream' }), name: h.item.name };
  },
};
