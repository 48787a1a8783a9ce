// Public links in a real browser: a visitor with no account opens /s/<id>#<secret>, sees the
// grid and the viewer, downloads a photo byte for byte and a whole album as a zip; a password
// link refuses a wrong password in words; expired, destroyed, incomplete and throttled links
// each say so; a link without downloads offers none and its block route refuses. Every request
// the visitor's browser makes stays on this origin and never carries the secret or password.
//
// [Note: a clock the test can move] The server runs in this process (the same startServer as
// `obscura serve`, real HTTP and SQLite) with a clock the test shifts: an expired link and the
// end of a throttle are reached by moving time, never by sleeping. The server refuses an expiry
// in the past, so an expired link is made the way it happens: set a day ahead, then time passes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { loadConfig, MemoryLogger, startServer, type Clock, type RunningServer } from '@obscura/server';
import { Albums, Links, parseLinkUrl, type LinkView } from '@obscura/sdk';
import { nodeLibrary } from '@obscura/sdk/node';
import { decodeLinkPasswordParams, deriveLinkKeys, fromBase64, toBase64Url } from '@obscura/crypto';
import { launchBrowser, newAppContext, screenshot, watchErrors } from '../support/browser.ts';
import { logInInBrowser, newWebPerson, sdkSession, seedPhotos, signUpInBrowser, type WebPerson } from '../support/web-app.ts';
import { makeJpeg } from '../support/fixtures.ts';
import { FAST_KDF } from '../support/sdk.ts';

class ShiftedClock implements Clock {
  offsetMs = 0;
  now(): number { return Date.now() + this.offsetMs; }
}

interface Photo { readonly path: string; readonly name: string; readonly bytes: Buffer; fileId?: string }

/** Entries of a zip made of STORE entries (what client-zip writes), CRC-checked; Zip64 sizes understood. */
function readStoredZip(zip: Buffer): { name: string; data: Buffer }[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) if (zip.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  assert.ok(eocd >= 0, 'the zip has an end of central directory record');
  let count = zip.readUInt16LE(eocd + 10);
  let cdOffset = zip.readUInt32LE(eocd + 16);
  if (cdOffset === 0xffffffff || count === 0xffff) {
    const loc = zip.readUInt32LE(eocd - 20) === 0x07064b50 ? eocd - 20 : -1;
    assert.ok(loc >= 0, 'a Zip64 archive has its locator');
    const rec = Number(zip.readBigUInt64LE(loc + 8));
    count = Number(zip.readBigUInt64LE(rec + 32));
    cdOffset = Number(zip.readBigUInt64LE(rec + 48));
  }
  const out: { name: string; data: Buffer }[] = [];
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    assert.equal(zip.readUInt32LE(p), 0x02014b50, 'central directory entry');
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    let size = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    let local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    // Zip64 extended information: the 64-bit values for the fields that read 0xFFFFFFFF, in order.
    for (let e = p + 46 + nameLen; e < p + 46 + nameLen + extraLen;) {
      const id = zip.readUInt16LE(e);
      const len = zip.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (zip.readUInt32LE(p + 24) === 0xffffffff) q += 8; // uncompressed size first…
        if (size === 0xffffffff) { size = Number(zip.readBigUInt64LE(q)); q += 8; }
        if (local === 0xffffffff) local = Number(zip.readBigUInt64LE(q));
      }
      e += 4 + len;
    }
    assert.equal(method, 0, `${name} is stored, not compressed`);
    assert.equal(zip.readUInt32LE(local), 0x04034b50, 'local header');
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    assert.equal(crc32(data), crc, `${name}: CRC-32 matches`);
    out.push({ name, data });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Every request of a browser context (pages and their workers), with all headers. */
function recordRequests(context: BrowserContext): { all: Promise<{ url: string; headers: Record<string, string> }[]> } & { list: Request[] } {
  const list: Request[] = [];
  context.on('request', (r) => list.push(r));
  return {
    list,
    get all() { return Promise.all(list.map(async (r) => ({ url: r.url(), headers: await r.allHeaders() }))); },
  };
}

/** All `n` thumbnails of the shared photos are decoded images (run in the page). */
const allThumbnailsShown = (n: number) =>
  [...document.querySelectorAll('[aria-label="Shared photos"] img')].filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length === n;

/** Console noise a refused request makes (the page shows the refusal itself); only these statuses. */
const expectedNoise = (statuses: number[]) => (line: string) =>
  !new RegExp(`^console: Failed to load resource: the server responded with a status of (${statuses.join('|')}) `).test(line);

describe('public links: the visitor page', () => {
  const clock = new ShiftedClock();
  let server: RunningServer;
  let url: string;
  let dir: string;
  let browser: Browser;
  let owner: WebPerson;
  let links: Links;
  let albumId: string;
  const photos: Photo[] = [];
  const secrets: string[] = [];
  const made: LinkView[] = [];

  const link = async (target: { kind: 'album'; albumId: string } | { kind: 'file'; fileId: string }, settings: Parameters<Links['create']>[1] = {}) => {
    const v = await links.create(target, settings);
    secrets.push(parseLinkUrl(v.url).secret);
    made.push(v);
    return v;
  };

  /** A fresh visitor: a new browser profile with no account, its requests recorded. */
  const visitor = async (opts: { phone?: boolean; picker?: boolean } = {}) => {
    const context = await newAppContext(browser, { phone: opts.phone ?? false });
    if (opts.picker) {
      // The File System Access path, with the "picked" file in the origin-private file system
      // (a headless browser shows no picker): the app streams the zip into it part by part.
      await context.addInitScript(() => {
        (window as unknown as { showSaveFilePicker: unknown }).showSaveFilePicker = async (o?: { suggestedName?: string }) => {
          (window as unknown as { pickedName?: string }).pickedName = o?.suggestedName;
          const root = await navigator.storage.getDirectory();
          return root.getFileHandle('picked.zip', { create: true });
        };
      });
    } else {
      await context.addInitScript(() => { (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker = undefined; });
    }
    const requests = recordRequests(context);
    const page = await context.newPage();
    const errors = watchErrors(page);
    return { context, page, errors, requests };
  };

  /** Nothing the browser asked for left this origin or carried a secret or a password. */
  const assertPrivate = async (requests: ReturnType<typeof recordRequests>, extra: string[] = []) => {
    const all = await requests.all;
    assert.ok(all.some((r) => /\/api\/links\/[0-9a-f-]{36}\/params$/.test(r.url)), 'the worker\'s requests were recorded too');
    const needles = [...secrets, ...extra];
    for (const r of all) {
      const u = new URL(r.url);
      const origin = u.protocol === 'blob:' ? new URL(u.pathname).origin : u.origin;
      assert.ok(origin === url || u.protocol === 'data:', `request to another origin: ${r.url}`);
      assert.equal(u.hash, '', `no fragment in ${r.url}`);
      assert.ok(!r.headers.referer, `no Referer on ${r.url}: ${r.headers.referer}`);
      const text = `${r.url}\n${Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}`;
      for (const n of needles) assert.ok(!text.includes(n), `request ${r.url} carries a secret`);
    }
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'obscura-links-'));
    server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(dir, 'data'), ...(process.env.WEB_DIR ? { WEB_DIR: process.env.WEB_DIR } : {}) }), { clock, logger: new MemoryLogger() });
    url = server.url;
    browser = await launchBrowser();
    // The owner: signed up in the browser, photos seeded through the SDK, an album made in Node.
    owner = newWebPerson('Olivia');
    const ctx = await newAppContext(browser);
    await signUpInBrowser(await ctx.newPage(), url, owner);
    await ctx.close();
    const fixtures: { rel: string; width: number; height: number; seed: number; day: number; padding?: number }[] = [
      { rel: 'a/IMG_0001.jpg', width: 640, height: 480, seed: 11, day: 1 },
      { rel: 'b/IMG_0001.jpg', width: 480, height: 640, seed: 12, day: 2 },
      { rel: 'c/harbour.jpg', width: 800, height: 600, seed: 13, day: 3 },
      // More than one 4 MiB block (data after the JPEG's end marker, which decoders ignore): the
      // download and the zip stream it block by block.
      { rel: 'd/panorama.jpg', width: 1600, height: 600, seed: 14, day: 4, padding: 4.5 * 1024 * 1024 },
    ];
    for (const f of fixtures) {
      const jpeg = await makeJpeg({ width: f.width, height: f.height, seed: f.seed, capturedAt: new Date(Date.UTC(2025, 6, f.day, 10)), offset: '+01:00', make: 'Fujifilm', model: 'X100V' });
      const bytes = f.padding ? Buffer.concat([jpeg, randomBytes(f.padding)]) : jpeg;
      const path = join(dir, 'photos', f.rel);
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, bytes);
      photos.push({ path, name: basename(path), bytes });
    }
    assert.ok(photos[3]!.bytes.length > 4 * 1024 * 1024, `the panorama spans blocks (${photos[3]!.bytes.length} bytes)`);
    const ids = await seedPhotos(url, owner, photos.map((p) => p.path));
    ids.forEach((id, i) => { photos[i]!.fileId = id; });
    const session = await sdkSession(url, owner);
    const library = nodeLibrary(session);
    const albums = new Albums(library);
    albumId = (await albums.create('Summer in Lisbon')).albumId;
    await albums.addPhotos(albumId, ids);
    links = new Links(library, albums, FAST_KDF);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('album link: grid, viewer, a photo byte for byte, and the whole album as a streamed zip', async () => {
    const l = await link({ kind: 'album', albumId });
    const { context, page, errors, requests } = await visitor({ picker: true });
    await page.goto(l.url);
    await page.getByRole('heading', { name: 'Summer in Lisbon', level: 1 }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0, 'no app navigation for visitors');
    await page.getByText('4 photos · shared by Olivia').waitFor();
    const grid = page.getByRole('list', { name: 'Shared photos' });
    for (const p of photos) await grid.getByRole('button', { name: p.name, exact: true }).first().waitFor();
    // Every thumbnail decrypted and shown.
    await page.waitForFunction(allThumbnailsShown, 4);
    await screenshot(page, 'link-visitor-desktop');

    // The viewer, then one photo downloaded from it: same bytes, same name.
    await grid.getByRole('button', { name: 'harbour.jpg', exact: true }).click();
    const viewer = page.getByRole('dialog', { name: 'harbour.jpg, 2 of 4' });
    await viewer.waitFor();
    await viewer.getByText('Signature verified').waitFor();
    await viewer.getByText('Olivia').first().waitFor();
    await viewer.getByRole('img', { name: 'harbour.jpg' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), viewer.getByRole('button', { name: 'Download', exact: true }).click()]);
    assert.equal(download.suggestedFilename(), 'harbour.jpg');
    assert.ok((await readFile((await download.path())!)).equals(photos[2]!.bytes), 'the download is the original, byte for byte');
    // Newest first: the panorama, the harbour, then the two IMG_0001.jpg.
    await viewer.getByRole('button', { name: 'Next photo' }).click();
    await page.getByRole('dialog', { name: 'IMG_0001.jpg, 3 of 4' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });

    // Download all: streamed into the picked file; four entries, same bytes, unique names.
    await page.getByRole('button', { name: 'Download all' }).click();
    await page.getByText('Summer in Lisbon.zip saved (4 photos)').waitFor();
    assert.equal(await page.evaluate(() => (window as unknown as { pickedName?: string }).pickedName), 'Summer in Lisbon.zip');
    const zipB64 = await page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      const f = await (await root.getFileHandle('picked.zip')).getFile();
      const bytes = new Uint8Array(await f.arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    });
    const entries = readStoredZip(Buffer.from(zipB64, 'base64'));
    assert.deepEqual(entries.map((e) => e.name).sort(), ['IMG_0001 (2).jpg', 'IMG_0001.jpg', 'harbour.jpg', 'panorama.jpg']);
    for (const p of photos) {
      const match = entries.filter((e) => e.data.equals(p.bytes));
      assert.equal(match.length, 1, `${p.path} is in the zip once, byte for byte`);
      assert.ok(match[0]!.name.startsWith(p.name.replace('.jpg', '')));
    }
    await assertPrivate(requests);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('the same link at phone width; the zip saved as one file where no picker exists', async () => {
    const l = made[0]!;
    const { context, page, errors, requests } = await visitor({ phone: true });
    await page.goto(l.url);
    await page.getByRole('heading', { name: 'Summer in Lisbon', level: 1 }).waitFor();
    await page.waitForFunction(allThumbnailsShown, 4);
    await screenshot(page, 'link-visitor-phone');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download all' }).tap()]);
    assert.equal(download.suggestedFilename(), 'Summer in Lisbon.zip');
    const entries = readStoredZip(await readFile((await download.path())!));
    assert.equal(entries.length, 4);
    for (const p of photos) assert.ok(entries.some((e) => e.data.equals(p.bytes)), `${p.path} in the zip`);
    // The viewer opens with a tap.
    await page.getByRole('button', { name: 'harbour.jpg', exact: true }).tap();
    await page.getByRole('dialog', { name: /^harbour\.jpg, \d of 4$/ }).waitFor();
    await assertPrivate(requests);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('a password link without downloads: wrong password refused in words, right one opens, no download anywhere', async () => {
    const password = 'tangerine dream 7';
    const photo = photos[2]!;
    const l = await link({ kind: 'file', fileId: photo.fileId! }, { password, allowDownload: false });
    const { context, page, errors, requests } = await visitor();
    await page.goto(l.url);
    await page.getByRole('heading', { name: 'This link needs a password' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill('tangerine nightmare');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('alert').filter({ hasText: 'That password is not right.' }).waitFor();
    await screenshot(page, 'link-password-desktop');
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('heading', { name: 'A shared photo', level: 1 }).waitFor();
    await page.getByRole('img', { name: 'harbour.jpg' }).waitFor();
    await page.getByText('The owner turned off downloads for this link').waitFor();
    assert.equal(await page.getByRole('button', { name: /Download/ }).count(), 0, 'no download button on the page');
    await page.getByRole('button', { name: 'Open harbour.jpg' }).click();
    const viewer = page.getByRole('dialog', { name: 'harbour.jpg, 1 of 1' });
    await viewer.getByText('Signature verified').waitFor();
    assert.equal(await viewer.getByRole('button', { name: /Download/ }).count(), 0, 'no download button in the viewer');
    await page.keyboard.press('Escape');

    // The block route refuses even with the right proof (the page just does not offer it).
    const { linkId, secret } = parseLinkUrl(l.url);
    const params = await (await fetch(`${url}/api/links/${linkId}/params`)).json() as { passwordParamsB64: string };
    const { accessProof } = await deriveLinkKeys(secret, password, decodeLinkPasswordParams(fromBase64(params.passwordParamsB64)));
    const auth = { authorization: `Link ${toBase64Url(accessProof)}` };
    assert.equal((await fetch(`${url}/api/links/${linkId}/files/${photo.fileId}/thumbnails/small`, { headers: auth })).status, 200, 'the proof is right');
    const block = await fetch(`${url}/api/links/${linkId}/files/${photo.fileId}/blocks/0`, { headers: auth });
    assert.equal(block.status, 403);
    assert.match(((await block.json()) as { error: { message: string } }).error.message, /downloads are turned off/);

    await assertPrivate(requests, [password, 'tangerine nightmare']);
    assert.deepEqual(errors.filter(expectedNoise([403])), []);
    await context.close();
  });

  it('expired, destroyed and incomplete links each say what happened', async () => {
    const tomorrow = new Date(clock.now() + 24 * 3600_000);
    const expiring = await link({ kind: 'album', albumId }, { expiresAt: tomorrow });
    const doomed = await link({ kind: 'file', fileId: photos[0]!.fileId! });
    const { context, page, errors, requests } = await visitor();

    // Destroyed: opened fine before, gone after.
    await page.goto(doomed.url);
    await page.getByRole('heading', { name: 'A shared photo', level: 1 }).waitFor();
    await links.delete(doomed.linkId);
    await page.reload();
    await page.getByRole('heading', { name: 'This link no longer exists.' }).waitFor();

    // Expired: two days pass on the server's clock.
    clock.offsetMs = 2 * 24 * 3600_000;
    try {
      await page.goto(expiring.url);
      const day = new Date(expiring.expiresAt!).toISOString().slice(0, 10);
      const words = new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
      await page.getByRole('heading', { name: `This link expired on ${words}.` }).waitFor();
    } finally {
      clock.offsetMs = 0;
    }

    // Incomplete: the secret cut short, or no fragment at all.
    const { linkId, secret } = parseLinkUrl(made[0]!.url);
    await page.goto(`${url}/s/${linkId}#${secret.slice(0, 20)}`);
    await page.getByRole('heading', { name: 'The link is incomplete: copy the whole link including everything after #.' }).waitFor();
    await page.goto(`${url}/s/${linkId}`);
    await page.getByRole('heading', { name: 'The link is incomplete: copy the whole link including everything after #.' }).waitFor();
    // The secret's own characters altered (same length): the proof is wrong, the link is not whole.
    const altered = (secret[0] === 'A' ? 'B' : 'A') + secret.slice(1);
    await page.goto(`${url}/s/${linkId}#${altered}`);
    await page.getByRole('heading', { name: 'The link is incomplete: copy the whole link including everything after #.' }).waitFor();

    await assertPrivate(requests, [secret.slice(0, 20), altered]);
    assert.deepEqual(errors.filter(expectedNoise([403, 404, 410])), []);
    await context.close();
  });

  it('a person logged in in this browser is a visitor on /s/ like anyone', async () => {
    const ctx = await newAppContext(browser);
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await signUpInBrowser(page, url, newWebPerson('Victor'));
    await page.goto(made[0]!.url);
    await page.getByRole('heading', { name: 'Summer in Lisbon', level: 1 }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0);
    await page.getByRole('button', { name: 'Download all' }).waitFor();
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  it('the owner manages links in the share dialog: create with settings, copy, change, destroy', async () => {
    const ctx = await newAppContext(browser);
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await logInInBrowser(page, url, owner);
    await page.goto(`${url}/albums/${albumId}`);
    await page.getByRole('button', { name: 'Share' }).click();
    const section = page.getByRole('dialog').getByRole('region', { name: 'Public links' });
    await section.getByRole('button', { name: 'Create link' }).click();
    const form = section.getByRole('form', { name: 'New link' });
    // The last day it works, a week ahead in the browser's time zone.
    const day = new Date(Date.now() + 7 * 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Europe/Paris' });
    await form.getByLabel('Expires').check();
    await form.getByLabel('Last day it works').fill(day);
    await form.getByLabel('Require a password').check();
    const password = 'blue heron at dusk';
    await form.getByLabel('Link password', { exact: true }).fill(password);
    await form.getByLabel('Allow downloads').uncheck();
    await form.getByRole('button', { name: 'Create link' }).click();
    await section.getByText('Link created').waitFor();
    const item = section.getByRole('listitem', { name: 'Link 1' });
    const linkUrl = await item.getByRole('textbox', { name: 'Link 1' }).inputValue();
    assert.match(linkUrl, new RegExp(`^${url}/s/[0-9a-f-]{36}#[A-Za-z0-9_-]{43}$`));
    secrets.push(parseLinkUrl(linkUrl).secret);
    await item.getByText(/^Password protected · Works until .* · Previews only · Opened 0 times$/).waitFor();
    await screenshot(page, 'link-owner-settings-desktop');
    await item.getByRole('button', { name: 'Copy' }).click();
    await item.getByText('Link copied.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), linkUrl);
    // What the server holds agrees (read back through the SDK).
    const view = (await links.list()).find((v) => v.url === linkUrl);
    assert.ok(view && view.hasPassword && !view.allowDownload && view.target.albumId === albumId);
    const lastMoment = new Date(new Date(view.expiresAt!).getTime() - 1);
    assert.equal(lastMoment.toLocaleDateString('en-CA', { timeZone: 'Europe/Paris' }), day, 'it works through the chosen day');
    assert.equal(new Date(view.expiresAt!).toLocaleTimeString('en-GB', { timeZone: 'Europe/Paris' }), '00:00:00', 'and ends at the midnight after it');

    const v = await visitor();
    await v.page.goto(linkUrl);
    await v.page.getByLabel('Password', { exact: true }).fill(password);
    await v.page.getByRole('button', { name: 'Open' }).click();
    await v.page.getByRole('heading', { name: 'Summer in Lisbon', level: 1 }).waitFor();
    assert.equal(await v.page.getByRole('button', { name: 'Download all' }).count(), 0);

    // Settings: no more password, downloads on. The URL stays the same.
    await item.getByRole('button', { name: 'Settings' }).click();
    const settings = item.getByRole('form', { name: 'Settings of link 1' });
    await settings.getByLabel('Remove the password').check();
    await settings.getByLabel('Allow downloads').check();
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await item.getByText('Settings saved.').waitFor();
    await item.getByText(/^No password · Works until .* · Downloads allowed · Opened 1 time$/).waitFor();
    assert.equal(await item.getByRole('textbox', { name: 'Link 1' }).inputValue(), linkUrl);
    await v.page.reload();
    await v.page.getByRole('button', { name: 'Download all' }).waitFor();

    // Destroy, after a confirmation that says what it does.
    await item.getByRole('button', { name: 'Destroy' }).click();
    const confirm = page.getByRole('dialog', { name: 'Destroy this link?' });
    await confirm.getByText('This link no longer exists').waitFor();
    await confirm.getByRole('button', { name: 'Destroy link' }).click();
    await section.getByText('Link 1 destroyed').waitFor();
    await v.page.reload();
    await v.page.getByRole('heading', { name: 'This link no longer exists.' }).waitFor();

    await assertPrivate(v.requests, [password]);
    assert.deepEqual(v.errors.filter(expectedNoise([404])), []);
    await v.context.close();
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  it('too many wrong proofs: "Too many attempts", then it opens once the wait is over', async () => {
    const l = made[0]!;
    const { linkId } = parseLinkUrl(l.url);
    // A guesser on this address: wrong proofs until the server blocks the link and the address.
    let last = 0;
    for (let i = 0; i < 12 && last !== 429; i++) {
      last = (await fetch(`${url}/api/links/${linkId}/content`, { headers: { authorization: `Link ${toBase64Url(crypto.getRandomValues(new Uint8Array(32)))}` } })).status;
    }
    assert.equal(last, 429);
    const { context, page, errors, requests } = await visitor();
    await page.goto(l.url);
    await page.getByRole('heading', { name: /^Too many attempts, try again in \d+ s\.$/ }).waitFor();
    assert.ok(await page.getByRole('button', { name: 'Try again' }).isDisabled(), 'no retry before the wait is over');
    clock.offsetMs = 3600_000;
    try {
      await page.reload();
      await page.getByRole('heading', { name: 'Summer in Lisbon', level: 1 }).waitFor();
    } finally {
      clock.offsetMs = 0;
    }
    await assertPrivate(requests);
    assert.deepEqual(errors.filter(expectedNoise([429])), []);
    await context.close();
  });
});
