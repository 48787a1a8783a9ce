// Serves the built browser app (apps/web/dist) at `/`: files by path, and index.html for every
// app URL (deep links: /albums/…, /s/…), so reload and shared links open the app. `/api/*` is
// never the app: an unknown API path stays a JSON 404. Every response carries the security
// headers ([Note: web security headers]).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * [Note: web security headers] The app runs only its own scripts (no inline script, no third
 * party), talks only to this origin, may not be framed, and sends no Referer anywhere: a public
 * link's secret is in the URL fragment, which browsers never send, and no-referrer keeps the
 * rest of the URL from leaking too. 'wasm-unsafe-eval' lets the worker compile the WebAssembly
 * of OPAQUE and Argon2 (bundled files of this origin, not eval of strings).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'", "img-src 'self' blob: data:",
  "media-src 'self' blob:", "connect-src 'self'", "worker-src 'self'", "manifest-src 'self'", "font-src 'self'",
  "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.wasm': 'application/wasm', '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8', '.woff2': 'font/woff2',
};

interface Asset { readonly body: Buffer; readonly type: string; readonly immutable: boolean }

async function walk(dir: string, root: string, out: Map<string, Asset>): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { await walk(p, root, out); continue; }
    const rel = `/${relative(root, p).split(sep).join('/')}`;
    const ext = e.name.slice(e.name.lastIndexOf('.'));
    out.set(rel, { body: await readFile(p), type: TYPES[ext] ?? 'application/octet-stream', immutable: rel.startsWith('/assets/') });
  }
}

/** True when `dir` holds a built app (index.html). */
export async function isBuiltWebApp(dir: string): Promise<boolean> {
  return stat(join(dir, 'index.html')).then((s) => s.isFile(), () => false);
}

const SERVICE_WORKER = '/sw.js';

/** Paths that are the app's own pages (index.html answers them). */
const APP_PATH = /^\/(?:$|photos|trash|albums|shared|shared-with-me|settings|invitations|s|login|signup|recover)(?:\/|$)/;

/**
 * Registers the app's files (read into memory once: the build is a few MB) and the app pages.
 * Without a build, `/` explains how to make one.
 */
export async function registerWebApp(app: FastifyInstance, webDir: string | undefined): Promise<void> {
  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(k)) reply.header(k, v);
    return payload;
  });
  const assets = new Map<string, Asset>();
  if (webDir && (await isBuiltWebApp(webDir))) await walk(webDir, webDir, assets);
  const index = assets.get('/index.html');
  const send = (reply: FastifyReply, path: string, a: Asset) => {
    // [Note: the service worker keeps the shell, never data] (apps/web/public/sw.js): its script
    // is always revalidated (so a fix reaches every browser on its next visit) and may control
    // the whole origin.
    if (path === SERVICE_WORKER) reply.header('service-worker-allowed', '/');
    return reply
      .header('cache-control', a.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .type(a.type).send(a.body);
  };

  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    const raw = req.url.split(/[?#]/)[0] ?? '/';
    if (raw.startsWith('/api/') || raw === '/api') {
      return reply.status(404).send({ error: { code: 'not-found', message: `no such endpoint: ${req.method} ${raw}` } });
    }
    let path: string;
    try {
      path = decodeURIComponent(raw);
    } catch {
      return reply.status(400).type('text/plain; charset=utf-8').send('bad request: the address is not valid percent-encoding');
    }
    const file = assets.get(path);
    if (file && path !== '/index.html') return send(reply, path, file);
    if (APP_PATH.test(path) || path === '/index.html') {
      if (index) return send(reply, '/index.html', index);
      return reply.status(503).type('text/html; charset=utf-8').send(
        '<!doctype html><meta charset="utf-8"><title>Obscura</title><p>The Obscura web app is not built on this server. ' +
        'Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it), then reload.</p>');
    }
    return reply.status(404).type('text/plain; charset=utf-8').send(`not found: ${path}`);
  });
}
