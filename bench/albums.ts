// Albums benchmark (not a test). Run: npm run bench:albums [-- --photos N --members N]
// One run against a real server process (SQLite + disk on loopback): share an album with
// 100 people, open an album of 10,000 photos (list + verify + decrypt every item's
// metadata), save-before-leave of all of them, and key rotation on revoke.
// Set-up (sign-ups, seeding the photos) is not measured; sign-ups use a lowered Argon2 cost
// for set-up speed only — the shipped defaults are untouched.
import { performance } from 'node:perf_hooks';
import { Albums, Session, bytesSource, type Thumbnailer } from '@obscura/sdk';
import { nodeLibrary } from '@obscura/sdk/node';
import { makeJpeg } from '../test/support/fixtures.ts';
import { startServerProcess, removeDir } from '../test/support/server-process.ts';
import { fastOptions } from '../test/support/sdk.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const PHOTOS = arg('photos', 10_000);
const MEMBERS = arg('members', 100);

const server = await startServerProcess({ env: { DEFAULT_QUOTA_BYTES: String(1024 ** 4), AUTH_RATE_LIMIT_PER_MINUTE: '100000' } });
const rows: [string, string, string][] = [];
const timed = async <T>(label: string, fn: () => Promise<T>, target?: string): Promise<T> => {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await fn();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  rows.push([label, `${(wall / 1000).toFixed(2)} s total, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s client CPU`, target ?? '']);
  return out;
};

try {
  let n = 0;
  const person = async (name: string) => {
    const { session } = await Session.signup({ ...fastOptions(server.url), email: `${name}-${n++}@bench.example`, password: 'bench password 1', displayName: name });
    const library = nodeLibrary(session);
    return { session, library, albums: new Albums(library) };
  };
  const owner = await person('owner');
  const members: Awaited<ReturnType<typeof person>>[] = [];
  for (let i = 0; i < MEMBERS; i++) members.push(await person(`member${i}`));
  const album = await owner.albums.create('bench album');
  const albumId = album.albumId;

  await timed(`share with ${MEMBERS} people (seal every epoch key + message, one request)`, () =>
    owner.albums.share(albumId, members.map((m) => m.session.user.email), { role: 'viewer', message: 'welcome' }));
  for (const m of members.slice(0, 2)) {
    const [inv] = await m.albums.invitations();
    await m.albums.accept(inv!.invitationId);
  }

  // seed the album: small distinct JPEGs straight into the album, 8 uploads at a time
  const base = await makeJpeg({ width: 32, height: 24, capturedAt: new Date(Date.UTC(2023, 0, 1)), make: 'Bench', model: 'Cam', seed: 1 });
  const thumb: Thumbnailer = async () => ({ small: base, large: base, placeholder: false });
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < PHOTOS; i = next++) {
      const bytes = Buffer.concat([base, Buffer.from(`photo-${i}`)]); // distinct content after the JPEG end
      await owner.albums.upload(albumId, bytesSource(`IMG_${i}.jpg`, bytes, Date.UTC(2023, 0, 1) + i * 60_000), { thumbnailer: thumb });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const seedS = (performance.now() - t0) / 1000;

  const opened = await timed(`open an album of ${PHOTOS} photos (list + verify signature + unwrap + decrypt metadata, every item)`,
    () => members[0]!.albums.photos(albumId), '≤ 1 s');
  if (opened.photos.length !== PHOTOS || opened.refused.length) throw new Error(`opened ${opened.photos.length} photos, refused ${opened.refused.length}`);

  const saved = await timed(`save-before-leave of ${PHOTOS} photos (re-wrap under my library key, no re-upload) + leave`,
    () => members[0]!.albums.leave(albumId, { savePhotos: true }), '≤ 10 s');
  if (saved.saved !== PHOTOS) throw new Error(`saved ${saved.saved} of ${PHOTOS}`);

  await timed(`key rotation on revoke (${MEMBERS}-member, ${PHOTOS}-photo album)`,
    () => owner.albums.revoke(albumId, members[1]!.session.user.email));

  console.log(`Albums benchmark: server on loopback (SQLite + disk), node ${process.version}; set-up seeded ${PHOTOS} photos in ${seedS.toFixed(1)} s (not measured below)`);
  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length)), 6];
  console.log(`| ${'operation'.padEnd(w[0]!)} | ${'time'.padEnd(w[1]!)} | target |`);
  console.log(`|${'-'.repeat(w[0]! + 2)}|${'-'.repeat(w[1]! + 2)}|--------|`);
  for (const r of rows) console.log(`| ${r[0].padEnd(w[0]!)} | ${r[1].padEnd(w[1]!)} | ${r[2].padEnd(6)} |`);
} finally {
  await server.stop();
  await removeDir(server.dataDir);
}
