// Sharing with people in real browsers against a real server, each person in their own browser
// profile: the share dialog (chips, roles, the opt-in email text, people with access, verify,
// change role, remove access, stop sharing), the invitation mail (read from the server's outbox)
// and its landing page (log in, Accept / Decline), Shared and Shared with me, an editor's
// additions charged to the owner, a single photo shared by email ("photo", not "album"), the
// flow at phone width, and a changed key that stops a share until it is verified.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { Albums, Links, Session, fingerprintOf, type UploadResult } from '@obscura/sdk';
import { nodeLibrary, nodeThumbnailer, openFileSource } from '@obscura/sdk/node';
import { launchBrowser, newAppContext, screenshot, watchErrors, screenshotsOnFailure } from '../support/browser.ts';
import { freePort, startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { logInInBrowser, newWebPerson, readOutbox, sdkSession, seedPhotos, signUpInBrowser, type OutboxMail, type WebPerson } from '../support/web-app.ts';
import { fastOptions } from '../support/sdk.ts';
import { makeJpeg } from '../support/fixtures.ts';

let server: ServerProcess;
let browser: Browser;
let work: string;
const contexts: BrowserContext[] = [];
/** Every page's errors; each test asserts its pages stayed clean. */
const errorLists: string[][] = [];

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-sharing-'));
  const port = await freePort();
  server = await startServerProcess({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` } });
  assert.equal(server.url, `http://127.0.0.1:${port}`);
  browser = await launchBrowser();
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  if (server) await removeDir(server.dataDir);
  if (work) await removeDir(work);
});

const shots = (fn: () => Promise<void>) => screenshotsOnFailure(contexts, 'sharing', fn);

async function newPage(opts: { phone?: boolean } = {}): Promise<{ page: Page; errors: string[] }> {
  const ctx = await newAppContext(browser, opts);
  contexts.push(ctx);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  errorLists.push(errors);
  return { page, errors };
}

/** A person with an account made through the SDK (quicker than the sign-up screen; they log in in a browser later). */
async function signUpWithSdk(name: string): Promise<WebPerson & { session: Session }> {
  const p = newWebPerson(name);
  const { session } = await Session.signup({ ...fastOptions(server.url), email: p.email, password: p.password, displayName: p.name });
  return { ...p, session };
}

async function photo(name: string, seed: number, day: number): Promise<string> {
  const path = join(work, name);
  await writeFile(path, await makeJpeg({ width: 320, height: 240, capturedAt: new Date(Date.UTC(2024, 6, day, 10)), make: 'Obscura', model: 'Test', seed }));
  return path;
}

// ------------------------------------------------------------------ mail (the server's outbox)

type Mail = OutboxMail;
const outbox = () => readOutbox(server.dataDir);

/** The one mail to `email` that arrived after `seen` mails, with its invitation link. */
async function mailTo(email: string, seen: readonly Mail[]): Promise<Mail & { link: string }> {
  const fresh = (await outbox()).filter((m) => m.to === email && !seen.some((s) => s.file === m.file));
  assert.equal(fresh.length, 1, `one new mail to ${email}`);
  const m = fresh[0]!;
  const link = /^Open the invitation to accept or decline it: (\S+)$/m.exec(m.text)?.[1];
  assert.ok(link, m.text);
  assert.ok(m.html.includes(`href="${link.replace(/&/g, '&amp;')}"`), 'the HTML part links to the same page');
  return { ...m, link };
}

// ------------------------------------------------------------------ steps

async function openShareDialog(page: Page, albumId: string, name: string): Promise<Locator> {
  await page.goto(`${server.url}/albums/${albumId}`);
  await page.getByRole('heading', { name, level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Share “${name}”` });
  await dialog.getByRole('heading', { name: 'People with access' }).waitFor();
  return dialog;
}

/** Fills the invite form as a person would (an address, Enter, the role, the message, the opt-in). */
async function fillInvite(dialog: Locator, emails: string, opts: { role: 'Viewer' | 'Editor'; message?: string; optIn?: boolean }): Promise<void> {
  const field = dialog.getByLabel('Email addresses');
  await field.fill(emails);
  await field.press('Enter');
  await dialog.getByRole('radio', { name: new RegExp(`^${opts.role}`) }).check();
  await dialog.getByLabel('Message (optional)').fill(opts.message ?? '');
  const optIn = dialog.getByRole('checkbox', { name: /^Include the (album|photo) name and the message in the invitation email$/ });
  if (opts.optIn) await optIn.check(); else await optIn.uncheck();
}

async function invite(dialog: Locator, emails: string, opts: { role: 'Viewer' | 'Editor'; message?: string; optIn?: boolean }): Promise<void> {
  await fillInvite(dialog, emails, opts);
  await dialog.getByRole('button', { name: 'Share', exact: true }).click();
}

const personRow = (dialog: Locator, email: string) => dialog.getByRole('listitem').filter({ has: dialog.page().getByText(email, { exact: true }) });

async function logInFromMail(page: Page, link: string, who: WebPerson): Promise<void> {
  await page.goto(link);
  await page.getByRole('heading', { name: 'Log in to Obscura' }).waitFor();
  assert.equal(await page.getByLabel('Email').inputValue(), who.email, 'the email from the mail link is filled in');
  assert.ok(new URL(page.url()).searchParams.get('next')?.startsWith('/invitations/'), 'the login comes back to the invitation');
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function uploadIntoAlbum(albums: Albums, albumId: string, path: string): Promise<UploadResult> {
  const source = await openFileSource(path);
  try {
    return await albums.upload(albumId, source, { thumbnailer: nodeThumbnailer });
  } finally {
    await source.close();
  }
}

async function dismissNotices(page: Page): Promise<void> {
  const buttons = page.getByRole('button', { name: 'Dismiss message' });
  while ((await buttons.count()) > 0) await buttons.first().click().catch(() => undefined);
}

const used = async (s: Session) => (await s.me()).storage.usedBytes;

// ------------------------------------------------------------------ people shared by the tests

let olivia: WebPerson;
let oliviaSdk: { session: Session; albums: Albums; links: Links };
let oliviaPage: Page;
let oliviaFp: string;
let vera: WebPerson & { session: Session };
let photoIds: string[];

test('an album: an editor with an opt-in message, viewers without; mail landing, accept and decline; editor storage; lists; role; remove; stop sharing', shots(async () => {
  olivia = newWebPerson('Olivia');
  const o = await newPage();
  oliviaPage = o.page;
  await signUpInBrowser(oliviaPage, server.url, olivia);
  photoIds = await seedPhotos(server.url, olivia, [await photo('lisbon-1.jpg', 11, 1), await photo('lisbon-2.jpg', 12, 2), await photo('lisbon-3.jpg', 13, 3)]);
  const s = await sdkSession(server.url, olivia);
  const lib = nodeLibrary(s);
  const albums = new Albums(lib);
  oliviaSdk = { session: s, albums, links: new Links(lib, albums) };
  oliviaFp = await s.fingerprint();
  const ALBUM = 'Summer in Lisbon';
  const { albumId } = await albums.create(ALBUM);
  await albums.addPhotos(albumId, photoIds.slice(0, 2));

  vera = await signUpWithSdk('Vera');
  const eddie = await signUpWithSdk('Eddie');
  const dana = await signUpWithSdk('Dana');
  const nobody = `nobody-${process.pid}@example.org`;

  // ---- Eddie as an editor, with the album name and a message in the email (opt-in).
  let dialog = await openShareDialog(oliviaPage, albumId, ALBUM);
  await dialog.getByText('Nobody else yet: only you can see this album.').waitFor();
  const before0 = await outbox();
  await invite(dialog, eddie.email, { role: 'Editor', message: 'Add your photos from the trip!', optIn: true });
  await dialog.getByText(`Invited ${eddie.email}.`, { exact: false }).waitFor();
  const toEddie = await mailTo(eddie.email, before0);
  assert.equal(toEddie.subject, `"Olivia" shared the album "${ALBUM}" with you on Obscura`);
  assert.match(toEddie.text, /> Add your photos from the trip!/);
  assert.match(toEddie.html, /Add your photos from the trip!/);

  // ---- A pasted list: two viewers, one address without an account, one typo (a red chip that blocks Share).
  const field = dialog.getByLabel('Email addresses');
  await field.evaluate((el, text) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, `Vera <${vera.email}>, ${dana.email.toUpperCase()}; ${nobody}\nnot-an-email`);
  const chips = dialog.getByRole('list', { name: 'People to invite' });
  await chips.getByRole('listitem').filter({ hasText: nobody }).getByText('no account yet — gets an invitation to sign up').waitFor();
  assert.deepEqual((await chips.getByRole('listitem').allTextContents()).map((t) => t.replace('✕', '').trim()),
    [vera.email, dana.email, `${nobody}no account yet — gets an invitation to sign up`, 'not-an-emailnot an email address']);
  await dialog.getByRole('radio', { name: /^Viewer/ }).check();
  await dialog.getByLabel('Message (optional)').fill('Hi, only for you');
  assert.equal(await dialog.getByRole('checkbox', { name: 'Include the album name and the message in the invitation email' }).isChecked(), false);
  await dialog.getByText('The server never learns the album name or your message.', { exact: false }).waitFor();
  await dismissNotices(oliviaPage);
  await dialog.getByLabel('Email addresses').focus();
  await screenshot(oliviaPage, 'share-dialog-desktop');
  await dialog.getByRole('button', { name: 'Share', exact: true }).click();
  await dialog.getByRole('alert').filter({ hasText: 'Fix or remove not-an-email: it is not an email address.' }).waitFor();
  await dialog.getByRole('button', { name: 'Remove not-an-email' }).click();
  const before1 = await outbox();
  await dialog.getByRole('button', { name: 'Share', exact: true }).click();
  await dialog.getByText(`Invited ${vera.email} and ${dana.email}.`, { exact: false }).waitFor();
  await dialog.getByText(`Invited ${nobody} to sign up: this address has no Obscura account yet.`, { exact: false }).waitFor();

  const toVera = await mailTo(vera.email, before1);
  const toDana = await mailTo(dana.email, before1);
  for (const m of [toVera, toDana]) {
    assert.equal(m.subject, '"Olivia" shared an album with you on Obscura');
    for (const part of [m.text, m.html]) {
      assert.ok(!part.includes(ALBUM) && !part.includes('Hi, only for you'), 'without the opt-in the mail has neither the album name nor the message');
    }
    assert.match(m.text, /The album name is end-to-end encrypted/);
  }
  const toNobody = (await outbox()).filter((m) => m.to === nobody && !before1.some((b) => b.file === m.file));
  assert.deepEqual(toNobody.map((m) => m.subject), ['"Olivia" invited you to an album on Obscura'], 'an address without an account gets an invitation to sign up');
  assert.match(toVera.link, new RegExp(`^${server.url}/invitations/[0-9a-f-]{36}\\?email=${encodeURIComponent(vera.email)}$`));

  // ---- People with access: roles and statuses; Verify shows both fingerprints side by side.
  for (const [who, role] of [[eddie, 'editor'], [vera, 'viewer'], [dana, 'viewer']] as const) {
    const row = personRow(dialog, who.email);
    await row.getByText('Invited', { exact: true }).waitFor();
    assert.equal(await row.getByLabel(`Access for ${who.email}`, { exact: true }).inputValue(), role);
  }
  await dialog.getByRole('button', { name: `Verify ${vera.email}` }).click();
  const veraFp = await vera.session.fingerprint();
  await dialog.getByLabel(`Fingerprint of ${vera.email}: ${veraFp}`).waitFor();
  await dialog.getByLabel(`Your fingerprint: ${oliviaFp}`).waitFor();
  await screenshot(oliviaPage, 'share-dialog-verify-desktop');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // ---- Vera opens the mail's link, logs in, and sees the invitation: what, from whom (verified), role, message.
  const v = await newPage();
  await logInFromMail(v.page, toVera.link, vera);
  await v.page.getByRole('heading', { name: 'Invitation to an album', level: 1 }).waitFor();
  const card = v.page.getByRole('article', { name: `Album “${ALBUM}”` });
  await card.getByText('Olivia', { exact: true }).waitFor();
  await card.getByText(`<${olivia.email}>`).waitFor();
  await card.getByLabel(`Fingerprint of ${olivia.email}: ${oliviaFp}`).waitFor();
  await card.getByText('Viewer: you can see its photos and save them').waitFor();
  await card.getByText('Hi, only for you').waitFor();
  await card.getByRole('button', { name: 'Decline' }).waitFor();
  await card.getByRole('button', { name: 'Accept' }).click();
  await v.page.getByRole('heading', { name: ALBUM, level: 1 }).waitFor();
  assert.equal(new URL(v.page.url()).pathname, `/albums/${albumId}`);

  // ---- Eddie finds the invitation in Shared with me, accepts, and adds photos; they count against Olivia.
  const e = await newPage();
  await logInInBrowser(e.page, server.url, eddie);
  await e.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Shared with me' }).click();
  const eCard = e.page.getByRole('article', { name: `Album “${ALBUM}”` });
  await eCard.getByText('Add your photos from the trip!').waitFor();
  await eCard.getByText('Editor: you can also add photos', { exact: false }).waitFor();
  await e.page.getByRole('heading', { name: 'Nothing shared with you yet' }).waitFor();
  await screenshot(e.page, 'shared-with-me-desktop');
  await eCard.getByRole('button', { name: 'Accept' }).click();
  await e.page.getByRole('heading', { name: ALBUM, level: 1 }).waitFor();
  await e.page.getByRole('button', { name: 'Add photos' }).waitFor();
  assert.equal(await e.page.getByRole('button', { name: 'Share', exact: true }).count(), 0, 'an editor does not share');
  await e.page.getByRole('button', { name: 'More' }).click();
  await e.page.getByRole('menuitem', { name: 'Leave album' }).waitFor();
  assert.equal(await e.page.getByRole('menuitem', { name: 'Rename' }).count(), 0, 'an editor cannot rename');
  await e.page.keyboard.press('Escape');
  assert.equal(await e.page.getByRole('button', { name: 'Set as cover' }).count(), 0);

  const eddieAlbums = new Albums(nodeLibrary(eddie.session));
  const [ownerBefore, editorBefore] = [await used(s), await used(eddie.session)];
  const up = await uploadIntoAlbum(eddieAlbums, albumId, await photo('eddie-1.jpg', 21, 9));
  assert.equal(up.status, 'uploaded');
  const [ownerAfter, editorAfter] = [await used(s), await used(eddie.session)];
  assert.ok(ownerAfter > ownerBefore, `the owner's storage grows (${ownerBefore} → ${ownerAfter})`);
  assert.equal(editorAfter, editorBefore, "the editor's storage does not");
  await e.page.reload();
  await e.page.getByRole('heading', { name: ALBUM, level: 1 }).waitFor();
  await e.page.getByText('3 photos', { exact: true }).first().waitFor();

  // ---- Dana declines from her mail (after Eddie's upload: a decline makes the owner's app renew the key before more can be added).
  const d = await newPage();
  await logInFromMail(d.page, toDana.link, dana);
  await d.page.getByRole('article', { name: `Album “${ALBUM}”` }).getByRole('button', { name: 'Decline' }).click();
  await d.page.getByRole('dialog', { name: 'Decline this album?' }).getByRole('button', { name: 'Decline' }).click();
  await d.page.getByRole('heading', { name: 'Invitation declined' }).waitFor();
  assert.deepEqual(await new Albums(nodeLibrary(dana.session)).invitations(), []);

  // ---- Shared (Olivia) and Shared with me (Vera); a public link shows as a badge.
  await oliviaSdk.links.create({ kind: 'album', albumId });
  await oliviaPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Shared', exact: true }).click();
  const mine = oliviaPage.getByRole('list', { name: 'Albums and photos you share' }).getByRole('listitem').filter({ hasText: ALBUM });
  await mine.getByText('Shared with 2 people').waitFor();
  await mine.getByText('Public link', { exact: true }).waitFor();
  await dismissNotices(oliviaPage);
  await screenshot(oliviaPage, 'shared-desktop');
  await v.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Shared with me' }).click();
  const theirs = v.page.getByRole('list', { name: 'Albums and photos shared with you' }).getByRole('listitem').filter({ hasText: ALBUM });
  await theirs.getByText('Viewer', { exact: true }).waitFor();
  await theirs.getByText('from Olivia').waitFor();

  // ---- Olivia manages from Shared: Vera becomes an editor; Eddie's access is removed.
  await mine.getByRole('button', { name: `Manage sharing of ${ALBUM}` }).click();
  dialog = oliviaPage.getByRole('dialog', { name: `Share “${ALBUM}”` });
  await personRow(dialog, vera.email).getByText('Active', { exact: true }).waitFor();
  await dialog.getByLabel(`Access for ${vera.email}`, { exact: true }).selectOption('editor');
  await personRow(dialog, vera.email).getByRole('status').filter({ hasText: 'Vera is now an editor.' }).waitFor();
  assert.equal(await dialog.getByLabel(`Access for ${vera.email}`, { exact: true }).inputValue(), 'editor');
  const veraAlbums = new Albums(nodeLibrary(vera.session));
  assert.equal((await veraAlbums.get(albumId)).myRole, 'editor');

  await dialog.getByRole('button', { name: `Remove access for ${eddie.email}` }).click();
  const confirmRemove = oliviaPage.getByRole('dialog', { name: 'Remove access for Eddie?' });
  await confirmRemove.getByText('The album key is renewed at once', { exact: false }).waitFor();
  await confirmRemove.getByRole('button', { name: 'Remove access' }).click();
  await personRow(dialog, eddie.email).waitFor({ state: 'detached' });
  assert.ok(!(await eddieAlbums.list()).some((a) => a.albumId === albumId), 'Eddie no longer has the album');

  // ---- Stop sharing: the confirmation says what ends (1 person, 1 link); afterwards nobody and no link.
  await dialog.getByRole('button', { name: 'Stop sharing' }).click();
  const confirmStop = oliviaPage.getByRole('dialog', { name: `Stop sharing “${ALBUM}”?` });
  await confirmStop.getByText('1 person will lose access and 1 public link will stop working, at once.').waitFor();
  await screenshot(oliviaPage, 'stop-sharing-desktop');
  await confirmStop.getByRole('button', { name: 'Stop sharing' }).click();
  await dialog.getByText('Nobody else yet: only you can see this album.').waitFor();
  await dialog.getByText('No public links to this album yet.').waitFor();
  assert.deepEqual((await oliviaSdk.links.list()).filter((l) => l.target.albumId === albumId), []);
  assert.ok(!(await veraAlbums.list()).some((a) => a.albumId === albumId), 'Vera no longer has the album');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await oliviaPage.getByRole('heading', { name: 'You are not sharing anything yet' }).waitFor();

  for (const list of [o.errors, v.errors, d.errors, e.errors]) assert.deepEqual(list, []);
}));

test('a single photo by email: the mail and the invitation say "photo"; accepted at phone width', shots(async () => {
  await oliviaPage.goto(`${server.url}/photos`);
  await oliviaPage.getByRole('checkbox', { name: 'Select lisbon-3.jpg' }).click();
  await oliviaPage.getByRole('toolbar', { name: 'Selected photos' }).getByRole('button', { name: 'Share' }).click();
  const dialog = oliviaPage.getByRole('dialog', { name: 'Share photo' });
  await dialog.getByRole('heading', { name: 'Public links' }).waitFor();
  const before0 = await outbox();
  await invite(dialog, vera.email, { role: 'Viewer', message: 'The best one' });
  await dialog.getByText(`Invited ${vera.email}.`, { exact: false }).waitFor();
  await personRow(dialog, vera.email).getByText('Invited', { exact: true }).waitFor();
  const mail = await mailTo(vera.email, before0);
  assert.equal(mail.subject, '"Olivia" shared a photo with you on Obscura');
  assert.ok(!/album/i.test(mail.text) && !mail.text.includes('lisbon-3'), mail.text);

  // Opening the dialog again finds the same one-photo share (its people), instead of making a second.
  await dialog.getByRole('button', { name: 'Close' }).click();
  await oliviaPage.getByRole('toolbar', { name: 'Selected photos' }).getByRole('button', { name: 'Share' }).click();
  await personRow(oliviaPage.getByRole('dialog', { name: 'Share photo' }), vera.email).waitFor();
  await oliviaPage.getByRole('dialog', { name: 'Share photo' }).getByRole('button', { name: 'Close' }).click();

  const v = await newPage({ phone: true });
  await logInFromMail(v.page, mail.link, vera);
  await v.page.getByRole('heading', { name: 'Invitation to a photo', level: 1 }).waitFor();
  const card = v.page.getByRole('article', { name: 'Photo “lisbon-3.jpg”' });
  await card.getByText('Viewer: you can see it and save it').waitFor();
  await card.getByText('The best one').waitFor();
  await card.getByLabel(`Fingerprint of ${olivia.email}: ${oliviaFp}`).waitFor();
  await screenshot(v.page, 'invitation-phone');
  await card.getByRole('button', { name: 'Accept' }).tap();
  await v.page.getByRole('heading', { name: 'lisbon-3.jpg', level: 1 }).waitFor();
  await v.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Shared with me' }).tap();
  await v.page.getByRole('list', { name: 'Albums and photos shared with you' }).getByRole('listitem')
    .filter({ hasText: 'lisbon-3.jpg' }).getByText('Photo', { exact: true }).waitFor();

  // Several photos selected: the dialog says they are shared as a new album, which it makes and shares.
  await oliviaPage.getByRole('checkbox', { name: 'Select lisbon-2.jpg' }).click();
  await oliviaPage.getByRole('toolbar', { name: 'Selected photos' }).getByRole('button', { name: 'Share' }).click();
  const many = oliviaPage.getByRole('dialog', { name: 'Share 2 photos' });
  await many.getByText('These 2 photos are shared as a new album', { exact: false }).waitFor();
  await many.getByLabel('Name of the new album').fill('Best of Lisbon');
  await invite(many, vera.email, { role: 'Viewer' });
  await many.getByRole('link', { name: '“Best of Lisbon”' }).waitFor();
  await personRow(many, vera.email).getByText('Invited', { exact: true }).waitFor();
  const made = (await oliviaSdk.albums.list()).find((a) => a.name === 'Best of Lisbon');
  assert.ok(made && made.kind === 'album' && made.itemCount === 2 && made.memberCount === 1, JSON.stringify(made));
  await many.getByRole('button', { name: 'Close' }).click();
  assert.deepEqual([...v.errors, ...errorLists[0]!], []);
}));

test('phone width: share from the sheet, accept from the mail link', shots(async () => {
  const kim = await signUpWithSdk('Kim');
  const ALBUM = 'Porto by night';
  const { albumId } = await oliviaSdk.albums.create(ALBUM);
  await oliviaSdk.albums.addPhotos(albumId, [photoIds[0]!]);

  const o = await newPage({ phone: true });
  await logInInBrowser(o.page, server.url, olivia);
  const dialog = await openShareDialog(o.page, albumId, ALBUM);
  const box = await dialog.boundingBox();
  assert.ok(box && box.width === 390 && box.y + box.height >= 843, `a bottom sheet the width of the screen (${JSON.stringify(box)})`);
  const before0 = await outbox();
  await fillInvite(dialog, kim.email, { role: 'Editor', message: 'Night shots welcome', optIn: true });
  await dialog.getByText('the server can then read the album name “Porto by night” and your message', { exact: false }).waitFor();
  await dialog.getByLabel('Email addresses').scrollIntoViewIfNeeded();
  await dismissNotices(o.page);
  await screenshot(o.page, 'share-dialog-phone');
  await dialog.getByRole('button', { name: 'Share', exact: true }).tap();
  await dialog.getByText(`Invited ${kim.email}.`, { exact: false }).waitFor();
  await personRow(dialog, kim.email).getByText('Invited', { exact: true }).waitFor();

  const mail = await mailTo(kim.email, before0);
  assert.match(mail.text, /Porto by night/);
  const k = await newPage({ phone: true });
  await logInFromMail(k.page, mail.link, kim);
  const card = k.page.getByRole('article', { name: `Album “${ALBUM}”` });
  await card.getByText('Night shots welcome').waitFor();
  await card.getByRole('button', { name: 'Accept' }).tap();
  await k.page.getByRole('heading', { name: ALBUM, level: 1 }).waitFor();
  await k.page.getByText('You are an editor').waitFor();
  assert.deepEqual([...o.errors, ...k.errors], []);
}));

test('a changed key stops the share with a warning (who, the new fingerprint); trusting it after verifying lets it through', shots(async () => {
  const bob = await signUpWithSdk('Bob');
  const mallory = await signUpWithSdk('Mallory');
  await oliviaSdk.albums.create('Azores');
  const second = await oliviaSdk.albums.create('Madeira');

  // Olivia shares with Bob once from the browser (from Shared: "Share an album…"): this browser pins Bob's keys.
  await oliviaPage.goto(`${server.url}/shared`);
  await oliviaPage.getByRole('button', { name: 'Share an album…' }).first().click();
  await oliviaPage.getByRole('dialog', { name: 'Share an album' }).getByRole('button', { name: /^Azores/ }).click();
  let dialog = oliviaPage.getByRole('dialog', { name: 'Share “Azores”' });
  await dialog.getByRole('heading', { name: 'People with access' }).waitFor();
  await invite(dialog, bob.email, { role: 'Viewer' });
  await dialog.getByText(`Invited ${bob.email}.`, { exact: false }).waitFor();
  const bobFp = await bob.session.fingerprint();
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The server operator gives Bob's account other keys (Mallory's), straight in the database.
  const db = new Database(join(server.dataDir, 'obscura.db'));
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare(`update users set x25519_public_key = (select x25519_public_key from users where id = ?),
      ed25519_public_key = (select ed25519_public_key from users where id = ?) where id = ?`).run(mallory.session.user.id, mallory.session.user.id, bob.session.user.id);
  } finally {
    db.close();
  }
  const malloryFp = await mallory.session.fingerprint();
  assert.notEqual(malloryFp, bobFp);

  dialog = await openShareDialog(oliviaPage, second.albumId, 'Madeira');
  await invite(dialog, bob.email, { role: 'Editor' });
  const warning = dialog.getByRole('alert').filter({ has: oliviaPage.getByRole('heading', { name: `The keys of Bob <${bob.email}> changed` }) });
  await warning.getByText('Nothing was shared.').waitFor();
  await warning.getByText(`The keys of Bob <${bob.email}> (${bob.session.user.id}) changed since they were first seen.`, { exact: false }).waitFor();
  await warning.getByLabel('Fingerprint before: ' + bobFp).waitFor();
  await warning.getByLabel(`New fingerprint of ${bob.email}: ${malloryFp}`).waitFor();
  const { members } = await oliviaSdk.session.api.call('listMembers', { params: { albumId: second.albumId } });
  assert.deepEqual(members.map((m) => m.user.email), [olivia.email], 'nothing was shared with the changed key');
  assert.equal(await fingerprintOf(members[0]!.user), oliviaFp);

  // After comparing with Bob (by phone, say), Olivia trusts the new key and shares again.
  await warning.getByRole('button', { name: 'I verified the new key, trust it' }).click();
  await dialog.getByText(`You now trust the new keys of ${bob.email}. Click Share to invite them.`).waitFor();
  assert.equal(await warning.count(), 0, 'the warning is gone');
  await dialog.getByLabel('Email addresses').fill(bob.email);
  await dialog.getByRole('button', { name: 'Share', exact: true }).click();
  await dialog.getByText(`Invited ${bob.email}.`, { exact: false }).waitFor();
  await dialog.getByRole('button', { name: `Verify ${bob.email}` }).click();
  await dialog.getByLabel(`Fingerprint of ${bob.email}: ${malloryFp}`).waitFor();
  assert.deepEqual(errorLists[0], [], "Olivia's page stayed free of errors");
}));
