// The app is served at / with its security headers and signs a person up in a real browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newAppContext, watchErrors } from '../support/browser.ts';
import { startServerProcess, removeDir } from '../support/server-process.ts';

test('web app: served at /, sign up, recovery key, photos page', async () => {
  const server = await startServerProcess();
  const browser = await launchBrowser();
  try {
    const res = await fetch(`${server.url}/albums/x`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /connect-src 'self'/);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    const api404 = await fetch(`${server.url}/api/nope`);
    assert.equal(api404.status, 404);
    assert.equal(((await api404.json()) as { error: { code: string } }).error.code, 'not-found');

    const context = await newAppContext(browser);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Email').fill('ana@example.com');
    await page.getByLabel('Your name').fill('Ana');
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
    await page.getByLabel('Password again').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Save your recovery key' }).waitFor();
    const key = await page.getByLabel('Recovery key', { exact: true }).textContent();
    assert.ok(key && key.length > 20);
    await page.getByLabel('I have saved my recovery key somewhere safe').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Photos', level: 1 }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Photos', level: 1 }).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.stop();
    await removeDir(server.dataDir);
  }
});
