import { notFound, shortId } from '../errors.ts';
import type { FileRow } from '../repositories/files.ts';
import type { LibraryItemRow } from '../repositories/library.ts';

/** What access decisions need to read. */
export interface FileAccessPort {
  file(fileId: string): Promise<FileRow | undefined>;
  libraryItem(userId: string, fileId: string): Promise<LibraryItemRow | undefined>;
}

/** Why the caller may read a file, and the file key wrapped for them. */
export interface ReadGrant {
  file: FileRow;
  wrappedKey: Uint8Array;
  via: 'library';
}

const hidden = (fileId: string) => notFound(`file ${shortId(fileId)} not found`);

// [Note: one door to a file]
// Every route that reads a file asks `canRead`. Album membership and public
// links will be added here, and nowhere else. Files a caller may not read are
// reported as not found, so ids of other people's files reveal nothing.
export class FileAccess {
  constructor(private readonly port: FileAccessPort) {}

  async canRead(userId: string, fileId: string): Promise<ReadGrant | null> {
    const item = await this.port.libraryItem(userId, fileId);
    if (!item || item.state === 'deleted' || !item.wrappedKey) return null;
    const file = await this.port.file(fileId);
    if (!file) return null;
    return { file, wrappedKey: item.wrappedKey, via: 'library' };
  }

  async requireRead(userId: string, fileId: string): Promise<ReadGrant> {
    const grant = await this.canRead(userId, fileId);
    if (!grant) throw hidden(fileId);
    return grant;
  }

  /** Only the uploader may send blocks or complete an upload. */
  async requireUploader(userId: string, fileId: string): Promise<FileRow> {
    const file = await this.port.file(fileId);
    if (!file || file.uploaderId !== userId) throw hidden(fileId);
    return file;
  }
}
