import { Readable } from 'node:stream';
import {
  DeleteObjectsCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import {
  fileIdOfKey, receiveBlob, StorageFullError, type BlobKey, type BlobStore, type ListedBlob, type PutOptions, type PutResult,
} from './blob-store.ts';

/** Where the blobs go when `S3_BUCKET` is set (see apps/server/README.md). */
export interface S3Settings {
  bucket: string;
  /** http(s)://host:port of an S3-compatible server; undefined = AWS. */
  endpoint: string | undefined;
  region: string;
  /** Both or neither; neither = the AWS SDK's default chain (AWS_* variables, instance role…). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  forcePathStyle: boolean;
  /** Prepended to every key; empty or ending in '/'. */
  prefix: string;
}

/** Bucket, endpoint and prefix for the log: never the credentials. */
export const describeS3 = (s: S3Settings): string =>
  `s3://${s.bucket}/${s.prefix} at ${s.endpoint ?? `AWS ${s.region}`}`;

const DELETE_BATCH = 1000; // the most keys DeleteObjects accepts

/** The HTTP status of an SDK error, when it has one. */
const statusOf = (e: unknown): number | undefined =>
  (e as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;

/**
 * An S3 server out of space: HTTP 507 Insufficient Storage (MinIO: XMinioStorageFull; Ceph:
 * QuotaExceeded for a bucket or user quota). AWS itself never fills up.
 */
const isFull = (e: unknown): boolean => {
  const x = e as { name?: unknown; Code?: unknown } | null;
  const code = [x?.Code, x?.name].find((v): v is string => typeof v === 'string') ?? '';
  return statusOf(e) === 507 || /StorageFull|QuotaExceeded/i.test(code);
};

/**
 * BlobStore on an S3 bucket (AWS or any S3-compatible server).
 *
 * [Note: S3 puts are verified before they are sent] A PUT of one object is
 * atomic on S3: readers see the old object or the new one. To keep the disk
 * store's promise that a blob exists only when its size and SHA-256 are right,
 * `put` receives the whole blob into memory (at most `maxBytes`: a block is
 * ≤ 4 MiB + 17 bytes, a thumbnail less), hashing as it arrives, and sends one
 * PutObject only when the checks pass. Streaming straight through would need
 * the upload to be aborted after the last byte was hashed but before S3
 * received it; real S3 discards such a request, but several S3-compatible
 * servers write the object in place as bytes arrive, so a refused block could
 * clobber a good one. The price is one block of memory per upload in flight.
 */
export class S3BlobStore implements BlobStore {
  constructor(private readonly client: S3Client, private readonly bucket: string, private readonly prefix = '') {}

  static fromSettings(s: S3Settings): S3BlobStore {
    const client = new S3Client({
      region: s.region,
      forcePathStyle: s.forcePathStyle,
      ...(s.endpoint ? { endpoint: s.endpoint } : {}),
      ...(s.credentials ? { credentials: s.credentials } : {}),
      // Our own SHA-256 is checked before every PUT, and the signed x-amz-content-sha256
      // header carries that same hash, so the server refuses bytes changed on the way. The
      // SDK's extra CRC32 checksums (on by default since 3.729) are not understood by every
      // S3-compatible server: send and check them only where an operation requires one.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    return new S3BlobStore(client, s.bucket, s.prefix);
  }

  private objectKey(key: BlobKey): string { return this.prefix + key; }

  /** Throws an error a person can act on when the bucket cannot be reached with these settings. */
  async check(where: string): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (e) {
      const status = statusOf(e);
      const why = status === 404 ? 'the bucket does not exist'
        : status === 403 || status === 401 ? 'access denied (check S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY)'
        : status !== undefined ? `HTTP ${status}`
        : (e as Error).message;
      throw new Error(`S3 blob store ${where} is not usable: ${why}`);
    }
  }

  async put(key: BlobKey, source: Readable | Uint8Array, opts: PutOptions): Promise<PutResult> {
    const parts: Uint8Array[] = [];
    const result = await receiveBlob(source, opts, (chunk) => { parts.push(chunk); });
    const size = result.size;
    const body = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    try {
      await this.client.send(new PutObjectCommand({
        Bucket: this.bucket, Key: this.objectKey(key), Body: body, ContentLength: size,
        ContentType: 'application/octet-stream',
      }));
    } catch (e) {
      // [Note: disk full] a refused PUT stores nothing (S3 puts are atomic).
      if (isFull(e)) throw new StorageFullError(`the S3 server has no space left to store ${key}`, { cause: e });
      throw e;
    }
    return result;
  }

  async get(key: BlobKey): Promise<{ stream: Readable; size: number } | null> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      if (!(r.Body instanceof Readable) || r.ContentLength === undefined) {
        throw new Error(`S3 GetObject ${this.objectKey(key)}: expected a Node stream with a length`);
      }
      return { stream: r.Body, size: r.ContentLength };
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw e;
    }
  }

  async exists(key: BlobKey): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      throw e;
    }
  }

  async delete(keys: BlobKey[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const r = await this.client.send(new DeleteObjectsCommand({
        Bucket: this.bucket,
        Delete: { Quiet: true, Objects: batch.map((k) => ({ Key: this.objectKey(k) })) },
      }));
      // Absent keys are not errors on S3; anything listed here is (permissions, throttling…).
      const failed = (r.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length > 0) {
        const first = failed[0]!;
        throw new Error(`S3 DeleteObjects: ${failed.length} of ${batch.length} keys not deleted (first: ${first.Key} ${first.Code} ${first.Message ?? ''})`.trimEnd());
      }
    }
  }

  /** Every object under `<prefix>files/`, in key order (so each file's blobs come together). */
  async *list(): AsyncIterable<ListedBlob> {
    let token: string | undefined;
    do {
      const r = await this.client.send(new ListObjectsV2Command({
        Bucket: this.bucket, Prefix: `${this.prefix}files/`, ...(token ? { ContinuationToken: token } : {}),
      }));
      for (const o of r.Contents ?? []) {
        const key = o.Key?.slice(this.prefix.length);
        const fileId = key !== undefined ? fileIdOfKey(key) : undefined;
        if (key === undefined || fileId === undefined) continue;
        // S3 dates are whole seconds: the latest moment the object may have been written.
        yield { key: key as BlobKey, fileId, modifiedAt: o.LastModified ? o.LastModified.getTime() + 999 : Date.now(), unfinished: false };
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
  }

  /** Closes the client's sockets. */
  destroy(): void { this.client.destroy(); }
}
