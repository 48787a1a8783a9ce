// An S3-compatible server for tests: s3rver (a fake S3 on the local file system; it checks
// the access key id but not SigV4 signatures) in this process, on 127.0.0.1, a free port and a temporary folder.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (opts: {
  address: string; port: number; directory: string; silent: boolean;
  configureBuckets: { name: string }[]; vhostBuckets: boolean;
}) => S3rverInstance;
// s3rver ships CommonJS without type definitions.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

/** s3rver knows only this access key id. */
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Folder s3rver keeps the bucket in (to show blobs are there and nowhere else). */
  directory: string;
  /** The S3_* environment a server process needs to use this bucket. */
  env(prefix?: string): Record<string, string>;
  /** Every key in the bucket (under `prefix`), through the S3 API. */
  listKeys(prefix?: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startS3(): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'obscura-s3-'));
  const bucket = `obscura-test-${randomBytes(4).toString('hex')}`;
  const server = new S3rver({
    address: '127.0.0.1', port: 0, directory, silent: true, vhostBuckets: false, configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const region = 'us-east-1';
  const client = new S3Client({
    endpoint, region, forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
  });
  return {
    endpoint, bucket, region, directory, accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY,
    env: (prefix) => ({
      S3_BUCKET: bucket, S3_ENDPOINT: endpoint, S3_REGION: region,
      S3_ACCESS_KEY_ID: ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
      ...(prefix ? { S3_PREFIX: prefix } : {}),
    }),
    async listKeys(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of r.Contents ?? []) if (o.Key) keys.push(o.Key);
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    async stop() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
