// Getting files from the person: dropped files and folders (walked recursively), the file and
// folder pickers, and a video's poster frame (which needs a <video> element, so the page makes it).
import { isHiddenPath } from './model.ts';

export interface PickedFile {
  readonly file: File;
  /** Path inside a dropped or picked folder, top folder included ("Trip/day 1/IMG_1.jpg"). */
  readonly relativePath?: string;
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

function readBatch(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function walk(entry: FileSystemEntry, out: PickedFile[], problems: string[]): Promise<void> {
  const path = entry.fullPath.replace(/^\/+/, '');
  if (isHiddenPath(path || entry.name)) return; // See [Note: dotfiles]
  try {
    if (entry.isFile) {
      const file = await fileOf(entry as FileSystemFileEntry);
      out.push(path.includes('/') ? { file, relativePath: path } : { file });
      return;
    }
    if (!entry.isDirectory) return;
    // readEntries answers in batches (100 in Chromium) until an empty one.
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    const children: FileSystemEntry[] = [];
    for (;;) {
      const batch = await readBatch(reader);
      if (batch.length === 0) break;
      children.push(...batch);
    }
    children.sort((a, b) => a.name.localeCompare(b.name));
    for (const c of children) await walk(c, out, problems);
  } catch (e) {
    problems.push(`${path || entry.name}: ${(e as Error).message || 'could not be read'}`);
  }
}

/**
 * Every file of a drop, folders walked recursively. The entries must be taken from the event
 * before it returns (the browser empties the DataTransfer afterwards), so call this in the drop
 * handler itself; the walk goes on after. `problems` lists what could not be read.
 */
export function filesOfDrop(dt: DataTransfer): Promise<{ files: PickedFile[]; problems: string[] }> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(dt.items)) {
    if (item.kind !== 'file') continue;
    // Null for files that are not on a disk (e.g. made by a page); then the File itself.
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) loose.push(f);
    }
  }
  if (entries.length === 0 && loose.length === 0) loose.push(...Array.from(dt.files));
  return (async () => {
    const files: PickedFile[] = loose.filter((f) => !isHiddenPath(f.name)).map((file) => ({ file }));
    const problems: string[] = [];
    for (const e of entries) await walk(e, files, problems);
    return { files, problems };
  })();
}

/** The files of a file input (a folder picker gives each file's path in the folder). */
export function filesOfInput(list: FileList | null): PickedFile[] {
  return Array.from(list ?? [])
    .map((file) => (file.webkitRelativePath ? { file, relativePath: file.webkitRelativePath } : { file }))
    .filter((p) => !isHiddenPath(p.relativePath ?? p.file.name));
}

/** Whether a drag carries files (not text or a link dragged from the page). */
export function dragHasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}

const POSTER_MAX_PX = 1920;
const POSTER_TIMEOUT_MS = 10_000;

function once(el: HTMLMediaElement, ok: string, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (v: boolean) => {
      clearTimeout(timer);
      el.removeEventListener(ok, yes);
      el.removeEventListener('error', no);
      resolve(v);
    };
    const yes = () => done(true);
    const no = () => done(false);
    const timer = setTimeout(no, ms);
    el.addEventListener(ok, yes);
    el.addEventListener('error', no);
  });
}

/**
 * [Note: video posters] a JPEG of one frame of a video, from a hidden <video> on a blob URL
 * (seeked to 1 s, or 10 % into a shorter clip), or undefined when this browser cannot decode it;
 * the worker then uses the SDK's marked placeholder. The URL is revoked and the element dropped.
 */
export async function grabPoster(file: Blob): Promise<Blob | undefined> {
  const url = URL.createObjectURL(file);
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  try {
    const loaded = once(video, 'loadeddata', POSTER_TIMEOUT_MS);
    video.src = url;
    if (!(await loaded) || !video.videoWidth || !video.videoHeight) return undefined;
    const d = Number.isFinite(video.duration) && video.duration > 0 ? video.duration : 0;
    const at = Math.min(1, d * 0.1);
    if (at > 0) {
      const seeked = once(video, 'seeked', POSTER_TIMEOUT_MS);
      video.currentTime = at;
      if (!(await seeked)) return undefined;
    }
    const s = Math.min(1, POSTER_MAX_PX / Math.max(video.videoWidth, video.videoHeight));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(video.videoWidth * s));
    canvas.height = Math.max(1, Math.round(video.videoHeight * s));
    const ctx = canvas.getContext('2d');
    if (!ctx) return undefined;
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob | undefined>((resolve) => canvas.toBlob((b) => resolve(b ?? undefined), 'image/jpeg', 0.9));
  } catch {
    return undefined;
  } finally {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  }
}
