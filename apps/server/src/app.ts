import Fastify, { type FastifyInstance } from 'fastify';
import { EXTERNAL_INVITATIONS_PER_DAY_DEFAULT, EXTERNAL_INVITATION_TTL_DAYS_DEFAULT, GiB } from '@obscura/protocol';
import type { BlobStore } from './blob/blob-store.ts';
import { installErrorHandling } from './http/errors.ts';
import { handlers, type Services } from './http/handlers.ts';
import { registerOpenApi } from './http/openapi.ts';
import { registerRoutes } from './http/register.ts';
import { systemClock, type Clock } from './ports/clock.ts';
import { consoleLogger, type Logger } from './ports/logger.ts';
import { systemRandom, type Random } from './ports/random.ts';
import type { Mailer } from './ports/mailer.ts';
import type { Database } from './repositories/index.ts';
import { AlbumService } from './services/albums.ts';
import { AuthService } from './services/auth.ts';
import { EmailCodes } from './services/email-codes.ts';
import { ExternalInvitationService } from './services/external-invitations.ts';
import { Access } from './services/access.ts';
import { FileService } from './services/files.ts';
import { LibraryService } from './services/library.ts';
import { LinkThrottle } from './services/link-throttle.ts';
import { LinkService, liveLink } from './services/links.ts';
import { registerLinkPage } from './http/link-page.ts';
import { isBuiltWebApp, registerWebApp } from './http/web-app.ts';
import { createOpaqueServer } from './services/opaque.ts';
import { RateLimiter, type RateLimitPolicy } from './services/rate-limiter.ts';
import { SessionService } from './services/sessions.ts';
import { SetupService } from './services/setup.ts';
import { Sweeper } from './services/sweeper.ts';

export interface AppDeps {
  db: Database;
  blobs: BlobStore;
  opaqueServerSetup: string;
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  defaultQuotaBytes?: number;
  sessionTtlMs?: number;
  /** Signup, login and recovery attempts per email and per client address. */
  authRateLimit?: RateLimitPolicy;
  /** Emails one account may look up (usersLookup) per window; default 100 a minute. */
  lookupRateLimit?: RateLimitPolicy;
  /** Codes mailed per email address (default 5 an hour). */
  emailCodeMailLimit?: RateLimitPolicy;
  trustProxy?: boolean;
  publicUrl?: string;
  /** EXTERNAL_INVITATION_TTL_DAYS: an invitation to an email without an account lapses after this many days (default 30). */
  externalInvitationTtlDays?: number;
  /** EXTERNAL_INVITATIONS_PER_DAY: such invitations one person may send or re-send per day (default 20). */
  externalInvitationsPerDay?: number;
  /** REQUIRE_EMAIL_VERIFICATION: sign-up needs a mailed code proving the email (default off). */
  requireEmailVerification?: boolean;
  /** Invitation mails (outbox folder or SMTP); without one, mails are only logged. */
  mailer?: Mailer;
  /**
   * Where this server listens, as a URL (from HOST/PORT): the base of the links in invitation
   * mail when PUBLIC_URL is unset. Never taken from a request's Host header, which a sender
   * could choose.
   */
  listenUrl?: string;
  /** The built web app (apps/web/dist) served at `/`; without one, `/s/…` is a plain page about the CLI. */
  webDir?: string;
}

const DAY_MS = 24 * 3600_000;

/** Used when no mailer is given: says in the log that a mail was not delivered. */
const logOnlyMailer = (logger: Logger): Mailer => ({
  send: async (m) => { logger.info(`mail: ${m.kind} for ${m.to} not sent (no mailer configured)`); },
});

/** The path of a request URL for the log: no query string, no fragment. */
export const logPath = (url: string): string => url.split(/[?#]/)[0] ?? '';

export type ObscuraApp = FastifyInstance & { services: Services };

export async function createServices(deps: AppDeps): Promise<Services> {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? systemRandom;
  const logger = deps.logger ?? consoleLogger;
  const { db } = deps;
  const sessions = new SessionService(db, clock, random, deps.sessionTtlMs ?? 30 * 24 * 3600_000);
  const limiter = new RateLimiter(db.repos.rateLimits, clock, deps.authRateLimit ?? { limit: 10, windowMs: 60_000 });
  const opaque = await createOpaqueServer(deps.opaqueServerSetup);
  const mailer = deps.mailer ?? logOnlyMailer(logger);
  const emailCodes = new EmailCodes(db, clock, random, mailer, logger, limiter,
    new RateLimiter(db.repos.rateLimits, clock, deps.emailCodeMailLimit ?? { limit: 5, windowMs: 3600_000 }));
  const auth = new AuthService(db, clock, random, opaque, sessions, limiter, deps.defaultQuotaBytes ?? 10 * GiB, deps.opaqueServerSetup,
    emailCodes, deps.requireEmailVerification ?? false);
  const throttle = new LinkThrottle(db, clock);
  const access = new Access({ throttle, liveLink: (linkId) => liveLink(db.repos, clock, linkId) });
  const files = new FileService(db, deps.blobs, clock, access, logger);
  const library = new LibraryService(db, clock, files, access);
  const lookupLimiter = new RateLimiter(db.repos.rateLimits, clock, deps.lookupRateLimit ?? { limit: 100, windowMs: 60_000 });
  const publicUrl = deps.publicUrl ?? deps.listenUrl;
  const externalLimiter = new RateLimiter(db.repos.rateLimits, clock,
    { limit: deps.externalInvitationsPerDay ?? EXTERNAL_INVITATIONS_PER_DAY_DEFAULT, windowMs: DAY_MS });
  const externalInvitations = new ExternalInvitationService(db, clock, random, access, mailer, logger, publicUrl,
    (deps.externalInvitationTtlDays ?? EXTERNAL_INVITATION_TTL_DAYS_DEFAULT) * DAY_MS, externalLimiter);
  const albums = new AlbumService(db, clock, random, files, access, mailer, logger, publicUrl, lookupLimiter, externalInvitations);
  const links = new LinkService(db, clock, files, throttle, access);
  const sweeper = new Sweeper(db, clock, files, logger);
  const setup = new SetupService(db, clock);
  return { auth, emailCodes, sessions, files, library, albums, externalInvitations, links, sweeper, setup };
}

/** The Fastify app without listening (tests use `app.inject()`); `startServer` listens. */
export async function buildApp(deps: AppDeps): Promise<ObscuraApp> {
  const logger = deps.logger ?? consoleLogger;
  const services = await createServices(deps);
  const app = Fastify({ logger: false, trustProxy: deps.trustProxy ?? false });

  // One line per request: method, path (ids, no query string), status, time. Never bodies, headers
  // (so no session token and no link access proof) or query strings; URL fragments (a link's
  // secret) are never sent by clients, and are cut off here should one arrive anyway.
  app.addHook('onResponse', async (req, reply) => {
    logger.info(`${req.method} ${logPath(req.url)} ${reply.statusCode} ${Math.round(reply.elapsedTime)}ms`);
  });
  installErrorHandling(app, logger);
  // Binary uploads reach the handler as a stream, never buffered whole.
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));

  await registerOpenApi(app, deps.publicUrl);
  registerRoutes(app, handlers(services), services.sessions);
  const web = deps.webDir && (await isBuiltWebApp(deps.webDir)) ? deps.webDir : undefined;
  if (!web) registerLinkPage(app, services.links, deps.publicUrl);
  await registerWebApp(app, web);
  app.decorate('services', services);
  await app.ready();
  return app as unknown as ObscuraApp;
}
