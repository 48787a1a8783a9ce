// Saving originals: the worker downloads and verifies every block, the page gets one Blob and
// hands it to the browser's download with the name it was uploaded under (byte-identical).
import { proxy, worker } from '../../client/worker.ts';
import type { PhotoScope } from '../../shared/types.ts';

/**
 * Downloads the original of `fileId` and saves it. `onProgress(done, total)` reports bytes
 * verified. `container` is where the temporary link is clicked: inside an open modal dialog
 * (the viewer), the rest of the page is inert, so the link must live in the dialog.
 */
export async function saveOriginal(
  scope: PhotoScope, fileId: string, onProgress?: (done: number, total: number) => void, container?: Element | null,
): Promise<{ name: string; size: number }> {
  const { blob, name } = await worker.media.original(scope, fileId, onProgress ? proxy(onProgress) : undefined);
  saveBlob(blob, name, container);
  return { name, size: blob.size };
}

/** Offers `blob` as a download named `name`. */
export function saveBlob(blob: Blob, name: string, container?: Element | null): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  (container ?? document.body).appendChild(a);
  a.click();
  a.remove();
  // The browser reads the Blob after the click returns; revoking at once can cancel the save.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
