import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { DialectName } from '../db/dialect/index.ts';
import { dialectOf } from '../db/dialect/index.ts';
import { AlbumsRepository } from './albums.ts';
import { AuthAttemptsRepository } from './auth-attempts.ts';
import { EmailVerificationsRepository } from './email-verifications.ts';
import { ExternalInvitationsRepository } from './external-invitations.ts';
import { FilesRepository } from './files.ts';
import { LibraryRepository } from './library.ts';
import { LinksRepository, LinkThrottleRepository } from './links.ts';
import { RateLimitsRepository } from './rate-limits.ts';
import { SessionsRepository } from './sessions.ts';
import { SettingsRepository } from './settings.ts';
import { UsersRepository } from './users.ts';

/** The repositories bound to one executor (the pool, or one transaction). */
export class Repos {
  readonly users: UsersRepository;
  readonly sessions: SessionsRepository;
  readonly attempts: AuthAttemptsRepository;
  readonly rateLimits: RateLimitsRepository;
  readonly settings: SettingsRepository;
  readonly files: FilesRepository;
  readonly library: LibraryRepository;
  readonly albums: AlbumsRepository;
  readonly links: LinksRepository;
  readonly linkThrottle: LinkThrottleRepository;
  readonly emailVerifications: EmailVerificationsRepository;
  readonly externalInvitations: ExternalInvitationsRepository;
  constructor(db: Kysely<DB>) {
    this.users = new UsersRepository(db);
    this.sessions = new SessionsRepository(db);
    this.attempts = new AuthAttemptsRepository(db);
    this.rateLimits = new RateLimitsRepository(db);
    this.settings = new SettingsRepository(db);
    this.files = new FilesRepository(db);
    this.library = new LibraryRepository(db);
    this.albums = new AlbumsRepository(db);
    this.links = new LinksRepository(db);
    this.linkThrottle = new LinkThrottleRepository(db);
    this.emailVerifications = new EmailVerificationsRepository(db);
    this.externalInvitations = new ExternalInvitationsRepository(db);
  }
}

/**
 * The database port: repositories outside a transaction, and `tx()` for a
 * unit of work that commits or rolls back whole.
 * [Note: SQLite and transactions] the SQLite driver has one connection; inside
 * `tx(fn)` use only the repositories passed to `fn`, never `db.repos`.
 */
export class Database {
  readonly repos: Repos;
  readonly dialect: DialectName;
  constructor(readonly kysely: Kysely<DB>) {
    this.repos = new Repos(kysely);
    this.dialect = dialectOf(kysely);
  }

  tx<T>(fn: (r: Repos) => Promise<T>): Promise<T> {
    return this.kysely.transaction().execute((trx) => fn(new Repos(trx)));
  }

  close(): Promise<void> {
    return this.kysely.destroy();
  }
}

export type { UserRow, SetupRow } from './users.ts';
export type { SessionRow } from './sessions.ts';
export type { FileRow, BlockRow } from './files.ts';
export type { LibraryItemRow, ChangeRow, LookupRow } from './library.ts';
export type { AlbumKind, AlbumRow, AlbumStateRow, MemberRow, AlbumKeyRow, AlbumItemRow, AlbumReadGrant, Role, MemberStatus } from './albums.ts';
export type { LinkRow, LinkKeyRow, ThrottleRow } from './links.ts';
export type { RateLimitStore } from './rate-limits.ts';
export type { EmailVerificationRow } from './email-verifications.ts';
export type { ExternalInvitationRow, ExternalInvitationWithAlbum, ExternalStatus } from './external-invitations.ts';
