import type { FastifyError, FastifyInstance } from 'fastify';
import type { ErrorCode } from '@obscura/protocol';
import { AppError, isStorageFull, storageFull } from '../errors.ts';
import type { Logger } from '../ports/logger.ts';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad-request', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 409: 'conflict',
  413: 'payload-too-large', 415: 'unsupported-media-type', 429: 'rate-limited',
};

/** Every failure becomes `{ error: { code, message } }`; a full disk is 507 ([Note: disk full]); unexpected ones are logged (no bodies) and reported as 500. */
export function installErrorHandling(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    const route = `${req.method} ${req.url.split(/[?#]/)[0]}`;
    // [Note: disk full] the operator learns it from the log, the client from a 507.
    if (!(err instanceof AppError) && isStorageFull(err)) {
      err = storageFull('the request was not carried out', { cause: err });
    }
    if (err instanceof AppError && err.code === 'storage-full') {
      // one line per refusal, no stack: a full disk refuses every upload until space returns
      const why = err.cause instanceof Error ? err.cause.message : 'no space left';
      logger.error(`${route} refused: the server's storage is full (${why.split('\n')[0]})`);
    }
    if (err instanceof AppError) {
      return reply.status(err.status).headers(err.headers).send({ error: { code: err.code, message: err.message } });
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      return reply.status(400).send({ error: { code: 'bad-request', message: `invalid request: ${fe.message}` } });
    }
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = req.routeOptions.bodyLimit;
      return reply.status(413).send({ error: { code: 'payload-too-large', message: `request body too large: the limit for this route is ${limit} bytes` } });
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.status(415).send({ error: { code: 'unsupported-media-type', message: `unsupported content type ${req.headers['content-type'] ?? '(none)'}; send application/json` } });
    }
    const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: CODE_BY_STATUS[status] ?? 'bad-request', message: fe.message } });
    }
    logger.error(`${route} failed`, err);
    return reply.status(500).send({ error: { code: 'internal', message: 'internal server error; the server log has the details' } });
  });

  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ error: { code: 'not-found', message: `no such endpoint: ${req.method} ${req.url.split(/[?#]/)[0]}` } });
  });
}
