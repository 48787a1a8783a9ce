// Obscura's service worker: the app shell only.
//
// [Note: the service worker keeps the shell, never data] It caches index.html and the built
// files under /assets/ (scripts, styles, the crypto worker), so the app starts fast and opens
// offline to a screen that can say the server is unreachable. It never caches, and never even
// answers, a request to /api/: photos, thumbnails, album data and keys travel only between the
// crypto worker and the server, encrypted, and what the worker decrypts stays in its memory or
// in its own sealed store (see src/worker/vault.ts). There is no offline promise for data.
// - Pages (navigations): network first, so a deploy shows at once; the cached shell when offline.
// - /assets/*: cache first (their names carry a hash of their content: a cached file is never stale).
// - Everything else (API, icons, manifest, other origins): not touched.
// A new index.html (a new build) drops the previous build's assets from the cache.
'use strict';

const SHELL = 'obscura-shell-v1';
const INDEX = '/index.html';

const isApi = (url) => url.pathname === '/api' || url.pathname.startsWith('/api/');
const isAsset = (url) => url.pathname.startsWith('/assets/');
const assetsOf = (html) => [...new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"?#]+)"/g)].map((m) => m[1]))];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    try {
      const res = await fetch(INDEX, { cache: 'no-cache' });
      if (res.ok) {
        const html = await res.clone().text();
        await cache.put(INDEX, res);
        await cache.addAll(assetsOf(html));
      }
    } catch {
      // Offline while installing: the shell is cached on the next visit instead.
    }
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith('obscura-') && name !== SHELL) await caches.delete(name);
    await self.clients.claim();
  })());
});

/** Keeps the newest shell; when the build changed, forgets the old build's assets. */
async function keepShell(res) {
  const cache = await caches.open(SHELL);
  const html = await res.clone().text();
  const previous = await cache.match(INDEX);
  if (previous && (await previous.text()) !== html) {
    for (const req of await cache.keys()) if (isAsset(new URL(req.url))) await cache.delete(req);
  }
  await cache.put(INDEX, res);
}

async function page(event) {
  try {
    const res = await fetch(event.request);
    const type = res.headers.get('content-type') || '';
    if (res.ok && res.type === 'basic' && type.startsWith('text/html')) event.waitUntil(keepShell(res.clone()));
    return res;
  } catch (e) {
    const cached = await caches.match(INDEX, { cacheName: SHELL });
    if (cached) return cached;
    throw e;
  }
}

async function asset(event) {
  const cache = await caches.open(SHELL);
  const hit = await cache.match(event.request);
  if (hit) return hit;
  const res = await fetch(event.request);
  if (res.ok && res.type === 'basic' && res.status === 200) event.waitUntil(cache.put(event.request, res.clone()));
  return res;
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || req.headers.has('range')) return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || isApi(url)) return; // never: see the note above
  if (req.mode === 'navigate') event.respondWith(page(event));
  else if (isAsset(url)) event.respondWith(asset(event));
});
