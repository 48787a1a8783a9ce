import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LINK_PAGE_PATH } from '@obscura/protocol';
import type { LinkService } from '../services/links.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Where the link points, as the visitor's browser shows it (PUBLIC_URL when configured). */
function baseUrl(req: FastifyRequest, publicUrl: string | undefined): string {
  return (publicUrl ?? `${req.protocol}://${req.host}`).replace(/\/+$/, '');
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em;color:#222}code{background:#f2f2f2;padding:.1em .3em;border-radius:3px;word-break:break-all}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

// [Note: the link page] `BASE/s/LINK_ID#SECRET`: browsers never send the part after `#`, so this
// page is the same for every visitor and knows nothing of the key. A later web viewer replaces it.
/** `GET /s/:linkId`: a self-contained HTML page (no external resources, no scripts). */
export function registerLinkPage(app: FastifyInstance, links: LinkService, publicUrl?: string): void {
  app.get(`${LINK_PAGE_PATH}:linkId`, { schema: { hide: true } }, async (req, reply) => {
    const { linkId } = req.params as { linkId: string };
    const exists = UUID.test(linkId) && await links.exists(linkId);
    const url = `${baseUrl(req, publicUrl)}${LINK_PAGE_PATH}${UUID.test(linkId) ? linkId.toLowerCase() : '…'}#…`;
    const html = exists
      ? page('Obscura shared link', `<h1>An Obscura shared link</h1>
<p>Someone shared photos with you through Obscura, an end-to-end encrypted photo library.</p>
<p>The key that opens them is in the part of the link after <code>#</code>. Your browser never sends that part to this server, so the server cannot see the photos.</p>
<p>Open the link with the Obscura command-line app, pasting the full link you were given (including everything after <code>#</code>):</p>
<p><code>obscura open '${escapeHtml(url)}'</code></p>`)
      : page('Obscura: link not found', `<h1>This link no longer exists</h1>
<p>The Obscura shared link you followed was deleted by its owner, or never existed.</p>`);
    return reply.status(exists ? 200 : 404)
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(html);
  });
}
