import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as opaque from '@serenity-kit/opaque';
import type { Static } from '@sinclair/typebox';
import { recoverySignedMessage, routePath, type CreateFileBody, type RouteName, type Session } from '@obscura/protocol';
import { buildApp, type ObscuraApp } from '../src/app.ts';
import { DiskBlobStore } from '../src/blob/disk-blob-store.ts';
import { openDatabase } from '../src/db/index.ts';
import { ManualClock } from '../src/ports/clock.ts';
import { MemoryLogger } from '../src/ports/logger.ts';
import type { Mail, Mailer } from '../src/ports/mailer.ts';
import { Database } from '../src/repositories/index.ts';
import { migrateToLatest } from '../src/db/migrations/index.ts';
import type { DialectName } from '../src/db/dialect/index.ts';
import { freshDb } from './dialects.ts';
import type { RateLimitPolicy } from '../src/services/rate-limiter.ts';

// [Note: cheap key stretching in tests] OPAQUE's default Argon2id (64 MiB) is
// for real clients; tests act as a client with a tiny cost.
export const keyStretching = { 'argon2id-custom': { iterations: 1, memory: 64, parallelism: 1 } } as const;

await opaque.ready;
const SERVER_SETUP = opaque.server.createSetup();

export interface TestApp {
  app: ObscuraApp;
  clock: ManualClock;
  logger: MemoryLogger;
  db: Database;
  blobs: DiskBlobStore;
  dir: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  quotaBytes?: number; rateLimit?: RateLimitPolicy; lookupRateLimit?: RateLimitPolicy; emailCodeMailLimit?: RateLimitPolicy; sessionTtlMs?: number; dialect?: DialectName; mailer?: Mailer; publicUrl?: string;
  externalInvitationTtlDays?: number; externalInvitationsPerDay?: number; requireEmailVerification?: boolean;
}

export async function makeTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const dir = await mkdtemp(join(tmpdir(), 'obscura-server-'));
  let closeDb: () => Promise<void>;
  let db: Database;
  if (opts.dialect === 'postgres') {
    const pg = await freshDb('postgres');
    await migrateToLatest(pg.kysely);
    db = new Database(pg.kysely);
    closeDb = () => pg.close();
  } else {
    db = await openDatabase({ kind: 'sqlite', file: join(dir, 'obscura.db') });
    closeDb = () => db.close();
  }
  const blobs = new DiskBlobStore(join(dir, 'blobs'));
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const app = await buildApp({
    db, blobs, clock, logger, opaqueServerSetup: SERVER_SETUP,
    defaultQuotaBytes: opts.quotaBytes ?? 1024 * 1024 * 1024,
    authRateLimit: opts.rateLimit ?? { limit: 1000, windowMs: 60_000 },
    lookupRateLimit: opts.lookupRateLimit ?? { limit: 1000, windowMs: 60_000 },
    // `emailCodeMailLimit: undefined` given explicitly: the server's default (5 an hour).
    emailCodeMailLimit: 'emailCodeMailLimit' in opts ? opts.emailCodeMailLimit : { limit: 1000, windowMs: 3600_000 },
    ...(opts.sessionTtlMs ? { sessionTtlMs: opts.sessionTtlMs } : {}),
    ...(opts.mailer ? { mailer: opts.mailer } : {}),
    ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
    ...(opts.externalInvitationTtlDays !== undefined ? { externalInvitationTtlDays: opts.externalInvitationTtlDays } : {}),
    ...(opts.externalInvitationsPerDay !== undefined ? { externalInvitationsPerDay: opts.externalInvitationsPerDay } : {}),
    ...(opts.requireEmailVerification !== undefined ? { requireEmailVerification: opts.requireEmailVerification } : {}),
  });
  return {
    app, clock, logger, db, blobs, dir,
    close: async () => { await app.close(); await closeDb(); await rm(dir, { recursive: true, force: true }); },
  };
}

export interface Account {
  email: string;
  password: string;
  token: string;
  session: Static<typeof Session>;
  signingKey: KeyObject;
  auth: { authorization: string };
}

export function rawPublicKey(k: KeyObject): Buffer {
  return Buffer.from(k.export({ format: 'jwk' }).x as string, 'base64url');
}

type InjectOpts = { body?: unknown; token?: string; params?: Record<string, string | number>; query?: string; headers?: Record<string, string>; payload?: Buffer | string };

/** Calls a route of the table by name. */
export async function call(app: ObscuraApp, name: RouteName, o: InjectOpts = {}) {
  const { routes } = await import('@obscura/protocol');
  const def = routes[name];
  return app.inject({
    method: def.method,
    url: routePath(name, o.params) + (o.query ? `?${o.query}` : ''),
    headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.headers ?? {}) },
    ...(o.payload !== undefined ? { payload: o.payload } : o.body !== undefined ? { payload: o.body as object } : {}),
  });
}

/** signupStart, then a signupFinish body as a client builds it (new keys, the OPAQUE record, a login start). */
export async function signupRequest(app: ObscuraApp, email: string, password: string, displayName = 'Test User') {
  const { clientRegistrationState, registrationRequest } = opaque.client.startRegistration({ password });
  const start = await call(app, 'signupStart', { body: { email, registrationRequestB64: registrationRequest } });
  if (start.statusCode !== 200) throw new Error(`signupStart ${start.statusCode}: ${start.body}`);
  const { registrationRecord } = opaque.client.finishRegistration({
    password, clientRegistrationState, registrationResponse: start.json().registrationResponseB64, keyStretching,
  });
  const ed = generateKeyPairSync('ed25519');
  const x = generateKeyPairSync('x25519');
  const { clientLoginState, startLoginRequest } = opaque.client.startLogin({ password });
  const body = {
    email, displayName, registrationRecordB64: registrationRecord,
    x25519PublicKeyB64: rawPublicKey(x.publicKey).toString('base64'),
    ed25519PublicKeyB64: rawPublicKey(ed.publicKey).toString('base64'),
    passwordEnvelopeB64: Buffer.from('password-envelope').toString('base64'),
    recoveryEnvelopeB64: Buffer.from('recovery-envelope').toString('base64'),
    startLoginRequestB64: startLoginRequest,
  };
  return { start, body, clientLoginState, signingKey: ed.privateKey };
}

/** Finishes the login that signupFinish started (as the SDK does); the raw loginFinish response, or undefined if the client saw a wrong password. */
export async function finishSignupLogin(app: ObscuraApp, finish: { json(): { loginId: string; loginResponseB64: string } }, clientLoginState: string, password: string) {
  const { loginId, loginResponseB64 } = finish.json();
  const fin = opaque.client.finishLogin({ clientLoginState, loginResponse: loginResponseB64, password, keyStretching });
  if (!fin) return undefined;
  return call(app, 'loginFinish', { body: { loginId, finishLoginRequestB64: fin.finishLoginRequest } });
}

/** Sign-up as a client does it: signupStart, signupFinish, then the login that finish started. */
export async function signup(app: ObscuraApp, email = `u${randomUUID().slice(0, 8)}@example.com`, password = 'correct horse battery', displayName = 'Test User'): Promise<Account> {
  const req = await signupRequest(app, email, password, displayName);
  const finish = await call(app, 'signupFinish', { body: req.body });
  if (finish.statusCode !== 200) throw new Error(`signupFinish ${finish.statusCode}: ${finish.body}`);
  const done = await finishSignupLogin(app, finish, req.clientLoginState, password);
  if (done?.statusCode !== 200) throw new Error(`sign-up of ${email} did not log in (${done ? `${done.statusCode}: ${done.body}` : 'wrong password: the email was taken'})`);
  const session = done.json() as Static<typeof Session>;
  return { email, password, token: session.token, session, signingKey: req.signingKey, auth: { authorization: `Bearer ${session.token}` } };
}

/** Full OPAQUE login; returns the raw finish response. */
export async function login(app: ObscuraApp, email: string, password: string, headers: Record<string, string> = {}) {
  const { clientLoginState, startLoginRequest } = opaque.client.startLogin({ password });
  const start = await call(app, 'loginStart', { body: { email, startLoginRequestB64: startLoginRequest }, headers });
  if (start.statusCode !== 200) return start;
  const { loginId, loginResponseB64 } = start.json();
  const fin = opaque.client.finishLogin({ clientLoginState, loginResponse: loginResponseB64, password, keyStretching });
  // A wrong password is detected by the client; it still sends something so the server's answer can be tested.
  const finishLoginRequestB64 = fin?.finishLoginRequest ?? 'AAAA';
  return call(app, 'loginFinish', { body: { loginId, finishLoginRequestB64 }, headers });
}

/**
 * Starts a password change as a client does (OPAQUE login with `current`, registration of
 * `next`); `finishBody` is the passwordChangeFinish body, with a junk proof when the client saw
 * that `current` is wrong (a real client stops there; the server must refuse it all the same).
 */
export async function startPasswordChange(app: ObscuraApp, token: string, current: string, next: string, envelope = 'env2') {
  const login = opaque.client.startLogin({ password: current });
  const reg = opaque.client.startRegistration({ password: next });
  const start = await call(app, 'passwordChangeStart', { token, body: { startLoginRequestB64: login.startLoginRequest, registrationRequestB64: reg.registrationRequest } });
  if (start.statusCode !== 200) return { start, finishBody: undefined, proven: false };
  const s = start.json();
  const proof = opaque.client.finishLogin({ clientLoginState: login.clientLoginState, loginResponse: s.loginResponseB64, password: current, keyStretching });
  const { registrationRecord } = opaque.client.finishRegistration({
    password: next, clientRegistrationState: reg.clientRegistrationState, registrationResponse: s.registrationResponseB64, keyStretching,
  });
  const finishBody = {
    changeId: s.changeId as string, finishLoginRequestB64: proof?.finishLoginRequest ?? 'AAAA',
    registrationRecordB64: registrationRecord, passwordEnvelopeB64: Buffer.from(envelope).toString('base64'),
  };
  return { start, finishBody, proven: proof !== undefined };
}

/** The whole password change; `finish` is undefined when the start was refused. */
export async function changePassword(app: ObscuraApp, token: string, current: string, next: string, envelope = 'env2') {
  const { start, finishBody } = await startPasswordChange(app, token, current, next, envelope);
  const finish = finishBody ? await call(app, 'passwordChangeFinish', { token, body: finishBody }) : undefined;
  return { start, finish };
}

export async function recover(app: ObscuraApp, acct: Pick<Account, 'email' | 'signingKey'>, newPassword: string, signWith?: KeyObject) {
  const { clientRegistrationState, registrationRequest } = opaque.client.startRegistration({ password: newPassword });
  const start = await call(app, 'recoveryStart', { body: { email: acct.email, registrationRequestB64: registrationRequest } });
  if (start.statusCode !== 200) return { start, finish: undefined };
  const s = start.json();
  const { registrationRecord } = opaque.client.finishRegistration({
    password: newPassword, clientRegistrationState, registrationResponse: s.registrationResponseB64, keyStretching,
  });
  const passwordEnvelopeB64 = Buffer.from('new-envelope').toString('base64');
  const msg = recoverySignedMessage({ challengeB64: s.challengeB64, registrationRecordB64: registrationRecord, passwordEnvelopeB64 });
  const signatureB64 = sign(null, msg, signWith ?? acct.signingKey).toString('base64');
  const finish = await call(app, 'recoveryFinish', { body: { recoveryId: s.recoveryId, signatureB64, registrationRecordB64: registrationRecord, passwordEnvelopeB64 } });
  return { start, finish };
}

export const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
export const randomHash = () => randomBytes(32).toString('hex');

export interface FakeFile { body: Static<typeof CreateFileBody>; blocks: Buffer[]; thumbSmall: Buffer; thumbLarge: Buffer }

/** A file as a client would declare it (random "ciphertext"). */
export function fakeFile(blockSizes: number[] = [1000, 500], o: { contentHash?: string; thumbBytes?: number } = {}): FakeFile {
  const blocks = blockSizes.map((n) => randomBytes(n));
  const thumbSmall = randomBytes(o.thumbBytes ?? 100);
  const thumbLarge = randomBytes(o.thumbBytes ?? 300);
  return {
    blocks, thumbSmall, thumbLarge,
    body: {
      fileId: randomUUID(), blockCount: blocks.length,
      blocks: blocks.map((b) => ({ size: b.length, sha256Hex: sha256Hex(b) })),
      encryptedSize: blocks.reduce((n, b) => n + b.length, 0),
      manifestB64: randomBytes(64).toString('base64'), signatureB64: randomBytes(64).toString('base64'),
      metadataB64: randomBytes(50).toString('base64'),
      thumbnailSmallB64: thumbSmall.toString('base64'), thumbnailLargeB64: thumbLarge.toString('base64'),
      wrappedKeyB64: randomBytes(72).toString('base64'), contentHash: o.contentHash ?? randomHash(),
    },
  };
}

/** Bytes charged to the quota for a fake file (blocks + thumbnails + metadata + manifest). */
export const chargeOf = (f: FakeFile) => f.body.encryptedSize + f.thumbSmall.length + f.thumbLarge.length + 50 + 64;

export async function putBlock(app: ObscuraApp, token: string, fileId: string, index: number, bytes: Buffer) {
  return call(app, 'putBlock', { token, params: { fileId, index }, payload: bytes, headers: { 'content-type': 'application/octet-stream' } });
}

/** create → every block → complete. */
export async function uploadFile(app: ObscuraApp, token: string, f: FakeFile = fakeFile()): Promise<FakeFile> {
  const c = await call(app, 'createFile', { token, body: f.body });
  if (c.statusCode !== 200) throw new Error(`createFile ${c.statusCode}: ${c.body}`);
  for (const [i, b] of f.blocks.entries()) {
    const r = await putBlock(app, token, f.body.fileId, i, b);
    if (r.statusCode !== 200) throw new Error(`putBlock ${r.statusCode}: ${r.body}`);
  }
  const done = await call(app, 'completeFile', { token, params: { fileId: f.body.fileId } });
  if (done.statusCode !== 200) throw new Error(`completeFile ${done.statusCode}: ${done.body}`);
  return f;
}

/** Keeps mails in memory (tests). */
export class MemoryMailer implements Mailer {
  readonly sent: Mail[] = [];
  async send(mail: Mail): Promise<void> { this.sent.push(mail); }
}
