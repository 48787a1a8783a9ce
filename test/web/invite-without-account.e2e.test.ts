// Sharing with someone who has no Obscura account yet (issue 16), in real browsers against a
// real server: the owner shares an album with two unknown addresses from the share dialog (their
// chips say they get an invitation to sign up; their rows say "invited — no account yet"), cancels
// one from the dialog; the other opens the mail's sign-up link in their own browser, the email
// filled in, asks for the code, mistypes it once (told the tries left), signs up with it and
// sees the invitation waiting for the owner, with their fingerprint. The owner's app, on its
// next load, offers to finish sharing and shows the same fingerprint; only the button seals the
// album to that key. The newcomer then accepts and sees the photos.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Albums, Session } from '@obscura/sdk';
import { nodeLibrary } from '@obscura/sdk/node';
import { launchBrowser, newAppContext, screenshot, screenshotsOnFailure, watchErrors } from '../support/browser.ts';
import { freePort, startServerProcess, removeDir, type ServerProcess } from '../support/server-process.ts';
import { logInInBrowser, newMailTo, newWebPerson, readOutbox, seedPhotos, type WebPerson } from '../support/web-app.ts';
import { fastOptions } from '../support/sdk.ts';
import { makeJpeg } from '../support/fixtures.ts';

let server: ServerProcess;
let browser: Browser;
let work: string;
const contexts: BrowserContext[] = [];
/** Olivia's browser page and album, kept for the second test. */
let olivia: WebPerson;
let oPage: Page;
let oErrors: string[];
let albums: Albums;
let albumId: string;
const ALBUM = 'Porto weekend';

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'obscura-invite-'));
  const port = await freePort();
  [server, browser] = await Promise.all([
    startServerProcess({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` } }),
    launchBrowser(),
  ]);
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  if (server) await removeDir(server.dataDir);
  if (work) await removeDir(work);
});

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const ctx = await newAppContext(browser);
  contexts.push(ctx);
  const page = await ctx.newPage();
  return { page, errors: watchErrors(page) };
}

async function photo(name: string, seed: number): Promise<string> {
  const path = join(work, name);
  await writeFile(path, await makeJpeg({ width: 320, height: 240, capturedAt: new Date(Date.UTC(2024, 7, seed, 10)), make: 'Obscura', model: 'Test', seed }));
  return path;
}

const fingerprintIn = async (page: Page, label: string): Promise<string> => {
  const el = page.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
  await el.first().waitFor();
  return (await el.first().getAttribute('aria-label'))!.slice(label.length + 2);
};

test('invite an email without an account: sign-up link, code, waiting, finish sharing with the same fingerprint, accept; cancel', screenshotsOnFailure(contexts, 'invite-without-account', async () => {
  // ---- Olivia (made through the SDK, quicker than the sign-up screen) has an album with two photos.
  olivia = newWebPerson('Olivia');
  await Session.signup({ ...fastOptions(server.url), email: olivia.email, password: olivia.password, displayName: olivia.name });
  const photoIds = await seedPhotos(server.url, olivia, [await photo('porto-1.jpg', 1), await photo('porto-2.jpg', 2)]);
  const oliviaSdk = await Session.login({ ...fastOptions(server.url), email: olivia.email, password: olivia.password });
  albums = new Albums(nodeLibrary(oliviaSdk));
  ({ albumId } = await albums.create(ALBUM));
  await albums.addPhotos(albumId, photoIds);

  const o = await newPage();
  [oPage, oErrors] = [o.page, o.errors];
  await logInInBrowser(o.page, server.url, olivia);

  // ---- The share dialog: two addresses without an account.
  const nina = newWebPerson('Nina');
  const other = `nobody-${process.pid}@example.org`;
  await o.page.goto(`${server.url}/albums/${albumId}`);
  await o.page.getByRole('heading', { name: ALBUM, level: 1 }).waitFor();
  await o.page.getByRole('button', { name: 'Share', exact: true }).click();
  const dialog = o.page.getByRole('dialog', { name: `Share “${ALBUM}”` });
  await dialog.getByRole('heading', { name: 'People with access' }).waitFor();
  const field = dialog.getByLabel('Email addresses');
  await field.fill(`${nina.email}, ${other}`);
  await field.press('Enter');
  const chips = dialog.getByRole('list', { name: 'People to invite' });
  for (const e of [nina.email, other]) {
    await chips.getByRole('listitem').filter({ hasText: e }).getByText('no account yet — gets an invitation to sign up').waitFor();
  }
  await screenshot(o.page, 'share-dialog-no-account-chips');
  const seen0 = await readOutbox(server.dataDir);
  await dialog.getByRole('button', { name: 'Share', exact: true }).click();
  await dialog.getByText(`Invited ${nina.email} and ${other} to sign up`, { exact: false }).waitFor();
  const row = (email: string) => dialog.getByRole('listitem').filter({ has: o.page.getByText(email, { exact: true }) });
  for (const e of [nina.email, other]) {
    await row(e).getByText('invited — no account yet', { exact: true }).waitFor();
    await row(e).getByText(/expires on /).waitFor();
  }
  await row(other).scrollIntoViewIfNeeded();
  await screenshot(o.page, 'share-dialog-invited-no-account');

  // ---- Cancel one from the dialog: its row goes, the server no longer lists it.
  await dialog.getByRole('button', { name: `Cancel the invitation to ${other}` }).click();
  await dialog.getByRole('status').filter({ hasText: `The invitation to ${other} was cancelled.` }).waitFor();
  await row(other).waitFor({ state: 'detached' });
  assert.deepEqual((await albums.externalInvitations(albumId)).map((x) => [x.email, x.status]), [[nina.email, 'pending']]);
  await dialog.getByRole('button', { name: 'Close' }).click();

  // ---- The mail to Nina links to sign-up with her address; the other address got its own.
  const invitation = await newMailTo(server.dataDir, nina.email, seen0);
  assert.equal(invitation.subject, '"Olivia" invited you to an album on Obscura');
  await newMailTo(server.dataDir, other, seen0);
  const link = /^Create one here: (\S+)$/m.exec(invitation.text)?.[1];
  assert.equal(link, `${server.url}/signup?email=${encodeURIComponent(nina.email)}&invited=1`);

  // ---- Nina, in her own browser: the email is filled; Send code; a wrong code says the tries left; the right one signs her up.
  const n = await newPage();
  await n.page.goto(link);
  await n.page.getByRole('heading', { name: 'Create your Obscura account' }).waitFor();
  assert.equal(await n.page.getByLabel('Email', { exact: true }).inputValue(), nina.email);
  const seen1 = await readOutbox(server.dataDir);
  await n.page.getByRole('button', { name: 'Send code' }).click();
  await n.page.getByText(`We sent a code to ${nina.email}.`, { exact: false }).waitFor();
  const codeMail = await newMailTo(server.dataDir, nina.email, seen1);
  const code = /^\s+(\d{4} \d{4})\s*$/m.exec(codeMail.text)?.[1];
  assert.ok(code, codeMail.text);
  const wrong = code.startsWith('0') ? '1111 1111' : '0000 0000';
  await n.page.getByLabel('Your name').fill(nina.name);
  await n.page.getByLabel('Password', { exact: true }).fill(nina.password);
  await n.page.getByLabel('Password again').fill(nina.password);
  await n.page.getByLabel('Confirmation code').fill(wrong);
  await n.page.getByRole('button', { name: 'Create account' }).click();
  await n.page.getByRole('alert').filter({ hasText: /^The code is wrong; 4 tries left\.$/ }).waitFor();
  await screenshot(n.page, 'signup-invited-wrong-code');
  await n.page.getByLabel('Confirmation code').fill(code);
  await n.page.getByRole('button', { name: 'Create account' }).click();
  await n.page.getByRole('heading', { name: 'Save your recovery key' }).waitFor();
  await n.page.getByLabel('I have saved my recovery key somewhere safe').check();
  await n.page.getByRole('button', { name: 'Continue' }).click();

  // ---- She lands in Shared with me: the invitation waits for Olivia, with her own fingerprint.
  await n.page.getByRole('heading', { name: 'Shared with me', level: 1 }).waitFor();
  const waiting = n.page.getByRole('article', { name: /Olivia invited you to an album/ });
  await waiting.getByText('invited you to an album — waiting for Olivia to finish sharing', { exact: false }).waitFor();
  const ninaFp = await fingerprintIn(n.page, 'Your key fingerprint');
  await screenshot(n.page, 'shared-with-me-waiting');

  // ---- Olivia's app, on its next load, says so; the Review dialog shows the same fingerprint; the button finishes.
  await o.page.reload();
  const notice = o.page.getByRole('region', { name: 'Sharing to finish' });
  await notice.getByText(`signed up and waits for you to finish sharing the album “${ALBUM}”`, { exact: false }).waitFor();
  assert.deepEqual((await albums.members(albumId)).map((m) => m.email), [olivia.email], 'nothing was sealed before the button');
  await notice.getByRole('button', { name: 'Review' }).click();
  const review = o.page.getByRole('dialog', { name: 'Finish sharing' });
  const item = review.getByRole('listitem').filter({ hasText: nina.email });
  await item.getByText(`Album “${ALBUM}”`, { exact: true }).waitFor();
  await item.getByText(nina.name, { exact: true }).waitFor();
  assert.equal(await fingerprintIn(o.page, `Fingerprint of ${nina.email}`), ninaFp, 'both see the same fingerprint');
  await screenshot(o.page, 'finish-sharing-review');
  await item.getByRole('button', { name: `Finish sharing with ${nina.email}` }).click();
  await review.getByRole('status').filter({ hasText: `Shared the album “${ALBUM}” with ${nina.name} <${nina.email}>.` }).waitFor();
  await review.getByText('Nobody else is waiting.').waitFor();
  await review.getByRole('button', { name: 'Close' }).click();
  await notice.waitFor({ state: 'detached' });

  // ---- Nina accepts the invitation and sees the photos.
  await n.page.reload();
  const card = n.page.getByRole('article', { name: `Album “${ALBUM}”` });
  await card.getByLabel(`Fingerprint of ${olivia.email}`, { exact: false }).waitFor();
  assert.equal(await n.page.getByRole('article', { name: /Olivia invited you to an album/ }).count(), 0, 'no longer waiting');
  await card.getByRole('button', { name: 'Accept' }).click();
  await n.page.getByRole('heading', { name: ALBUM, level: 1 }).waitFor();
  for (const name of ['porto-1.jpg', 'porto-2.jpg']) {
    const img = n.page.getByAltText(name, { exact: true });
    await img.waitFor();
    assert.ok(await img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0), `${name} is shown`);
  }
  assert.deepEqual((await albums.externalInvitations(albumId)), [], 'the invitation is done');
  assert.deepEqual([...o.errors, ...n.errors], []);
}));

test('an account made without the code confirms its email in Settings; the share dialog then shows the key to confirm, or cancels', screenshotsOnFailure(contexts, 'invite-without-account', async () => {
  // Olivia invites Sam's address (through the SDK); Sam signs up without a code (this server does not require one).
  const sam = newWebPerson('Sam');
  await albums.share(albumId, [sam.email], { role: 'editor' });
  const { session } = await Session.signup({ ...fastOptions(server.url), email: sam.email, password: sam.password, displayName: sam.name });
  const samFp = await session.fingerprint();
  assert.deepEqual((await albums.externalInvitations(albumId)).map((x) => x.status), ['pending'], 'not theirs before the address is proved');

  const s = await newPage();
  await logInInBrowser(s.page, server.url, sam);
  await s.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const account = s.page.locator('section').filter({ has: s.page.getByRole('heading', { name: 'Account', level: 2 }) });
  await account.getByText('not confirmed', { exact: true }).waitFor();
  await account.getByRole('button', { name: 'Confirm', exact: true }).click();
  const seen = await readOutbox(server.dataDir);
  await account.getByRole('button', { name: 'Send code' }).click();
  await account.getByText(`We sent a code to ${sam.email}.`, { exact: false }).waitFor();
  const code = /^\s+(\d{4} \d{4})\s*$/m.exec((await newMailTo(server.dataDir, sam.email, seen)).text)?.[1];
  assert.ok(code);
  await account.getByLabel('Confirmation code').fill(code);
  await account.getByRole('button', { name: 'Confirm email' }).click();
  await account.getByRole('status').filter({ hasText: 'Your email is confirmed. 1 invitation is now yours: it waits for its sender to finish sharing.' }).waitFor();
  await account.getByText('confirmed', { exact: true }).waitFor();
  await screenshot(s.page, 'settings-email-confirmed');

  // Olivia's share dialog: signed up, the fingerprint, Finish sharing (which says what it does), and Cancel.
  await oPage.goto(`${server.url}/albums/${albumId}`);
  await oPage.getByRole('button', { name: 'Share', exact: true }).click();
  const dialog = oPage.getByRole('dialog', { name: `Share “${ALBUM}”` });
  const row = dialog.getByRole('listitem').filter({ has: oPage.getByText(sam.email, { exact: true }) });
  await row.getByText('signed up — waiting for you to confirm their key', { exact: true }).waitFor();
  await row.getByLabel(`Fingerprint of ${sam.email}: ${samFp}`).waitFor();
  const finish = row.getByRole('button', { name: `Finish sharing with ${sam.email}` });
  assert.match(await finish.getAttribute('aria-describedby').then((id) => oPage.locator(`[id="${id}"]`).textContent()) ?? '', /checks this key and seals the album “Porto weekend” to it/);
  await row.scrollIntoViewIfNeeded();
  await screenshot(oPage, 'share-dialog-signed-up');
  await row.getByRole('button', { name: `Cancel the invitation to ${sam.email}` }).click();
  await row.waitFor({ state: 'detached' });
  assert.deepEqual(await albums.externalInvitations(albumId), []);
  assert.ok(!(await albums.members(albumId)).some((m) => m.email === sam.email), 'nothing was sealed to Sam');
  assert.deepEqual([...oErrors, ...s.errors], []);
}));
