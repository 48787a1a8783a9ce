// Sharing ONE photo from inside an album, in real browsers against a real server (the seed's "How
// to share a single album photo"): the photos were uploaded straight into the album through the
// SDK, so they are in nobody's library. Desktop: the owner opens a photo in the viewer, Share →
// invites a person by email (who gets a PHOTO invitation) and, in the same dialog, creates a
// public link; a visitor opens it and downloads the original byte-identical. Phone width: the
// owner selects one photo, Share in the selection bar, creates a link only; a visitor downloads it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { Albums, Session } from '@obscura/sdk';
import { nodeLibrary, nodeThumbnailer, openFileSource } from '@obscura/sdk/node';
import { launchBrowser, newAppContext, screenshot, watchErrors, screenshotsOnFailure } from '../support/browser.ts';
import { startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { logInInBrowser, newWebPerson, sdkSession, signUpInBrowser, type WebPerson } from '../support/web-app.ts';
import { fastOptions } from '../support/sdk.ts';
import { makeJpeg } from '../support/fixtures.ts';

let server: ServerProcess;
let browser: Browser;
let work: string;
const contexts: BrowserContext[] = [];

let owner: WebPerson;
let ownerAlbums: Albums;
let albumId: string;
const ALBUM = 'Dolomites 2025';
const photos = new Map<string, { fileId: string; bytes: Buffer }>();

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-share-album-photo-'));
  server = await startServerProcess();
  browser = await launchBrowser();
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  if (server) await removeDir(server.dataDir);
  if (work) await removeDir(work);
});

const shots = (fn: () => Promise<void>) => screenshotsOnFailure(contexts, 'share-album-photo', fn);

async function newPage(opts: { phone?: boolean } = {}): Promise<{ page: Page; errors: string[] }> {
  const ctx = await newAppContext(browser, opts);
  // A plain browser download (no File System Access picker in a headless browser).
  await ctx.addInitScript(() => { (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker = undefined; });
  contexts.push(ctx);
  const page = await ctx.newPage();
  return { page, errors: watchErrors(page) };
}

/** A photo uploaded straight into the album (not into the owner's library). */
async function uploadIntoAlbum(name: string, seed: number, day: number): Promise<void> {
  const path = join(work, name);
  const bytes = await makeJpeg({ width: 480, height: 320, capturedAt: new Date(Date.UTC(2025, 6, day, 10)), make: 'Obscura', model: 'Alps', seed });
  await writeFile(path, bytes);
  const source = await openFileSource(path);
  try {
    const r = await ownerAlbums.upload(albumId, source, { thumbnailer: nodeThumbnailer });
    assert.equal(r.status, 'uploaded');
    photos.set(name, { fileId: (r as { fileId: string }).fileId, bytes });
  } finally {
    await source.close();
  }
}

/** Creates a public link in the dialog's "Public links" section; returns its URL. */
async function createLink(dialog: Locator, tap = false): Promise<string> {
  const section = dialog.getByRole('region', { name: 'Public links' });
  await section.getByText('No public links to this photo yet.').waitFor();
  const create = section.getByRole('button', { name: 'Create link' });
  if (tap) await create.tap(); else await create.click();
  const submit = section.getByRole('form', { name: 'New link' }).getByRole('button', { name: 'Create link' });
  if (tap) await submit.tap(); else await submit.click();
  await section.getByText('Link created').waitFor();
  const url = await section.getByRole('listitem', { name: 'Link 1' }).getByRole('textbox', { name: 'Link 1' }).inputValue();
  assert.match(url, new RegExp(`^${server.url}/s/[0-9a-f-]{36}#[A-Za-z0-9_-]{43}$`));
  return url;
}

/** A visitor with no account opens the link and downloads the photo: the original, byte for byte. */
async function visitAndDownload(url: string, name: string, opts: { phone?: boolean } = {}): Promise<string[]> {
  const { page, errors } = await newPage(opts);
  await page.goto(url);
  await page.getByRole('heading', { name: 'A shared photo', level: 1 }).waitFor();
  await page.getByRole('img', { name }).waitFor();
  const button = page.getByRole('button', { name: 'Download', exact: true });
  const [download] = await Promise.all([page.waitForEvent('download'), opts.phone ? button.tap() : button.click()]);
  assert.equal(download.suggestedFilename(), name);
  assert.ok((await readFile((await download.path())!)).equals(photos.get(name)!.bytes), `${name}: the visitor's download is the original, byte for byte`);
  return errors;
}

test('from the viewer: Share → a person by email gets a photo invitation; a public link a visitor downloads byte-identical', shots(async () => {
  owner = newWebPerson('Olivia');
  const o = await newPage();
  await signUpInBrowser(o.page, server.url, owner);
  const s = await sdkSession(server.url, owner);
  const library = nodeLibrary(s);
  ownerAlbums = new Albums(library);
  albumId = (await ownerAlbums.create(ALBUM)).albumId;
  await uploadIntoAlbum('peak.jpg', 31, 2);
  await uploadIntoAlbum('hut.jpg', 32, 1);
  for (const { fileId } of photos.values()) await assert.rejects(library.open(fileId), 'uploaded straight into the album: not in the library');

  const vera = newWebPerson('Vera');
  const veraSession = (await Session.signup({ ...fastOptions(server.url), email: vera.email, password: vera.password, displayName: vera.name })).session;

  const page = o.page;
  await page.goto(`${server.url}/albums/${albumId}`);
  await page.getByRole('heading', { name: ALBUM, level: 1 }).waitFor();
  await page.getByRole('button', { name: 'peak.jpg' }).click();
  const viewer = page.getByRole('dialog', { name: /^peak\.jpg, / });
  await viewer.getByRole('img', { name: 'peak.jpg' }).waitFor();
  await viewer.getByRole('button', { name: 'Share', exact: true }).click();

  const dialog = page.getByRole('dialog', { name: 'Share photo' });
  await dialog.getByRole('region', { name: 'Public links' }).waitFor();
  const field = dialog.getByLabel('Email addresses');
  await field.fill(vera.email);
  await field.press('Enter');
  await dialog.getByRole('radio', { name: /^Viewer/ }).check();
  await dialog.getByLabel('Message (optional)').fill('The view from the top');
  await dialog.getByRole('button', { name: 'Share', exact: true }).click();
  await dialog.getByText(`Invited ${vera.email}.`, { exact: false }).waitFor();
  await dialog.getByRole('listitem').filter({ has: page.getByText(vera.email, { exact: true }) }).getByText('Invited', { exact: true }).waitFor();

  const invitations = await new Albums(nodeLibrary(veraSession)).invitations();
  assert.equal(invitations.length, 1);
  const inv = invitations[0]!;
  assert.equal(inv.problem, undefined);
  assert.equal(inv.kind, 'photo', 'a photo invitation, not an album');
  assert.equal(inv.albumName, 'peak.jpg');
  assert.equal(inv.role, 'viewer');
  assert.equal(inv.message, 'The view from the top');
  assert.notEqual(inv.albumId, albumId, 'the album itself is not shared');

  const url = await createLink(dialog);
  await dialog.getByRole('region', { name: 'Public links' }).getByRole('button', { name: 'Copy' }).waitFor();
  await screenshot(page, 'share-album-photo-desktop');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await viewer.waitFor();

  const visitorErrors = await visitAndDownload(url, 'peak.jpg');
  assert.deepEqual(visitorErrors, []);
  assert.deepEqual(o.errors, []);
}));

test('phone width: one photo selected → Share in the selection bar → a public link a visitor downloads byte-identical', shots(async () => {
  const { page, errors } = await newPage({ phone: true });
  await logInInBrowser(page, server.url, owner);
  await page.goto(`${server.url}/albums/${albumId}`);
  await page.getByRole('heading', { name: ALBUM, level: 1 }).waitFor();
  await page.getByRole('checkbox', { name: 'Select hut.jpg' }).check();
  const bar = page.getByRole('region', { name: 'Selection' });
  await bar.getByText('1 photo selected').waitFor();
  await bar.getByRole('button', { name: 'Share', exact: true }).tap();
  const dialog = page.getByRole('dialog', { name: 'Share photo' });
  await dialog.getByLabel('Email addresses').waitFor();
  // The link comes first here: the SDK makes a one-photo share to hold a photo outside the library.
  const url = await createLink(dialog, true);
  const box = await dialog.boundingBox();
  assert.ok(box && box.width === 390, `a bottom sheet the width of the screen (${JSON.stringify(box)})`);
  await screenshot(page, 'share-album-photo-phone');
  await dialog.getByRole('button', { name: 'Close' }).tap();

  // Two photos selected: no single-photo Share.
  await page.getByRole('checkbox', { name: 'Select peak.jpg' }).check();
  await bar.getByText('2 photos selected').waitFor();
  assert.equal(await bar.getByRole('button', { name: 'Share', exact: true }).count(), 0);

  const visitorErrors = await visitAndDownload(url, 'hut.jpg', { phone: true });
  assert.deepEqual(visitorErrors, []);
  assert.deepEqual(errors, []);
}));
