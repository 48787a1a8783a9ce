import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import {
  ErrorResponse, LINK_ACCESS_PROOF_BYTES, LINK_AUTH_SCHEME, MULTI_LINE_TEXT_PATTERN, SINGLE_LINE_TEXT_PATTERN, TIMESTAMP_PATTERN, routes,
  type RouteDef, type RouteName,
} from '@obscura/protocol';
import { AppError, badRequest } from '../errors.ts';
import { instantMessage, instantProblem } from '../services/encoding.ts';
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
      // [Note: readable 400s] a request that fails its schema still reaches the handler, which
      // answers with `readableValidationError`: the schema decides, the message helps.
      attachValidation: true,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        if (req.validationError) throw readableValidationError(req);
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

interface AjvError { instancePath: string; keyword: string; params: { format?: string; pattern?: string } }

/**
 * [Note: readable 400s] Ajv says `body/expiresAt must match pattern "^\d{4}-…"`; a person needs the
 * field, the value and what is wrong with it. Dates and refused characters in plain text
 * ([Note: instants], [Note: plain text people see] in the protocol schemas) get such a message;
 * any other schema failure keeps Ajv's ("invalid request: …").
 */
export function readableValidationError(req: FastifyRequest): Error {
  const err = req.validationError!;
  const first = (err.validation as AjvError[] | undefined)?.[0];
  const part: unknown = ({ body: req.body, querystring: req.query, params: req.params, headers: req.headers } as Record<string, unknown>)[err.validationContext];
  if (!first) return err;
  const value = valueAt(part, first.instancePath);
  if (typeof value !== 'string') return err;
  const field = fieldName(first.instancePath) || err.validationContext;
  const isDate = (first.keyword === 'format' && first.params.format === 'date-time') || (first.keyword === 'pattern' && first.params.pattern === TIMESTAMP_PATTERN);
  if (isDate) {
    const problem = instantProblem(value);
    return problem === null ? err : badRequest(instantMessage(field, value, problem));
  }
  if (first.keyword === 'pattern' && (first.params.pattern === SINGLE_LINE_TEXT_PATTERN || first.params.pattern === MULTI_LINE_TEXT_PATTERN)) {
    const allowed = new RegExp(first.params.pattern, 'u');
    const chars = [...value];
    const at = chars.findIndex((c) => !allowed.test(c));
    if (at < 0) return err;
    const rule = first.params.pattern === MULTI_LINE_TEXT_PATTERN
      ? 'line breaks are fine, other control characters and bidi controls are not'
      : 'it must be one line of text, without control characters or bidi controls';
    return badRequest(`${field} contains ${describeChar(chars[at]!.codePointAt(0)!)} at character ${at + 1}; ${rule}`);
  }
  return err;
}

/** `/invites/0/email/message` → `invites[0].email.message`. */
function fieldName(pointer: string): string {
  return pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((name, p) => (/^\d+$/.test(p) ? `${name}[${p}]` : name ? `${name}.${p}` : p), '');
}

function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const p of pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

const CHAR_NAMES: Record<number, string> = {
  0x00: 'NUL', 0x09: 'TAB', 0x0a: 'LINE FEED', 0x0d: 'CARRIAGE RETURN', 0x1b: 'ESCAPE', 0x7f: 'DELETE', 0x85: 'NEXT LINE',
  0x2028: 'LINE SEPARATOR', 0x2029: 'PARAGRAPH SEPARATOR', 0x061c: 'ARABIC LETTER MARK', 0x200e: 'LEFT-TO-RIGHT MARK', 0x200f: 'RIGHT-TO-LEFT MARK',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING', 0x202b: 'RIGHT-TO-LEFT EMBEDDING', 0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE', 0x202e: 'RIGHT-TO-LEFT OVERRIDE', 0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE', 0x2068: 'FIRST STRONG ISOLATE', 0x2069: 'POP DIRECTIONAL ISOLATE',
};

/** `U+202E RIGHT-TO-LEFT OVERRIDE (a bidi control)`. */
function describeChar(cp: number): string {
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const kind = [0x0a, 0x0d, 0x85, 0x2028, 0x2029].includes(cp) ? 'a line break'
    : cp === 0x061c || (cp >= 0x200e && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ? 'a bidi control'
      : 'a control character';
  return `${hex}${CHAR_NAMES[cp] ? ` ${CHAR_NAMES[cp]}` : ''} (${kind})`;
}
