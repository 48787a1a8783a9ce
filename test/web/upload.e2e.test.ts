// Uploading in the browser, against a real server process, the way a person does it: a folder
// through the folder picker, files dropped on the window (built in the page), the same files
// again (skipped as already in the library), into an album by dropping on its page, a cancel, a
// reload in the middle (resumed by choosing the files again), and a refusal for lack of storage
// that is retried once space is freed. What reached the server is checked through the SDK in Node.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import type { Browser, BrowserContext, JSHandle, Locator, Page, Route } from 'playwright-core';
import { Albums, TimelineIndex, type Library, type Session, type TimelineEntry } from '@obscura/sdk';
import { nodeLibrary, openFileSource } from '@obscura/sdk/node';
import { launchBrowser, newAppContext, screenshot, watchErrors } from '../support/browser.ts';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { makeJpeg, makeMp4, writePhotoFolder, type PhotoFolderManifest } from '../support/fixtures.ts';
import { newWebPerson, sdkSession, signUpInBrowser, type WebPerson } from '../support/web-app.ts';
import { newPerson } from '../support/sdk.ts';

/** Polls `check` until it stops throwing (what a person would wait for), or fails with its last error. */
async function eventually(check: () => Promise<void> | void, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const uploadsPanel = (page: Page) => page.getByRole('region', { name: 'Uploads', exact: true });
const row = (page: Page, name: string) => uploadsPanel(page).getByRole('listitem').filter({ has: page.getByText(name, { exact: true }) });

async function text(l: Locator): Promise<string> {
  return ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Waits for the panel's summary of a finished queue ("5 uploaded · 1 skipped"), as read out to screen readers. */
async function finishedWith(page: Page, counts: string): Promise<void> {
  const panel = uploadsPanel(page);
  await panel.getByRole('heading', { name: /^Uploads finished/ }).waitFor({ timeout: 60_000 });
  await eventually(async () => assert.match(await text(panel.getByRole('status')), new RegExp(`^Uploads finished( with problems)?: ${counts}$`)));
}

/** Waits until nothing is waiting or running any more (whatever the outcome). */
async function panelSettles(page: Page): Promise<void> {
  await uploadsPanel(page).getByRole('heading', { name: /^Uploads (finished|paused)/ }).waitFor({ timeout: 60_000 });
}

/**
 * Names in the upload queue the app keeps in IndexedDB for a reload, sealed under the browser's
 * device key ([Note: uploads survive a reload]); the page may use that key (not read it).
 */
async function savedQueue(page: Page, userId: string): Promise<string[]> {
  const name = `uploads:${userId}`;
  // A string, not a function: see recordWebm.
  return page.evaluate(`(async () => {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open('obscura');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => resolve(open.result);
    });
    function get(key) {
      return new Promise((resolve, reject) => {
        const req = db.transaction('kv').objectStore('kv').get(key);
        req.onerror = () => reject(req.error);
        req.onsuccess = () => resolve(req.result);
      });
    }
    const sealed = await get(${JSON.stringify(`sealed:${name}`)});
    const key = await get('device-key');
    db.close();
    if (!sealed || !key) return [];
    const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv, additionalData: new TextEncoder().encode(${JSON.stringify(name)}) }, key, sealed.ct);
    return JSON.parse(new TextDecoder().decode(pt)).entries.map((e) => e.name);
  })()`) as Promise<string[]>;
}

/** Closes the panel (forgetting finished rows) so the next batch is counted alone. */
async function closePanel(page: Page): Promise<void> {
  await uploadsPanel(page).getByRole('button', { name: 'Close uploads' }).click();
  await uploadsPanel(page).waitFor({ state: 'detached' });
}

async function timelineOf(library: Library): Promise<TimelineEntry[]> {
  const t = new TimelineIndex(library.session.user.id, { keepItems: true });
  await t.sync(library);
  return t.list();
}

/** Mean absolute difference (0..255) between a thumbnail and the original photo scaled to its size. */
async function pictureDistance(thumbnail: Uint8Array, original: Buffer): Promise<number> {
  const t = await sharp(thumbnail).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const o = await sharp(original).rotate().resize(t.info.width, t.info.height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  let sum = 0;
  for (let i = 0; i < t.data.length; i++) sum += Math.abs(t.data[i]! - o[i]!);
  return sum / t.data.length;
}

/** Builds the files in the page and drags them over the window (dragenter, dragover); `drop` ends it. */
async function dragFiles(
  page: Page, files: { name: string; bytes: Buffer; type: string; lastModified: number }[], made: JSHandle<File>[] = [],
): Promise<JSHandle<DataTransfer>> {
  return page.evaluateHandle(([list, extra]) => {
    const dt = new DataTransfer();
    for (const f of extra) dt.items.add(f);
    for (const f of list) {
      const bin = atob(f.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], f.name, { type: f.type, lastModified: f.lastModified }));
    }
    document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
    document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    return dt;
  }, [files.map((f) => ({ name: f.name, type: f.type, lastModified: f.lastModified, b64: f.bytes.toString('base64') })), made] as const);
}

/**
 * A real, playable WebM made in the page (a canvas recorded by MediaRecorder, ~1 s): left half
 * red, right half green. Its poster must be that picture, not a placeholder.
 */
async function recordWebm(page: Page, name: string): Promise<JSHandle<File>> {
  // A string, not a function: tsx compiles named inner functions with a helper (__name) the page lacks.
  return page.evaluateHandle(`(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 240;
    const ctx = canvas.getContext('2d');
    function paint() {
      ctx.fillStyle = 'rgb(210, 30, 30)';
      ctx.fillRect(0, 0, 160, 240);
      ctx.fillStyle = 'rgb(30, 200, 40)';
      ctx.fillRect(160, 0, 160, 240);
    }
    paint();
    const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm;codecs=vp8' });
    const chunks = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    const stopped = new Promise((r) => { recorder.onstop = r; });
    recorder.start(100);
    // frames for about a second (the recording's own length, not a wait for the app)
    const start = performance.now();
    await new Promise((done) => {
      function frame() { paint(); if (performance.now() - start < 1000) requestAnimationFrame(frame); else done(); }
      requestAnimationFrame(frame);
    });
    recorder.stop();
    await stopped;
    return new File(chunks, ${JSON.stringify(name)}, { type: 'video/webm', lastModified: Date.UTC(2019, 2, 3, 9) });
  })()`) as Promise<JSHandle<File>>;
}

async function drop(page: Page, dt: JSHandle<DataTransfer>): Promise<void> {
  await page.evaluate((d) => {
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: d, bubbles: true, cancelable: true }));
  }, dt);
}

/** Holds every block upload until `release` (deterministic "in the middle of an upload"). */
async function holdBlocks(context: BrowserContext): Promise<{ seen: Promise<void>; release: () => Promise<void> }> {
  const held: Route[] = [];
  let first: () => void = () => undefined;
  const seen = new Promise<void>((r) => { first = r; });
  let holding = true;
  const pattern = '**/api/files/*/blocks/*';
  await context.route(pattern, (route) => {
    if (route.request().method() !== 'PUT' || !holding) return route.continue();
    held.push(route);
    first();
  });
  return {
    seen,
    async release() {
      holding = false;
      await context.unroute(pattern);
      for (const r of held.splice(0)) await r.continue().catch(() => undefined);
    },
  };
}

/** Console errors a deliberate failure causes (the browser logs refused requests). */
const expectedNetworkError = (e: string, statuses: number[]) =>
  statuses.some((s) => e.includes(`status of ${s}`)) || /net::ERR_(FAILED|INTERNET_DISCONNECTED)|Failed to fetch/.test(e);

describe('web app: upload', () => {
  let server: ServerProcess;
  let browser: Browser;
  let work: string;
  let folder: PhotoFolderManifest;
  let person: WebPerson;
  let session: Session;
  let library: Library;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'obscura-upload-'));
    folder = await writePhotoFolder(join(work, 'Trip'), { photos: 5, videos: 2 });
    server = await startServerProcess();
    browser = await launchBrowser();
    context = await newAppContext(browser);
    page = await context.newPage();
    errors = watchErrors(page);
    person = newWebPerson('Uma');
    await signUpInBrowser(page, server.url, person);
    session = await sdkSession(server.url, person);
    library = nodeLibrary(session);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (server) await removeDir(server.dataDir);
    if (work) await removeDir(work);
  });

  test('a folder through the folder picker: photos and videos uploaded, notes.txt skipped with its reason', async () => {
    await page.getByLabel('Choose a folder to upload').setInputFiles(folder.dir);
    await finishedWith(page, '7 uploaded · 1 skipped');
    assert.match(await text(row(page, 'notes.txt')), /Skipped: not a photo or video \(looks like text\)/);
    for (const f of folder.files.filter((x) => x.kind !== 'other')) {
      assert.match(await text(row(page, basename(f.path))), /Uploaded/, `${f.relativePath} is listed as uploaded`);
    }
    assert.match(await text(row(page, 'IMG_0003.jpg')), /Trip\/nested\/deeper\/IMG_0003\.jpg/, 'the path inside the folder is shown');
    // The photos page heard of it (the worker synced the timeline and said the library changed).
    await page.getByRole('img', { name: 'IMG_0005.jpg' }).waitFor();
    await screenshot(page, 'upload-panel-desktop');

    // The server has them, and what it holds decrypts to the right names and capture times.
    const entries = await timelineOf(library);
    const media = folder.files.filter((x) => x.kind !== 'other');
    assert.equal(entries.length, media.length);
    for (const f of media) {
      const e = entries.find((x) => x.metadata?.name === basename(f.path));
      assert.ok(e, `${f.relativePath} is in the library`);
      assert.equal(e.metadata!.capturedAt, f.capturedAt, `capture time of ${f.relativePath}`);
      assert.equal(e.metadata!.size, f.size);
      assert.equal(e.metadata!.contentSha256Hex, f.sha256);
      if (f.cameraModel) assert.equal(e.metadata!.cameraModel, f.cameraModel);
      // Thumbnails: JPEGs get real pictures (made in the worker); the fixture MP4s cannot be
      // decoded by any browser (no frames), so they get the SDK's marked placeholder.
      const keys = await library.open(e.fileId);
      const small = await library.thumbnail(keys, 'small');
      if (f.kind === 'photo') {
        const distance = await pictureDistance(small, await readFile(f.path));
        assert.ok(distance < 12, `the thumbnail of ${f.relativePath} is its picture (distance ${distance.toFixed(1)})`);
        const meta = await sharp(small).metadata();
        assert.deepEqual([meta.width, meta.height], [e.metadata!.width, e.metadata!.height], 'a small photo keeps its size and orientation');
      } else {
        // the SDK's marked card: dark (#2b2f36) with a light dashed frame and text
        const { channels } = await sharp(small).stats();
        const mean = channels.slice(0, 3).map((c) => c.mean);
        assert.ok(mean.every((m) => m > 30 && m < 80), `${f.relativePath} got the marked placeholder (mean colour ${mean.map((m) => m.toFixed(0)).join(',')})`);
      }
    }

    await closePanel(page);
  });

  test('the same folder again, through the Upload menu: every photo skipped as already in the library', async () => {
    const before = (await session.me()).storage.usedBytes;
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('menuitem', { name: 'Upload a folder' }).click();
    await (await chooser).setFiles(folder.dir);
    await finishedWith(page, '0 uploaded · 8 skipped');
    for (const f of folder.files.filter((x) => x.kind !== 'other')) {
      assert.match(await text(row(page, basename(f.path))), /Skipped: already in your library/);
    }
    assert.equal((await session.me()).storage.usedBytes, before, 'nothing more is stored');
    assert.equal((await timelineOf(library)).length, 7);
    await closePanel(page);
  });

  test('files dropped on the window: overlay, upload, duplicates told apart', async () => {
    const base = Date.UTC(2019, 2, 3, 10, 0, 0);
    const fresh = await Promise.all([0, 1].map(async (i) => ({
      name: `Dropped_${i + 1}.jpg`, type: 'image/jpeg', lastModified: base,
      bytes: await makeJpeg({ width: 400, height: 300, capturedAt: new Date(base + i * 3_600_000), offset: '+01:00', make: 'Canon', model: 'EOS R6', seed: 7000 + i }),
    })));
    const again = folder.files.find((f) => f.relativePath === 'IMG_0001.jpg')!;
    const list = [...fresh, { name: 'IMG_0001.jpg', type: 'image/jpeg', lastModified: base, bytes: await readFile(again.path) }];
    const clip = await recordWebm(page, 'Clip.webm');
    const dt = await dragFiles(page, list, [clip]);
    await page.getByText('Drop to upload').waitFor();
    await page.getByText('to your library', { exact: true }).waitFor();
    await drop(page, dt);
    await page.getByText('Drop to upload').waitFor({ state: 'detached' });
    await finishedWith(page, '3 uploaded · 1 skipped');
    assert.match(await text(row(page, 'IMG_0001.jpg')), /Skipped: already in your library/);

    const entries = await timelineOf(library);
    for (const [i, f] of fresh.entries()) {
      const e = entries.find((x) => x.metadata?.name === f.name);
      assert.ok(e, `${f.name} is in the library`);
      assert.equal(e.metadata!.capturedAt, base + i * 3_600_000);
      assert.equal(e.metadata!.cameraModel, 'EOS R6');
    }
    // The video's thumbnail is a frame grabbed on the page: red on the left, green on the right.
    const clipEntry = entries.find((x) => x.metadata?.name === 'Clip.webm');
    assert.equal(clipEntry?.metadata?.mimeType, 'video/webm');
    const poster = await library.thumbnail(await library.open(clipEntry!.fileId), 'small');
    const { data, info } = await sharp(poster).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
    const [left, right] = [at(Math.floor(info.width / 4), Math.floor(info.height / 2)), at(Math.floor((3 * info.width) / 4), Math.floor(info.height / 2))];
    assert.ok(left[0]! > 150 && left[1]! < 90 && right[1]! > 150 && right[0]! < 90, `the poster is the video's frame (left ${left}, right ${right})`);
    await closePanel(page);
  });

  test('dropped on an album page: into that album (a photo already in my library is added, not uploaded)', async () => {
    const albums = new Albums(library);
    const album = await albums.create('Lake weekend');
    await page.goto(`${server.url}/albums/${album.albumId}`);
    const bytes = await makeJpeg({ width: 300, height: 200, capturedAt: new Date(Date.UTC(2020, 6, 4, 12)), offset: '+00:00', make: 'SONY', model: 'A7', seed: 7100 });
    const inLibrary = folder.files.find((f) => f.relativePath === 'IMG_0002.jpg')!;
    const list = [
      { name: 'Lake.jpg', type: 'image/jpeg', lastModified: Date.now(), bytes },
      { name: 'IMG_0002.jpg', type: 'image/jpeg', lastModified: Date.now(), bytes: await readFile(inLibrary.path) },
    ];
    // The page learns what a drop would do from the worker; the overlay says it.
    let dt: JSHandle<DataTransfer> | undefined;
    await eventually(async () => {
      if (dt) await page.evaluate((d) => document.body.dispatchEvent(new DragEvent('dragleave', { dataTransfer: d, bubbles: true, relatedTarget: null })), dt);
      dt = await dragFiles(page, list);
      await page.getByText('into the album “Lake weekend”', { exact: true }).waitFor({ timeout: 500 });
    });
    await drop(page, dt!);
    await finishedWith(page, '2 uploaded');
    assert.match(await text(row(page, 'IMG_0002.jpg')), /Already in your library: added to the album/);
    assert.match(await text(row(page, 'Lake.jpg')), /Uploaded/);
    const { photos } = await albums.photos(album.albumId);
    assert.deepEqual(photos.map((p) => p.metadata.name).sort(), ['IMG_0002.jpg', 'Lake.jpg']);
    await closePanel(page);

    // The album page's own Upload button sends files into the album too.
    const pier = join(work, 'Pier.jpg');
    await writeFile(pier, await makeJpeg({ width: 200, height: 300, capturedAt: new Date(Date.UTC(2020, 6, 5, 8)), offset: '+02:00', make: 'SONY', model: 'A7', seed: 7101 }));
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('menuitem', { name: 'Upload photos' }).click();
    await (await chooser).setFiles(pier);
    await finishedWith(page, '1 uploaded');
    assert.match(await text(row(page, 'Pier.jpg')), /Lake weekend.*Uploaded/);
    const after = await albums.photos(album.albumId);
    assert.deepEqual(after.photos.map((p) => p.metadata.name).sort(), ['IMG_0002.jpg', 'Lake.jpg', 'Pier.jpg']);
    assert.ok(after.photos.every((p) => p.uploader.id === session.user.id));
    assert.ok(!(await timelineOf(library)).some((e) => e.metadata?.name === 'Lake.jpg'), 'an album upload is not put in my library');
    await closePanel(page);
    await page.goto(`${server.url}/photos`);
  });

  test('cancel in the middle of a large video: nothing stays charged', async () => {
    const big = join(work, 'Big_video.mp4');
    await writeFile(big, makeMp4({ creationTime: new Date(Date.UTC(2022, 0, 2, 3, 4, 5)), durationMs: 60_000, mdatBytes: 12 * 1024 * 1024 + 12345, seed: 99 }));
    const usedBefore = (await session.me()).storage.usedBytes;
    const hold = await holdBlocks(context);
    await page.getByLabel('Choose photos and videos to upload').setInputFiles(big);
    await hold.seen;
    const r = row(page, 'Big_video.mp4');
    await r.getByText(/Uploading \d+ %/).waitFor();
    await r.getByRole('progressbar', { name: 'Progress of Big_video.mp4' }).waitFor();
    await uploadsPanel(page).getByRole('progressbar', { name: 'Total upload progress' }).waitFor();
    assert.ok((await session.me()).storage.usedBytes > usedBefore, 'the server reserved its storage');
    await r.getByRole('button', { name: 'Cancel Big_video.mp4' }).click();
    await r.getByText('Cancelling…').waitFor();
    await hold.release(); // the blocks already sent finish, then the pending file is discarded
    await r.getByText('Cancelled; nothing of it is kept').waitFor();
    await finishedWith(page, '0 uploaded · 1 cancelled');
    assert.equal((await session.me()).storage.usedBytes, usedBefore, 'its storage was given back');
    const source = await openFileSource(big);
    const digest = await library.digestOf(source).finally(() => source.close());
    assert.equal((await library.lookup([digest.contentHash])).size, 0, 'the server holds no pending upload of it');
    await closePanel(page);
  });

  test('a reload in the middle: the unfinished file is listed, chosen again, and resumed', async () => {
    const video = join(work, 'Long_clip.mp4');
    await writeFile(video, makeMp4({ creationTime: new Date(Date.UTC(2022, 5, 6, 7, 8, 9)), durationMs: 90_000, mdatBytes: 9 * 1024 * 1024, seed: 123 }));
    const hold = await holdBlocks(context);
    await page.getByLabel('Choose photos and videos to upload').setInputFiles(video);
    await hold.seen;
    await row(page, 'Long_clip.mp4').getByText(/Uploading/).waitFor();
    await page.reload();
    await hold.release();
    const unfinished = uploadsPanel(page).getByRole('region', { name: 'Unfinished uploads' });
    await unfinished.waitFor();
    assert.match(await text(unfinished), /1 upload did not finish.*Long_clip\.mp4/);
    assert.deepEqual(await savedQueue(page, session.user.id), ['Long_clip.mp4'], 'the queue kept for a reload names it');
    const chooser = page.waitForEvent('filechooser');
    await unfinished.getByRole('button', { name: 'Choose them again to resume' }).click();
    await (await chooser).setFiles(video);
    await finishedWith(page, '1 uploaded');
    assert.match(await text(row(page, 'Long_clip.mp4')), /Uploaded \(resumed\)/);
    const clips = (await timelineOf(library)).filter((e) => e.metadata?.name === 'Long_clip.mp4');
    assert.equal(clips.length, 1, 'one photo, the interrupted upload completed');
    assert.equal(clips[0]!.metadata!.capturedAt, Date.UTC(2022, 5, 6, 7, 8, 9));
    await closePanel(page);

    await eventually(async () => assert.deepEqual(await savedQueue(page, session.user.id), [], 'nothing is left in the queue kept for a reload'));
  });

  test('a reload in the middle, then Dismiss: what the server held of it is discarded', async () => {
    const video = join(work, 'Abandoned.mp4');
    await writeFile(video, makeMp4({ creationTime: new Date(Date.UTC(2022, 8, 9, 10, 11, 12)), durationMs: 30_000, mdatBytes: 5 * 1024 * 1024, seed: 321 }));
    const usedBefore = (await session.me()).storage.usedBytes;
    const hold = await holdBlocks(context);
    await page.getByLabel('Choose photos and videos to upload').setInputFiles(video);
    await row(page, 'Abandoned.mp4').getByText(/Uploading/).waitFor();
    assert.ok((await session.me()).storage.usedBytes > usedBefore);
    await page.reload();
    await hold.release();
    const unfinished = uploadsPanel(page).getByRole('region', { name: 'Unfinished uploads' });
    await unfinished.getByText(/Abandoned\.mp4/).waitFor();
    await unfinished.getByRole('button', { name: 'Dismiss' }).click();
    await page.getByText('Dismissed the unfinished uploads.').waitFor();
    assert.equal(await uploadsPanel(page).count(), 0);
    assert.equal((await session.me()).storage.usedBytes, usedBefore, 'the pending upload was discarded and its storage given back');
    await eventually(async () => assert.deepEqual(await savedQueue(page, session.user.id), [], 'nothing is left in the queue kept for a reload'));
  });

  test('connection lost: the queue pauses and says so; retry finishes the file', async () => {
    const net = join(work, 'Harbour.jpg');
    await writeFile(net, await makeJpeg({ width: 320, height: 240, capturedAt: new Date(Date.UTC(2018, 3, 4, 5, 6, 7)), offset: '+00:00', make: 'FUJIFILM', model: 'X100V', seed: 7200 }));
    const pattern = '**/api/files';
    await context.route(pattern, (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue()));
    await page.getByLabel('Choose photos and videos to upload').setInputFiles(net);
    await uploadsPanel(page).getByRole('heading', { name: 'Uploads paused' }).waitFor({ timeout: 60_000 });
    assert.match(await text(uploadsPanel(page).getByRole('alert')), /^Uploads paused: cannot reach the server: check your connection and try again/);
    assert.match(await text(row(page, 'Harbour.jpg')), /Failed: cannot reach the server/);
    await context.unroute(pattern);
    await row(page, 'Harbour.jpg').getByRole('button', { name: 'Retry Harbour.jpg' }).click();
    await finishedWith(page, '1 uploaded');
    assert.ok((await timelineOf(library)).some((e) => e.metadata?.name === 'Harbour.jpg'));
    await closePanel(page);
  });

  test('into a shared album after its owner made me a viewer: the next file is refused in words', async () => {
    const owner = await newPerson(server.url, 'Olga');
    const ownerAlbums = new Albums(owner.library);
    const album = await ownerAlbums.create('Family reunion');
    await ownerAlbums.share(album.albumId, [person.email], { role: 'editor' });
    const mine = new Albums(library);
    const invitation = (await mine.invitations()).find((i) => i.albumId === album.albumId);
    assert.ok(invitation, 'the invitation arrived');
    await mine.accept(invitation.invitationId);

    await page.goto(`${server.url}/albums/${album.albumId}`);
    const files = await Promise.all([1, 2, 3].map(async (i) => ({
      name: `Reunion_${i}.jpg`, type: 'image/jpeg', lastModified: Date.now(),
      bytes: await makeJpeg({ width: 320, height: 240, capturedAt: new Date(Date.UTC(2023, 7, i, 15)), offset: '+02:00', make: 'Apple', model: 'iPhone 15', seed: 7300 + i }),
    })));
    const hold = await holdBlocks(context);
    let dt: JSHandle<DataTransfer> | undefined;
    await eventually(async () => {
      if (dt) await page.evaluate((d) => document.body.dispatchEvent(new DragEvent('dragleave', { dataTransfer: d, bubbles: true, relatedTarget: null })), dt);
      dt = await dragFiles(page, files);
      await page.getByText('into the album “Family reunion”', { exact: true }).waitFor({ timeout: 500 });
    });
    await drop(page, dt!);
    // Two files at once: both are in the album (pending) and held mid-upload; the third waits.
    await row(page, 'Reunion_1.jpg').getByText(/Uploading/).waitFor();
    await row(page, 'Reunion_2.jpg').getByText(/Uploading/).waitFor();
    assert.match(await text(row(page, 'Reunion_3.jpg')), /Waiting/);
    await ownerAlbums.setRole(album.albumId, person.email, 'viewer');
    await hold.release();
    await panelSettles(page);
    assert.match(await text(row(page, 'Reunion_3.jpg')),
      /Failed: you can no longer add photos to “Family reunion”: viewers cannot add photos to this album; ask its owner for editor access/);
    const { photos } = await ownerAlbums.photos(album.albumId);
    assert.deepEqual(photos.map((p) => p.metadata.name).sort(), ['Reunion_1.jpg', 'Reunion_2.jpg'], 'the files started before the change were finished');
    await closePanel(page);
    await page.goto(`${server.url}/photos`);
  });

  test('no unexpected errors in the page', () => {
    // Reloading while a block was held aborts that request; nothing else may fail.
    assert.deepEqual(errors.filter((e) => !expectedNetworkError(e, [])), []);
  });
});

describe('web app: upload refused for lack of storage, retried after freeing space', () => {
  test('quota error in words, paused queue, retry succeeds', async () => {
    const work = await mkdtemp(join(tmpdir(), 'obscura-quota-'));
    const server = await startServerProcess({ env: { DEFAULT_QUOTA_BYTES: String(900 * 1024) } });
    const browser = await launchBrowser();
    try {
      const context = await newAppContext(browser, { phone: true });
      const page = await context.newPage();
      const errors = watchErrors(page);
      const person = newWebPerson('Quinn');
      await signUpInBrowser(page, server.url, person);
      const library = nodeLibrary(await sdkSession(server.url, person));
      const a = join(work, 'First.mp4');
      const b = join(work, 'Second.mp4');
      await writeFile(a, makeMp4({ creationTime: new Date(Date.UTC(2021, 1, 1)), durationMs: 5000, mdatBytes: 500 * 1024, seed: 1 }));
      await writeFile(b, makeMp4({ creationTime: new Date(Date.UTC(2021, 1, 2)), durationMs: 5000, mdatBytes: 500 * 1024, seed: 2 }));

      await page.getByLabel('Choose photos and videos to upload').setInputFiles([a, b]);
      // the queue stops: the next file would be refused the same way
      await uploadsPanel(page).getByRole('heading', { name: 'Uploads paused' }).waitFor({ timeout: 60_000 });
      await eventually(async () => assert.equal(await text(uploadsPanel(page).getByRole('status')), 'Uploads paused: 1 uploaded · 1 failed'));
      // Both start at once: whichever reserved its storage first is uploaded, the other refused.
      const [okName, failedName] = /Uploaded/.test(await text(row(page, 'First.mp4'))) ? ['First.mp4', 'Second.mp4'] : ['Second.mp4', 'First.mp4'];
      assert.match(await text(row(page, okName)), /Uploaded/);
      const failed = await text(row(page, failedName));
      assert.match(failed, new RegExp(`Failed: not enough storage: \\d+(\\.\\d)? KB left, ${failedName.replace('.', '\\.')} needs \\d+(\\.\\d)? KB`));
      assert.match(await text(uploadsPanel(page).getByRole('alert')), /Uploads paused: not enough storage/);
      await screenshot(page, 'upload-panel-phone');

      // Free space (delete the uploaded one for good), then retry the one that failed.
      const uploaded = (await timelineOf(library)).find((e) => e.metadata?.name === okName)!;
      await library.deleteForever([uploaded.fileId]);
      await row(page, failedName).getByRole('button', { name: `Retry ${failedName}` }).click();
      await finishedWith(page, '2 uploaded');
      const names = (await timelineOf(library)).map((e) => e.metadata?.name);
      assert.deepEqual(names, [failedName]);
      assert.deepEqual(errors.filter((e) => !expectedNetworkError(e, [413])), []);
    } finally {
      await browser.close();
      await server.stop();
      await removeDir(server.dataDir);
      await removeDir(work);
    }
  });
});
