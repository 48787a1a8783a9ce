// Account screens, Settings, the phone frame and the PWA shell, in Debian's Chromium against a
// real server process: sign up (with its checks and the recovery key), log out and in, the
// three login failures told apart (wrong password, too many attempts, no server), staying
// logged in across reloads, Settings (fingerprint equal to the SDK's, storage, password change,
// sessions, ending another device's session), recovery with the recovery key, the bottom bar at
// phone width, and the service worker that caches the shell and never the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { Session } from '@obscura/sdk';
import { nodeLibrary, uploadPath } from '@obscura/sdk/node';
import { launchBrowser, newAppContext, screenshot, watchErrors } from '../support/browser.ts';
import { startServerProcess, removeDir } from '../support/server-process.ts';
import { newWebPerson, sdkSession, type WebPerson } from '../support/web-app.ts';
import { fastOptions } from '../support/sdk.ts';
import { makeJpeg } from '../support/fixtures.ts';

/** Errors a test causes on purpose show in the console as failed requests; anything else fails the test. */
const unexpected = (errors: string[]) => errors.filter((e) => !/Failed to load resource: the server responded with a status of (401|403|429)/.test(e));

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function logIn(page: Page, server: string, email: string, password: string): Promise<void> {
  await page.goto(`${server}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function openSettings(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
}

const sessionItems = (page: Page): Locator => page.getByRole('list', { name: 'Sessions' }).getByRole('listitem');

/** A PNG's width and height, from its IHDR chunk. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'a PNG signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

test('web account: sign up, recovery key, log out/in, reload, settings, password, sessions, recovery, phone, PWA', async () => {
  // A roomy login limit: this test logs in about ten times from one address within a minute.
  const server = await startServerProcess({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '100' } });
  const browser = await launchBrowser();
  const photoDir = await mkdtemp(join(tmpdir(), 'obscura-account-e2e-'));
  const contexts: BrowserContext[] = [];
  const newContext = async (phone = false) => { const c = await newAppContext(browser, { phone }); contexts.push(c); return c; };
  try {
    const ana: WebPerson = newWebPerson('Ana');
    const a = await (await newContext()).newPage();
    const errorsA = watchErrors(a);

    // --- Sign up: a weak password gets the hint, two different passwords are refused. ---
    await a.goto(server.url);
    await a.getByRole('heading', { name: 'Log in to Obscura' }).waitFor();
    await a.getByRole('link', { name: 'Create an account' }).click();
    await a.getByLabel('Email').fill(ana.email);
    await a.getByLabel('Your name').fill(ana.name);
    await a.getByLabel('Password', { exact: true }).fill('password1');
    await a.getByText('Strength: Weak: use a longer passphrase').waitFor();
    await a.getByLabel('Password', { exact: true }).fill(ana.password);
    await a.getByLabel('Password again').fill(`${ana.password}x`);
    await a.getByText('The two passwords differ', { exact: true }).waitFor();
    await a.getByRole('button', { name: 'Create account' }).click();
    await a.getByRole('alert').filter({ hasText: 'The two passwords differ: type the same password twice.' }).waitFor();
    await a.getByLabel('Password again').fill(ana.password);
    await screenshot(a, 'signup-desktop');
    await a.getByRole('button', { name: 'Create account' }).click();

    // --- The recovery key: shown once, Continue only after confirming it was saved. ---
    await a.getByRole('heading', { name: 'Save your recovery key' }).waitFor();
    ana.recoveryKey = (await a.getByLabel('Recovery key', { exact: true }).textContent())?.trim();
    assert.match(ana.recoveryKey ?? '', /^([0-9A-Z]{4}-){13}[0-9A-Z]{4}$/, 'the key, in 14 groups of 4');
    const continueButton = a.getByRole('button', { name: 'Continue' });
    assert.equal(await continueButton.isDisabled(), true, 'Continue waits for the confirmation');
    await a.getByRole('button', { name: 'Download' }).waitFor();
    const download = a.waitForEvent('download');
    await a.getByRole('button', { name: 'Download' }).click();
    const file = await download;
    assert.equal(file.suggestedFilename(), 'obscura-recovery-key.txt');
    const saved = join(photoDir, 'key.txt');
    await file.saveAs(saved);
    const { readFile } = await import('node:fs/promises');
    assert.match(await readFile(saved, 'utf8'), new RegExp(ana.recoveryKey!));
    await screenshot(a, 'recovery-key-desktop');
    await a.getByLabel('I have saved my recovery key somewhere safe').check();
    await continueButton.click();
    await a.getByRole('heading', { name: 'Photos', level: 1 }).waitFor();

    // --- PWA: the manifest and its icons, the service worker, a cache with the shell and no API. ---
    const manifestRes = await fetch(`${server.url}/manifest.webmanifest`);
    assert.equal(manifestRes.status, 200);
    const manifest = (await manifestRes.json()) as { name: string; short_name: string; start_url: string; display: string; theme_color: string; background_color: string; icons: { src: string; sizes: string; type: string; purpose?: string }[] };
    assert.equal(manifest.start_url, '/photos');
    assert.equal(manifest.display, 'standalone');
    assert.ok(manifest.name && manifest.short_name && manifest.theme_color && manifest.background_color);
    for (const size of [192, 512]) assert.ok(manifest.icons.some((i) => i.sizes === `${size}x${size}` && i.type === 'image/png'), `a ${size} px PNG icon`);
    assert.ok(manifest.icons.some((i) => i.purpose?.split(' ').includes('maskable')), 'a maskable icon');
    for (const icon of manifest.icons) {
      const r = await fetch(new URL(icon.src, server.url));
      assert.equal(r.status, 200, icon.src);
      assert.equal(r.headers.get('content-type')?.split(';')[0], icon.type, icon.src);
      if (icon.type === 'image/png') {
        const { width, height } = pngSize(new Uint8Array(await r.arrayBuffer()));
        assert.equal(`${width}x${height}`, icon.sizes, icon.src);
      }
    }
    const sw = await a.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      return { script: reg.active?.scriptURL ?? '', scope: reg.scope };
    });
    assert.equal(sw.script, `${server.url}/sw.js`);
    assert.equal(sw.scope, `${server.url}/`);

    // --- A reload keeps you logged in (and is now served through the service worker). ---
    await a.reload();
    await a.getByRole('heading', { name: 'Photos', level: 1 }).waitFor();
    assert.equal(await a.evaluate(() => navigator.serviceWorker.controller !== null), true, 'the page is controlled by the service worker');

    // Ana's library gets a photo (through the SDK in Node), so the storage bar has something to show.
    const node = await sdkSession(server.url, ana);
    const jpeg = join(photoDir, 'IMG_0001.jpg');
    await writeFile(jpeg, await makeJpeg({ width: 640, height: 480, capturedAt: new Date('2024-05-01T10:00:00Z'), make: 'Canon', model: 'EOS R6', seed: 7 }));
    const uploaded = await uploadPath(nodeLibrary(node), jpeg);
    assert.equal(uploaded.status, 'uploaded');
    const sdkFingerprint = await node.fingerprint();
    const usage = (await node.me()).storage;
    assert.ok(usage.usedBytes > 0);
    await node.logout();

    // --- Settings: account, fingerprint equal to the SDK's, storage bar. ---
    await openSettings(a);
    const fingerprint = a.getByRole('group', { name: 'Your fingerprint' });
    await fingerprint.waitFor();
    assert.equal((await fingerprint.textContent())?.replace(/\s+/g, ' ').trim(), sdkFingerprint, 'the fingerprint others compare is the SDK\'s');
    assert.match(sdkFingerprint, /^(\d{5} ){7}\d{5}$/);
    const meter = a.getByRole('meter', { name: 'Storage used' });
    await meter.waitFor();
    assert.match((await meter.getAttribute('aria-valuetext')) ?? '', /^[\d.]+ [KMG]?B of [\d.]+ [KMGT]?B used$/);
    assert.equal(Number(await meter.getAttribute('aria-valuenow')), usage.usedBytes);
    await a.getByText('Your photos and videos:').waitFor();
    await a.getByText('Photos editors added to your albums:').waitFor();
    await a.getByText('Unfinished uploads:').waitFor();
    await a.getByRole('main').getByText(ana.email, { exact: true }).waitFor();
    await sessionItems(a).first().waitFor();
    assert.equal(await sessionItems(a).count(), 1, 'the Node session logged out: only this browser is left');
    await sessionItems(a).getByText('This device').waitFor();
    await screenshot(a, 'settings-desktop');

    // The service worker's cache: the shell (index.html, /assets/*), never an API answer.
    const cached = await a.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
      return urls;
    });
    assert.ok(cached.includes('/index.html'), `the shell is cached: ${cached.join(', ')}`);
    assert.ok(cached.some((u) => u.startsWith('/assets/')), 'the built files are cached');
    assert.deepEqual(cached.filter((u) => u.startsWith('/api')), [], 'nothing from the API is cached');

    // --- Change password: a wrong current one is said in words; the right one works. ---
    const newPassword = 'a brand new horse battery';
    await a.getByLabel('Current password').fill('not my password at all');
    await a.getByLabel('New password', { exact: true }).fill(newPassword);
    await a.getByLabel('New password again').fill(newPassword);
    await a.getByText('Every other device is logged out').waitFor();
    await a.getByRole('button', { name: 'Change password' }).click();
    await a.getByRole('alert').filter({ hasText: 'The current password is wrong; nothing was changed.' }).waitFor();
    await a.getByLabel('Current password').fill(ana.password);
    await a.getByRole('button', { name: 'Change password' }).click();
    await a.getByText('Your password was changed.').waitFor();
    const oldPassword = ana.password;
    const loggedInEverywhere = { ...ana, password: newPassword };

    // --- Log out; the old password no longer opens the account, the new one does. ---
    await a.getByRole('button', { name: 'Log out' }).click();
    await a.getByRole('heading', { name: 'Log in to Obscura' }).waitFor();
    await logIn(a, server.url, ana.email, oldPassword);
    await a.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    await logIn(a, server.url, ana.email, newPassword);
    await a.getByRole('heading', { name: 'Photos', level: 1 }).waitFor();

    // --- Sessions: a second device appears; ending it sends it to log in on its next action. ---
    const b = await (await newContext()).newPage();
    await logIn(b, server.url, ana.email, newPassword);
    await b.getByRole('heading', { name: 'Photos', level: 1 }).waitFor();
    await openSettings(a);
    await waitUntil('two sessions listed', async () => (await sessionItems(a).count()) === 2);
    await a.getByRole('button', { name: /^End session: (?!this device)/ }).click();
    const confirm = a.getByRole('dialog', { name: 'End this session?' });
    await confirm.getByText('is logged out at its next action').waitFor();
    await confirm.getByRole('button', { name: 'End session' }).click();
    await waitUntil('one session left', async () => (await sessionItems(a).count()) === 1);
    await sessionItems(a).getByText('This device').waitFor();
    // B's next action (opening Settings) is refused by the server: B lands on log in, told why.
    await b.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await b.getByRole('heading', { name: 'Log in to Obscura' }).waitFor();
    await b.getByText(/You were logged out: this session was ended/).waitFor();

    // A third device, ended while it is away: its next reload lands on log in, told why.
    const c = await (await newContext()).newPage();
    await logIn(c, server.url, ana.email, newPassword);
    await c.getByRole('heading', { name: 'Photos', level: 1 }).waitFor();
    await a.reload();
    await a.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await waitUntil('two sessions listed again', async () => (await sessionItems(a).count()) === 2);
    await a.getByRole('button', { name: /^End session: (?!this device)/ }).click();
    await a.getByRole('dialog', { name: 'End this session?' }).getByRole('button', { name: 'End session' }).click();
    await waitUntil('one session left again', async () => (await sessionItems(a).count()) === 1);
    await c.reload();
    await c.getByRole('heading', { name: 'Log in to Obscura' }).waitFor();
    await c.getByText(/You were logged out: this session was ended/).waitFor();
    assert.deepEqual(unexpected(errorsA), []);

    // --- Recover with the recovery key: a wrong key is refused in words, the right one sets a new password. ---
    const r = await (await newContext()).newPage();
    const errorsR = watchErrors(r);
    await r.goto(`${server.url}/login`);
    await r.getByRole('link', { name: 'Forgot your password?' }).click();
    await r.getByRole('heading', { name: 'Set a new password with your recovery key' }).waitFor();
    const recovered = 'recovered horse battery staple';
    await r.getByLabel('Email').fill(ana.email);
    await r.getByLabel('Recovery key', { exact: true }).fill('AAAA-BBBB-CCCC');
    await r.getByLabel('New password', { exact: true }).fill(recovered);
    await r.getByLabel('New password again').fill(recovered);
    await r.getByRole('button', { name: 'Set new password' }).click();
    await r.getByRole('alert').filter({ hasText: /Recovery key has 12 characters, expected 56.*Nothing was changed/ }).waitFor();
    await r.getByLabel('Recovery key', { exact: true }).fill(ana.recoveryKey!.toLowerCase());
    await r.getByRole('button', { name: 'Set new password' }).click();
    await r.getByRole('heading', { name: 'Photos', level: 1 }).waitFor();
    // Recovery ended every other session, A's too: A's next action sends it to log in.
    await a.reload();
    await a.getByRole('heading', { name: 'Log in to Obscura' }).waitFor();
    // The recovered password works (and the changed one no longer does), in the browser and the SDK.
    await logIn(a, server.url, ana.email, loggedInEverywhere.password);
    await a.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    await logIn(a, server.url, ana.email, recovered);
    await a.getByRole('heading', { name: 'Photos', level: 1 }).waitFor();
    const again = await Session.login({ ...fastOptions(server.url), email: ana.email, password: recovered });
    assert.equal(await again.fingerprint(), sdkFingerprint, 'the same keys after recovery');
    await again.logout();
    assert.deepEqual(unexpected(errorsR), []);

    // --- Phone width: the bottom bar with all five destinations; name and Log out in Settings. ---
    const p = await (await newContext(true)).newPage();
    const errorsP = watchErrors(p);
    await logIn(p, server.url, ana.email, recovered);
    await p.getByRole('heading', { name: 'Photos', level: 1 }).waitFor();
    const nav = p.getByRole('navigation', { name: 'Main' });
    const viewport = p.viewportSize()!;
    const boxes: { name: string; x: number; y: number; width: number; height: number }[] = [];
    for (const name of ['Photos', 'Albums', 'Shared', 'Shared with me', 'Settings']) {
      const link = nav.getByRole('link', { name, exact: true });
      await link.waitFor();
      const box = (await link.boundingBox())!;
      boxes.push({ name, ...box });
      assert.ok(box.height >= 44 && box.width >= 44, `${name}: a tap target of at least 44 px (${box.width}×${box.height})`);
      assert.ok(box.y + box.height <= viewport.height + 0.5 && box.y > viewport.height * 0.8, `${name}: in the bottom bar (y=${box.y})`);
      assert.ok(box.x >= 0 && box.x + box.width <= viewport.width + 0.5, `${name}: fits the width`);
    }
    for (let i = 1; i < boxes.length; i++) assert.ok(boxes[i]!.x >= boxes[i - 1]!.x + boxes[i - 1]!.width - 0.5, 'side by side, no overlap');
    await nav.getByRole('link', { name: 'Shared with me', exact: true }).click();
    await p.waitForURL(/\/shared-with-me$/);
    await nav.getByRole('link', { name: 'Settings', exact: true }).click();
    await p.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await p.getByRole('group', { name: 'Your fingerprint' }).waitFor();
    await p.getByRole('main').getByText(ana.name, { exact: true }).waitFor();
    const logOut = p.getByRole('button', { name: 'Log out' });
    await logOut.waitFor();
    assert.ok(((await logOut.boundingBox())?.height ?? 0) >= 44, 'Log out is a 44 px tap target');
    await screenshot(p, 'settings-phone');
    // Dialogs are bottom sheets on a phone: full width, on the bottom edge.
    await p.getByRole('button', { name: 'End session: this device' }).click();
    const sheet = p.getByRole('dialog', { name: 'End this device\'s session?' });
    await sheet.getByRole('button', { name: 'Cancel' }).waitFor();
    const sheetBox = (await sheet.boundingBox())!;
    assert.ok(Math.abs(sheetBox.width - viewport.width) < 1, `the sheet spans the width (${sheetBox.width})`);
    assert.ok(Math.abs(sheetBox.y + sheetBox.height - viewport.height) < 1, `the sheet sits on the bottom edge (${sheetBox.y}+${sheetBox.height})`);
    await screenshot(p, 'end-session-sheet-phone');
    await sheet.getByRole('button', { name: 'Cancel' }).click();
    await sheet.waitFor({ state: 'hidden' });
    await logOut.click();
    await p.getByRole('heading', { name: 'Log in to Obscura' }).waitFor();
    await screenshot(p, 'login-phone');
    assert.deepEqual(unexpected(errorsP), []);
  } finally {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser.close();
    await server.stop();
    await removeDir(server.dataDir);
    await rm(photoDir, { recursive: true, force: true });
  }
});

test('web login failures told apart: wrong password, too many attempts (with a countdown), server down', async () => {
  const server = await startServerProcess({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '3' } });
  const browser = await launchBrowser();
  let stopped = false;
  try {
    const ben = newWebPerson('Ben');
    const { session } = await Session.signup({ ...fastOptions(server.url), email: ben.email, displayName: ben.name, password: ben.password });
    await session.logout();

    const page = await (await newAppContext(browser)).newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill(ben.email);
    const password = page.getByLabel('Password');
    const logInButton = page.getByRole('button', { name: 'Log in' });
    // The limit is 3 login attempts a minute per address and email: three wrong passwords are
    // told as such, the fourth attempt is refused with the wait.
    for (let i = 1; i <= 3; i++) {
      await password.fill(`wrong password ${i}`);
      await logInButton.click();
      await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
      await waitUntil('the button is back', async () => logInButton.isEnabled());
    }
    await password.fill(ben.password);
    await logInButton.click();
    const limited = page.getByRole('alert').filter({ hasText: /^Too many attempts, try again in \d+ s\.$/ });
    await limited.waitFor();
    const secondsOf = async () => Number(/in (\d+) s/.exec((await limited.textContent()) ?? '')?.[1]);
    const first = await secondsOf();
    assert.ok(first > 0 && first <= 60, `a wait of ${first} s`);
    assert.equal(await logInButton.isDisabled(), true, 'Log in waits for the countdown');
    await waitUntil('the countdown counts down', async () => (await secondsOf()) < first, 5_000);

    // The server goes away: the page says it cannot reach it (not "wrong password").
    const other = await (await newAppContext(browser)).newPage();
    const otherErrors = watchErrors(other);
    await other.goto(`${server.url}/login`);
    await other.getByLabel('Email').fill(ben.email);
    await other.getByLabel('Password').fill(ben.password);
    await server.stop();
    stopped = true;
    await other.getByRole('button', { name: 'Log in' }).click();
    await other.getByRole('alert').filter({ hasText: 'Cannot reach the server. Check your connection and try again.' }).waitFor();
    const isNetworkError = (e: string) => /Failed to load resource: net::ERR_CONNECTION_REFUSED/.test(e);
    assert.deepEqual(unexpected(errors), []);
    assert.deepEqual(unexpected(otherErrors).filter((e) => !isNetworkError(e)), []);
  } finally {
    await browser.close();
    if (!stopped) await server.stop();
    await removeDir(server.dataDir);
  }
});
