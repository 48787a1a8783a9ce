import { notFound, shortId } from '../errors.ts';
import type { AlbumReadGrant } from '../repositories/albums.ts';
import type { FileRow } from '../repositories/files.ts';
import type { LibraryItemRow } from '../repositories/library.ts';

/** What access decisions need to read. */
export interface FileAccessPort {
  file(fileId: string): Promise<FileRow | undefined>;
  libraryItem(userId: string, fileId: string): Promise<LibraryItemRow | undefined>;
  /** Albums holding the file where the user is an active member. */
  albumGrants(userId: string, fileId: string): Promise<AlbumReadGrant[]>;
}

/** Why the caller may read a file, and the file key wrapped for them. */
export type ReadGrant =
  | { file: FileRow; wrappedKey: Uint8Array; via: 'library'; albumId: null; epoch: null }
  | { file: FileRow; wrappedKey: Uint8Array; via: 'album'; albumId: string; epoch: number };

const hidden = (fileId: string) => notFound(`file ${shortId(fileId)} not found`);

// [Note: one door to a file]
// Every route that reads a file asks `canRead`: the caller's library (active or
// trashed), or an album holding the file where the caller is an ACTIVE member
// (pending, declined, removed and former members: no). Public links will be
// added here, and nowhere else. Files a caller may not read are reported as not
// found, so ids of other people's files reveal nothing.
export class FileAccess {
  constructor(private readonly port: FileAccessPort) {}

  /** `albumId` asks for the key of that album; without it the library key wins, else the first album. */
  async canRead(userId: string, fileId: string, albumId?: string): Promise<ReadGrant | null> {
    const file = await this.port.file(fileId);
    if (!file) return null;
    if (albumId === undefined) {
      const item = await this.port.libraryItem(userId, fileId);
      if (item && item.state !== 'deleted' && item.wrappedKey) return { file, wrappedKey: item.wrappedKey, via: 'library', albumId: null, epoch: null };
    }
    const grants = await this.port.albumGrants(userId, fileId);
    const g = albumId === undefined ? grants[0] : grants.find((x) => x.albumId === albumId.toLowerCase());
    if (!g) return null;
    return { file, wrappedKey: g.wrappedKey, via: 'album', albumId: g.albumId, epoch: g.epoch };
  }

  async requireRead(userId: string, fileId: string, albumId?: string): Promise<ReadGrant> {
    const grant = await this.canRead(userId, fileId, albumId);
    if (!grant) throw hidden(fileId);
    return grant;
  }

  /** Only the uploader may send blocks or complete an upload. */
  async requireUploader(userId: string, fileId: string): Promise<FileRow> {
    const file = await this.port.file(fileId);
    if (!file || file.uploaderId !== userId) throw hidden(fileId);
    return file;
  }

  /** Upload progress: the uploader, or anyone who may read the file. */
  async requireUploaderOrReader(userId: string, fileId: string): Promise<FileRow> {
    const file = await this.port.file(fileId);
    if (file && file.uploaderId === userId) return file;
    return (await this.requireRead(userId, fileId)).file;
  }
}
