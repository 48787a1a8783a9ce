// Albums in a real browser against a real server: create, rename, add from the timeline picker,
// cover, viewer with uploader names, remove, upload into the album, delete (the confirmation
// names what is lost); then the role rules for a second person (editor, viewer) and leaving
// with "save the photos first".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { Albums, TimelineIndex } from '@obscura/sdk';
import { nodeLibrary, nodeThumbnailer, openFileSource } from '@obscura/sdk/node';
import { launchBrowser, newAppContext, screenshot, watchErrors } from '../support/browser.ts';
import { startServerProcess, removeDir } from '../support/server-process.ts';
import { logInInBrowser, newWebPerson, sdkSession, seedPhotos, signUpInBrowser } from '../support/web-app.ts';
import { makeJpeg } from '../support/fixtures.ts';
import { newPerson } from '../support/sdk.ts';
import { toLegacyFormat } from '../support/legacy.ts';

/** A rough fingerprint of what an <img> shows (pixels drawn on a canvas), to tell two pictures apart. */
async function pixelSum(img: Locator): Promise<number> {
  await img.waitFor();
  return img.evaluate(async (el: HTMLImageElement) => {
    await el.decode();
    const c = document.createElement('canvas');
    c.width = 16; c.height = 16;
    const g = c.getContext('2d')!;
    g.drawImage(el, 0, 0, 16, 16);
    const d = g.getImageData(0, 0, 16, 16).data;
    let s = 0;
    for (let i = 0; i < d.length; i++) s = (s * 31 + d[i]!) % 1_000_000_007;
    return s;
  });
}

/** Clears the notices (so screenshots show the screen, not the last messages). */
async function dismissNotices(page: Page): Promise<void> {
  const buttons = page.getByRole('button', { name: 'Dismiss message' });
  while ((await buttons.count()) > 0) await buttons.first().click();
}

/** Waits until the page's notices show `text`. */
async function notice(page: Page, text: string | RegExp): Promise<void> {
  await page.getByRole('status').filter({ hasText: text }).first().waitFor();
}

async function uploadIntoAlbum(albums: Albums, albumId: string, path: string): Promise<string> {
  const source = await openFileSource(path);
  try {
    const r = await albums.upload(albumId, source, { thumbnailer: nodeThumbnailer });
    if (r.status === 'skipped') throw new Error(`upload refused: ${r.reason}`);
    return r.fileId;
  } finally {
    await source.close();
  }
}

test('albums in the browser: owner flows, then an editor and a viewer, leave with saving, delete', async () => {
  const server = await startServerProcess();
  const browser = await launchBrowser();
  const dir = await mkdtemp(join(tmpdir(), 'obscura-albums-'));
  try {
    // Photos: beach-0 oldest … beach-2 newest (the default cover would be beach-2).
    const paths: string[] = [];
    for (const [i, name] of ['beach-0', 'beach-1', 'beach-2', 'harbour', 'gabriel-kite'].entries()) {
      const jpeg = await makeJpeg({ width: 640, height: 480, capturedAt: new Date(Date.UTC(2023, 6, 10 + i, 12)), make: 'Canon', model: 'EOS R5', seed: 100 + i * 7 });
      const path = join(dir, `${name}.jpg`);
      await writeFile(path, jpeg);
      paths.push(path);
    }
    const owner = newWebPerson('Olivia');
    const guest = newWebPerson('Gabriel');

    const ctxA = await newAppContext(browser);
    const page = await ctxA.newPage();
    const errors = watchErrors(page);
    await signUpInBrowser(page, server.url, owner);
    const seeded = await seedPhotos(server.url, owner, paths.slice(0, 3));

    // ---- My albums: empty state; "New album" refuses an empty name, then opens the new album.
    await page.getByRole('link', { name: 'Albums' }).click();
    await page.getByRole('heading', { name: 'No albums yet' }).waitFor();
    await page.getByRole('button', { name: 'New album' }).click();
    await page.getByRole('button', { name: 'Create album' }).click();
    await page.getByText('Give the album a name').waitFor();
    await page.getByLabel('Album name').fill('Summer trip');
    await page.getByRole('button', { name: 'Create album' }).click();
    await page.getByRole('heading', { name: 'Summer trip', level: 1 }).waitFor();
    const albumId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('heading', { name: 'This album is empty' }).waitFor();

    // ---- Rename (owner: in the "More" menu).
    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('menuitem', { name: 'Rename' }).click();
    await page.getByLabel('Album name').fill('Summer 2023');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('heading', { name: 'Summer 2023', level: 1 }).waitFor();

    // ---- Add photos from the timeline picker (selection), with a count of what was added.
    await page.getByRole('button', { name: 'Add photos' }).click();
    const picker = page.getByRole('dialog', { name: 'Add photos to “Summer 2023”' });
    for (const n of ['beach-0', 'beach-1', 'beach-2']) await picker.getByRole('checkbox', { name: `Select ${n}.jpg` }).check();
    await picker.getByRole('button', { name: 'Add 3 photos' }).click();
    await notice(page, '3 photos added to “Summer 2023”');
    // each tile names its uploader (the grid's caption)
    for (const n of ['beach-0', 'beach-1', 'beach-2']) await page.getByRole('button', { name: `${n}.jpg, Olivia` }).waitFor();

    // ---- Upload straight into the album (Upload → Upload photos → the file picker).
    await page.getByRole('button', { name: 'Upload' }).click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('menuitem', { name: 'Upload photos' }).click();
    await (await chooser).setFiles(paths[3]!);
    // the album refreshes when the upload reports a library change
    await page.getByRole('button', { name: 'harbour.jpg, Olivia' }).waitFor({ timeout: 60_000 });
    await page.getByText('4 photos', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Close uploads' }).click();
    const ownerSdk = await sdkSession(server.url, owner);
    const ownerAlbums = new Albums(nodeLibrary(ownerSdk));
    const harbour = (await ownerAlbums.photos(albumId)).photos.find((p) => p.metadata.name === 'harbour.jpg')?.fileId;
    assert.ok(harbour, 'harbour.jpg was uploaded into the album');
    const ownerTimelineBefore = new TimelineIndex(ownerSdk.user.id);
    await ownerTimelineBefore.sync(nodeLibrary(ownerSdk));
    assert.equal(ownerTimelineBefore.get(harbour), undefined, 'an upload into an album does not land in my library');

    // ---- Set cover from the selection (beach-0: not the newest, so not the default cover).
    await page.getByRole('checkbox', { name: 'Select beach-0.jpg' }).check();
    await page.getByRole('button', { name: 'Set as cover' }).click();
    await notice(page, 'Cover set');
    const beach0Pixels = await pixelSum(page.getByRole('button', { name: 'beach-0.jpg' }).locator('img'));
    const beach2Pixels = await pixelSum(page.getByRole('button', { name: 'beach-2.jpg' }).locator('img'));
    assert.notEqual(beach0Pixels, beach2Pixels, 'the fixtures look different');
    await page.getByRole('button', { name: 'Clear selection' }).click();

    // ---- Viewer: each photo names its uploader (grid caption and viewer details).
    await page.getByRole('button', { name: 'beach-1.jpg' }).click();
    const viewer = page.getByRole('dialog', { name: 'beach-1.jpg' });
    await viewer.getByText(/Olivia/).first().waitFor();
    await viewer.getByText('Signature verified').waitFor();
    await viewer.getByRole('button', { name: 'Close viewer' }).click();
    await viewer.waitFor({ state: 'hidden' });

    // ---- Remove a photo: the confirmation says it stays in my library.
    await page.getByRole('checkbox', { name: 'Select beach-2.jpg' }).check();
    await page.getByRole('button', { name: 'Remove from album' }).click();
    const remove = page.getByRole('dialog', { name: 'Remove “beach-2.jpg” from “Summer 2023”?' });
    await remove.getByText('It is also in your library and stays there.').waitFor();
    await remove.getByRole('button', { name: 'Remove' }).click();
    await notice(page, '1 photo removed from “Summer 2023”');
    await page.getByRole('button', { name: 'beach-2.jpg' }).waitFor({ state: 'detached' });
    await page.getByText('3 photos', { exact: true }).waitFor();
    await dismissNotices(page);
    await screenshot(page, 'album-desktop');

    // ---- My albums: the card shows the chosen cover, the name and the count.
    await page.getByRole('link', { name: 'Albums' }).click();
    const card = page.getByRole('link', { name: 'Summer 2023' });
    await card.waitFor();
    assert.match((await card.getAttribute('aria-describedby')) ?? '', /.+/);
    await card.getByText('3 photos').waitFor();
    assert.equal(await pixelSum(card.getByRole('img', { name: 'Cover of “Summer 2023”' })), beach0Pixels, 'the card shows the chosen cover');
    await dismissNotices(page);
    await screenshot(page, 'albums-desktop');
    // the card's own menu (the seed's "⋮ next to an album"): Share album for its owner
    await page.getByRole('button', { name: 'Actions for “Summer 2023”' }).click();
    await page.getByRole('menuitem', { name: 'Share album' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('menuitem', { name: 'Share album' }).waitFor({ state: 'detached' });

    // ---- Phone width: the same grid in a phone profile.
    const phone = await newAppContext(browser, { phone: true });
    const phonePage = await phone.newPage();
    const phoneErrors = watchErrors(phonePage);
    await logInInBrowser(phonePage, server.url, owner);
    await phonePage.getByRole('link', { name: 'Albums' }).click();
    await phonePage.getByRole('img', { name: 'Cover of “Summer 2023”' }).waitFor();
    await screenshot(phonePage, 'albums-phone');
    await phonePage.getByRole('link', { name: 'Summer 2023' }).click();
    await phonePage.getByRole('button', { name: 'beach-0.jpg, Olivia' }).waitFor();
    await screenshot(phonePage, 'album-phone');
    await phonePage.getByRole('button', { name: 'More' }).click();
    await phonePage.getByRole('menuitem', { name: 'Delete album' }).waitFor();
    await screenshot(phonePage, 'album-phone-menu');
    await phone.close();

    // ---- A second person: shared with as editor (owner's SDK), accepted (their SDK).
    const ctxB = await newAppContext(browser);
    const pageB = await ctxB.newPage();
    const errorsB = watchErrors(pageB);
    await signUpInBrowser(pageB, server.url, guest);
    await ownerAlbums.share(albumId, [guest.email], { role: 'editor' });
    const guestSdk = await sdkSession(server.url, guest);
    const guestAlbums = new Albums(nodeLibrary(guestSdk));
    const invitation = (await guestAlbums.invitations()).find((i) => i.albumId === albumId);
    assert.ok(invitation, 'the invitation reached the second person');
    await guestAlbums.accept(invitation.invitationId);

    await pageB.getByRole('link', { name: 'Albums' }).click();
    const guestCard = pageB.getByRole('link', { name: 'Summer 2023' });
    await guestCard.getByText('Editor').waitFor();
    await guestCard.click();
    await pageB.getByRole('heading', { name: 'Summer 2023', level: 1 }).waitFor();
    await pageB.getByText('You are an editor').waitFor();
    await pageB.getByRole('button', { name: 'Add photos' }).waitFor();
    await pageB.getByRole('button', { name: 'Upload' }).waitFor();
    assert.equal(await pageB.getByRole('button', { name: 'Share' }).count(), 0, 'editors do not share');
    await pageB.getByRole('button', { name: 'More' }).click();
    await pageB.getByRole('menuitem', { name: 'Leave album' }).waitFor();
    assert.equal(await pageB.getByRole('menuitem', { name: 'Rename' }).count(), 0, 'editors cannot rename');
    assert.equal(await pageB.getByRole('menuitem', { name: 'Delete album' }).count(), 0);
    await pageB.keyboard.press('Escape');
    await pageB.getByRole('checkbox', { name: 'Select beach-0.jpg' }).check();
    await pageB.getByText('1 photo selected').waitFor();
    assert.equal(await pageB.getByRole('button', { name: 'Set as cover' }).count(), 0, 'editors cannot set the cover');
    assert.equal(await pageB.getByRole('button', { name: 'Remove from album' }).isDisabled(), true, "editors cannot remove others' photos");
    await pageB.getByText('Editors can remove only photos they added').waitFor();
    await pageB.getByRole('button', { name: 'Clear selection' }).click();

    // The editor uploads into the album (their SDK): the photo carries their name; they may remove it.
    // (through their SDK: uploading in the browser is the upload feature's test)
    const kite = await uploadIntoAlbum(guestAlbums, albumId, paths[4]!);
    await pageB.reload();
    await pageB.getByRole('button', { name: 'gabriel-kite.jpg' }).waitFor();
    await pageB.getByRole('checkbox', { name: 'Select gabriel-kite.jpg' }).check();
    assert.equal(await pageB.getByRole('button', { name: 'Remove from album' }).isDisabled(), false, 'editors may remove what they added');
    await pageB.getByRole('button', { name: 'Clear selection' }).click();
    // The owner sees the uploader's name on it, in the grid and in the viewer.
    await page.getByRole('link', { name: 'Summer 2023' }).click();
    await page.getByRole('button', { name: 'gabriel-kite.jpg' }).waitFor();
    await page.getByRole('button', { name: 'gabriel-kite.jpg, Gabriel' }).waitFor();
    await page.getByRole('button', { name: 'gabriel-kite.jpg' }).click();
    const kiteViewer = page.getByRole('dialog', { name: 'gabriel-kite.jpg' });
    await kiteViewer.getByText(/Gabriel/).first().waitFor();
    await kiteViewer.getByText('Signature verified').waitFor();
    await kiteViewer.getByRole('button', { name: 'Close viewer' }).click();
    await kiteViewer.waitFor({ state: 'hidden' });

    // ---- As a viewer: no Upload, no Add photos.
    await ownerAlbums.setRole(albumId, guest.email, 'viewer');
    await pageB.reload();
    await pageB.getByText('You are a viewer').waitFor();
    assert.equal(await pageB.getByRole('button', { name: 'Add photos' }).count(), 0, 'viewers do not add');
    assert.equal(await pageB.getByRole('button', { name: 'Upload' }).count(), 0, 'viewers do not upload');

    // ---- Leave, saving first what others uploaded (beach-0, beach-1, harbour; the kite is theirs).
    await pageB.getByRole('button', { name: 'More' }).click();
    await pageB.getByRole('menuitem', { name: 'Leave album' }).click();
    const leave = pageB.getByRole('dialog', { name: 'Leave “Summer 2023”?' });
    await leave.getByText(/Leaving is permanent/).waitFor();
    const saveFirst = leave.getByRole('checkbox', { name: 'Save 3 photos to my library first' });
    await saveFirst.waitFor();
    assert.equal(await saveFirst.isChecked(), true);
    await leave.getByRole('button', { name: 'Save and leave' }).click();
    await pageB.getByRole('heading', { name: 'Albums', level: 1 }).waitFor();
    await notice(pageB, 'You left “Summer 2023”; 3 photos saved to your library');
    await pageB.getByRole('heading', { name: 'No albums yet' }).waitFor();
    const guestTimeline = new TimelineIndex(guestSdk.user.id);
    await guestTimeline.sync(nodeLibrary(guestSdk));
    const saved = new Set(guestTimeline.list().map((e) => e.fileId));
    for (const id of [seeded[0]!, seeded[1]!, harbour!]) assert.ok(saved.has(id), `${id} is in the library of the person who left`);
    assert.ok(!saved.has(kite), 'their own album upload was not offered (it is theirs)');

    // ---- Delete the album: the confirmation names what is lost.
    await page.reload();
    await page.getByRole('heading', { name: 'Summer 2023', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('menuitem', { name: 'Delete album' }).click();
    const del = page.getByRole('dialog', { name: 'Delete “Summer 2023”?' });
    await del.getByText('2 photos are only in this album, not in your library', { exact: false }).waitFor();
    const text = (await del.textContent()) ?? '';
    assert.match(text, /deleted for good, also for everyone it is shared with, unless someone keeps them in their own library/);
    assert.match(text, /2 photos are also in your library and stay there/);
    assert.match(text, /cannot be undone/);
    await del.getByRole('button', { name: 'Delete album' }).click();
    // harbour was saved by the person who left, so only the kite (in nobody's library) goes.
    await notice(page, 'Deleted “Summer 2023”; 1 photo that nobody else kept was deleted for good');
    await page.getByRole('heading', { name: 'No albums yet' }).waitFor();
    const ownerTimeline = new TimelineIndex(ownerSdk.user.id);
    await ownerTimeline.sync(nodeLibrary(ownerSdk));
    for (const id of seeded) assert.ok(ownerTimeline.get(id), 'photos of my library stay after the album is deleted');

    // ---- "Add to album" from the timeline's selection: a new album made on the way, then an existing one.
    await page.getByRole('link', { name: 'Photos' }).click();
    await page.getByRole('checkbox', { name: 'Select beach-0.jpg' }).check();
    await page.getByRole('checkbox', { name: 'Select beach-1.jpg' }).check();
    await page.getByRole('button', { name: 'Add to album' }).click();
    const addTo = page.getByRole('dialog', { name: 'Add 2 photos to an album' });
    await addTo.getByText('You have no album you can add to yet.').waitFor();
    await addTo.getByRole('button', { name: 'New album…' }).click();
    await page.getByRole('dialog', { name: 'New album' }).getByLabel('Album name').fill('Kites');
    await page.getByRole('button', { name: 'Create and add 2 photos' }).click();
    await notice(page, '2 photos added to “Kites”');
    await page.getByRole('checkbox', { name: 'Select beach-2.jpg' }).check();
    await page.getByRole('button', { name: 'Add to album' }).click();
    await page.getByRole('dialog', { name: 'Add 1 photo to an album' }).getByRole('button', { name: 'Add to Kites' }).click();
    await notice(page, '1 photo added to “Kites”');
    await page.getByRole('link', { name: 'Albums' }).click();
    await page.getByRole('link', { name: 'Kites' }).getByText('3 photos').waitFor();
    await page.getByRole('img', { name: 'Cover of “Kites”' }).waitFor();

    assert.deepEqual(errors, []);
    assert.deepEqual(errorsB, []);
    assert.deepEqual(phoneErrors, []);
  } finally {
    await browser.close();
    await server.stop();
    await removeDir(server.dataDir);
    await removeDir(dir);
  }
});

test('an album awaiting its owner\'s one-time setup is shown read-only, with the reason, to its editor', async () => {
  const server = await startServerProcess();
  const browser = await launchBrowser();
  const dir = await mkdtemp(join(tmpdir(), 'obscura-albums-'));
  try {
    const member = newWebPerson('Mina');
    const context = await newAppContext(browser);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signUpInBrowser(page, server.url, member);

    // The owner works through the SDK only (their app would run the one-time setup at login).
    const owner = await newPerson(server.url, 'Otto');
    const ownerAlbums = new Albums(owner.library);
    const path = join(dir, 'old.jpg');
    await writeFile(path, await makeJpeg({ width: 320, height: 240, capturedAt: new Date(Date.UTC(2019, 1, 2, 9)), make: 'Nikon', model: 'D750', seed: 4242 }));
    const [fileId] = await seedPhotos(server.url, { email: owner.email, name: 'Otto', password: owner.password }, [path]);
    const album = await ownerAlbums.create('Old times');
    await ownerAlbums.addPhotos(album.albumId, [fileId!]);
    await ownerAlbums.share(album.albumId, [member.email], { role: 'editor' });
    const memberAlbums = new Albums(nodeLibrary(await sdkSession(server.url, member)));
    const invitation = (await memberAlbums.invitations()).find((i) => i.albumId === album.albumId);
    assert.ok(invitation);
    await memberAlbums.accept(invitation.invitationId);
    // As stored by the version before owner-signed album states.
    toLegacyFormat(server.dataDir, [owner.session.user.id]);

    await page.getByRole('link', { name: 'Albums' }).click();
    const card = page.getByRole('link', { name: 'Old times' });
    await card.getByText('Read-only').waitFor();
    await card.click();
    await page.getByRole('heading', { name: 'Old times', level: 1 }).waitFor();
    await page.getByRole('note').getByText(/waits for its owner's one-time setup/).waitFor();
    // readable: the photo is there with its uploader's name
    await page.getByRole('button', { name: 'old.jpg, Otto' }).waitFor();
    // …but nothing can be added, though the member is an editor
    assert.equal(await page.getByRole('button', { name: 'Add photos' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Upload' }).count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.stop();
    await removeDir(server.dataDir);
    await removeDir(dir);
  }
});
