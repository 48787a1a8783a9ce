// Shared steps of the browser tests: people sign up and log in the way a person does (by
// labels and button names), and photos can be seeded through the SDK in Node when a test is
// about something else than uploading.
import assert from 'node:assert/strict';
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
