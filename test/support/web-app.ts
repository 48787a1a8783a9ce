// Shared steps of the browser tests: people sign up and log in the way a person does (by
// labels and button names), and photos can be seeded through the SDK in Node when a test is
// about something else than uploading.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Session } from '@obscura/sdk';
import { nodeLibrary, uploadPath } from '@obscura/sdk/node';
import { fastOptions } from './sdk.ts';

export interface WebPerson {
  readonly email: string;
  readonly name: string;
  readonly password: string;
  recoveryKey?: string;
}

let counter = 0;
export function newWebPerson(name: string): WebPerson {
  return { email: `${name.toLowerCase()}-${process.pid}-${++counter}@example.org`, name, password: `correct horse ${name} battery` };
}

/** Signs up through the app (from any page that leads to the login screen) and confirms the recovery key. */
export async function signUpInBrowser(page: Page, server: string, p: WebPerson): Promise<void> {
  await page.goto(`${server}/signup`);
  await page.getByLabel('Email').fill(p.email);
  await page.getByLabel('Your name').fill(p.name);
  await page.getByLabel('Password', { exact: true }).fill(p.password);
  await page.getByLabel('Password again').fill(p.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Save your recovery key' }).waitFor();
  p.recoveryKey = (await page.getByLabel('Recovery key', { exact: true }).textContent())?.trim();
  assert.ok(p.recoveryKey, 'the recovery key is shown');
  await page.getByLabel('I have saved my recovery key somewhere safe').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Photos', level: 1 }).waitFor();
}

export async function logInInBrowser(page: Page, server: string, p: WebPerson): Promise<void> {
  await page.goto(`${server}/login`);
  await page.getByLabel('Email').fill(p.email);
  await page.getByLabel('Password').fill(p.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Photos', level: 1 }).waitFor();
}

/** The same person's SDK session in Node (same weak test stretching as the browser's test setting). */
export async function sdkSession(server: string, p: WebPerson): Promise<Session> {
  return Session.login({ ...fastOptions(server), email: p.email, password: p.password });
}

/** Uploads files from disk into the person's library through the SDK; returns the file ids. */
export async function seedPhotos(server: string, p: WebPerson, paths: readonly string[]): Promise<string[]> {
  const session = await sdkSession(server, p);
  const library = nodeLibrary(session);
  const ids: string[] = [];
  for (const path of paths) {
    const r = await uploadPath(library, path);
    if (r.status === 'skipped') throw new Error(`seeding ${path}: ${r.reason}`);
    ids.push(r.fileId);
  }
  return ids;
}

/** A mail the server wrote into DATA_DIR/outbox (no SMTP_URL), decoded: recipient, subject, plain-text and HTML parts. */
export interface OutboxMail { readonly file: string; readonly to: string; readonly subject: string; readonly text: string; readonly html: string }

const qp = (s: string) => Buffer.from(s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
const mimeWords = (v: string) => v.replace(/\?=\s+=\?/g, '?==?').replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, w: string) => enc.toUpperCase() === 'B'
  ? Buffer.from(w, 'base64').toString('utf8') : qp(w.replace(/_/g, ' ')));

/** Every .eml file of the server's outbox (`dataDir/outbox`), oldest first, decoded. */
export async function readOutbox(dataDir: string): Promise<OutboxMail[]> {
  const dir = join(dataDir, 'outbox');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.eml')).sort();
  return Promise.all(names.map(async (file) => {
    const eml = await readFile(join(dir, file), 'utf8');
    const cut = eml.indexOf('\n\n');
    const head = eml.slice(0, cut).replace(/\n[ \t]+/g, ' ');
    const boundary = /boundary="([^"]+)"/.exec(head)?.[1];
    assert.ok(boundary, `${file} is multipart (text and HTML)`);
    const parts = eml.slice(cut + 2).split(`--${boundary}`).slice(1, -1).map((p) => {
      const [h, ...b] = p.replace(/^\n/, '').split('\n\n');
      const body = b.join('\n\n');
      return { type: /Content-Type: ([^;\n]+)/.exec(h!)?.[1], body: /quoted-printable/i.test(h!) ? qp(body) : body };
    });
    return {
      file, to: /^To: (.*)$/m.exec(head)![1]!, subject: mimeWords(/^Subject: (.*)$/m.exec(head)![1]!),
      text: parts.find((p) => p.type === 'text/plain')!.body, html: parts.find((p) => p.type === 'text/html')!.body,
    };
  }));
}

/** The one mail to `to` that was not among `seen` (the server writes its mails before it answers the request that sends them). */
export async function newMailTo(dataDir: string, to: string, seen: readonly OutboxMail[]): Promise<OutboxMail> {
  const fresh = (await readOutbox(dataDir)).filter((m) => m.to === to && !seen.some((s) => s.file === m.file));
  assert.equal(fresh.length, 1, `one new mail to ${to}`);
  return fresh[0]!;
}
