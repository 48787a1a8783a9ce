// Everything a command touches from the outside world, injectable so tests run
// commands in-process: streams, environment, working directory, and the state store.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SessionState } from '@obscura/sdk';
import { CliError } from './errors.ts';

export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface InStream extends NodeJS.EventEmitter {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  setEncoding?(encoding: BufferEncoding): unknown;
  resume(): unknown;
  pause(): unknown;
}

/**
 * What `obscura` remembers between runs (OBSCURA_HOME/state.json, mode 0600).
 * [Note: state file holds keys] After login it holds the SDK's SessionState: the session
 * token and the user's unlocked account keys, so it is as sensitive as the password: 0600
 * in a 0700 folder, written atomically, deleted by `logout`. Next to it, also 0600:
 * pins.json (pinned public keys of other people, per server), album-states-<userId>.json
 * (the latest owner-signed state verified per album), login.json (the last server and email,
 * kept after logout), timeline-<userId>.json (the decrypted timeline index) and
 * backup-<userId>-<folder hash>.json (backup hash caches).
 */
export interface CliState {
  version: 2;
  serverUrl: string;
  email: string;
  userId: string;
  /** Session token + serialized account keys, format owned by the SDK. */
  session: SessionState;
}

export interface CliContext {
  stdout: OutStream;
  stderr: OutStream;
  stdin: InStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** OBSCURA_HOME, default ~/.config/obscura. */
  home: string;
  /** Set by --quiet: no progress output. */
  quiet: boolean;
  /** Aborted on SIGINT/SIGTERM (or by a test) for long-running commands. */
  signal: AbortSignal;
  /** Clock for progress/ETA; injectable so tests never sleep. */
  now(): number;
  readState(): Promise<CliState | null>;
  writeState(state: CliState): Promise<void>;
  clearState(): Promise<void>;
}

export interface ContextOptions {
  stdout?: OutStream;
  stderr?: OutStream;
  stdin?: InStream;
  env?: Record<string, string | undefined>;
  cwd?: string;
  signal?: AbortSignal;
  now?: () => number;
}

export function defaultHome(env: Record<string, string | undefined>): string {
  if (env.OBSCURA_HOME) return resolve(env.OBSCURA_HOME);
  const base = env.XDG_CONFIG_HOME ? resolve(env.XDG_CONFIG_HOME) : join(env.HOME ?? homedir(), '.config');
  return join(base, 'obscura');
}

export function createContext(o: ContextOptions = {}): CliContext {
  const env = o.env ?? process.env;
  const home = defaultHome(env);
  const cwd = o.cwd ?? process.cwd();
  return {
    stdout: o.stdout ?? process.stdout,
    stderr: o.stderr ?? process.stderr,
    stdin: o.stdin ?? process.stdin,
    env,
    cwd,
    home,
    quiet: false,
    signal: o.signal ?? new AbortController().signal,
    now: o.now ?? (() => Date.now()),
    readState: () => readState(home),
    writeState: (s) => writeState(home, s),
    clearState: () => clearState(home),
  };
}

export const stateFile = (home: string) => join(home, 'state.json');

export async function readState(home: string): Promise<CliState | null> {
  let text: string;
  try {
    text = await readFile(stateFile(home), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`cannot read ${stateFile(home)}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(`${stateFile(home)} is corrupt; run "obscura logout" and log in again`);
  }
  const s = parsed as Partial<CliState> | null;
  if (!s || typeof s !== 'object' || s.version !== 2 || typeof s.serverUrl !== 'string' || typeof s.email !== 'string') {
    throw new CliError(`${stateFile(home)} is not an Obscura state file (or from a newer version); run "obscura logout" and log in again`);
  }
  if (typeof s.userId !== 'string' || !s.session || typeof s.session !== 'object' || typeof s.session.token !== 'string' || typeof s.session.bundleB64 !== 'string') {
    throw new CliError(`${stateFile(home)} is corrupt; run "obscura logout" and log in again`);
  }
  return s as CliState;
}

/** Writes state.json atomically (temp file + rename), 0600, in a 0700 folder. */
export async function writeState(home: string, state: CliState): Promise<void> {
  await writePrivateFile(home, 'state.json', `${JSON.stringify(state, null, 2)}\n`);
}

/** Writes OBSCURA_HOME/NAME atomically (temp file + rename), 0600, in a 0700 folder. */
export async function writePrivateFile(home: string, name: string, text: string): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  await chmod(home, 0o700); // also tightens a folder created earlier by someone else's umask
  const target = join(home, name);
  const tmp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Reads OBSCURA_HOME/NAME as JSON; undefined when absent. */
export async function readPrivateJson<T>(home: string, name: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(join(home, name), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read ${join(home, name)}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new CliError(`${join(home, name)} is corrupt; delete it (it is rebuilt from the server) or run "obscura logout"`);
  }
}

export async function clearState(home: string): Promise<void> {
  await rm(stateFile(home), { force: true });
}
