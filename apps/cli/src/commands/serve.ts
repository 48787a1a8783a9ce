// obscura serve — runs the server in this process until Ctrl-C / SIGTERM.
import type { Command } from '../command.ts';
import type { CliContext } from '../context.ts';
import { CliError } from '../errors.ts';

/** What the CLI needs from @obscura/server (apps/server/src/index.ts). */
interface ServerModule {
  loadConfig(env: Record<string, string | undefined>): unknown;
  startServer(config: unknown, opts?: { logger?: ServerLogger }): Promise<{ url: string; close(): Promise<void> }>;
}

/** The server's Logger port (apps/server/src/ports/logger.ts). */
interface ServerLogger {
  info(line: string): void;
  error(line: string, err?: unknown): void;
}

/**
 * The server's log, written to this command's streams (info on stdout, errors on stderr) in
 * the server's own format: `<ISO time> <line>`. [Note: one listening line] The server logs
 * `obscura server listening on URL (database, data in DIR, blobs in WHERE)` once it listens;
 * that is the only "listening" line (test/support/server-process.ts waits for it), so serve
 * prints no second one.
 */
export function serverLogger(ctx: Pick<CliContext, 'stdout' | 'stderr'>): ServerLogger {
  const stamp = () => new Date().toISOString();
  return {
    info: (line) => { ctx.stdout.write(`${stamp()} ${line}\n`); },
    error: (line, err) => {
      const detail = err instanceof Error ? `\n${err.stack ?? err.message}` : err === undefined ? '' : ` ${String(err)}`;
      ctx.stderr.write(`${stamp()} ERROR ${line}${detail}\n`);
    },
  };
}

// [Note: serve imports the server lazily] Only `serve` loads Fastify, the database
// drivers and the blob store; every other command starts fast and the client half of
// the CLI never needs the server installed. The specifier is a variable so the
// typecheck of the CLI does not depend on the server's internals.
const SERVER_MODULE = '@obscura/server';

export const serve: Command = {
  name: 'serve',
  summary: 'Run the Obscura server (SQLite + local blobs by default; configured by environment variables).',
  usage: 'obscura serve',
  description: 'Configuration comes from the environment (see the server documentation: PORT, DATA_DIR, DATABASE_URL, ...).\nStops cleanly on Ctrl-C or SIGTERM.',
  options: {},
  async run(ctx) {
    let mod: Partial<ServerModule>;
    try {
      mod = (await import(SERVER_MODULE)) as Partial<ServerModule>;
    } catch (err) {
      throw new CliError(`cannot load the server (${SERVER_MODULE}): ${(err as Error).message}`);
    }
    if (typeof mod.startServer !== 'function' || typeof mod.loadConfig !== 'function') {
      throw new CliError(`${SERVER_MODULE} does not export startServer/loadConfig`);
    }
    const config = mod.loadConfig(ctx.env);
    const server = await mod.startServer(config, { logger: serverLogger(ctx) });
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    ctx.stderr.write('obscura: stopping server\n');
    await server.close();
    return 0;
  },
};
