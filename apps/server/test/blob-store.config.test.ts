// S3_* settings: parsing, defaults, one clear error per misconfiguration, and a server that
// refuses to start on a bucket it cannot use.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, startServer } from '../src/index.ts';
import { MemoryLogger } from '../src/ports/logger.ts';
import { startS3, type TestS3 } from '../../../test/support/s3.ts';

const SECRET = 'sEcReT/value+1';

test('no S3_BUCKET: blobs stay on disk', () => {
  assert.equal(loadConfig({}).s3, undefined);
});

test('S3 settings: defaults and overrides', () => {
  const aws = loadConfig({ S3_BUCKET: 'photos' }).s3;
  assert.deepEqual(aws, { bucket: 'photos', endpoint: undefined, region: 'us-east-1', credentials: undefined, forcePathStyle: false, prefix: '' });
  const minio = loadConfig({
    S3_BUCKET: 'photos', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_REGION: 'eu-central-1',
    S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: SECRET, S3_PREFIX: '/obscura/prod/',
  }).s3;
  assert.deepEqual(minio, {
    bucket: 'photos', endpoint: 'http://127.0.0.1:9000', region: 'eu-central-1',
    credentials: { accessKeyId: 'id', secretAccessKey: SECRET }, forcePathStyle: true, prefix: 'obscura/prod/',
  });
  assert.equal(loadConfig({ S3_BUCKET: 'photos', S3_ENDPOINT: 'https://s3.example', S3_FORCE_PATH_STYLE: 'false' }).s3?.forcePathStyle, false);
  assert.equal(loadConfig({ S3_BUCKET: 'photos', S3_FORCE_PATH_STYLE: '1' }).s3?.forcePathStyle, true);
});

test('S3 misconfiguration: one clear error, never quoting the secret', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ S3_ENDPOINT: 'http://127.0.0.1:9000', S3_SECRET_ACCESS_KEY: SECRET }, /^Error: S3_ENDPOINT, S3_SECRET_ACCESS_KEY set but S3_BUCKET is not/],
    [{ S3_BUCKET: 'Photos_Bucket' }, /S3_BUCKET must be a bucket name/],
    [{ S3_BUCKET: 'photos', S3_ENDPOINT: '127.0.0.1:9000' }, /S3_ENDPOINT must be an http:\/\/ or https:\/\/ URL/],
    [{ S3_BUCKET: 'photos', S3_ENDPOINT: `http://id:${SECRET}@minio:9000` }, /S3_ENDPOINT must be an http:\/\/ or https:\/\/ URL without credentials/],
    [{ S3_BUCKET: 'photos', S3_SECRET_ACCESS_KEY: SECRET }, /S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: S3_ACCESS_KEY_ID is missing/],
    [{ S3_BUCKET: 'photos', S3_ACCESS_KEY_ID: 'id' }, /S3_SECRET_ACCESS_KEY is missing/],
    [{ S3_BUCKET: 'photos', S3_FORCE_PATH_STYLE: 'yes' }, /S3_FORCE_PATH_STYLE must be true, false, 1 or 0/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig(env), (e: unknown) => {
      assert.match(String(e), message);
      assert.ok(!String(e).includes(SECRET), `secret in "${String(e)}"`);
      return true;
    });
  }
});

let s3: TestS3;
let dir: string;
before(async () => { s3 = await startS3(); dir = await mkdtemp(join(tmpdir(), 'obscura-serve-s3-')); });
after(async () => { await s3.stop(); await rm(dir, { recursive: true, force: true }); });

test('startServer with S3: says where blobs go; refuses to start on an unusable bucket', async () => {
  const logger = new MemoryLogger();
  const base = { DATA_DIR: dir, HOST: '127.0.0.1', PORT: '0' };
  const server = await startServer(loadConfig({ ...base, ...s3.env('obscura') }), { logger });
  try {
    assert.equal((await fetch(`${server.url}/api/health`)).status, 200);
  } finally {
    await server.close();
  }
  const line = logger.lines.find((l) => l.includes('listening on'));
  assert.ok(line?.includes(`blobs in s3://${s3.bucket}/obscura/ at ${s3.endpoint}`), line);
  assert.ok(logger.lines.every((l) => !l.includes(s3.secretAccessKey)), 'no credentials in the log');

  await assert.rejects(startServer(loadConfig({ ...base, ...s3.env(), S3_BUCKET: 'not-there' }), { logger }),
    new RegExp(`^Error: S3 blob store s3://not-there/ at ${s3.endpoint} is not usable: the bucket does not exist$`));
  await assert.rejects(startServer(loadConfig({ ...base, ...s3.env(), S3_ACCESS_KEY_ID: 'NOT-A-KEY' }), { logger }),
    /is not usable: access denied \(check S3_ACCESS_KEY_ID \/ S3_SECRET_ACCESS_KEY\)$/);
});
