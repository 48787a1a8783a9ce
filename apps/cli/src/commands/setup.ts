// The one-time setup ([Note: one-time setup] in packages/sdk/src/setup.ts): `obscura setup`
// shows or runs it; backup and login run it first when the account is behind, and say so.
import { AccountSetup, type SetupOutcome, type SetupProgress } from '@obscura/sdk';
import { boolOpt, type Command } from '../command.ts';
import { withClient, type Client } from '../client.ts';
import type { CliContext } from '../context.ts';
import { UsageError } from '../errors.ts';
import { printJson } from '../output.ts';
import { safe } from '../terminal-text.ts';

const pct = (p: { done: number; total: number }) => (p.total === 0 ? 100 : Math.floor((100 * p.done) / p.total));

/**
 * Brings the account's data up to date if it is behind, telling the person what waits (`what`:
 * "backup", "login") and how far the setup is; a no-op (one request) when it is up to date.
 */
export async function ensureSetup(ctx: CliContext, c: Client, what: string): Promise<SetupOutcome> {
  let last = '';
  const say = (line: string) => {
    if (line === last || ctx.quiet) return;
    last = line;
    ctx.stderr.write(safe`${line}\n`);
  };
  const onProgress = (p: SetupProgress) => say(p.state === 'waiting'
    ? `${what} paused: your account's one-time setup is running on another device (${pct(p)} %); waiting for it`
    : `${what} paused for a one-time setup — ${p.done} of ${p.total} albums`);
  const poll = Number(ctx.env.OBSCURA_SETUP_POLL_MS);
  const outcome = await new AccountSetup(c.albums).ensure({ onProgress, ...(poll > 0 ? { pollMs: poll } : {}) });
  for (const l of outcome.leftOut) {
    ctx.stderr.write(safe`WARNING: album ${l.albumId.slice(0, 8)}: ${l.email} was not put in its signed roster: ${l.reason}\n`);
  }
  if (outcome.ran || outcome.waited) say(`one-time setup finished${outcome.ran ? ` (${outcome.signed} albums signed here)` : ' on another device'}; ${what} continues`);
  return outcome;
}

export const setup: Command = {
  name: 'setup',
  summary: "The one-time setup that brings your account's stored data up to date: status, or run it now.",
  usage: 'obscura setup status|run [--json]',
  description: [
    'When a new version of Obscura changes how your data is stored, your own client upgrades it once (only your',
    'client holds the keys). The first such setup signs the state of every album you own, so that no server can',
    'plant keys or people in it. backup and login run it on the way, pausing until it is done; one device at a',
    'time runs it, the others wait. Interrupted, it resumes where it stopped.',
    'status: up to date, needed (with the number of albums), or running (on which device, how far).',
    'run: run it now (or wait for the device that is running it).',
  ].join('\n'),
  options: { json: { type: 'boolean', description: 'print one JSON document on stdout (see docs/cli.md)' } },
  positionals: { name: 'status|run', min: 1, max: 1 },
  run: (ctx, args) => withClient(ctx, async (c) => {
    const sub = args.positionals[0];
    if (sub === 'run') {
      const outcome = await ensureSetup(ctx, c, 'setup');
      if (boolOpt(args, 'json')) printJson(ctx.stdout, outcome);
      else ctx.stdout.write(outcome.ran || outcome.waited ? `your account is up to date (${outcome.signed} albums signed on this device)\n` : 'your account is up to date: no setup needed\n');
      return;
    }
    if (sub !== 'status') throw new UsageError(`unknown setup subcommand "${sub}"; use status or run`);
    const setup = new AccountSetup(c.albums);
    const s = await setup.status();
    const unsigned = (await setup.albumsToSign()).todo.length;
    if (boolOpt(args, 'json')) {
      printJson(ctx.stdout, { dataVersion: s.dataVersion, currentVersion: s.currentVersion, needed: s.dataVersion < s.currentVersion, unsignedAlbums: unsigned, running: s.running });
      return;
    }
    if (s.dataVersion >= s.currentVersion) ctx.stdout.write(`up to date (data version ${s.dataVersion})\n`);
    else if (s.running) ctx.stdout.write(`running ${s.running.byThisSession ? 'on this device' : 'on another device'}: ${pct(s.running)} % (${s.running.done} of ${s.running.total} albums)\n`);
    else ctx.stdout.write(`needed: data version ${s.dataVersion} of ${s.currentVersion}; ${unsigned} album${unsigned === 1 ? '' : 's'} to sign (obscura setup run, or it runs with the next backup)\n`);
  }),
};
