// The upload feature's React context (apart from index.tsx so the panel can use it without a cycle).
import { createContext, useContext } from 'react';
import type { AlbumTargetInfo, InterruptedUpload, UploadTarget } from './model.ts';
import type { UploadQueue } from './queue.ts';
import type { PickedFile } from './files.ts';

export type PickKind = 'files' | 'folder';
/** What the next pick is for: a target, or taking over the interrupted uploads. */
export type PickPurpose = { readonly target: UploadTarget } | { readonly resume: true };

export interface Uploads {
  readonly queue: UploadQueue;
  /** Opens the file or folder picker (call it from a click: browsers need the gesture). */
  choose(kind: PickKind, purpose?: PickPurpose): void;
  /** Queues picked files for `target` (an album is checked first: may I still add to it?). */
  add(files: readonly PickedFile[], target: UploadTarget): Promise<void>;
  /** Uploads of an earlier page load that did not finish. */
  readonly interrupted: readonly InterruptedUpload[];
  dismissInterrupted(): Promise<void>;
  /** What a drop here would do (on an album page: into the album, when I may add to it). */
  readonly dropTarget: AlbumTargetInfo | undefined;
}

export const UploadContext = createContext<Uploads | undefined>(undefined);

export function useUploads(): Uploads {
  const u = useContext(UploadContext);
  if (!u) throw new Error('useUploads outside UploadProvider');
  return u;
}
