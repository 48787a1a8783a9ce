// "Several stateless server processes behind one address": two real server processes share
// one PostgreSQL database and one S3 bucket (s3rver) and nothing else. A client whose every
// request goes to the other process than the one before signs up, logs in (OPAQUE start on
// one, finish on the other), backs up photos, syncs, downloads and deletes, all through the SDK.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Session, TimelineIndex } from '@obscura/sdk';
import { backup, downloadToDir, nodeLibrary } from '@obscura/sdk/node';
import { box, makeMoov, writePhotoFolder, type PhotoFolderManifest } from '../support/fixtures.ts';
import { startS3, type TestS3 } from '../support/s3.ts';
import { removeDir, startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { fastOptions } from '../support/sdk.ts';
import { allFiles, findNeedles } from '../support/scan.ts';
import { execFileSync } from 'node:child_process';

const ADMIN_URL = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `obscura_scale_${randomBytes(6).toString('hex')}`;
const databaseUrl = (() => { const u = new URL(ADMIN_URL); u.pathname = `/${dbName}`; return u.href; })();
const S3_PREFIX = 'obscura-scale';

let s3: TestS3;
let a: ServerProcess;
let b: ServerProcess;
let work: string;
let folder: PhotoFolderManifest;
const bigVideo = { name: 'BIG_VIDEO.mp4', bytes: Buffer.alloc(0) };
const email = `scale-${process.pid}@example.org`;
const password = 'correct horse scale battery';

interface Hit { origin: string; method: string; path: string }
/** A fetch that sends each request to the next server in turn, and remembers where each went. */
function roundRobin(servers: () => string[]) {
  const hits: Hit[] = [];
  let next = 0;
  const fetchFn: typeof fetch = (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const targets = servers();
    const target = new URL(targets[next++ % targets.length]!);
    url.protocol = target.protocol;
    url.host = target.host;
    hits.push({ origin: target.origin, method: init?.method ?? 'GET', path: url.pathname });
    return fetch(url, init);
  };
  return { fetch: fetchFn, hits };
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try { return (await client.query<T>(text)).rows; } finally { await client.end(); }
}

before(async () => {
  await sql(ADMIN_URL, `CREATE DATABASE ${dbName}`);
  s3 = await startS3();
  work = await mkdtemp(join(tmpdir(), 'obscura-scale-'));
  folder = await writePhotoFolder(join(work, 'photos'), { photos: 6, videos: 1, markers: true });
  // A 3-block video, so that the blocks of one file are spread over both processes.
  const mdat = Buffer.alloc(9 * 1024 * 1024);
  for (let i = 0; i < mdat.length; i += 4096) mdat.writeUInt32BE((i * 2654435761) >>> 0, i);
  bigVideo.bytes = Buffer.concat([box('ftyp', Buffer.from('isom\0\0\0\0isomavc1')), box('mdat', mdat), makeMoov({ creationTime: new Date(Date.UTC(2021, 5, 6)), durationMs: 4000 })]);
  await writeFile(join(folder.dir, bigVideo.name), bigVideo.bytes);
  // Started together: both migrate the same database and race to store the one OPAQUE setup.
  const env = { DATABASE_URL: databaseUrl, ...s3.env(S3_PREFIX) };
  [a, b] = await Promise.all([startServerProcess({ env }), startServerProcess({ env })]);
});

after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await s3?.stop();
  await sql(ADMIN_URL, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await Promise.all([work, a?.dataDir, b?.dataDir].filter((d): d is string => !!d).map(removeDir));
});

test('two processes, one database, one bucket: every step may land on either process', async () => {
  assert.notEqual(a.url, b.url);
  const servers = () => [a.url, b.url];

  // Sign-up and login: each start on one process, each finish on the other.
  const rr = roundRobin(servers);
  await Session.signup({ ...fastOptions(a.url), fetch: rr.fetch, email, password, displayName: 'Scale' });
  const session = await Session.login({ ...fastOptions(a.url), fetch: rr.fetch, email, password });
  const auth = rr.hits.filter((h) => /^\/api\/auth\/(signup|login)\//.test(h.path));
  const step = (p: RegExp) => auth.find((h) => p.test(h.path));
  assert.ok(step(/signup\/start$/) && step(/signup\/finish$/) && step(/login\/start$/) && step(/login\/finish$/), JSON.stringify(auth));
  assert.notEqual(step(/signup\/start$/)!.origin, step(/signup\/finish$/)!.origin, 'signup finished on the other process');
  assert.notEqual(step(/login\/start$/)!.origin, step(/login\/finish$/)!.origin, 'login finished on the other process');

  // Backup through both processes; the blocks of the 3-block video go to both.
  const library = nodeLibrary(session);
  const before = rr.hits.length;
  const report = await backup(library, folder.dir);
  const media = [...folder.files.filter((f) => f.kind !== 'other'), { relativePath: bigVideo.name, sha256: sha256(bigVideo.bytes) }];
  assert.equal(report.failed.length, 0, JSON.stringify(report.failed));
  assert.equal(report.uploaded.length, media.length);
  const blockPuts = rr.hits.slice(before).filter((h) => h.method === 'PUT' && /\/blocks\/\d+$/.test(h.path));
  assert.ok(blockPuts.length >= media.length + 2);
  assert.deepEqual(new Set(blockPuts.map((h) => h.origin)), new Set([new URL(a.url).origin, new URL(b.url).origin]));

  // Another client, talking only to process B, sees the same timeline.
  const onB = await Session.login({ ...fastOptions(b.url), email, password });
  const index = new TimelineIndex(onB.user.id);
  await index.sync(nodeLibrary(onB));
  const timeline = index.list();
  assert.deepEqual(timeline.map((e) => e.metadata!.name).sort(), media.map((m) => m.relativePath.split('/').pop()!).sort());

  // Byte-identical downloads, through the round-robin client.
  const out = join(work, 'download');
  for (const e of timeline) {
    const { path } = await downloadToDir(library, e.fileId, out);
    const want = media.find((m) => m.relativePath.endsWith(e.metadata!.name))!;
    assert.equal(sha256(await readFile(path)), want.sha256, `${want.relativePath} is byte-identical`);
  }

  // The ciphertext is in the bucket, under the prefix: two thumbnails and every block per file.
  const keys = await s3.listKeys(`${S3_PREFIX}/`);
  const rows = await sql<{ id: string; block_count: number; status: string }>(databaseUrl, 'select id, block_count, status from files');
  assert.equal(rows.length, media.length);
  assert.ok(rows.every((r) => r.status === 'complete'));
  const expected = rows.flatMap((r) => [
    't-large', 't-small', ...Array.from({ length: r.block_count }, (_, i) => `b${i}`),
  ].map((n) => `${S3_PREFIX}/files/${r.id.slice(0, 2)}/${r.id}/${n}`)).sort();
  assert.deepEqual(keys, expected);
  assert.equal(rows.find((r) => timeline.find((e) => e.metadata!.name === bigVideo.name)!.fileId === r.id)?.block_count, 3);

  // …and in PostgreSQL: one account, one OPAQUE setup shared by both processes.
  assert.deepEqual(await sql(databaseUrl, `select count(*)::int as n from users`), [{ n: 1 }]);
  assert.deepEqual(await sql(databaseUrl, `select count(*)::int as n from settings where key = 'opaque_server_setup'`), [{ n: 1 }]);

  // Nothing on either process's local disk but its log: no SQLite file, no blob folder.
  for (const p of [a, b]) assert.deepEqual(await allFiles(p.dataDir), [p.logPath], `${p.dataDir} holds only the log`);

  // Zero knowledge holds in the bucket, the PostgreSQL dump and the logs: no file name, camera,
  // place, capture time or password in anything the servers keep.
  const needles = [...folder.markers!.needles, password];
  for (const f of folder.files) if (f.capturedAt !== null) needles.push(new Date(f.capturedAt).toISOString(), String(f.capturedAt));
  const dump = execFileSync('pg_dump', ['--data-only', databaseUrl], { maxBuffer: 256 * 1024 * 1024 }).toString('latin1');
  assert.ok(dump.includes('COPY public.files'), 'the dump holds the data');
  // bytea columns are dumped as hex: look for each needle in that form too
  needles.push(...needles.map((n) => Buffer.from(n, 'utf8').toString('hex')));
  assert.deepEqual(await findNeedles(s3.directory, needles, {
    'the PostgreSQL dump': dump, 'the log of process A': await readFile(a.logPath, 'utf8'), 'the log of process B': await readFile(b.logPath, 'utf8'),
  }), []);

  // Deleting for good on either process removes the objects from the bucket.
  const victim = timeline.find((e) => e.metadata!.name === bigVideo.name)!.fileId;
  await library.trash([victim]);
  assert.equal(await library.deleteForever([victim]), 1);
  const left = await s3.listKeys(`${S3_PREFIX}/`);
  assert.deepEqual(left, expected.filter((k) => !k.includes(victim)));
  assert.equal(left.length, expected.length - 5);
});
