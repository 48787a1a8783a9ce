// A hostile server operator in a box: an HTTP proxy in front of the real server that forwards
// every request as is and lets a test rewrite the JSON answers of chosen routes. Clients (SDK
// or CLI) are pointed at the proxy's URL and cannot tell it from the server.
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Rewrites one JSON answer; gets the parsed request body too (null when it had none). */
export type Rewrite = (answer: unknown, req: { readonly method: string; readonly path: string; readonly body: unknown }) => unknown;

export interface RewritingProxy {
  /** Base URL to give clients instead of the server's. */
  readonly url: string;
  /** Every request forwarded, as "METHOD /path" (query string left out). */
  readonly requests: string[];
  /** Rewrites the 2xx JSON answers of `METHOD path` (exact path, query ignored) until the returned function is called. */
  rewrite(method: string, path: string, fn: Rewrite): () => void;
  /** How many answers were rewritten so far. */
  readonly rewritten: number;
  close(): Promise<void>;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer'];

function forwardable(headers: IncomingHttpHeaders, drop: readonly string[] = []): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (!HOP_BY_HOP.includes(k) && !drop.includes(k)) out[k] = v;
  return out;
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startRewritingProxy(target: string): Promise<RewritingProxy> {
  const upstream = new URL(target);
  const rules = new Map<string, Rewrite>();
  const requests: string[] = [];
  let rewritten = 0;

  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    requests.push(`${method} ${path}`);
    const rule = rules.get(`${method} ${path}`);
    const fail = (e: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`rewriting proxy: ${(e as Error).message}`);
    };
    void (async () => {
      // A rewritten answer is read whole, so ask for it uncompressed; the rest streams through.
      const body = rule ? await readAll(req) : undefined;
      const headers = { ...forwardable(req.headers, rule ? ['accept-encoding', 'content-length'] : []), host: upstream.host };
      if (body) headers['content-length'] = String(body.length);
      const out = request({ host: upstream.hostname, port: upstream.port, method, path: req.url, headers }, (answer) => {
        const status = answer.statusCode ?? 502;
        const isJson = (answer.headers['content-type'] ?? '').includes('application/json');
        if (!rule || status < 200 || status >= 300 || !isJson) {
          res.writeHead(status, forwardable(answer.headers));
          answer.pipe(res);
          return;
        }
        readAll(answer).then((raw) => {
          const parsedRequest = body && body.length > 0 ? JSON.parse(body.toString('utf8')) as unknown : null;
          const replaced = Buffer.from(JSON.stringify(rule(JSON.parse(raw.toString('utf8')), { method, path, body: parsedRequest })));
          rewritten++;
          res.writeHead(status, { ...forwardable(answer.headers, ['content-length', 'content-encoding', 'etag']), 'content-length': String(replaced.length) });
          res.end(replaced);
        }).catch(fail);
      });
      out.on('error', fail);
      if (body) out.end(body);
      else req.pipe(out);
    })().catch(fail);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    rewrite(method, path, fn) {
      const key = `${method.toUpperCase()} ${path}`;
      rules.set(key, fn);
      return () => {
        if (rules.get(key) === fn) rules.delete(key);
      };
    },
    get rewritten() {
      return rewritten;
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((e) => (e ? reject(e) : resolve()));
    }),
  };
}
