// Upload/download benchmark (not a test). Run: npm run bench:upload [-- --photos N --big-mib N --timeline N]
// All in one run on this machine, against a real server process (SQLite + disk) on loopback:
//  1. `obscura backup DIR` of N generated ~4 MB photos through the CLI, next to the same bytes
//     sent as plain, unencrypted HTTP uploads to the same server (the ceiling), as a ratio;
//  2. peak RSS of client and server while uploading and downloading one 1 GiB file;
//  3. timeline sync of 10,000 photos from an empty local index.
// Set-up (sign-ups, generating files, seeding the timeline) is not measured. Accounts use a
// lowered Argon2 cost (OBSCURA_INSECURE_FAST_KDF) for set-up speed only.
import { spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { Session, TimelineIndex, bytesSource, type Thumbnailer } from '@obscura/sdk';
import { nodeLibrary } from '@obscura/sdk/node';
import { box, makeJpeg, makeMoov } from '../test/support/fixtures.ts';
import { cliMain, repoRoot, removeDir, startServerProcess } from '../test/support/server-process.ts';
import { fastOptions } from '../test/support/sdk.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const PHOTOS = arg('photos', 200);
const BIG_MIB = arg('big-mib', 1024);
const TIMELINE = arg('timeline', 10_000);

const work = await mkdtemp(join(tmpdir(), 'obscura-bench-'));
const server = await startServerProcess({ env: { DEFAULT_QUOTA_BYTES: String(1024 ** 4), AUTH_RATE_LIMIT_PER_MINUTE: '100000' } });
const serverPid = server.child.pid!;

/** Peak resident memory (VmHWM) of a live process, in MB. */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Runs the CLI as its own process; returns wall time and its peak RSS (polled). */
async function cli(home: string, args: string[], env: Record<string, string> = {}): Promise<{ seconds: number; peakMb: number; stdout: string }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', cliMain, ...args], {
    cwd: repoRoot, env: { ...process.env, OBSCURA_HOME: home, OBSCURA_INSECURE_FAST_KDF: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d; });
  child.stderr.on('data', (d: Buffer) => { stderr += d; });
  let peak = 0;
  const poll = setInterval(async () => { const p = await peakRssMb(child.pid!); if (p > peak) peak = p; }, 50);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearInterval(poll);
  if (code !== 0) throw new Error(`obscura ${args.join(' ')} exited ${code}: ${stderr.trim()}`);
  return { seconds: (performance.now() - t0) / 1000, peakMb: peak, stdout };
}

const mb = (bytes: number) => bytes / 1e6;
const rows: [string, string][] = [];

try {
  // ---------------------------------------------------------------- 1. backup vs plain upload
  const photosDir = join(work, 'photos');
  await mkdir(photosDir);
  // One ~4 MB noise JPEG (2400 × 1800; noise is the worst case for a JPEG codec) with EXIF; each copy gets unique bytes after the JPEG's end marker,
  // so every photo is distinct (no dedupe) and still decodes for thumbnails.
  const noise = Buffer.alloc(2400 * 1800 * 3);
  randomFillSync(noise);
  const base = await sharp(noise, { raw: { width: 2400, height: 1800, channels: 3 } }).jpeg({ quality: 92 }).withExif({ IFD0: { Make: 'Bench', Model: 'Cam' } }).toBuffer();
  let total = 0;
  for (let i = 0; i < PHOTOS; i++) {
    const bytes = Buffer.concat([base, Buffer.from(`unique-${i}`)]);
    total += bytes.length;
    await writeFile(join(photosDir, `IMG_${String(i).padStart(4, '0')}.jpg`), bytes);
  }
  const homeA = join(work, 'home-a');
  await cli(homeA, ['signup', '--server', server.url, '--email', 'bench-a@bench.example', '--name', 'Bench A'], { OBSCURA_PASSWORD: 'bench password 1' });
  const backup = await cli(homeA, ['backup', photosDir, '--quiet']);

  // the ceiling: the same bytes as plain HTTP uploads into the same server's block store
  const { session: plain } = await Session.signup({ ...fastOptions(server.url), email: 'bench-plain@bench.example', password: 'bench password 1', displayName: 'Plain' });
  const files = (await readdir(photosDir)).sort();
  const dummy = (n: number) => Buffer.alloc(n, 1).toString('base64');
  const t0 = performance.now();
  let next = 0;
  const uploader = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const bytes = await readFile(join(photosDir, files[i]!));
      const fileId = crypto.randomUUID();
      const sha256Hex = createHash('sha256').update(bytes).digest('hex');
      await plain.api.call('createFile', { body: {
        fileId, blockCount: 1, blocks: [{ size: bytes.length, sha256Hex }], encryptedSize: bytes.length,
        manifestB64: dummy(64), signatureB64: dummy(64), metadataB64: dummy(64), thumbnailSmallB64: dummy(16), thumbnailLargeB64: dummy(16),
        wrappedKeyB64: dummy(78), contentHash: createHash('sha256').update(sha256Hex).digest('hex'),
      } });
      await plain.api.upload('putBlock', { fileId, index: 0 }, bytes);
      await plain.api.call('completeFile', { params: { fileId } });
    }
  };
  await Promise.all([uploader(), uploader(), uploader()]);
  const ceilingS = (performance.now() - t0) / 1000;
  rows.push([`obscura backup of ${PHOTOS} photos (${mb(total / PHOTOS).toFixed(1)} MB each), CLI → server`, `${(mb(total) / backup.seconds).toFixed(0)} MB/s, ${(PHOTOS / backup.seconds).toFixed(1)} photos/s (${backup.seconds.toFixed(1)} s, incl. CLI start-up)`]);
  rows.push(['same bytes, plain unencrypted HTTP upload to the same server (ceiling)', `${(mb(total) / ceilingS).toFixed(0)} MB/s, ${(PHOTOS / ceilingS).toFixed(1)} photos/s (${ceilingS.toFixed(1)} s)`]);
  rows.push(['backup / plain upload', `${(ceilingS / backup.seconds).toFixed(2)}`]);

  // ---------------------------------------------------------------- 2. peak RSS, 1 GiB
  const bigDir = join(work, 'big');
  await mkdir(bigDir);
  const bigPath = join(bigDir, 'BIG.mp4');
  const out = createWriteStream(bigPath);
  const mdatSize = BIG_MIB * 1024 * 1024;
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1, 0); header.write('mdat', 4); header.writeBigUInt64BE(BigInt(mdatSize + 16), 8);
  out.write(box('ftyp', Buffer.from('isom\0\0\0\0isomavc1')));
  out.write(header);
  const chunk = Buffer.alloc(4 * 1024 * 1024);
  for (let o = 0; o < mdatSize; o += chunk.length) {
    randomFillSync(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  out.end(makeMoov({ creationTime: new Date(Date.UTC(2024, 7, 1)), durationMs: 60_000 }));
  await new Promise<void>((r) => out.once('finish', () => r()));
  const bigSize = (await stat(bigPath)).size;
  const up = await cli(homeA, ['upload', bigPath, '--quiet']);
  const serverAfterUpload = await peakRssMb(serverPid);
  const id = /([0-9a-f]{8}-[0-9a-f-]{27})/.exec(up.stdout)?.[1];
  if (!id) throw new Error(`no photo id in: ${up.stdout}`);
  const down = await cli(homeA, ['download', id, '-o', join(work, 'down'), '--quiet']);
  const serverAfterDownload = await peakRssMb(serverPid);
  const same = createHash('sha256').update(await readFile(join(work, 'down', 'BIG.mp4'))).digest('hex') === createHash('sha256').update(await readFile(bigPath)).digest('hex');
  if (!same) throw new Error('the 1 GiB download is not byte-identical');
  rows.push([`upload of one ${(bigSize / 2 ** 30).toFixed(2)} GiB file: peak RSS client / server`, `${up.peakMb.toFixed(0)} MB / ${serverAfterUpload.toFixed(0)} MB (target < 250 MB each); ${(mb(bigSize) / up.seconds).toFixed(0)} MB/s`]);
  rows.push([`download of it (byte-identical): peak RSS client / server (server: peak over both)`, `${down.peakMb.toFixed(0)} MB / ${serverAfterDownload.toFixed(0)} MB (target < 250 MB each); ${(mb(bigSize) / down.seconds).toFixed(0)} MB/s`]);

  // ---------------------------------------------------------------- 3. timeline sync of 10,000
  const { session: many } = await Session.signup({ ...fastOptions(server.url), email: 'bench-many@bench.example', password: 'bench password 1', displayName: 'Many' });
  const lib = nodeLibrary(many);
  const tiny = await makeJpeg({ width: 16, height: 12, capturedAt: new Date(Date.UTC(2023, 0, 1)), make: 'Bench', model: 'Cam', seed: 2 });
  const thumb: Thumbnailer = async () => ({ small: tiny, large: tiny, placeholder: false });
  let seedNext = 0;
  const seeder = async () => {
    for (let i = seedNext++; i < TIMELINE; i = seedNext++) {
      await lib.upload(bytesSource(`T_${i}.jpg`, Buffer.concat([tiny, Buffer.from(`t-${i}`)]), Date.UTC(2023, 0, 1) + i * 1000), { thumbnailer: thumb });
    }
  };
  await Promise.all(Array.from({ length: 8 }, seeder));
  const index = new TimelineIndex(many.user.id);
  const s0 = performance.now();
  await index.sync(lib);
  const syncS = (performance.now() - s0) / 1000;
  if (index.list().length !== TIMELINE) throw new Error(`timeline has ${index.list().length} of ${TIMELINE}`);
  rows.push([`timeline sync of ${TIMELINE} photos from an empty local index (fetch + verify + decrypt)`, `${syncS.toFixed(2)} s`]);

  console.log(`Upload benchmark: server process on loopback (SQLite + disk), node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log(`| ${'measure'.padEnd(w0)} | ${'result'.padEnd(w1)} |`);
  console.log(`|${'-'.repeat(w0 + 2)}|${'-'.repeat(w1 + 2)}|`);
  for (const r of rows) console.log(`| ${r[0].padEnd(w0)} | ${r[1].padEnd(w1)} |`);
} finally {
  await server.stop();
  await removeDir(server.dataDir);
  await removeDir(work);
}
