// Web app benchmark (not a test). Run: npm run bench:web [-- --photos N]
// In Debian's Chromium (playwright-core) against a real server process on loopback, with a
// library of N photos (default 10,000) seeded through the SDK (set-up, not measured):
//  - time to the first thumbnail and to a fully rendered first screen of /photos, cold (this
//    browser has no copy of the timeline and no cached thumbnails; the session is kept) and
//    warm (second visit);
//  - long tasks (> 50 ms) on the page's main thread while scrolling the whole timeline;
//  - decrypt throughput in the page's worker: the SDK pipeline (verify each block against the
//    signed manifest + AES-256-GCM) vs raw WebCrypto AES-GCM over the same bytes.
// The bench account uses the test-only weak password stretching (log-in is not what is measured).
import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { Session, bytesSource, type Thumbnailer } from '@obscura/sdk';
import { nodeLibrary } from '@obscura/sdk/node';
import { makeJpeg } from '../test/support/fixtures.ts';
import { startServerProcess, removeDir } from '../test/support/server-process.ts';
import { fastOptions } from '../test/support/sdk.ts';
import { launchBrowser, newAppContext } from '../test/support/browser.ts';
import { logInInBrowser, type WebPerson } from '../test/support/web-app.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const PHOTOS = arg('photos', 10_000);
const MONTHS = 120;

const rows: [string, string, string][] = [];
const row = (label: string, value: string, target = '') => rows.push([label, value, target]);

/** Waits in the page until the first thumbnail shows, then until every tile on screen shows; times from navigation start. */
async function firstScreen(page: Page): Promise<{ firstMs: number; fullMs: number; tiles: number }> {
  return page.evaluate(() => new Promise<{ firstMs: number; fullMs: number; tiles: number }>((resolve, reject) => {
    let firstMs = 0;
    const deadline = performance.now() + 120_000;
    const check = () => {
      const vh = window.innerHeight;
      const tiles = [...document.querySelectorAll('[role=list] [role=listitem] button')].filter((t) => {
        const r = t.getBoundingClientRect();
        return r.bottom > 0 && r.top < vh && r.width > 0;
      });
      const done = tiles.filter((t) => {
        const img = t.querySelector('img');
        return (img && img.complete && img.naturalWidth > 0) || t.querySelector('[role=img]');
      });
      if (!firstMs && done.length > 0) firstMs = performance.now();
      if (tiles.length > 0 && done.length === tiles.length) { resolve({ firstMs, fullMs: performance.now(), tiles: tiles.length }); return; }
      if (performance.now() > deadline) { reject(new Error(`first screen not rendered: ${done.length}/${tiles.length} tiles`)); return; }
      requestAnimationFrame(check);
    };
    check();
  }));
}

/** Scrolls the timeline top to bottom one screen per frame; returns the long tasks seen meanwhile. */
async function scrollAll(page: Page): Promise<{ count: number; maxMs: number; frames: number; seconds: number }> {
  return page.evaluate(() => new Promise<{ count: number; maxMs: number; frames: number; seconds: number }>((resolve) => {
    const longTasks: number[] = [];
    const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration); });
    obs.observe({ type: 'longtask' });
    let el: HTMLElement | null = document.querySelector('[role=list]');
    while (el && !(el.scrollHeight > el.clientHeight + 10 && /(auto|scroll)/.test(getComputedStyle(el).overflowY))) el = el.parentElement;
    const scroller = el ?? document.scrollingElement as HTMLElement;
    let frames = 0;
    const t0 = performance.now();
    const step = () => {
      frames++;
      scroller.scrollTop += scroller.clientHeight;
      if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2) {
        setTimeout(() => { obs.disconnect(); resolve({ count: longTasks.length, maxMs: Math.max(0, ...longTasks), frames, seconds: (performance.now() - t0) / 1000 }); }, 500);
        return;
      }
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }));
}

/** Forgets this browser's copy of the timeline and its thumbnail cache (the session stays). */
async function dropCaches(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve, reject) => {
    const req = indexedDB.open('obscura');
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction(['kv', 'thumbs'], 'readwrite');
      tx.objectStore('thumbs').clear();
      const kv = tx.objectStore('kv');
      const keys = kv.getAllKeys();
      keys.onsuccess = () => { for (const k of keys.result) if (String(k).startsWith('sealed:timeline:')) kv.delete(k); };
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
    req.onerror = () => reject(req.error);
  }));
}

const server = await startServerProcess({ env: { DEFAULT_QUOTA_BYTES: String(1024 ** 4), AUTH_RATE_LIMIT_PER_MINUTE: '100000' } });
const browser = await launchBrowser();
try {
  const person: WebPerson = { email: 'bench@bench.example', name: 'Bench', password: 'bench password 1' };
  const { session } = await Session.signup({ ...fastOptions(server.url), email: person.email, password: person.password, displayName: person.name });
  const library = nodeLibrary(session);
  const bases = await Promise.all(Array.from({ length: MONTHS }, (_, m) =>
    makeJpeg({ width: 64, height: m % 3 === 0 ? 48 : m % 3 === 1 ? 64 : 36, capturedAt: new Date(Date.UTC(2016 + Math.floor(m / 12), m % 12, 3)), make: 'Bench', model: 'Cam', seed: m + 1 })));
  const t0 = performance.now();
  let next = 0;
  const seed = async () => {
    for (let i = next++; i < PHOTOS; i = next++) {
      const base = bases[i % MONTHS]!;
      const thumb: Thumbnailer = async () => ({ small: base, large: base, placeholder: false });
      const bytes = Buffer.concat([base, Buffer.from(`photo-${i}`)]); // distinct content after the JPEG end
      await library.upload(bytesSource(`IMG_${i}.jpg`, bytes, Date.UTC(2020, 0, 1)), { thumbnailer: thumb });
    }
  };
  await Promise.all(Array.from({ length: 8 }, seed));
  const seedS = (performance.now() - t0) / 1000;

  const context = await newAppContext(browser);
  const page = await context.newPage();
  await logInInBrowser(page, server.url, person);
  await firstScreen(page); // the first log-in syncs the whole library; not measured (cold below is a visit with no cache)

  await dropCaches(page);
  await page.goto(`${server.url}/photos`);
  const cold = await firstScreen(page);
  row(`cold visit, ${PHOTOS} photos (no timeline copy, no thumbnail cache): first thumbnail`, `${(cold.firstMs / 1000).toFixed(2)} s`);
  row(`cold visit: fully rendered first screen (${cold.tiles} tiles)`, `${(cold.fullMs / 1000).toFixed(2)} s`, '≤ 4 s');
  await page.goto(`${server.url}/photos`);
  const warm = await firstScreen(page);
  row('warm visit (second visit): first thumbnail', `${(warm.firstMs / 1000).toFixed(2)} s`);
  row(`warm visit: fully rendered first screen (${warm.tiles} tiles)`, `${(warm.fullMs / 1000).toFixed(2)} s`, '≤ 1.5 s');

  const scroll = await scrollAll(page);
  row(`scroll the whole timeline top to bottom (${scroll.frames} screens in ${scroll.seconds.toFixed(1)} s): long tasks > 50 ms`,
    `${scroll.count} (longest ${scroll.maxMs.toFixed(0)} ms)`, '0');

  const d = await page.evaluate(() => (globalThis as unknown as { obscuraBench: { decryptThroughput(m: number): Promise<{ pipelineMBps: number; rawMBps: number; ratio: number }> } }).obscuraBench.decryptThroughput(64));
  row('decrypt 64 MiB in the page\'s worker: SDK pipeline (verify + AES-GCM)', `${d.pipelineMBps.toFixed(0)} MB/s`);
  row('decrypt 64 MiB in the same worker: raw WebCrypto AES-GCM', `${d.rawMBps.toFixed(0)} MB/s`);
  row('pipeline / raw', `${d.ratio.toFixed(2)}×`, '≥ 0.7×');

  const version = browser.version();
  console.log(`Web benchmark: Chromium ${version} headless, server on loopback (SQLite + disk), node ${process.version}; set-up seeded ${PHOTOS} photos in ${seedS.toFixed(1)} s (not measured)`);
  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length)), 8];
  console.log(`| ${'measure'.padEnd(w[0]!)} | ${'result'.padEnd(w[1]!)} | target   |`);
  console.log(`|${'-'.repeat(w[0]! + 2)}|${'-'.repeat(w[1]! + 2)}|----------|`);
  for (const r of rows) console.log(`| ${r[0].padEnd(w[0]!)} | ${r[1].padEnd(w[1]!)} | ${r[2].padEnd(8)} |`);
} finally {
  await browser.close();
  await server.stop();
  await removeDir(server.dataDir);
}
