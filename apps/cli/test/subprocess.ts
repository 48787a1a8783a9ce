// Runs `obscura` as a subprocess, as a person would (for the end-to-end tests in test/e2e/cli-*).
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repoRoot = new URL('../../..', import.meta.url).pathname;
const cliMain = join(repoRoot, 'apps/cli/src/main.ts');

export interface CliResult { code: number; stdout: string; stderr: string }

export function runCli(args: readonly string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) childEnv[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cliMain, ...args], { cwd: repoRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** One person at their own terminal: their OBSCURA_HOME, their password, fast test KDF. */
export interface CliUser {
  readonly name: string;
  readonly email: string;
  readonly home: string;
  password: string;
  /** Runs a command; `env` adds/overrides variables for this run. */
  run(args: readonly string[], env?: Record<string, string | undefined>): Promise<CliResult>;
  /** Runs a command that must succeed; returns stdout. */
  ok(...args: string[]): Promise<string>;
  /** Runs a --json command that must succeed; returns the parsed document. */
  json<T = any>(...args: string[]): Promise<T>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function cliUser(name: string, tag: string, opts: { home?: string } = {}): Promise<CliUser> {
  const home = opts.home ?? join(await mkdtemp(join(tmpdir(), `obscura-cli-${name.toLowerCase()}-`)), 'home');
  const u: CliUser = {
    name, home, email: `${name.toLowerCase()}-${tag}@example.org`, password: `correct horse ${name} battery`,
    run: (args, env = {}) => runCli(args, { OBSCURA_HOME: home, OBSCURA_PASSWORD: u.password, OBSCURA_INSECURE_FAST_KDF: '1', ...env }),
    async ok(...args) {
      const r = await u.run(args);
      if (r.code !== 0) throw new Error(`obscura ${args.join(' ')} (as ${name}) exited ${r.code}: ${r.stderr}`);
      return r.stdout;
    },
    async json(...args) {
      return JSON.parse(await u.ok(...args));
    },
  };
  return u;
}
