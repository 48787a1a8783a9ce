// The logged-in client: the SDK session restored from OBSCURA_HOME, the library, albums,
// pinned keys and the local timeline index, plus the mapping of SDK errors to one line.
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import {
  INSECURE_FAST_KDF, INSECURE_FAST_OPAQUE,
  Albums, AlbumStatePins, AlbumTrustError, ApiError, IntegrityError, KeyChangedError, KeyPins, Session, TimelineIndex, UsageError as SdkUsageError,
  type AlbumNotice, type AlbumStatePinsJSON, type ConnectOptions, type Library, type TimelineIndexJSON,
} from '@obscura/sdk';
import { nodeLibrary } from '@obscura/sdk/node';
import { readPrivateJson, writePrivateFile, type CliContext, type CliState } from './context.ts';
import { CliError } from './errors.ts';
import { safe } from './terminal-text.ts';

export const USER_AGENT = 'obscura-cli/0.1.0';
export const NOT_LOGGED_IN = 'not logged in; run obscura login --server URL --email E';
export const SESSION_ENDED = 'your session has ended; run obscura login';

/** Test-only cheap key stretching (see docs/cli.md): never the shipped defaults otherwise. */
export { INSECURE_FAST_KDF, INSECURE_FAST_OPAQUE };

/**
 * Key-stretching options for commands that derive keys from a password (signup, login,
 * passwd, recover). With OBSCURA_INSECURE_FAST_KDF=1 (tests only) a loud one-line warning
 * goes to stderr; otherwise the SDK's shipped defaults are used.
 */
export function stretching(ctx: Pick<CliContext, 'env' | 'stderr'>): Pick<ConnectOptions, 'kdfParams' | 'opaqueKeyStretching'> {
  if (ctx.env.OBSCURA_INSECURE_FAST_KDF !== '1') return {};
  ctx.stderr.write('obscura: WARNING: OBSCURA_INSECURE_FAST_KDF=1: weak test-only password stretching in use; never use it for a real account\n');
  return { kdfParams: INSECURE_FAST_KDF, opaqueKeyStretching: INSECURE_FAST_OPAQUE };
}

/**
 * Argon2id parameters for a new link password (link create/set --password): the SDK's
 * shipped default (64 MiB), or with OBSCURA_INSECURE_FAST_KDF=1 (tests only) the cheap
 * test parameters, announced on stderr. Visitors always use what the link was made with.
 */
export function linkKdf(ctx: Pick<CliContext, 'env' | 'stderr'>): NonNullable<ConnectOptions['kdfParams']> | undefined {
  if (ctx.env.OBSCURA_INSECURE_FAST_KDF !== '1') return undefined;
  ctx.stderr.write('obscura: WARNING: OBSCURA_INSECURE_FAST_KDF=1: weak test-only link password stretching in use; never use it for a real link\n');
  return INSECURE_FAST_KDF;
}

export function connectOptions(ctx: Pick<CliContext, 'env' | 'stderr'>, server: string): ConnectOptions {
  return { server: normalizeServer(server), userAgent: USER_AGENT, ...stretching(ctx) };
}

export function normalizeServer(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * [Note: SDK errors become one line] The server words its refusals for people, so an
 * ApiError prints as is; a few cases get a sentence that says what to do.
 * `sessionBased`: the request used a stored session, so 401 means it ended (not "wrong
 * password" as during login).
 */
export function describeError(err: unknown, o: { sessionBased?: boolean } = {}): unknown {
  if (err instanceof CliError) return err;
  if (err instanceof ApiError) {
    if (err.status === 0) return new CliError(err.message.startsWith('cannot reach') ? err.message : `cannot reach the server: ${err.message}`);
    if (err.status === 401 && o.sessionBased) return new CliError(SESSION_ENDED);
    return new CliError(err.message);
  }
  if (err instanceof IntegrityError) return new CliError(`refused: photo ${err.fileId} failed verification: ${err.reason}`);
  if (err instanceof KeyChangedError) return new CliError(err.message);
  if (err instanceof AlbumTrustError) return new CliError(err.message);
  if (err instanceof SdkUsageError) return new CliError(err.message);
  return err;
}

export function saveState(ctx: CliContext, session: Session): Promise<void> {
  const state: CliState = { version: 2, serverUrl: session.api.baseUrl, email: session.user.email, userId: session.user.id, session: session.toState() };
  return ctx.writeState(state);
}

export const PINS_FILE = 'pins.json';
export const timelineFile = (userId: string) => `timeline-${userId}.json`;
/** The latest verified state of each album ([Note: album state pins]). */
export const albumStatesFile = (userId: string) => `album-states-${userId}.json`;

function describeNotice(n: AlbumNotice): string {
  const who = n.dropped.map((d) => `${d.email} (${d.status})`).join(', ');
  return `album ${n.albumId.slice(0, 8)}: renewed its key (epoch ${n.epoch})${who ? ` without ${who}` : ''}; they cannot open photos added from now on`;
}
export const backupCacheFile = (userId: string, dir: string) =>
  `backup-${userId}-${createHash('sha256').update(dir).digest('hex').slice(0, 16)}.json`;

type PinsJSON = ConstructorParameters<typeof KeyPins>[0];

/**
 * [Note: pins per server] pins.json, one per OBSCURA_HOME, outlives a login to another
 * server (state.json names one server at a time, but logout/login keep the pins). User ids
 * and emails only mean something on the server that issued them (bob@… on another server is
 * another account), so the file keeps one KeyPins per server URL:
 * `{ version: 2, servers: { URL: KeyPinsJSON }, legacy? }`. A file from before (one KeyPins
 * shape for every server, `Record<userId, keys>` or the SDK's own v2) is read as `legacy`:
 * the starting pins of any server that has none of its own yet, exactly as before.
 */
interface PinsFile {
  version: 2;
  servers: Record<string, PinsJSON>;
  legacy?: PinsJSON;
}

/** The key pins are filed under: the server URL without trailing slashes, host lower-cased. */
export function pinScope(serverUrl: string): string {
  try {
    const u = new URL(serverUrl);
    return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return normalizeServer(serverUrl);
  }
}

async function readPinsFile(ctx: CliContext): Promise<PinsFile> {
  const json = await readPrivateJson<PinsFile | PinsJSON>(ctx.home, PINS_FILE);
  if (!json) return { version: 2, servers: {} };
  if ('servers' in json && json.servers && typeof json.servers === 'object') return json as PinsFile;
  return { version: 2, servers: {}, legacy: json as PinsJSON };
}

/** The pins for `server` (without one: those of a file from before pins were per server). */
export async function loadPins(ctx: CliContext, server?: string): Promise<KeyPins> {
  const file = await readPinsFile(ctx);
  const own = server === undefined ? undefined : file.servers[pinScope(server)];
  try {
    return new KeyPins(own ?? file.legacy ?? {});
  } catch (err) {
    throw new CliError(`${ctx.home}/${PINS_FILE}: ${(err as Error).message}`);
  }
}

/** Writes `pins` as the pins for `server`, keeping the other servers' pins in the file. */
export async function writePins(ctx: CliContext, server: string, pins: KeyPins): Promise<void> {
  const file = await readPinsFile(ctx);
  const next: PinsFile = { version: 2, servers: { ...file.servers, [pinScope(server)]: pins.toJSON() }, ...(file.legacy ? { legacy: file.legacy } : {}) };
  await writePrivateFile(ctx.home, PINS_FILE, `${JSON.stringify(next, null, 2)}\n`);
}

export interface Client {
  readonly ctx: CliContext;
  readonly state: CliState;
  readonly session: Session;
  readonly library: Library;
  readonly albums: Albums;
  readonly pins: KeyPins;
  savePins(): Promise<void>;
  /** The local timeline index, brought up to date with the server (incremental). */
  timeline(): Promise<TimelineIndex>;
}

/** Restores the saved session; `extra` passes key-stretching options (passwd). */
export async function openClient(ctx: CliContext, extra: Omit<ConnectOptions, 'server'> = {}): Promise<Client> {
  const state = await ctx.readState();
  if (!state) throw new CliError(NOT_LOGGED_IN);
  const session = await Session.restore(state.session, { userAgent: USER_AGENT, ...extra });
  const pins = await loadPins(ctx, state.serverUrl);
  const library = nodeLibrary(session, { pins });
  const statesFile = albumStatesFile(session.user.id);
  const statePins = new AlbumStatePins(await readPrivateJson<AlbumStatePinsJSON>(ctx.home, statesFile));
  const albums = new Albums(library, { statePins, onNotice: (n) => ctx.stderr.write(safe`${describeNotice(n)}\n`) });
  let synced: TimelineIndex | undefined;
  return {
    ctx, state, session, library, albums, pins,
    async savePins() {
      await writePins(ctx, state.serverUrl, pins);
      await writePrivateFile(ctx.home, statesFile, `${JSON.stringify(statePins.toJSON())}\n`);
    },
    async timeline() {
      if (synced) return synced;
      const name = timelineFile(session.user.id);
      const json = await readPrivateJson<TimelineIndexJSON>(ctx.home, name);
      const index = json && json.version === 1 && json.userId === session.user.id ? TimelineIndex.fromJSON(json) : new TimelineIndex(session.user.id);
      const changed = await index.sync(library);
      if (changed > 0 || !json) await writePrivateFile(ctx.home, name, JSON.stringify(index.toJSON()));
      await writePins(ctx, state.serverUrl, pins);
      synced = index;
      return index;
    },
  };
}

/**
 * Runs a command body with the logged-in client; maps a 401 to "session ended" and saves
 * the pins afterwards (whatever the outcome) since verifying anything may pin a key.
 */
export async function withClient<T>(ctx: CliContext, fn: (c: Client) => Promise<T>, extra: Omit<ConnectOptions, 'server'> = {}): Promise<T> {
  let client: Client | undefined;
  try {
    client = await openClient(ctx, extra);
    return await fn(client);
  } catch (err) {
    throw describeError(err, { sessionBased: true });
  } finally {
    if (client) await client.savePins().catch(() => {});
  }
}

/** Forgets the local session and the decrypted timeline (pins and backup caches stay). */
export async function forgetLocal(ctx: CliContext, userId: string | undefined): Promise<void> {
  await ctx.clearState();
  if (userId) await rm(`${ctx.home}/${timelineFile(userId)}`, { force: true });
}
