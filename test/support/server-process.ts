// Starts the real server as its own process (`obscura serve`) on a free port with a
// temporary data folder, and captures its log to a file so tests can scan it.
import { createServer as createNetServer } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = new URL('../..', import.meta.url).pathname;
export const cliMain = join(repoRoot, 'apps/cli/src/main.ts');

export interface ServerProcess {
  readonly url: string;
  readonly dataDir: string;
  readonly logPath: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export async function startServerProcess(opts: { env?: Record<string, string>; dataDir?: string } = {}): Promise<ServerProcess> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'obscura-e2e-')));
  const logPath = join(dataDir, 'server.log');
  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', cliMain, 'serve'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(seen);
      if (m) {
        child.stdout!.off('data', onData);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening; log: ${logPath}`)));
  });
  return {
    url, dataDir, logPath, child,
    async stop() {
      // Not when it already exited or was killed (SIGKILL by a crash test): no exit event would come.
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await new Promise<void>((r) => log.end(r));
    },
  };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Undoes quoted-printable soft line breaks and escapes, and RFC 2047 Q-encoded header words, of one `.eml`. */
export function decodeMail(eml: string): string {
  const headerWords = eml.replace(/=\?UTF-8\?Q\?([^?]*)\?=\s*/gi, (_, w: string) => w.replace(/_/g, ' '));
  const bytes = headerWords.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/**
 * The mails a server process wrote to DATA_DIR/outbox (no SMTP_URL), oldest first, decoded.
 * `kind` is the mail's kind from its file name ("invitation", "external-invitation", "email-code").
 * Synchronous, so a terminal test can read a code the moment its prompt appears.
 */
export function readOutbox(dataDir: string): { name: string; kind: string; text: string }[] {
  const dir = join(dataDir, 'outbox');
  const names = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.eml')).sort() : [];
  return names.map((name) => ({
    name,
    kind: /^\d{4}-\d{2}-\d{2}T[\d-]+Z-(.+)-[0-9a-f]{8}\.eml$/.exec(name)?.[1] ?? '',
    text: decodeMail(readFileSync(join(dir, name), 'utf8')),
  }));
}

/** The newest one-time code mailed to `email` by a server process (its outbox), as 8 digits. */
export function mailedCode(dataDir: string, email: string): string {
  const mails = readOutbox(dataDir).filter((m) => m.kind === 'email-code' && m.text.includes(email));
  const last = mails[mails.length - 1];
  const m = last ? /^\s+(\d{4}) (\d{4})\s*$/m.exec(last.text) : null;
  if (!m) throw new Error(`no code mailed to ${email} in ${dataDir}/outbox`);
  return `${m[1]}${m[2]}`;
}

/** A free TCP port on 127.0.0.1, so a server can be told its public URL (the links in its mails) before it starts. */
export async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
