// obscura serve — runs the server in this process until Ctrl-C / SIGTERM.
import type { Command } from '../command.ts';
import { CliError } from '../errors.ts';

/** What the CLI needs from @obscura/server (apps/server/src/index.ts). */
interface ServerModule {
  loadConfig(env: Record<string, string | undefined>): unknown;
  startServer(config: unknown): Promise<{ url: string; close(): Promise<void> }>;
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
    const server = await mod.startServer(config);
    ctx.stdout.write(`Obscura server listening on ${server.url}\n`);
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    ctx.stderr.write('obscura: stopping server\n');
    await server.close();
    return 0;
  },
};
