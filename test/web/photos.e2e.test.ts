// Photos in a real browser against a real server: the timeline (thumbnails, day headers newest
// first), the viewer (EXIF details, signature, keyboard, download byte-identical), selection
// with click + shift-click, trash, restore, delete forever; and the same screens at phone width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Locator, Page } from 'playwright-core';
import { launchBrowser, newAppContext, screenshot, watchErrors } from '../support/browser.ts';
import { startServerProcess, removeDir } from '../support/server-process.ts';
import { logInInBrowser, newWebPerson, seedPhotos, signUpInBrowser } from '../support/web-app.ts';
import { makeJpeg, makeMp4 } from '../support/fixtures.ts';

interface Fixture { name: string; path: string; bytes: Buffer }

/** Five photos on five days (two in July 2023, one in June, one in December 2022, a big one in May 2021) and a video. */
async function writeFixtures(dir: string): Promise<Record<string, Fixture>> {
  const specs = [
    { name: 'harbour.jpg', at: '2023-07-14T16:05:00Z', offset: '+02:00', make: 'Canon', model: 'Canon EOS R5', gps: { latitude: 43.29551, longitude: 5.37492, altitude: 12 }, w: 640, h: 480 },
    { name: 'summit.jpg', at: '2023-07-12T07:30:00Z', offset: '+02:00', make: 'FUJIFILM', model: 'X-T4', gps: { latitude: 45.83265, longitude: 6.86517, altitude: 3800 }, w: 360, h: 480 },
    { name: 'market.jpg', at: '2023-06-03T10:00:00Z', offset: '+02:00', make: 'Apple', model: 'iPhone 13 Pro', gps: { latitude: 40.41678, longitude: -3.70379 }, w: 640, h: 360 },
    { name: 'old-town.jpg', at: '2022-12-24T15:45:00Z', offset: '+01:00', make: 'SONY', model: 'ILCE-7M3', w: 480, h: 480 },
    // larger than the viewer's large thumbnail (1920 px): zooming in shows the original
    { name: 'panorama.jpg', at: '2021-05-01T08:00:00Z', offset: '+02:00', make: 'Canon', model: 'Canon EOS R5', w: 2400, h: 1200 },
  ];
  const out: Record<string, Fixture> = {};
  for (const [i, s] of specs.entries()) {
    const bytes = await makeJpeg({
      width: s.w, height: s.h, capturedAt: new Date(s.at), offset: s.offset, make: s.make, model: s.model, seed: 300 + i,
      ...(s.gps ? { gps: s.gps } : {}),
    });
    const path = join(dir, s.name);
    await writeFile(path, bytes);
    out[s.name] = { name: s.name, path, bytes };
  }
  const video = makeMp4({ creationTime: new Date('2022-11-02T12:00:00Z'), durationMs: 5000, seed: 9 });
  const vpath = join(dir, 'clip.mp4');
  await writeFile(vpath, video);
  out['clip.mp4'] = { name: 'clip.mp4', path: vpath, bytes: video };
  return out;
}

/** Two animation frames: the grid renders what a scroll brought into view. */
const frames = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** Scrolls the page (main#main) down, half a screen at a time, until `name`'s thumbnail is on screen and decoded. */
async function thumbnailShown(page: Page, name: string): Promise<void> {
  const main = page.locator('main#main');
  const img = page.getByRole('img', { name, exact: true });
  await main.evaluate((m) => { m.scrollTop = 0; });
  await page.getByRole('img').first().waitFor();
  for (;;) {
    await frames(page);
    if (await img.count()) break;
    const atEnd = await main.evaluate((m) => { const before = m.scrollTop; m.scrollTop += m.clientHeight / 2; return m.scrollTop === before; });
    if (atEnd) break;
  }
  await img.waitFor();
  await page.waitForFunction((n) => {
    const el = [...document.querySelectorAll('img')].find((i) => i.alt === n);
    return !!el && el.complete && el.naturalWidth > 0;
  }, name);
}

/** The grid renders only what is near the screen: scroll top to bottom and collect the headings of `level` in order. */
async function headingsThroughout(page: Page, level: number): Promise<string[]> {
  const main = page.locator('main#main');
  const seen: string[] = [];
  await main.evaluate((m) => { m.scrollTop = 0; });
  for (;;) {
    await frames(page);
    for (const t of await page.getByRole('main').getByRole('heading', { level }).allTextContents()) if (!seen.includes(t)) seen.push(t);
    const atEnd = await main.evaluate((m) => { const before = m.scrollTop; m.scrollTop += m.clientHeight / 2; return m.scrollTop === before; });
    if (atEnd) break;
  }
  await main.evaluate((m) => { m.scrollTop = 0; });
  return seen;
}

/** Polls `read` until it equals `want` (what a person would wait for), or fails with the last value. */
async function eventually<T>(read: () => Promise<T>, want: T, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last: T = await read();
  while (JSON.stringify(last) !== JSON.stringify(want)) {
    if (Date.now() > deadline) assert.deepEqual(last, want, what);
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
}

/** Holds a finger on `target` until `until` is visible (a long press), then lifts it. */
async function longPress(page: Page, cdp: CDPSession, target: Locator, until: Locator): Promise<void> {
  const box = (await target.boundingBox())!;
  const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
  await until.waitFor();
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  void page;
}

/**
 * A finger swipe from x `from` to `to` at height `y`: 120 ms of movement, then a short hold
 * before lifting (a finger released at full speed starts a fling, which swallows the next tap).
 */
async function swipe(cdp: CDPSession, from: number, to: number, y: number): Promise<void> {
  const t0 = Date.now() / 1000;
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: from, y }], timestamp: t0 });
  for (let k = 1; k <= 6; k++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: from + ((to - from) * k) / 6, y }], timestamp: t0 + 0.02 * k });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: to, y }], timestamp: t0 + 0.3 });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [], timestamp: t0 + 0.31 });
}

test('photos: timeline, viewer details, keyboard, download, select, trash, restore, delete forever — desktop and phone', async () => {
  const server = await startServerProcess();
  const browser = await launchBrowser();
  const dir = await mkdtemp(join(tmpdir(), 'obscura-photos-'));
  try {
    const fx = await writeFixtures(dir);
    const context = await newAppContext(browser);
    const page = await context.newPage();
    const errors = watchErrors(page);
    const ana = newWebPerson('Ana');
    await signUpInBrowser(page, server.url, ana);
    await page.getByRole('heading', { name: 'No photos yet' }).waitFor();

    await seedPhotos(server.url, ana, Object.values(fx).map((f) => f.path));
    await page.reload();
    for (const name of ['harbour.jpg', 'summit.jpg', 'market.jpg', 'old-town.jpg', 'clip.mp4', 'panorama.jpg']) await thumbnailShown(page, name);
    // the video's tile says it is a video and how long it lasts
    await page.getByRole('button', { name: 'clip.mp4, video, 0:05' }).waitFor();
    await page.locator('main#main').evaluate((m) => { m.scrollTop = 0; });

    // Day headers newest first, under month titles.
    const days = await headingsThroughout(page, 3);
    const dayOrder = ['14 Jul 2023', '12 Jul 2023', '3 Jun 2023', '24 Dec 2022', '2 Nov 2022', '1 May 2021'];
    assert.deepEqual(days.map((d) => dayOrder.findIndex((want) => d.includes(want))), [0, 1, 2, 3, 4, 5], `day headers: ${days.join(' | ')}`);
    const months = await headingsThroughout(page, 2);
    assert.deepEqual(months, ['July 2023', 'June 2023', 'December 2022', 'November 2022', 'May 2021']);
    await screenshot(page, 'photos-desktop');

    // The viewer: details from EXIF, the uploader, the signature.
    await page.getByRole('button', { name: 'harbour.jpg', exact: true }).click();
    await page.getByRole('dialog', { name: /^harbour\.jpg, 1 of 6$/ }).waitFor();
    const viewer = page.getByRole('dialog');
    const details = viewer.getByRole('complementary', { name: 'Details' });
    await details.getByText('Canon EOS R5', { exact: true }).waitFor();
    await details.getByText('43.29551° N, 5.37492° E').waitFor();
    await details.getByText('Signature verified').waitFor();
    const detailText = (await details.textContent()) ?? '';
    assert.match(detailText, /Ana/);
    assert.ok(detailText.includes(ana.email), 'the uploader\'s email is shown');
    assert.match(detailText, /14 Jul 2023/);
    assert.match(detailText, /18:05/, 'capture time in the viewer\'s time zone (Europe/Paris, as taken at +02:00)');
    assert.match(detailText, /640 × 480 px/);
    await viewer.getByRole('img', { name: 'harbour.jpg' }).waitFor();
    await screenshot(page, 'viewer-desktop');

    // Next / previous with the keyboard.
    await page.keyboard.press('ArrowRight');
    await page.getByRole('dialog', { name: /^summit\.jpg, 2 of 6$/ }).waitFor();
    await details.getByText('FUJIFILM X-T4', { exact: true }).waitFor();
    await page.keyboard.press('ArrowLeft');
    await page.getByRole('dialog', { name: /^harbour\.jpg, 1 of 6$/ }).waitFor();

    // Download: the original, byte-identical, under its name.
    const [download] = await Promise.all([page.waitForEvent('download'), viewer.getByRole('button', { name: 'Download' }).click()]);
    assert.equal(download.suggestedFilename(), 'harbour.jpg');
    const saved = await readFile((await download.path())!);
    assert.ok(saved.equals(fx['harbour.jpg']!.bytes), 'the downloaded file is byte-identical to the uploaded one');

    // Esc closes; focus returns to the tile.
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'hidden' });
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'harbour.jpg');

    // A photo larger than the large thumbnail: zooming in swaps in the original, decoded in full.
    await thumbnailShown(page, 'panorama.jpg');
    await page.getByRole('button', { name: 'panorama.jpg', exact: true }).click();
    await page.getByRole('dialog', { name: /^panorama\.jpg, 6 of 6$/ }).waitFor();
    const big = () => page.getByRole('dialog').getByRole('img', { name: 'panorama.jpg' }).evaluate((i: HTMLImageElement) => i.naturalWidth);
    await eventually(big, 1920, 'the large thumbnail is shown first');
    await page.getByRole('dialog').getByRole('button', { name: 'Zoom in' }).click();
    await eventually(big, 2400, 'the original replaces the thumbnail once zoomed in');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await thumbnailShown(page, 'summit.jpg');

    // Select two with click + shift-click, move them to the trash.
    await page.getByRole('checkbox', { name: 'Select summit.jpg' }).click();
    await page.getByText('1 photo selected').waitFor();
    await page.getByRole('button', { name: 'market.jpg', exact: true }).click({ modifiers: ['Shift'] });
    await page.getByText('2 photos selected').waitFor();
    await page.getByRole('toolbar', { name: 'Selected photos' }).getByRole('button', { name: 'Move to trash' }).click();
    await page.getByRole('img', { name: 'summit.jpg' }).waitFor({ state: 'detached' });
    await page.getByRole('img', { name: 'market.jpg' }).waitFor({ state: 'detached' });
    await thumbnailShown(page, 'harbour.jpg');

    // They are in the trash.
    await page.getByRole('link', { name: 'Trash' }).click();
    await page.getByRole('heading', { name: 'Trash', level: 1 }).waitFor();
    await thumbnailShown(page, 'summit.jpg');
    await thumbnailShown(page, 'market.jpg');
    assert.equal(await page.getByRole('img', { name: 'harbour.jpg' }).count(), 0);

    // Restore one from a selection: back in Photos.
    await page.getByRole('checkbox', { name: 'Select market.jpg' }).click();
    await page.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('img', { name: 'market.jpg' }).waitFor({ state: 'detached' });

    // Delete the other forever from the viewer, after a confirmation that says what it means.
    await page.getByRole('button', { name: 'summit.jpg', exact: true }).click();
    const trashViewer = page.getByRole('dialog', { name: /^summit\.jpg, 1 of 1$/ });
    await trashViewer.getByRole('button', { name: 'Delete forever' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete 1 photo forever?' });
    await confirm.waitFor();
    assert.match((await confirm.textContent()) ?? '', /cannot be undone.*frees/s);
    await confirm.getByRole('button', { name: 'Delete forever' }).click();
    await page.getByRole('heading', { name: 'The trash is empty' }).waitFor();
    assert.equal(await page.getByRole('dialog').count(), 0, 'the viewer closed with nothing left to show');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Photos' }).click();
    for (const name of ['harbour.jpg', 'market.jpg', 'old-town.jpg', 'clip.mp4', 'panorama.jpg']) await thumbnailShown(page, name);
    assert.equal(await page.getByRole('img', { name: 'summit.jpg' }).count(), 0);
    // After a reload too (the server's state, not just this page's).
    await page.reload();
    await thumbnailShown(page, 'market.jpg');
    await eventually(async () => (await headingsThroughout(page, 3)).length, 5, 'five days remain');
    assert.equal(await page.getByRole('img', { name: 'summit.jpg' }).count(), 0);
    assert.deepEqual(errors, []);

    // Phone width: the same library, touch.
    const phone = await newAppContext(browser, { phone: true });
    const mobile = await phone.newPage();
    const phoneErrors = watchErrors(mobile);
    await logInInBrowser(mobile, server.url, ana);
    for (const name of ['harbour.jpg', 'market.jpg', 'old-town.jpg']) await thumbnailShown(mobile, name);
    await screenshot(mobile, 'photos-phone');
    // A long press selects; a tap then adds to the selection.
    const cdp = await phone.newCDPSession(mobile);
    await longPress(mobile, cdp, mobile.getByRole('button', { name: 'old-town.jpg', exact: true }), mobile.getByText('1 photo selected'));
    await mobile.getByRole('button', { name: 'market.jpg', exact: true }).tap();
    await mobile.getByText('2 photos selected').waitFor();
    await mobile.getByRole('button', { name: 'Clear selection' }).tap();
    await mobile.getByRole('heading', { name: 'Photos', level: 1 }).waitFor();
    // A tap opens the viewer; a swipe goes to the next photo.
    await mobile.getByRole('button', { name: 'harbour.jpg', exact: true }).tap();
    const phoneViewer = mobile.getByRole('dialog', { name: /^harbour\.jpg, 1 of 5$/ });
    await phoneViewer.getByRole('img', { name: 'harbour.jpg' }).waitFor();
    await screenshot(mobile, 'viewer-phone');
    const stage = (await phoneViewer.getByRole('img', { name: 'harbour.jpg' }).boundingBox())!;
    const y = stage.y + stage.height / 2;
    await swipe(cdp, 330, 110, y);
    await mobile.getByRole('dialog', { name: /^market\.jpg, 2 of 5$/ }).waitFor();
    await mobile.getByRole('button', { name: 'Close viewer' }).tap();
    await mobile.getByRole('dialog').waitFor({ state: 'detached' });
    assert.deepEqual(phoneErrors, []);
  } finally {
    await browser.close();
    await server.stop();
    await removeDir(server.dataDir);
    await removeDir(dir);
  }
});
