// Attack 5, "forged duplicate", against a real server process. The attacker is the server
// operator, sitting as a response-rewriting proxy between the victim's client and the server:
// it answers the library look-up for a NEW file F by naming the victim's PRIVATE photo P as
// "already in the library". Unverified, a backup would silently skip F (never uploaded), and
// an album upload would add P to a shared album. Verified duplicates ([Note: verify duplicates]
// in packages/sdk/src/library.ts) open P, see that its signed metadata holds another SHA-256,
// warn, and upload F. A positive control shows the lie reaching the client through
// `library.lookup`, so the verification is what stops it. Driven through the SDK (upload and
// folder backup) and through the CLI (`obscura upload` and `obscura backup`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuplicateWarning, UploadResult } from '@obscura/sdk';
import { backup, downloadToDir, nodeThumbnailer, openFileSource, uploadPath } from '@obscura/sdk/node';
import { makeJpeg } from '../support/fixtures.ts';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { startRewritingProxy, type RewritingProxy } from '../support/rewriting-proxy.ts';
import { newPerson } from '../support/sdk.ts';
import { cliUser, type CliUser } from '../../apps/cli/test/subprocess.ts';

let server: ServerProcess;
let proxy: RewritingProxy;
let work: string;
let victim: Awaited<ReturnType<typeof newPerson>>;
/** The victim's private photo, uploaded before the attack. */
const P = { path: '', sha256: '', fileId: '' };

const LOOKUP = '/api/library/lookup';
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const sha256File = async (path: string) => sha256(await readFile(path));
let seed = 100;

/** A new JPEG on disk, different from every other one of this test. */
async function newJpeg(dir: string, name: string): Promise<{ path: string; sha256: string }> {
  await mkdir(dir, { recursive: true });
  const bytes = await makeJpeg({ width: 64, height: 48, capturedAt: new Date(Date.UTC(2024, 4, 1, 12, 0, seed)), make: 'Canon', model: 'EOS R', seed: seed++ });
  const path = join(dir, name);
  await writeFile(path, bytes);
  return { path, sha256: sha256(bytes) };
}

async function digestOf(path: string) {
  const source = await openFileSource(path);
  try {
    return await victim.library.digestOf(source);
  } finally {
    await source.close();
  }
}

/** The attack: every look-up that asks for `hash` is answered with `fileId` (status `status`). */
function forge(hash: string, fileId: string, status: 'complete' | 'pending' = 'complete'): () => void {
  return proxy.rewrite('POST', LOOKUP, (answer, req) => {
    const asked = (req.body as { contentHashes: string[] }).contentHashes;
    const matches = (answer as { matches: { contentHash: string }[] }).matches.filter((m) => m.contentHash !== hash);
    return { matches: asked.includes(hash) ? [...matches, { contentHash: hash, fileId, status }] : matches };
  });
}

/** P is untouched: same name, content, and still downloads byte-identical. */
async function assertPUnharmed(label: string) {
  const photo = await victim.library.open(P.fileId);
  assert.equal(photo.metadata.contentSha256Hex, P.sha256, label);
  const { path } = await downloadToDir(victim.library, P.fileId, join(work, `p-${randomUUID()}`));
  assert.equal(await sha256File(path), P.sha256, `${label}: P downloads byte-identical`);
}

function uploaded(r: UploadResult): Extract<UploadResult, { fileId: string }> {
  assert.notEqual(r.status, 'skipped');
  return r as Extract<UploadResult, { fileId: string }>;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-forged-dup-'));
  server = await startServerProcess();
  proxy = await startRewritingProxy(server.url);
  victim = await newPerson(proxy.url, 'Victim');
  const p = await newJpeg(join(work, 'private'), 'PRIVATE_P.jpg');
  const r = uploaded(await uploadPath(victim.library, p.path));
  assert.equal(r.status, 'uploaded');
  Object.assign(P, { ...p, fileId: r.fileId });
});

after(async () => {
  await proxy?.close();
  await server?.stop();
  if (work) await removeDir(work);
  if (server) await removeDir(server.dataDir);
});

test('positive control: the forged answer reaches the client; library.lookup names P for the new file', async () => {
  const f = await newJpeg(join(work, 'control'), 'NEW_F.jpg');
  const digest = await digestOf(f.path);
  const stop = forge(digest.contentHash, P.fileId);
  try {
    const before = proxy.rewritten;
    const claim = (await victim.library.lookup([digest.contentHash])).get(digest.contentHash);
    assert.deepEqual(claim, { contentHash: digest.contentHash, fileId: P.fileId, status: 'complete' }, 'unverified: the lie is believed');
    assert.equal(proxy.rewritten, before + 1, 'the proxy rewrote the answer');

    // the verified path refuses the same answer
    const seen: DuplicateWarning[] = [];
    const verified = await victim.library.verifiedDuplicates([{ ...digest, name: 'NEW_F.jpg' }], { onWarning: (w) => seen.push(w) });
    assert.equal(verified.complete.size, 0);
    assert.equal(verified.pending.size, 0);
    assert.equal(verified.warnings.length, 1);
    assert.deepEqual(seen, verified.warnings);
    const [w] = verified.warnings;
    assert.equal(w!.fileId, P.fileId);
    assert.equal(w!.reason, 'content-differs');
    assert.equal(w!.claimed, 'complete');
    assert.equal(w!.file, 'NEW_F.jpg');
    assert.equal(w!.message, `the server named photo ${P.fileId} as a copy of NEW_F.jpg, but its content differs; uploading NEW_F.jpg`);
    assert.equal(await victim.library.findVerifiedDuplicate({ ...digest, name: 'NEW_F.jpg' }), undefined);
  } finally {
    stop();
  }
  // the honest answer for P's own content is still a verified duplicate
  const pDigest = await digestOf(P.path);
  assert.equal(await victim.library.findVerifiedDuplicate(pDigest), P.fileId);
});

test('SDK upload: F is uploaded (not skipped as P), with a warning; F downloads byte-identical; P is unharmed', async () => {
  const f = await newJpeg(join(work, 'sdk-upload'), 'NEW_F1.jpg');
  const digest = await digestOf(f.path);
  const stop = forge(digest.contentHash, P.fileId);
  const told: DuplicateWarning[] = [];
  let r: Extract<UploadResult, { fileId: string }>;
  try {
    const source = await openFileSource(f.path);
    try {
      r = uploaded(await victim.library.upload(source, { thumbnailer: nodeThumbnailer, onWarning: (w) => told.push(w) }));
    } finally {
      await source.close();
    }
  } finally {
    stop();
  }
  assert.equal(r.status, 'uploaded', 'not "duplicate": the forged answer was refused');
  assert.notEqual(r.fileId, P.fileId);
  assert.equal(r.warnings?.length, 1);
  assert.deepEqual(told, r.warnings);
  assert.equal(r.warnings![0]!.fileId, P.fileId);
  assert.match(r.warnings![0]!.message, /as a copy of NEW_F1\.jpg, but its content differs; uploading NEW_F1\.jpg$/);
  const { path } = await downloadToDir(victim.library, r.fileId, join(work, 'sdk-upload-out'));
  assert.equal(await sha256File(path), f.sha256, 'F is in the library, byte-identical');
  await assertPUnharmed('after the SDK upload');

  // without the forgery, F is now a verified duplicate of itself: no warning, no upload
  const again = uploaded(await uploadPath(victim.library, f.path));
  assert.equal(again.status, 'duplicate');
  assert.equal(again.fileId, r.fileId);
  assert.equal(again.warnings, undefined);
});

test('a forged "pending" answer naming P is not resumed into P: F is uploaded afresh, with a warning', async () => {
  const f = await newJpeg(join(work, 'pending'), 'NEW_F2.jpg');
  const digest = await digestOf(f.path);
  const stop = forge(digest.contentHash, P.fileId, 'pending');
  let r: Extract<UploadResult, { fileId: string }>;
  try {
    r = uploaded(await uploadPath(victim.library, f.path));
  } finally {
    stop();
  }
  assert.equal(r.status, 'uploaded');
  assert.notEqual(r.fileId, P.fileId);
  assert.equal(r.warnings?.length, 1);
  assert.equal(r.warnings![0]!.claimed, 'pending');
  assert.match(r.warnings![0]!.message, new RegExp(`the server named the interrupted upload ${P.fileId} as one of NEW_F2\\.jpg, but its content differs; uploading NEW_F2\\.jpg afresh`));
  const { path } = await downloadToDir(victim.library, r.fileId, join(work, 'pending-out'));
  assert.equal(await sha256File(path), f.sha256);
  await assertPUnharmed('after the forged pending answer');
});

test('a named photo that does not exist or is not mine fails to open: warning, F uploaded', async () => {
  const bob = await newPerson(proxy.url, 'Bob');
  const bobPhoto = uploaded(await uploadPath(bob.library, (await newJpeg(join(work, 'bob'), 'BOB.jpg')).path));
  for (const [label, named] of [['unknown id', randomUUID()], ["another account's photo", bobPhoto.fileId]] as const) {
    const f = await newJpeg(join(work, 'unopenable'), `NEW_${label.replace(/\W+/g, '_')}.jpg`);
    const digest = await digestOf(f.path);
    const stop = forge(digest.contentHash, named);
    let r: Extract<UploadResult, { fileId: string }>;
    try {
      r = uploaded(await uploadPath(victim.library, f.path));
    } finally {
      stop();
    }
    assert.equal(r.status, 'uploaded', label);
    assert.equal(r.warnings?.length, 1, label);
    assert.equal(r.warnings![0]!.reason, 'refused', label);
    assert.match(r.warnings![0]!.message, new RegExp(`the server named photo ${named} as a copy of .*, but it failed verification: .*; uploading`), label);
    const { path } = await downloadToDir(victim.library, r.fileId, join(work, `unopenable-out-${randomUUID()}`));
    assert.equal(await sha256File(path), f.sha256, label);
  }
});

test('SDK folder backup: F is uploaded with a warning, P (already backed up) is skipped after verification', async () => {
  const dir = join(work, 'backup-sdk');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'PRIVATE_P.jpg'), await readFile(P.path));
  const f = await newJpeg(dir, 'NEW_F3.jpg');
  const digest = await digestOf(f.path);
  const stop = forge(digest.contentHash, P.fileId);
  const done = new Map<string, UploadResult>();
  let report: Awaited<ReturnType<typeof backup>>;
  try {
    report = await backup(victim.library, dir, { onEvent: (e) => { if (e.type === 'done') done.set(e.path, e.result); } });
  } finally {
    stop();
  }
  assert.equal(report.failed.length, 0);
  assert.equal(report.alreadyBackedUp, 1, 'P is really there: skipped');
  assert.equal(report.uploaded.length, 1, 'F is uploaded, not skipped as "already backed up"');
  const r = uploaded(done.get('NEW_F3.jpg')!);
  assert.equal(r.warnings?.length, 1);
  assert.equal(r.warnings![0]!.fileId, P.fileId);
  const { path } = await downloadToDir(victim.library, report.uploaded[0]!, join(work, 'backup-sdk-out'));
  assert.equal(await sha256File(path), f.sha256);
  await assertPUnharmed('after the SDK backup');
});

test('CLI: `obscura backup` and `obscura upload` through the proxy upload F and print a WARNING naming P', async () => {
  const cli: CliUser = await cliUser('Vera', String(process.pid));
  try {
    const signup = await cli.run(['signup', '--server', proxy.url, '--email', cli.email, '--name', 'Vera']);
    assert.equal(signup.code, 0, signup.stderr);
    const dir = join(work, 'backup-cli');
    const mine = await newJpeg(dir, 'VERA_PRIVATE.jpg');
    const first = await cli.run(['backup', dir]);
    assert.equal(first.code, 0, first.stderr);
    const { photos } = await cli.json<{ photos: { id: string; name: string }[] }>('photos', '--json');
    const privateId = photos.find((p) => p.name === 'VERA_PRIVATE.jpg')!.id;

    // The CLI's keyed hash of F is not known to the test, so the forgery names Vera's private
    // photo for every hash the look-up asks about that the server does not know.
    const f = await newJpeg(dir, 'VERA_NEW.jpg');
    const stop = proxy.rewrite('POST', LOOKUP, (answer, req) => {
      const known = new Set((answer as { matches: { contentHash: string }[] }).matches.map((m) => m.contentHash));
      const asked = (req.body as { contentHashes: string[] }).contentHashes;
      return { matches: [...(answer as { matches: unknown[] }).matches, ...asked.filter((h) => !known.has(h)).map((h) => ({ contentHash: h, fileId: privateId, status: 'complete' }))] };
    });
    let second: Awaited<ReturnType<CliUser['run']>>;
    let upload: Awaited<ReturnType<CliUser['run']>>;
    const g = await newJpeg(join(work, 'upload-cli'), 'VERA_UPLOAD.jpg');
    try {
      second = await cli.run(['backup', dir]);
      upload = await cli.run(['upload', g.path]);
    } finally {
      stop();
    }
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /: 1 uploaded, 0 resumed, 1 already backed up, 0 skipped, 0 failed, 1 warning$/m);
    assert.match(second.stderr, new RegExp(`^obscura: WARNING: VERA_NEW\\.jpg: the server named photo ${privateId} as a copy of VERA_NEW\\.jpg, but its content differs; uploading VERA_NEW\\.jpg$`, 'm'));
    assert.equal(upload.code, 0, upload.stderr);
    assert.match(upload.stderr, new RegExp(`^obscura: WARNING: ${g.path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the server named photo ${privateId} as a copy of VERA_UPLOAD\\.jpg, but its content differs`, 'm'));
    const uploadedId = upload.stdout.trim().split(/\s+/)[0]!;
    assert.notEqual(uploadedId, privateId);
    assert.doesNotMatch(upload.stdout, /already uploaded/);

    const after = await cli.json<{ photos: { id: string; name: string }[] }>('photos', '--json');
    assert.deepEqual(after.photos.map((p) => p.name).sort(), ['VERA_NEW.jpg', 'VERA_PRIVATE.jpg', 'VERA_UPLOAD.jpg']);
    const out = join(work, 'backup-cli-out');
    const saved = (await cli.ok('download', after.photos.find((p) => p.name === 'VERA_NEW.jpg')!.id, uploadedId, privateId, '-o', out)).trim().split('\n');
    assert.deepEqual(await Promise.all(saved.map(sha256File)), [f.sha256, g.sha256, mine.sha256], 'F and G byte-identical, the private photo unharmed');
  } finally {
    await removeDir(join(cli.home, '..'));
  }
});
