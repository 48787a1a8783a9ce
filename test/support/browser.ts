// Real-browser tests: Debian's Chromium driven by playwright-core (never a downloaded browser).
// `ensureChromium` installs the Debian package when it is missing (the test command needs no
// manual step); pages are served by a real server process from http://127.0.0.1.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from './server-process.ts';

export const CHROMIUM = process.env.OBSCURA_CHROMIUM ?? '/usr/bin/chromium';
export const screenshotDir = join(repoRoot, 'test-output', 'screenshots');

let ensured = false;
/** Finds Chromium, installing Debian's package with apt-get when it is missing. */
export function ensureChromium(): string {
  if (ensured || existsSync(CHROMIUM)) { ensured = true; return CHROMIUM; }
  const run = (args: string[]) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  let r = run(['install', '-y', '-q', 'chromium']);
  if (r.status !== 0) {
    run(['update', '-q']);
    r = run(['install', '-y', '-q', 'chromium']);
  }
  if (r.status !== 0 || !existsSync(CHROMIUM)) {
    throw new Error(`browser tests need Chromium at ${CHROMIUM}: "apt-get install -y chromium" failed (exit ${r.status}); install it, or set OBSCURA_CHROMIUM`);
  }
  ensured = true;
  return CHROMIUM;
}

/** The built web app must exist (npm test builds it first; a lone test run builds it here). */
export function ensureWebBuilt(): void {
  if (existsSync(join(repoRoot, 'apps/web/dist/index.html'))) return;
  const r = spawnSync('npm', ['run', 'build:web'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the web app failed (npm run build:web)');
}

export async function launchBrowser(): Promise<Browser> {
  ensureWebBuilt();
  return chromium.launch({
    executablePath: ensureChromium(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface AppContextOptions {
  /** Phone: 390×844 with touch; desktop (default): 1280×800. */
  readonly phone?: boolean;
  /** Weak test-only password stretching (default true: Argon2 at 64 MiB per login is slow under test). */
  readonly fastKdf?: boolean;
}

/** A fresh browser profile (its own IndexedDB), as one person on one device. */
export async function newAppContext(browser: Browser, opts: AppContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: opts.phone ? { width: 390, height: 844 } : { width: 1280, height: 800 },
    ...(opts.phone ? { hasTouch: true, isMobile: true, deviceScaleFactor: 2 } : {}),
    acceptDownloads: true,
    locale: 'en-GB',
    timezoneId: 'Europe/Paris',
  });
  if (opts.fastKdf !== false) await context.addInitScript(() => { localStorage.setItem('obscura.insecureFastKdf', '1'); });
  return context;
}

/** Collects page errors and console errors; tests assert the list is empty at the end. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  return errors;
}

/** Saves a screenshot under test-output/screenshots (the best are copied to docs/screenshots by hand). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** Runs a test's steps; when one fails, every open page of `contexts` is saved as a screenshot (`fail-<prefix>-<n>`) to see why. */
export function screenshotsOnFailure(contexts: readonly BrowserContext[], prefix: string, fn: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await fn();
    } catch (e) {
      let n = 0;
      for (const c of contexts) for (const pg of c.pages()) await screenshot(pg, `fail-${prefix}-${++n}`).catch(() => undefined);
      throw e;
    }
  };
}
