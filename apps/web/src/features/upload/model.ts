// What the page and the worker say to each other about uploads (no DOM, no SDK: the worker and
// the unit tests import it too). Nothing here holds a byte of a file or a key.

/** Where a batch goes: my library, or straight into an album (its owner's storage). */
export interface UploadTarget {
  readonly albumId?: string;
  /** For the panel and the error messages ("you can no longer add photos to …"). */
  readonly albumName?: string;
}

/** One file of the queue as the worker records it in IndexedDB ([Note: uploads survive a reload]). */
export interface QueueEntry extends UploadTarget {
  readonly id: string;
  /** The file's name (no folders). */
  readonly name: string;
  /** Its path inside a dropped or picked folder ("Trip/day 1/IMG_1.jpg"), when it came in one. */
  readonly relativePath?: string;
  readonly size: number;
  readonly lastModified: number;
  /** The id of an interrupted entry (from before a reload) that this one takes over. */
  readonly resumes?: string;
}

/** An entry of an earlier page that did not finish (listed after a reload). */
export interface InterruptedUpload extends QueueEntry {
  readonly status: 'queued' | 'working' | 'failed';
  readonly error?: string;
}

export type WorkPhase = 'hashing' | 'checking' | 'preparing' | 'uploading';

/** Reported by the worker while a file is worked on. */
export interface UploadEvent {
  readonly type: 'progress';
  readonly id: string;
  readonly phase: WorkPhase;
  /** Bytes of the file processed in this phase (plaintext). */
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export type SkipKind = 'not-media' | 'duplicate' | 'twin';

/** How one file ended (errors are thrown as AppError instead). */
export type UploadOutcome =
  | { readonly status: 'uploaded' | 'resumed'; readonly fileId: string; readonly warnings?: readonly string[] }
  /** Into an album: the same photo was already in my library and was added to the album by reference. */
  | { readonly status: 'added'; readonly fileId: string }
  | { readonly status: 'skipped'; readonly kind: SkipKind; readonly reason: string }
  /** `released`: whatever the server already held of it was discarded and its storage freed. */
  | { readonly status: 'cancelled'; readonly released: boolean };

/** What a drop on an album page would do. */
export interface AlbumTargetInfo {
  readonly albumId: string;
  readonly name: string;
  readonly canAdd: boolean;
  /** Why not, in words, when `canAdd` is false. */
  readonly why?: string;
}

export const REASON_DUPLICATE = 'already in your library';

/** The key that tells "the same file picked again" (a reload drops the File objects, not these). */
export const sameFileKey = (f: { name: string; size: number; lastModified: number }) => `${f.name}\u0000${f.size}\u0000${f.lastModified}`;

/**
 * [Note: dotfiles] like the CLI's backup, files and folders whose name starts with a dot
 * (.DS_Store, .thumbnails, .git) are left out of folder uploads without a word: they are never
 * photos, and listing every .DS_Store as "skipped" would bury the skips that matter.
 */
export function isHiddenPath(path: string): boolean {
  return path.split('/').some((part) => part.startsWith('.'));
}
