// Saving the streamed zip of a public link (one photo is saved by photos/download.ts).
import { saveBlob } from '../photos/download.ts';

/** Where the parts of a streamed download go. */
export interface Sink {
  /** 'file': written to disk as it comes; 'blob': gathered, saved at the end. */
  readonly kind: 'file' | 'blob';
  write(part: Blob): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

interface SaveFilePickerOptions {
  suggestedName?: string;
  types?: { description?: string; accept: Record<string, string[]> }[];
}
interface WritableFile {
  write(data: Blob): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}
type ShowSaveFilePicker = (opts?: SaveFilePickerOptions) => Promise<{ createWritable(): Promise<WritableFile> }>;

/**
 * [Note: where the zip goes] With the File System Access API (`showSaveFilePicker`: Chromium
 * desktop), the person picks the file first and each part of the zip is written to disk as it
 * comes, so memory stays bounded whatever the album's size. Elsewhere (Firefox, Safari, phones)
 * the parts are gathered as Blobs and saved at the end: Blob parts are handles the browser may
 * keep on disk, not one big array in this page, but the whole archive exists once before it is
 * saved. Resolves to undefined when the person cancels the picker.
 */
export async function openSink(fileName: string): Promise<Sink | undefined> {
  const picker = (window as unknown as { showSaveFilePicker?: ShowSaveFilePicker }).showSaveFilePicker;
  if (typeof picker === 'function') {
    let handle;
    try {
      handle = await picker.call(window, { suggestedName: fileName, types: [{ description: 'Zip archive', accept: { 'application/zip': ['.zip'] } }] });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') return undefined;
      throw e;
    }
    const w = await handle.createWritable();
    return { kind: 'file', write: (p) => w.write(p), close: () => w.close(), abort: () => w.abort().catch(() => undefined) };
  }
  const parts: Blob[] = [];
  return {
    kind: 'blob',
    write: async (p) => { parts.push(p); },
    close: async () => { saveBlob(new Blob(parts, { type: 'application/zip' }), fileName); parts.length = 0; },
    abort: async () => { parts.length = 0; },
  };
}
