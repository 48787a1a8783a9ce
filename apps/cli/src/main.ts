// obscura — command dispatch. `main(argv, ctx)` is pure of process globals so tests
// run commands in-process; `runCli()` wires it to the real process.
import { getEventListeners } from 'node:events';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { GLOBAL_OPTIONS, type Command, type CommandArgs } from './command.ts';
import { allCommands, findCommand } from './commands/index.ts';
import { createContext, type CliContext } from './context.ts';
import { EXIT_INTERRUPTED, EXIT_USAGE, UsageError } from './errors.ts';
import { commandHelp, mainHelp } from './help.ts';
import { describeError } from './client.ts';
import { printJson, reportError } from './output.ts';
import { versionInfo, versionLine } from './commands/version.ts';
import { didYouMean } from './suggest.ts';

/** `--version [--json]`: the line, or { cli, protocol, node, platform }. */
function printVersion(ctx: CliContext, rest: readonly string[]): number {
  const json = rest.includes('--json');
  const other = rest.find((a) => a !== '--json');
  if (other !== undefined) throw new UsageError(`--version takes only --json (got ${JSON.stringify(other)}); see obscura --help`);
  if (json) printJson(ctx.stdout, versionInfo());
  else ctx.stdout.write(versionLine());
  return 0;
}

export async function main(argv: readonly string[], ctx: CliContext = createContext()): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === undefined) {
      ctx.stderr.write(mainHelp());
      return EXIT_USAGE;
    }
    if (first === '--help' || first === '-h') {
      ctx.stdout.write(mainHelp());
      return 0;
    }
    if (first === '--version' || first === '-V') return printVersion(ctx, rest);
    if (first.startsWith('-')) throw new UsageError(`unknown option ${first}; see obscura --help`);
    const cmd = findCommand(first);
    if (!cmd) {
      const near = didYouMean(first, allCommands().map((c) => c.name), (n) => n);
      throw new UsageError(`unknown command ${first}${near ? ` (${near})` : ''}; see obscura --help`);
    }
    const args = parseCommandArgs(cmd, rest);
    if (args.values.help === true) {
      ctx.stdout.write(commandHelp(cmd));
      return 0;
    }
    ctx.quiet = args.values.quiet === true;
    return (await cmd.run(ctx, args)) ?? 0;
  } catch (err) {
    return reportError(ctx, describeError(err));
  }
}

export function parseCommandArgs(cmd: Command, argv: readonly string[]): CommandArgs {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, o] of Object.entries({ ...cmd.options, ...GLOBAL_OPTIONS })) {
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  const pos = cmd.positionals ?? { name: '', min: 0, max: 0 };
  let parsed: CommandArgs;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true }) as CommandArgs;
  } catch (err) {
    throw new UsageError(describeParseError(cmd, err));
  }
  if (parsed.values.help === true) return parsed;
  const n = parsed.positionals.length;
  if (n > pos.max) {
    throw new UsageError(pos.max === 0
      ? `${cmd.name} takes no arguments (got ${JSON.stringify(parsed.positionals[0])}); see obscura ${cmd.name} --help`
      : `too many arguments for ${cmd.name}; see obscura ${cmd.name} --help`);
  }
  if (n < pos.min) throw new UsageError(`${cmd.name} needs ${pos.name}; see obscura ${cmd.name} --help`);
  return parsed;
}

/** node:util parseArgs messages are long; turn them into one actionable line. */
function describeParseError(cmd: Command, err: unknown): string {
  const code = (err as { code?: string }).code;
  const message = (err as Error).message ?? String(err);
  const quoted = /'([^']+)'/.exec(message)?.[1];
  const see = `see obscura ${cmd.name} --help`;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${quoted ?? message} for ${cmd.name}; ${see}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = quoted?.split(' ')[0] ?? 'an option';
    return /argument missing/.test(message) ? `option ${flag} needs a value; ${see}` : `option ${flag} does not take a value; ${see}`;
  }
  return `${message.split('\n')[0]}; ${see}`;
}

/**
 * Runs the CLI on the real process. Ctrl-C/SIGTERM abort ctx.signal for commands that
 * listen to it (serve: graceful close); for the others, and on a second Ctrl-C, the
 * process exits 130 at once.
 */
export async function runCli(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted || getEventListeners(controller.signal, 'abort').length === 0) process.exit(EXIT_INTERRUPTED);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // [Note: closed stdout] the reader went away (`| head -1`): stop at once, quietly, exit 141.
  // Any other write error on stdout is one line on stderr and exit 1; errors writing to stderr
  // itself cannot be reported anywhere and are ignored (stdout still works then).
  process.stdout.on('error', (err) => process.exit(reportError({ stderr: process.stderr, env: process.env }, err)));
  process.stderr.on('error', () => {});
  let code: number;
  try {
    code = await main(argv, createContext({ signal: controller.signal }));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  // The process then ends by itself once nothing is left to do (a handle left open would be a
  // bug to fix, not to hide behind process.exit).
  process.exitCode = code;
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) await runCli();
