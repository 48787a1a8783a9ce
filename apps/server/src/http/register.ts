import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { ErrorResponse, LINK_ACCESS_PROOF_BYTES, LINK_AUTH_SCHEME, routes, type RouteDef, type RouteName } from '@obscura/protocol';
import { AppError } from '../errors.ts';
import type { AuthContext, LinkCredentials } from '../services/auth-context.ts';
import type { BinaryBody } from '../services/files.ts';
import type { SessionService } from '../services/sessions.ts';
import type { Ctx, Handlers } from './handlers.ts';

declare module 'fastify' {
  interface FastifyRequest { auth: AuthContext | null; link: LinkCredentials | null }
}

/** Registers every route of the protocol table; throws if one has no handler. */
export function registerRoutes(app: FastifyInstance, h: Handlers, sessions: SessionService): void {
  app.decorateRequest('auth', null);
  app.decorateRequest('link', null);
  for (const name of Object.keys(routes) as RouteName[]) {
    const def: RouteDef = routes[name];
    const handler = (h as Partial<Record<RouteName, (c: Ctx<RouteName>) => Promise<unknown>>>)[name];
    if (typeof handler !== 'function') throw new Error(`route ${name} (${def.method} ${def.path}) has no handler`);

    app.route({
      method: def.method,
      url: def.path,
      bodyLimit: def.bodyLimit,
      schema: {
        operationId: name,
        summary: def.summary,
        tags: [def.tag],
        ...(def.params ? { params: def.params } : {}),
        ...(def.query ? { querystring: def.query } : {}),
        ...(def.body && def.binary !== 'request' ? { body: def.body } : {}),
        ...(def.response ? { response: { 200: def.response, '4xx': ErrorResponse, '5xx': ErrorResponse } } : {}),
        ...(def.auth === 'session' ? { security: [{ bearer: [] }] } : def.auth === 'link' ? { security: [{ link: [] }] } : {}),
      },
      // Authenticate before the body is read: anonymous callers get 401 whatever they send.
      ...(def.auth === 'session'
        ? { onRequest: async (req: FastifyRequest) => { req.auth = await sessions.authenticate(req.headers.authorization); } }
        : def.auth === 'link'
          ? { onRequest: async (req: FastifyRequest) => { req.link = { proof: linkProof(req.headers.authorization) }; } }
          : {}),
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        if (def.binary === 'request' && !isOctetStream(req)) {
          throw new AppError('unsupported-media-type', `send the body as application/octet-stream (got ${req.headers['content-type'] ?? 'no content type'})`);
        }
        const len = Number(req.headers['content-length']);
        const ctx = {
          auth: def.auth === 'link' ? req.link : req.auth, params: req.params, query: req.query, body: def.binary === 'request' ? undefined : req.body,
          stream: (def.binary === 'request' ? req.body : req.raw) as Readable,
          contentLength: Number.isSafeInteger(len) && len >= 0 ? len : undefined,
          client: { ip: req.ip, userAgent: req.headers['user-agent'] ?? null },
        } as Ctx<RouteName>;
        const result = await handler(ctx);
        if (def.binary === 'response') {
          const b = result as BinaryBody;
          return reply.type('application/octet-stream').header('content-length', b.size).send(b.stream);
        }
        return result;
      },
    });
  }
}

/** `Authorization: Link <base64url of the 32-byte proof>` → the proof bytes; anything else → null. */
export function linkProof(header: string | undefined): Uint8Array | null {
  const m = /^(\S+)\s+([A-Za-z0-9_-]+)=*$/.exec(header?.trim() ?? '');
  if (!m || m[1]!.toLowerCase() !== LINK_AUTH_SCHEME.toLowerCase()) return null;
  const bytes = Buffer.from(m[2]!, 'base64url');
  return bytes.length === LINK_ACCESS_PROOF_BYTES ? new Uint8Array(bytes) : null;
}

function isOctetStream(req: FastifyRequest): boolean {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() === 'application/octet-stream'
    && typeof (req.body as Readable | undefined)?.pipe === 'function';
}
