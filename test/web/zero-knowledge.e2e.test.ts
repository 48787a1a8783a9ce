// After a person does everything through the browser — sign up, upload a folder of photos
// with file names, camera models and places, create and rename an album, share it with a
// message, make a password-protected public link that a visitor opens — nothing the server
// keeps (database, blobs, mail outbox, its log) holds a file name, camera model, GPS
// coordinate, album name, message or password. Positive control: the same scan finds the
// email (which the server may know), so a scan that reads nothing cannot pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, newAppContext, watchErrors } from '../support/browser.ts';
import { startServerProcess, removeDir } from '../support/server-process.ts';
import { writePhotoFolder } from '../support/fixtures.ts';
import { findNeedles } from '../support/scan.ts';
import { newPerson } from '../support/sdk.ts';
import { newWebPerson, signUpInBrowser } from '../support/web-app.ts';

test('zero knowledge: the browser flows leave no name, camera, place, album name, message or password on the server', async () => {
  const server = await startServerProcess();
  const browser = await launchBrowser();
  const work = await mkdtemp(join(tmpdir(), 'obscura-zk-web-'));
  try {
    const marker = `ZKWEB${process.pid}x${Date.now().toString(36)}`;
    const folder = await writePhotoFolder(join(work, 'photos'), { photos: 3, videos: 1, markers: marker });
    const needles = [...folder.markers!.needles];
    const albumName = `Album ${marker} first`;
    const renamed = `Album ${marker} renamed`;
    const message = `Message ${marker} for Bo`;
    const linkPassword = `linkpw ${marker}`;
    const owner = { ...newWebPerson('Zoe'), password: `pw ${marker} horse battery` };
    needles.push(albumName, renamed, message, linkPassword, owner.password, marker);
    const bo = await newPerson(server.url, 'Bo');

    const ctx = await newAppContext(browser);
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await signUpInBrowser(page, server.url, owner);

    // Upload the folder with the folder picker.
    await page.getByRole('button', { name: 'Upload' }).first().click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('menuitem', { name: 'Upload photos' }).click();
    const media = folder.files.filter((f) => f.kind !== 'other');
    await (await chooser).setFiles(media.map((f) => f.path));
    await page.getByRole('heading', { name: 'Uploads finished' }).or(page.getByText('Uploads finished', { exact: true })).first().waitFor({ timeout: 120_000 });
    for (const f of media) await page.getByRole('button', { name: new RegExp(`^${f.relativePath.split('/').pop()!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).first().waitFor();

    await page.getByRole('button', { name: 'Close uploads' }).click();

    // An album, renamed, with the photos in it.
    await page.getByRole('link', { name: 'Albums' }).click();
    await page.getByRole('button', { name: 'New album' }).click();
    await page.getByLabel('Album name').fill(albumName);
    await page.getByRole('button', { name: 'Create album' }).click();
    await page.getByRole('heading', { name: albumName, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('menuitem', { name: 'Rename' }).click();
    await page.getByLabel('Album name').fill(renamed);
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('heading', { name: renamed, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Add photos' }).click();
    const picker = page.getByRole('dialog', { name: `Add photos to “${renamed}”` });
    const firstName = media[0]!.relativePath.split('/').pop()!;
    await picker.getByRole('checkbox', { name: `Select ${firstName}` }).check();
    await picker.getByRole('button', { name: 'Add 1 photo' }).click();
    await page.getByText('1 photo', { exact: true }).waitFor();

    // Shared with a message (no opt-in: the mail must not carry it), and a public link with a password.
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Share “${renamed}”` });
    const field = dialog.getByLabel('Email addresses');
    await field.fill(bo.email);
    await field.press('Enter');
    await dialog.getByRole('radio', { name: /^Viewer/ }).check();
    await dialog.getByLabel('Message (optional)').fill(message);
    await dialog.getByRole('button', { name: 'Share', exact: true }).click();
    await dialog.getByText(bo.email, { exact: true }).first().waitFor();
    const section = dialog.getByRole('region', { name: 'Public links' });
    await section.getByRole('button', { name: 'Create link' }).click();
    const form = section.getByRole('form', { name: 'New link' });
    await form.getByLabel('Require a password').check();
    await form.getByLabel('Link password', { exact: true }).fill(linkPassword);
    await form.getByRole('button', { name: 'Create link' }).click();
    await section.getByText('Link created').waitFor();
    const linkUrl = await section.getByRole('listitem', { name: 'Link 1' }).getByRole('textbox', { name: 'Link 1' }).inputValue();

    // A visitor opens it with the password.
    const visitorCtx = await newAppContext(browser);
    const visitor = await visitorCtx.newPage();
    await visitor.goto(linkUrl);
    await visitor.getByRole('heading', { name: 'This link needs a password' }).waitFor();
    await visitor.getByLabel('Password', { exact: true }).fill(linkPassword);
    await visitor.getByRole('button', { name: 'Open' }).click();
    await visitor.getByRole('heading', { name: renamed, level: 1 }).waitFor();
    await visitorCtx.close();

    assert.deepEqual(errors, []);
    await ctx.close();
    await server.stop();

    const hits = await findNeedles(server.dataDir, needles);
    assert.deepEqual(hits, [], 'nothing secret reached the server');
    // Positive control: the scan does read the database and the log (the email is allowed there).
    const control = await findNeedles(server.dataDir, [owner.email]);
    assert.ok(control.some((h) => h.endsWith('obscura.db')) || control.some((h) => h.includes('obscura.db')), `the scan reads the database: ${control.join(', ')}`);
  } finally {
    await browser.close();
    await server.stop();
    await removeDir(server.dataDir);
    await removeDir(work);
  }
});
